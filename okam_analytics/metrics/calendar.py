"""Business calendar: opening windows, public and extra holidays, business time (SPEC section 5).

Timestamps are naive local wall-clock times of `calendar.timezone`. Business time is computed
set-wise from a *timeline*: the naive local axis cut into segments at every window opening and
closing and at every DST change. Each segment carries the true elapsed minutes and the open
minutes accumulated before it, and two rates (0 or 1) saying whether time and open time run
inside it. For a timestamp t in the segment starting at local_from:

    elapsed(t) = elapsed_minutes_before + elapsed_rate * minutes(t - local_from)
    open(t)    = open_minutes_before    + open_rate    * minutes(t - local_from)

so business minutes between a and b are open(b) - open(a) and true calendar minutes are
elapsed(b) - elapsed(a). In numpy a timestamp finds its segment with searchsorted; in SQL with
an equality join on its clock hour against business_timeline_hours (one row per hour and
segment overlapping it), which is several times faster than an ASOF join on a million rows.
A naive time inside the spring-forward gap counts as the first instant after the gap (the
gap segment has rate 0); an ambiguous autumn time is its first occurrence (summer time).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import holidays as holidays_lib
import numpy as np
import pandas as pd

from okam_analytics import db

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TIMELINE_TABLE = "business_timeline"
MINUTE = np.timedelta64(60_000_000, "us")


def closed_dates(calendar: dict[str, Any], start: date, end: date) -> list[date]:
    """Public holidays of the calendar's country/subdivision plus extra holidays, in [start, end]."""
    days: set[date] = set()
    country = calendar.get("holiday_country")
    if country:
        years = range(start.year, end.year + 1)
        public = holidays_lib.country_holidays(
            country, subdiv=calendar.get("holiday_subdivision") or None, years=years
        )
        days.update(d for d in public if start <= d <= end)
    for iso in calendar.get("extra_holidays") or []:
        day = date.fromisoformat(iso)
        if start <= day <= end:
            days.add(day)
    return sorted(days)


def parse_window(pair: list[str]) -> tuple[timedelta, timedelta]:
    """["09:00", "18:00"] -> offsets from midnight; "24:00" is midnight after; an end at or
    before the start means the window runs past midnight into the next day."""
    try:
        opens, closes = (_clock(text) for text in pair)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"An opening window must look like ['09:00', '18:00'], got {pair!r}."
        ) from exc
    if closes <= opens:
        closes += timedelta(days=1)
    return opens, closes


def _clock(text: str) -> timedelta:
    hours, minutes = (int(part) for part in text.split(":"))
    if not (0 <= minutes < 60 and 0 <= hours <= 24) or (hours == 24 and minutes):
        raise ValueError(text)
    return timedelta(hours=hours, minutes=minutes)


def open_intervals(
    calendar: dict[str, Any], start: date, end: date
) -> list[tuple[datetime, datetime]]:
    """Merged naive local open intervals of the days start..end, holidays left out."""
    windows = calendar.get("windows") or {}
    by_weekday = [[parse_window(w) for w in windows.get(name) or []] for name in WEEKDAYS]
    closed = set(closed_dates(calendar, start, end))
    spans: list[tuple[datetime, datetime]] = []
    day = start
    while day <= end:  # once per calendar day to build the table; never per ticket
        if day not in closed:
            midnight = datetime.combine(day, time())
            spans.extend((midnight + a, midnight + b) for a, b in by_weekday[day.weekday()])
        day += timedelta(days=1)
    merged: list[tuple[datetime, datetime]] = []
    for opens, closes in sorted(spans):
        if merged and opens <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], closes))
        else:
            merged.append((opens, closes))
    return merged


