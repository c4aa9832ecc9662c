"""The pandas baselines: each report table as a data analyst would write it in plain pandas.

Each baseline reads the columns it needs from the DuckDB tables into DataFrames (no filtering
or aggregation pushed into SQL), then works in pandas: boolean masks, groupby, merges, and for
business time the usual per-row `apply` that walks the days between two timestamps. They follow
the formulas of SPEC section 4 (and docs/metrics.md) and return the same table as
`okam report NAME` so the benchmark can check that every implementation agrees.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

import holidays as holidays_lib
import numpy as np
import pandas as pd

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY = pd.Timedelta(days=1)
MINUTE = pd.Timedelta(minutes=1)


def timed_load(con: Any, queries: dict[str, str]) -> tuple[dict[str, pd.DataFrame], float]:
    """Each table read into pandas, and the seconds it took."""
    started = time.perf_counter()
    frames = {name: con.execute(sql).df() for name, sql in queries.items()}
    return frames, time.perf_counter() - started


# ---- knowledge redundancy ------------------------------------------------------------------------
REDUNDANCY_TABLES = {
    "entries": "select consultant, client, work_date, hours, is_absence from time_entries",
    "tickets": "select assignee, client, created_at, resolved_at from tickets",
    "clients": "select client from clients",
}


def redundancy(frames: dict[str, pd.DataFrame], cfg: dict, as_of_on: date) -> pd.DataFrame:
    """One row per client: client, knowers, knower_names, absence_factor, status, activity."""
    k = cfg["knowledge"]
    internal = {c.strip().lower() for c in k["internal_clients"]}
    as_of = pd.Timestamp(as_of_on)
    e = frames["entries"]
    e = e[
        ~e["is_absence"].fillna(False).astype(bool)
        & e["consultant"].notna()
        & e["client"].notna()
        & e["hours"].notna()
        & (pd.to_datetime(e["work_date"]) <= as_of)
    ]
    worked = pd.DataFrame(
        {
            "consultant": e["consultant"],
            "client": e["client"],
            "day": pd.to_datetime(e["work_date"]),
            "weight": e["hours"],
        }
    )
    t = frames["tickets"]
    t = t[t["assignee"].notna() & t["client"].notna()]
    moment = t["resolved_at"].fillna(t["created_at"])
    t, moment = t[moment < as_of + DAY], moment[moment < as_of + DAY]
    handled = pd.DataFrame(
        {
            "consultant": t["assignee"],
            "client": t["client"],
            "day": moment.dt.normalize(),
            "weight": float(k["ticket_weight"]),
        }
    )
    evidence = pd.concat([worked, handled], ignore_index=True)
    evidence = evidence[~evidence["client"].str.lower().isin(internal)]
    evidence["age"] = (as_of - evidence["day"]).dt.days
    activity = evidence.groupby("client")["day"].max().rename("last_activity")

    window = evidence[evidence["age"] < float(k["window_days"])].copy()
    window["k"] = window["weight"] * 0.5 ** (window["age"] / float(k["half_life_days"]))
    scores = window.groupby(["client", "consultant"]).agg(
        knowledge=("k", "sum"), weight=("weight", "sum")
    )
    scores = scores[scores["weight"] > 0].reset_index()
    scores = scores.sort_values(
        ["client", "knowledge", "consultant"], ascending=[True, False, True]
    )
    scores["total"] = scores.groupby("client")["knowledge"].transform("sum")
    scores["running"] = scores.groupby("client")["knowledge"].cumsum()
    scores["rank"] = scores.groupby("client").cumcount() + 1
    near = scores["knowledge"] * (1 + 1e-9)
    scores["is_knower"] = (near >= float(k["knower_floor"])) & (
        near >= float(k["min_share"]) * scores["total"]
    )
    knowers = scores[scores["is_knower"]].groupby("client")["consultant"].agg(list)
    absence = scores[scores["running"] > 0.5 * scores["total"]].groupby("client")["rank"].min()

    listed = frames["clients"]["client"]
    names = set(listed[~listed.str.lower().isin(internal)]) | set(activity.index)
    out = pd.DataFrame({"client": sorted(names)}).set_index("client")
    out["knower_names"] = knowers.reindex(out.index)
    out["knower_names"] = out["knower_names"].apply(lambda v: v if isinstance(v, list) else [])
    out["knowers"] = out["knower_names"].str.len().astype(int)
    out["absence_factor"] = absence.reindex(out.index).fillna(0).astype(int)
    target = int(k["target_knowers"])
    out["status"] = np.select(
        [out["knowers"] == 0, out["knowers"] >= target, out["knowers"] == 1],
        ["uncovered", "covered", "single"],
        "thin",
    )
    age = (as_of - activity.reindex(out.index)).dt.days
    out["activity"] = np.where(age < float(k["active_days"]), "active", "dormant")
    out["knower_names"] = out["knower_names"].map(", ".join)
    columns = ["knowers", "knower_names", "absence_factor", "status", "activity"]
    return out.reset_index()[["client", *columns]]


# ---- workload ------------------------------------------------------------------------------------
WORKLOAD_TABLES = {
    "entries": "select consultant, client, work_date, hours, is_billable, is_absence"
    " from time_entries",
    "consultants": "select consultant, team, weekly_capacity_hours, active_from, active_to"
    " from consultants",
    "tickets": "select assignee, priority, status, created_at, resolved_at, closed_at,"
    " escalation_level, reassignment_count from tickets",
}


def closed_days(calendar: dict, start: date, end: date) -> set[date]:
    """Public holidays of the calendar's country plus its extra holidays."""
    days: set[date] = set()
    if calendar.get("holiday_country"):
        public = holidays_lib.country_holidays(
            calendar["holiday_country"],
            subdiv=calendar.get("holiday_subdivision") or None,
            years=range(start.year, end.year + 1),
        )
        days.update(public)
    days.update(date.fromisoformat(d) for d in calendar.get("extra_holidays") or [])
    return days


