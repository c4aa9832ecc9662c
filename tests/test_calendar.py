"""Business calendar: business and DST-true calendar minutes, hand-computed (SPEC section 5)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from okam_analytics import settings
from okam_analytics.metrics import calendar

ALL_DAYS = calendar.WEEKDAYS


def cal(**changes) -> dict:
    """The default calendar (Europe/Paris, Mon-Fri 09:00-18:00, FR holidays) with changes."""
    return settings.defaults()["calendar"] | changes


def every_day(*windows: list[str]) -> dict[str, list[list[str]]]:
    return {day: [list(w) for w in windows] for day in ALL_DAYS}


SPLIT_DAY = {
    **{d: [["08:00", "12:00"], ["14:00", "18:00"]] for d in ALL_DAYS[:5]},
    "sat": [],
    "sun": [],
}
NO_HOLIDAYS = {"holiday_country": None}
ROUND_CLOCK = {"windows": every_day(["00:00", "24:00"]), "holiday_country": None}

BUSINESS_CASES = [
    # (label, calendar changes, start, end, business minutes)
    ("weekend Fri 17:00 -> Mon 10:00", {}, "2026-03-20 17:00", "2026-03-23 10:00", 120),
    ("weekend across DST", {}, "2026-03-27 17:00", "2026-03-30 10:00", 120),
    ("opened Saturday", {}, "2026-03-21 10:00", "2026-03-23 09:30", 30),
    ("inside one window", {}, "2026-03-23 10:00", "2026-03-23 11:30", 90),
    ("both after closing", {}, "2026-03-23 19:00", "2026-03-23 20:00", 0),
    ("public holiday 1 May (FR)", {}, "2026-04-30 17:00", "2026-05-04 10:00", 120),
    ("same span, no holidays", NO_HOLIDAYS, "2026-04-30 17:00", "2026-05-04 10:00", 660),
    (
        "Jeune genevois (CH-GE)",
        {"timezone": "Europe/Zurich", "holiday_country": "CH", "holiday_subdivision": "GE"},
        "2026-09-09 17:00",
        "2026-09-11 10:00",
        120,
    ),
    ("10 Sep is a working day in FR", {}, "2026-09-09 17:00", "2026-09-11 10:00", 660),
    (
        "extra holiday",
        {"extra_holidays": ["2026-06-03"]},
        "2026-06-02 17:00",
        "2026-06-04 10:00",
        120,
    ),
    (
        "two windows, across lunch",
        {"windows": SPLIT_DAY},
        "2026-06-01 11:00",
        "2026-06-01 15:00",
        120,
    ),
    ("two windows, overnight", {"windows": SPLIT_DAY}, "2026-06-01 12:30", "2026-06-02 08:30", 270),
    (
        "every day 09-21",
        {"windows": every_day(["09:00", "21:00"])},
        "2026-06-06 20:00",
        "2026-06-07 10:00",
        120,
    ),
    (
        "window past midnight",
        {"windows": {"mon": [["22:00", "06:00"]]}},
        "2026-06-01 23:00",
        "2026-06-02 05:00",
        360,
    ),
    ("spring-forward day is 23 h", ROUND_CLOCK, "2026-03-29 00:00", "2026-03-30 00:00", 1380),
    ("fall-back day is 25 h", ROUND_CLOCK, "2026-10-25 00:00", "2026-10-26 00:00", 1500),
    ("across the skipped hour", ROUND_CLOCK, "2026-03-29 01:30", "2026-03-29 03:30", 60),
    (
        "inside the skipped hour counts as 03:00",
        ROUND_CLOCK,
        "2026-03-29 02:30",
        "2026-03-29 03:30",
        30,
    ),
    ("repeated hour: first occurrence", ROUND_CLOCK, "2026-10-25 02:30", "2026-10-25 03:30", 120),
    ("end before start is negative", {}, "2026-03-23 11:00", "2026-03-23 10:00", -60),
]


@pytest.mark.parametrize(("label", "changes", "start", "end", "expected"), BUSINESS_CASES)
def test_business_minutes_between(label, changes, start, end, expected):
    minutes = calendar.business_minutes_between(
        cal(**changes), [np.datetime64(start)], [np.datetime64(end)]
    )
    assert minutes.tolist() == [expected]


def test_business_minutes_in_sql_match_the_cases(con):
    """The SQL path (ASOF join on business_timeline) gives the same answers, set-wise."""
    for label, changes, start, end, expected in BUSINESS_CASES:
        pairs = pd.DataFrame(
            {"label": [label], "start_at": [pd.Timestamp(start)], "end_at": [pd.Timestamp(end)]}
        )
        result = calendar.business_minutes(con, cal(**changes), pairs)
        assert result["business_minutes"].tolist() == [expected], label


ELAPSED_CASES = [
    # (label, start, end, true minutes in Europe/Paris)
    ("no change", "2026-03-20 17:00", "2026-03-23 10:00", 3900),
    ("weekend losing an hour", "2026-03-27 17:00", "2026-03-30 10:00", 3840),
    ("weekend gaining an hour", "2026-10-23 17:00", "2026-10-26 10:00", 3960),
    ("Saturday noon to Sunday noon in October", "2026-10-24 12:00", "2026-10-25 12:00", 1500),
    ("skipped hour", "2026-03-29 01:30", "2026-03-29 03:30", 60),
]


@pytest.mark.parametrize(("label", "start", "end", "expected"), ELAPSED_CASES)
def test_elapsed_minutes_are_true_minutes(label, start, end, expected):
    minutes = calendar.elapsed_minutes(cal(), [np.datetime64(start)], [np.datetime64(end)])
    assert minutes.tolist() == [expected]


def test_elapsed_in_utc_is_plain_difference():
    minutes = calendar.elapsed_minutes(
        cal(timezone="UTC"),
        [np.datetime64("2026-03-27 17:00")],
        [np.datetime64("2026-03-30 10:00")],
    )
    assert minutes.tolist() == [3900]


def test_missing_timestamps_give_nan_and_arrays_are_vectorised():
    starts = np.array(["2026-03-20T17:00", "NaT", "2026-03-21T10:00"], dtype="datetime64[us]")
    ends = np.array(
        ["2026-03-23T10:00", "2026-03-23T10:00", "2026-03-23T09:30"], dtype="datetime64[us]"
    )
    minutes = calendar.business_minutes_between(cal(), starts, ends)
    assert minutes[0] == 120 and np.isnan(minutes[1]) and minutes[2] == 30


def test_timeline_marks_the_spring_gap_and_the_short_day():
    frame = calendar.timeline_frame(cal(**ROUND_CLOCK), date(2026, 3, 29), date(2026, 3, 29))
    gap = frame[frame["local_from"] == pd.Timestamp("2026-03-29 02:00")]
    assert gap[["elapsed_rate", "open_rate"]].values.tolist() == [[0.0, 0.0]]
    opens = frame.set_index("local_from")["open_minutes_before"]
    assert opens[pd.Timestamp("2026-03-29 03:00")] - opens[pd.Timestamp("2026-03-29 02:00")] == 0


@pytest.mark.parametrize(
    "window", [["9h", "18:00"], ["09:00", "25:00"], ["09:60", "18:00"], "09:00"]
)
def test_bad_window_is_refused_with_a_message(window):
    with pytest.raises(ValueError, match="opening window"):
        calendar.parse_window(window)


@pytest.mark.parametrize(
    ("changes", "start", "end", "expected"),
    [
        ({}, date(2026, 4, 27), date(2026, 5, 10), [(date(2026, 4, 27), 4), (date(2026, 5, 4), 4)]),
        ({}, date(2026, 4, 29), date(2026, 5, 3), [(date(2026, 4, 27), 2)]),
        (NO_HOLIDAYS, date(2026, 4, 27), date(2026, 5, 3), [(date(2026, 4, 27), 5)]),
        (
            {"holiday_country": "CH", "holiday_subdivision": "GE"},
            date(2026, 9, 7),
            date(2026, 9, 13),
            [(date(2026, 9, 7), 4)],
        ),
        (
            {"extra_holidays": ["2026-06-03", "2026-06-06"]},
            date(2026, 6, 1),
            date(2026, 6, 7),
            [(date(2026, 6, 1), 4)],
        ),
    ],
)
def test_working_days_by_week(changes, start, end, expected):
    frame = calendar.working_days_by_week(cal(**changes), start, end)
    assert list(frame.columns) == ["week_start", "working_days"]
    assert list(frame.itertuples(index=False, name=None)) == expected


def test_closed_dates_merge_public_and_extra_holidays():
    days = calendar.closed_dates(
        cal(extra_holidays=["2026-05-04"]), date(2026, 5, 1), date(2026, 5, 8)
    )
    assert days == [date(2026, 5, 1), date(2026, 5, 4), date(2026, 5, 8)]
