"""Numbers, percentages, hours, durations and dates in English and French (formatting)."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from okam_analytics import formatting

NNBSP, NBSP = "\u202f", "\u00a0"  # French: thousands and percent / before a unit


@pytest.mark.parametrize(
    ("value", "lang", "decimals", "shown"),
    [
        (1234.5, "en", 1, "1,234.5"),
        (1234.5, "fr", 1, "1\u202f234,5"),
        (1234567, "fr", 0, "1\u202f234\u202f567"),
        (-1234.56, "en", 1, "-1,234.6"),
        (-0.01, "en", 1, "0.0"),  # never "-0.0"
        (0.5, "fr", 2, "0,50"),
        (np.int64(42), "fr", 0, "42"),
        (None, "en", 1, "–"),
        (float("nan"), "fr", 1, "–"),
        (pd.NA, "en", 1, "–"),
    ],
)
def test_number(value, lang, decimals, shown) -> None:
    assert formatting.number(value, lang, decimals) == shown


def test_hours_and_counts() -> None:
    assert formatting.hours(1234.5, "fr") == "1\u202f234,5\u00a0h"
    assert formatting.hours(1234.5, "en") == "1,234.5 h"
    assert formatting.hours(None, "fr") == "–"
    assert formatting.count(1234, "en") == "1,234"
    assert formatting.count(1234.4, "fr") == "1\u202f234"


def test_percent() -> None:
    assert formatting.percent(0.875, "en") == "88%"
    assert formatting.percent(0.875, "en", 1) == "87.5%"
    assert formatting.percent(0.875, "fr", 1) == "87,5\u202f%"
    assert formatting.percent(12.346, "fr") == "1\u202f235\u202f%"
    assert formatting.percent(float("nan"), "en") == "–"


@pytest.mark.parametrize(
    ("minutes", "lang", "shown"),
    [
        (125, "fr", "2\u00a0h\u00a005\u00a0min"),
        (125, "en", "2h 05m"),
        (45, "fr", "45\u00a0min"),
        (45, "en", "45m"),
        (60, "en", "1h 00m"),
        (1530, "fr", "25\u00a0h\u00a030\u00a0min"),
        (-90, "en", "-1h 30m"),
        (None, "fr", "–"),
    ],
)
def test_duration_minutes(minutes, lang, shown) -> None:
    assert formatting.duration_minutes(minutes, lang) == shown


def test_days_moments_months_and_periods() -> None:
    day = date(2026, 1, 31)
    assert formatting.day(day, "fr") == "31/01/2026"
    assert formatting.day(day, "en") == "2026-01-31"
    assert formatting.day(pd.Timestamp("2026-01-31 23:59"), "fr") == "31/01/2026"
    assert formatting.moment(datetime(2026, 1, 31, 14, 5), "fr") == "31/01/2026 14:05"
    assert formatting.moment(pd.Timestamp("2026-01-31 14:05"), "en") == "2026-01-31 14:05"
    assert formatting.month(day, "fr") == "janv. 2026"
    assert formatting.month(day, "en") == "Jan 2026"
    assert formatting.month("2026-08", "fr") == "août 2026"
    assert formatting.period(date(2026, 1, 1), day, "fr") == "01/01/2026 – 31/01/2026"
    assert formatting.day(pd.NaT, "fr") == formatting.moment(None, "en") == "–"


def test_an_unknown_language_reads_as_english() -> None:
    assert formatting.hours(1234.5, "de") == "1,234.5 h"
    assert formatting.day(date(2026, 1, 31), "de") == "2026-01-31"


def test_table_cells_by_their_type() -> None:
    assert formatting.cell("Acme", "fr") == "Acme"
    assert formatting.cell(np.int64(1234), "fr") == "1\u202f234"
    assert formatting.cell(2.25, "fr") == "2,2"
    assert formatting.cell(date(2026, 1, 31), "fr") == "31/01/2026"
    assert formatting.cell(pd.Timestamp("2026-01-05 17:00"), "en") == "2026-01-05 17:00"
    assert formatting.cell(None, "en") == "–"
    assert formatting.formatter("percent", "fr")(0.5) == "50\u202f%"


def test_plotly_helpers() -> None:
    assert formatting.plotly_separators("fr") == ",\u202f"
    assert formatting.plotly_separators("en") == ".,"
    assert formatting.d3_day("fr") == "%d/%m/%Y"
    assert formatting.d3_day("en") == "%Y-%m-%d"
    assert formatting.d3_month("fr") == "%m/%Y"
    assert formatting.d3_hours("y", "fr") == "%{y:,.1f}\u00a0h"
    assert formatting.d3_hours("customdata[1]", "en") == "%{customdata[1]:,.1f} h"


def test_french_separators_are_the_no_break_ones() -> None:
    assert NNBSP in formatting.hours(1000, "fr") and NBSP in formatting.hours(1000, "fr")
    assert " " not in formatting.hours(1000, "fr")  # a figure never breaks across lines