def weekly(frames: dict[str, pd.DataFrame], cfg: dict, date_from: date, date_to: date):
    """One row per consultant and ISO week: hours, capacity, utilisation, overload streak."""
    w = cfg["workload"]
    e = frames["entries"].copy()
    e["work_date"] = pd.to_datetime(e["work_date"])
    last_day = e["work_date"].max()
    spans = e[e["consultant"].notna()].groupby("consultant")["work_date"].agg(["min", "max"])
    spans.loc[spans["max"] > last_day - 28 * DAY, "max"] = pd.NaT  # still active
    roster = frames["consultants"].merge(spans, left_on="consultant", right_index=True, how="outer")
    roster["capacity"] = roster["weekly_capacity_hours"].fillna(float(w["weekly_capacity_hours"]))
    named = roster["active_from"].notna() | roster["active_to"].notna()
    roster["start"] = pd.to_datetime(roster["active_from"]).fillna(roster["min"])
    roster["end"] = pd.to_datetime(roster["active_to"]).where(named, roster["max"])

    days = pd.DataFrame({"day": pd.date_range(date_from, date_to, freq="D")})
    closed = closed_days(cfg["calendar"], date_from, date_to)
    days = days[(days["day"].dt.dayofweek < 5) & ~days["day"].dt.date.isin(closed)]
    present = roster[["consultant", "start", "end"]].merge(days, how="cross")
    present = present[
        (present["day"] >= present["start"])
        & (present["end"].isna() | (present["day"] <= present["end"]))
    ]
    present["week"] = present["day"] - pd.to_timedelta(present["day"].dt.dayofweek, unit="D")
    working = present.groupby(["consultant", "week"]).size().rename("working_days")

    e = e[
        (e["work_date"] >= pd.Timestamp(date_from))
        & (e["work_date"] <= pd.Timestamp(date_to))
        & e["consultant"].notna()
        & e["hours"].notna()
    ]
    absent = e["is_absence"].fillna(False).astype(bool)
    billable = e["is_billable"].fillna(False).astype(bool)
    e = e.assign(
        week=e["work_date"] - pd.to_timedelta(e["work_date"].dt.dayofweek, unit="D"),
        worked=e["hours"].where(~absent, 0.0),
        absence=e["hours"].where(absent, 0.0),
        billable=e["hours"].where(billable & ~absent, 0.0),
    )
    hours = e.groupby(["consultant", "week"])[["worked", "absence", "billable"]].sum()
    per_client = e[~absent & e["client"].notna()].groupby(["consultant", "week", "client"])
    client_hours = per_client["hours"].sum()
    hours["clients"] = client_hours[client_hours > 0].groupby(["consultant", "week"]).size()
    weeks = hours.join(working, how="outer").reset_index()
    weeks = weeks.merge(roster[["consultant", "team", "capacity"]], on="consultant")
    weeks = weeks.fillna({"worked": 0.0, "absence": 0.0, "billable": 0.0, "clients": 0})
    weeks["working_days"] = weeks["working_days"].fillna(0)
    weeks["capacity_hours"] = weeks["capacity"] * weeks["working_days"] / 5 - weeks["absence"]
    capacity = weeks["capacity_hours"].where(weeks["capacity_hours"] > 0)
    weeks["utilisation"] = weeks["worked"] / capacity
    weeks["overtime"] = (weeks["worked"] - weeks["capacity_hours"].clip(lower=0)).clip(lower=0)
    weeks["overloaded"] = (weeks["utilisation"] > float(w["overload_threshold"])).astype(bool)
    weeks = weeks.sort_values(["consultant", "week"]).reset_index(drop=True)
    weeks["streak"] = weeks.groupby("consultant", group_keys=False)[["week", "overloaded"]].apply(
        streaks
    )
    return weeks