def _offset_minutes(zone: ZoneInfo, utc_minute: int) -> int:
    moment = datetime.fromtimestamp(utc_minute * 60, UTC).astimezone(zone)
    return int(moment.utcoffset().total_seconds() // 60)


def zone_regimes(zone_name: str, start: date, end: date) -> list[tuple[datetime, int, int]]:
    """Pieces of the naive local axis (local_from, utc_minute_at_local_from, rate), covering
    start - 2 days .. end + 2 days; rate 0 marks a spring-forward gap."""
    zone = ZoneInfo(zone_name)
    first = int(datetime.combine(start - timedelta(days=2), time(), UTC).timestamp() // 60)
    last = int(datetime.combine(end + timedelta(days=2), time(), UTC).timestamp() // 60)
    offset = _offset_minutes(zone, first)
    regimes = [(_naive(first + offset), first, 1)]
    for day_start in range(first, last, 1440):  # one zone lookup per day, bisect on a change
        after = _offset_minutes(zone, day_start + 1440)
        if after == offset:
            continue
        low, high = day_start, day_start + 1440
        while high - low > 1:
            mid = (low + high) // 2
            low, high = (mid, high) if _offset_minutes(zone, mid) == offset else (low, mid)
        change = high
        if after > offset:  # wall clock jumps forward: the skipped hour is a gap
            regimes.append((_naive(change + offset), change, 0))
            regimes.append((_naive(change + after), change, 1))
        else:  # wall clock falls back: the repeated hour keeps its first occurrence
            regimes.append((_naive(change + offset), change + offset - after, 1))
        offset = after
    return regimes


def _naive(minute: int) -> datetime:
    return datetime(1970, 1, 1) + timedelta(minutes=minute)


def timeline_frame(calendar: dict[str, Any], start: date, end: date) -> pd.DataFrame:
    """The business timeline of the days start..end (see module docstring) as a DataFrame."""
    intervals = open_intervals(calendar, start - timedelta(days=1), end + timedelta(days=1))
    regimes = zone_regimes(calendar.get("timezone") or "UTC", start, end)
    reg_from = np.array([r[0] for r in regimes], dtype="datetime64[us]")
    reg_utc = np.array([r[1] for r in regimes], dtype=float)
    reg_rate = np.array([r[2] for r in regimes], dtype=float)
    opens = np.array([i[0] for i in intervals], dtype="datetime64[us]")
    closes = np.array([i[1] for i in intervals], dtype="datetime64[us]")
    # a last breakpoint two days after end closes the covered range (SQL lookups stop there)
    sentinel = np.array([datetime.combine(end + timedelta(days=2), time())], dtype="datetime64[us]")
    points = np.unique(np.concatenate([reg_from, opens, closes, sentinel]))
    points = points[points >= reg_from[0]]
    r = np.searchsorted(reg_from, points, side="right") - 1
    utc = reg_utc[r] + reg_rate[r] * ((points - reg_from[r]) / MINUTE)
    k = np.searchsorted(opens, points, side="right") - 1
    is_open = np.zeros(len(points), dtype=bool)
    if len(opens):
        is_open = (k >= 0) & (points < closes[np.maximum(k, 0)])
    step = np.diff(utc, append=utc[-1])
    elapsed_before = utc - utc[0]
    open_before = np.concatenate([[0.0], np.cumsum(step * is_open)[:-1]])
    return pd.DataFrame(
        {
            "local_from": points,
            "elapsed_minutes_before": elapsed_before,
            "elapsed_rate": reg_rate[r],
            "open_minutes_before": open_before,
            "open_rate": reg_rate[r] * is_open,
        }
    )


def business_calendar(
    con: duckdb.DuckDBPyConnection, calendar: dict[str, Any], start: date, end: date
) -> None:
    """(Re)create the temp tables business_timeline and business_timeline_hours (the same cut
    into clock hours, for equality lookups) covering the days start..end on this connection."""
    frame = timeline_frame(calendar, start, end)
    arrays = {name: frame[name].tolist() for name in frame.columns if name != "local_from"}
    local_from = frame["local_from"].dt.to_pydatetime().tolist()
    # bound lists, not a registered frame: works even while the caller holds an unfinished result
    db.run_sql(
        con,
        f"create or replace temp table {TIMELINE_TABLE} as " + db.sql_text("business_timeline"),
        local_from=local_from,
        **arrays,
    )
    db.run_sql(
        con,
        f"create or replace temp table {TIMELINE_TABLE}_hours as "
        + db.sql_text("business_timeline_hours"),
    )


def business_minutes(
    con: duckdb.DuckDBPyConnection, calendar: dict[str, Any], pairs: pd.DataFrame
) -> pd.DataFrame:
    """pairs (start_at, end_at, any other columns) plus elapsed_minutes and business_minutes."""
    start, end = _day_span(pairs["start_at"], pairs["end_at"])
    with con.cursor() as cur:  # a private cursor: the timeline and the pairs stay out of con
        business_calendar(cur, calendar, start, end)
        cur.register("business_pairs", pairs.assign(pair_row=np.arange(len(pairs))))
        result = db.query_df(cur, "business_minutes").sort_values("pair_row")
    return result.drop(columns="pair_row").reset_index(drop=True)


def _day_span(*columns: Any) -> tuple[date, date]:
    values = np.concatenate([np.asarray(c, dtype="datetime64[us]") for c in columns])
    values = values[~np.isnat(values)]
    if not len(values):
        return date(2000, 1, 1), date(2000, 1, 1)
    return values.min().astype(datetime).date(), values.max().astype(datetime).date()


def _positions(frame: pd.DataFrame, moments: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    local_from = frame["local_from"].to_numpy(dtype="datetime64[us]")
    idx = np.maximum(np.searchsorted(local_from, moments, side="right") - 1, 0)
    return idx, (moments - local_from[idx]) / MINUTE


def _minutes_between(calendar: dict[str, Any], starts: Any, ends: Any, kind: str) -> np.ndarray:
    a = np.asarray(starts, dtype="datetime64[us]")
    b = np.asarray(ends, dtype="datetime64[us]")
    frame = timeline_frame(calendar, *_day_span(a, b))
    before = frame[f"{kind}_minutes_before"].to_numpy()
    rate = frame[f"{kind}_rate"].to_numpy()
    ia, da = _positions(frame, a)
    ib, db_ = _positions(frame, b)
    minutes = (before[ib] + rate[ib] * db_) - (before[ia] + rate[ia] * da)
    return np.where(np.isnat(a) | np.isnat(b), np.nan, minutes)


def business_minutes_between(calendar: dict[str, Any], starts: Any, ends: Any) -> np.ndarray:
    """Open business minutes between each pair of naive local timestamps (NaN where missing)."""
    return _minutes_between(calendar, starts, ends, "open")


def elapsed_minutes(calendar: dict[str, Any], starts: Any, ends: Any) -> np.ndarray:
    """True (DST-aware, 24x7) minutes between each pair of naive local timestamps."""
    return _minutes_between(calendar, starts, ends, "elapsed")


def working_days_by_week(calendar: dict[str, Any], start: date, end: date) -> pd.DataFrame:
    """Per ISO week (Monday) touching [start, end]: Mon-Fri days of [start, end] that are not
    public or extra holidays (pass a Monday and a Sunday for whole weeks)."""
    days = pd.date_range(start, end, freq="D")
    closed = pd.to_datetime(pd.Series(closed_dates(calendar, start, end), dtype="object"))
    working = (days.day_of_week < 5) & ~days.isin(closed)
    weeks = (days - pd.to_timedelta(days.day_of_week, unit="D")).date
    frame = pd.DataFrame({"week_start": weeks, "working_days": working.astype(int)})
    return frame.groupby("week_start", as_index=False)["working_days"].sum()