def streaks(group: pd.DataFrame) -> pd.Series:
    """Overloaded weeks in a row up to each week (0 when not overloaded)."""
    run, previous, out = 0, None, []
    for week, overloaded in zip(group["week"], group["overloaded"], strict=True):
        consecutive = previous is not None and week - previous == pd.Timedelta(days=7)
        run = (run + 1 if consecutive else 1) if overloaded else 0
        previous = week if overloaded else None
        out.append(run)
    return pd.Series(out, index=group.index)


def workload(frames: dict[str, pd.DataFrame], cfg: dict, span: Any) -> pd.DataFrame:
    """One row per consultant: the SPEC 7 workload columns plus streaks and open escalations."""
    weeks = weekly(frames, cfg, span.date_from, span.date_to)
    totals = weeks.groupby("consultant").agg(
        worked_hours=("worked", "sum"),
        capacity_hours=("capacity_hours", "sum"),
        billable_hours=("billable", "sum"),
        overtime_hours=("overtime", "sum"),
        overloaded_weeks=("overloaded", "sum"),
        longest_streak=("streak", "max"),
    )
    capacity = totals["capacity_hours"].where(totals["capacity_hours"] > 0)
    totals["utilisation"] = totals["worked_hours"] / capacity
    totals["billable_utilisation"] = totals["billable_hours"] / capacity
    anchor_day = pd.Timestamp(min(span.as_of_date, span.date_to))
    anchor = anchor_day - pd.Timedelta(days=anchor_day.dayofweek)
    streak = weeks.pivot_table(index="consultant", columns="week", values="streak", aggfunc="max")
    this_week = streak.get(anchor, pd.Series(0, index=streak.index)).fillna(0)
    last_week = streak.get(anchor - pd.Timedelta(days=7), pd.Series(0, index=streak.index))
    unfinished = anchor_day < anchor + pd.Timedelta(days=6)
    current = this_week.where((this_week > 0) | (not unfinished), last_week.fillna(0))
    totals["current_streak"] = current
    totals = totals.join(period_facts(frames, cfg, span))
    for name in ("overloaded_weeks", "longest_streak", "current_streak", "clients",
                 "open_tickets", "open_escalations"):  # fmt: skip
        totals[name] = totals[name].fillna(0).astype(int)
    columns = [
        "worked_hours", "capacity_hours", "utilisation", "billable_hours", "billable_utilisation",
        "overtime_hours", "overloaded_weeks", "longest_streak", "current_streak", "clients",
        "open_tickets", "open_escalations",
    ]  # fmt: skip
    return totals.reset_index().sort_values("consultant")[["consultant", *columns]]


def period_facts(frames: dict[str, pd.DataFrame], cfg: dict, span: Any) -> pd.DataFrame:
    """Per consultant: distinct clients worked in the period, tickets and escalations open at T."""
    e = frames["entries"]
    day = pd.to_datetime(e["work_date"])
    e = e[
        (day >= pd.Timestamp(span.date_from))
        & (day <= pd.Timestamp(span.date_to))
        & e["consultant"].notna()
        & e["client"].notna()
        & ~e["is_absence"].fillna(False).astype(bool)
        & (e["hours"] > 0)
    ]
    clients = e.groupby("consultant")["client"].nunique().rename("clients")
    t = frames["tickets"]
    as_of = pd.Timestamp(span.as_of)
    undated = t["resolved_at"].isna() & t["closed_at"].isna()
    finished = undated & t["status"].fillna("open").isin(["resolved", "closed"])
    t = t[
        t["assignee"].notna()
        & (t["created_at"] < as_of)
        & (t["resolved_at"].isna() | (t["resolved_at"] >= as_of))
        & (t["closed_at"].isna() | (t["closed_at"] >= as_of))
        & ~finished
    ]
    e_cfg = cfg["escalation"]
    escalated = (
        t["priority"].isin(list(e_cfg["priorities"]))
        | (t["escalation_level"].fillna(0) >= 1)
        | (bool(e_cfg["include_reassigned"]) & (t["reassignment_count"].fillna(0) >= 1))
    )
    open_counts = (
        t.assign(escalated=escalated)
        .groupby("assignee")
        .agg(open_tickets=("escalated", "size"), open_escalations=("escalated", "sum"))
    )
    return pd.concat([clients, open_counts], axis=1)


# ---- escalations ---------------------------------------------------------------------------------
ESCALATION_TABLES = {
    "tickets": "select source, ticket_id, client, priority, assignee, status, created_at,"
    " first_response_at, resolved_at, closed_at, escalation_level, reassignment_count"
    " from tickets",
}


def opening_hours(calendar: dict) -> list[list[tuple[pd.Timedelta, pd.Timedelta]]]:
    """Per weekday (Monday first): the opening windows as offsets from midnight."""
    windows = calendar.get("windows") or {}
    out = []
    for name in WEEKDAYS:
        day = []
        for opens, closes in windows.get(name) or []:
            a, b = pd.Timedelta(f"{opens}:00"), pd.Timedelta(f"{closes}:00")
            day.append((a, b if b > a else b + DAY))
        out.append(day)
    return out


def business_minutes(start, end, hours, closed: set[date]) -> float:
    """Open minutes between two timestamps, walking the days between them."""
    if pd.isna(start) or pd.isna(end):
        return np.nan
    if end < start:
        return -business_minutes(end, start, hours, closed)
    total = 0.0
    # a window running past midnight starts the day before
    back = DAY if any(closes > DAY for day in hours for _, closes in day) else pd.Timedelta(0)
    for day in pd.date_range(start.normalize() - back, end.normalize(), freq="D"):
        if day.date() in closed:
            continue
        for opens, closes in hours[day.dayofweek]:
            lo, hi = max(start, day + opens), min(end, day + closes)
            if hi > lo:
                total += (hi - lo) / MINUTE
    return total


def escalated_tickets(frames: dict[str, pd.DataFrame], cfg: dict, span: Any, max_apply: int):
    """One row per escalated ticket with its minutes and SLA flags; and the apply's timing."""
    e_cfg, calendar = cfg["escalation"], cfg["calendar"]
    as_of = pd.Timestamp(span.as_of)
    t = frames["tickets"]
    escalated = (
        t["priority"].isin(list(e_cfg["priorities"]))
        | (t["escalation_level"].fillna(0) >= 1)
        | (bool(e_cfg.get("include_reassigned")) & (t["reassignment_count"].fillna(0) >= 1))
    )
    t = t[
        escalated
        & (t["created_at"] >= pd.Timestamp(span.date_from))
        & (t["created_at"] < pd.Timestamp(span.date_to + timedelta(days=1)))
        & (t["created_at"] < as_of)
    ].copy()
    t["responded_at"] = t["first_response_at"].where(t["first_response_at"] < as_of)
    done = t["resolved_at"].fillna(t["closed_at"])
    t["finished_at"] = done.where(done < as_of)
    t["is_finished"] = t["finished_at"].notna() | (
        done.isna() & t["status"].isin(["resolved", "closed"])
    )
    t["as_of"] = as_of
    zone = calendar.get("timezone") or "UTC"
    utc = {c: to_utc(t[c], zone) for c in ("created_at", "responded_at", "finished_at", "as_of")}
    t["response_minutes"] = (utc["responded_at"] - utc["created_at"]) / MINUTE
    t["resolution_minutes"] = (utc["finished_at"] - utc["created_at"]) / MINUTE
    t["age_minutes"] = (utc["as_of"] - utc["created_at"]) / MINUTE
    apply = business_columns(t, calendar, span, max_apply)
    return sla_flags(t, cfg), apply


def to_utc(moments: pd.Series, zone: str) -> pd.Series:
    """Naive local times as UTC: an ambiguous time is its first occurrence, a time in the
    spring-forward gap the first instant after it (SPEC 5)."""
    local = pd.to_datetime(moments)
    ambiguous = np.ones(len(local), dtype=bool)
    return local.dt.tz_localize(zone, ambiguous=ambiguous, nonexistent="shift_forward")


def business_columns(t: pd.DataFrame, calendar: dict, span: Any, max_apply: int) -> dict:
    """The business-minute columns by per-row apply; on more than max_apply tickets, the
    apply's time is measured on a sample and extrapolated, the rest taken from the calendar
    arithmetic of the app so the table stays complete (flagged `extrapolated`)."""
    hours = opening_hours(calendar)
    closed = closed_days(calendar, span.date_from - timedelta(days=7), span.as_of_date)
    pairs = {
        "response_business_minutes": "responded_at",
        "resolution_business_minutes": "finished_at",
        "age_business_minutes": "as_of",
    }
    rows = t if len(t) <= max_apply else t.sample(max_apply, random_state=0)
    started = time.perf_counter()
    for column, end in pairs.items():
        # the age of a ticket matters only while it is open
        which = rows[~rows["is_finished"]] if end == "as_of" else rows
        t[column] = which.apply(
            lambda r, end=end: business_minutes(r["created_at"], r[end], hours, closed), axis=1
        )
    measured = time.perf_counter() - started
    info = {"apply_rows": len(rows), "apply_of": len(t), "apply_measured_seconds": measured}
    info |= {"apply_seconds": measured * len(t) / max(len(rows), 1), "fill_seconds": 0.0}
    info["extrapolated"] = len(rows) < len(t)
    if info["extrapolated"]:
        from okam_analytics.metrics import calendar as app_calendar

        started = time.perf_counter()
        sampled = t[list(pairs)].copy()
        for column, end in pairs.items():
            t[column] = app_calendar.business_minutes_between(calendar, t["created_at"], t[end])
        check = (sampled - t[list(pairs)]).abs().max().max()
        assert not check > 1e-6, f"the sampled apply disagrees with the calendar by {check}"
        info["fill_seconds"] = time.perf_counter() - started
    return info


def sla_flags(t: pd.DataFrame, cfg: dict) -> pd.DataFrame:
    """The priority's target and clock, met flags and state of each ticket."""
    targets = pd.DataFrame(
        [
            {"priority": p, "clock": v.get("clock", "business"),
             "response_target": float(v["response_minutes"]),
             "resolution_target": float(v["resolution_minutes"])}
            for p, v in (cfg["escalation"].get("sla") or {}).items()
        ],
        columns=["priority", "clock", "response_target", "resolution_target"],
    )  # fmt: skip
    t = t.merge(targets, on="priority", how="left")
    business = t["clock"] == "business"
    for kind in ("response", "resolution", "age"):
        t[f"{kind}_clock"] = t[f"{kind}_business_minutes"].where(business, t[f"{kind}_minutes"])
    for kind in ("response", "resolution"):
        target, clock = t[f"{kind}_target"], t[f"{kind}_clock"]
        met = pd.Series(pd.NA, index=t.index, dtype="boolean")
        late = target.notna() & clock.isna() & ~t["is_finished"] & (t["age_clock"] > target)
        met[late] = False
        known = target.notna() & clock.notna()
        met[known] = clock[known] <= target[known]
        t[f"{kind}_met"] = met
    breached = t["response_met"].eq(False).fillna(False) | t["resolution_met"].eq(False).fillna(
        False
    )
    unknown = t["response_met"].isna() | t["resolution_met"].isna()
    breached, unknown = breached.astype(bool), unknown.astype(bool)
    t["state"] = np.select(
        [t["clock"].isna(), ~t["is_finished"] & breached, ~t["is_finished"], breached, unknown],
        ["no_target", "open_breached", "open_within", "breached", "no_response_data"],
        "met",
    )
    t["missing_response"] = t["is_finished"] & t["responded_at"].isna() & t["clock"].notna()
    return t


def escalations(frames: dict[str, pd.DataFrame], cfg: dict, span: Any, max_apply: int):
    """Summary per priority (the default `report escalations` table), and the apply's timing."""
    t, apply = escalated_tickets(frames, cfg, span, max_apply)
    rows = []
    for priority, g in t.groupby("priority", sort=True):
        rm, rb = int(g["response_met"].eq(True).sum()), int(g["response_met"].eq(False).sum())
        sm, sb = int(g["resolution_met"].eq(True).sum()), int(g["resolution_met"].eq(False).sum())
        response, resolution = g["response_clock"].dropna(), g["resolution_clock"].dropna()
        rows.append(
            {
                "priority": priority, "tickets": len(g),
                "response_met": rm, "response_breached": rb,
                "response_compliance": rm / (rm + rb) if rm + rb else np.nan,
                "resolution_met": sm, "resolution_breached": sb,
                "resolution_compliance": sm / (sm + sb) if sm + sb else np.nan,
                "no_response_data": int(g["missing_response"].sum()),
                "open_breached": int((g["state"] == "open_breached").sum()),
                "response_p50_minutes": response.quantile(0.5),
                "response_p90_minutes": response.quantile(0.9),
                "resolution_p50_minutes": resolution.quantile(0.5),
                "resolution_p90_minutes": resolution.quantile(0.9),
                "open_within": int((g["state"] == "open_within").sum()),
            }
        )  # fmt: skip
    return pd.DataFrame(rows), apply


TABLES = {
    "redundancy": REDUNDANCY_TABLES,
    "workload": WORKLOAD_TABLES,
    "escalations": ESCALATION_TABLES,
}
