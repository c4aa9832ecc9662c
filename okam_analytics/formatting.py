"""Numbers, percentages, hours, durations and dates as each language writes them, for pages,
tables, charts and the PDF. Never imports streamlit.

English: 1,234.5 h · 87.5% · 2h 05m · 2026-01-31 · Jan 2026.
French: 1 234,5 h · 87,5 % · 2 h 05 min · 31/01/2026 · janv. 2026 (thousands and percent
separated by a narrow no-break space U+202F, units by a no-break space U+00A0, so a figure
never breaks across lines). Data downloads (CSV/XLSX) and CLI output never go through here.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pandas as pd

DASH = "–"  # a missing value
NNBSP, NBSP = "\u202f", "\u00a0"
MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
           "nov.", "déc."],
}  # fmt: skip
DAY_FORMATS = {"en": "%Y-%m-%d", "fr": "%d/%m/%Y"}  # strftime and plotly (d3) alike
SEPARATORS = {"en": ".,", "fr": "," + NNBSP}  # plotly layout.separators: decimal, thousands


def _lang(lang: str) -> str:
    return "fr" if lang == "fr" else "en"


def is_missing(value: Any) -> bool:
    """True for None, NaN, NaT and pandas NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and other containers
        return False


def number(value: Any, lang: str, decimals: int = 1) -> str:
    """1234.5 as '1,234.5' (English) or '1 234,5' (French); a dash for a missing value."""
    if is_missing(value):
        return DASH
    value = float(value)
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    shown = f"{value:,.{decimals}f}"
    if shown.startswith("-") and not any(ch in "123456789" for ch in shown):
        shown = shown[1:]  # -0.0 reads as 0.0
    if _lang(lang) == "fr":
        shown = shown.replace(",", NNBSP).replace(".", ",")
    return shown


def count(value: Any, lang: str) -> str:
    """A whole number with thousands separators ('1,234' / '1 234')."""
    return number(value, lang, 0)


def percent(ratio: Any, lang: str, decimals: int = 0) -> str:
    """0.875 as '88%' / '88 %' (decimals=1: '87.5%' / '87,5 %'); a dash when missing."""
    if is_missing(ratio):
        return DASH
    shown = number(float(ratio) * 100, lang, decimals)
    return shown + (NNBSP + "%" if _lang(lang) == "fr" else "%")


def hours(value: Any, lang: str, decimals: int = 1) -> str:
    """1234.5 as '1,234.5 h' / '1 234,5 h'; a dash when missing."""
    if is_missing(value):
        return DASH
    return number(value, lang, decimals) + unit_space(lang) + "h"


def unit_space(lang: str) -> str:
    """The space between a figure and its unit (no-break in French)."""
    return NBSP if _lang(lang) == "fr" else " "


def duration_minutes(minutes: Any, lang: str) -> str:
    """125 minutes as '2h 05m' / '2 h 05 min'; under an hour '45m' / '45 min'."""
    if is_missing(minutes):
        return DASH
    total = round(float(minutes))
    sign, total = ("-" if total < 0 else ""), abs(total)
    whole, rest = divmod(total, 60)
    if _lang(lang) == "fr":
        hour_text = f"{count(whole, lang)}{NBSP}h{NBSP}{rest:02d}{NBSP}min"
        return sign + (hour_text if whole else f"{rest}{NBSP}min")
    return sign + (f"{count(whole, lang)}h {rest:02d}m" if whole else f"{rest}m")


def _timestamp(value: Any) -> pd.Timestamp | None:
    if is_missing(value):
        return None
    try:
        return pd.Timestamp(value)
    except (TypeError, ValueError):
        return None


def day(value: Any, lang: str) -> str:
    """A date as '2026-01-31' / '31/01/2026'; a dash when missing."""
    stamp = _timestamp(value)
    return DASH if stamp is None else stamp.strftime(DAY_FORMATS[_lang(lang)])


def moment(value: Any, lang: str) -> str:
    """A date and time as '2026-01-31 14:05' / '31/01/2026 14:05'; a dash when missing."""
    stamp = _timestamp(value)
    return DASH if stamp is None else f"{day(stamp, lang)} {stamp:%H:%M}"


def month(value: Any, lang: str) -> str:
    """The month of a date as 'Jan 2026' / 'janv. 2026'; a dash when missing."""
    stamp = _timestamp(value)
    if stamp is None:
        return DASH
    return f"{MONTHS[_lang(lang)][stamp.month - 1]} {stamp.year}"


def period(start: Any, end: Any, lang: str) -> str:
    """An inclusive span of days: '2026-01-01 – 2026-03-31' / '01/01/2026 – 31/03/2026'."""
    return f"{day(start, lang)} – {day(end, lang)}"


def signed(text: str, value: Any) -> str:
    """A formatted change with a '+' in front of a rise."""
    return ("+" + text) if not is_missing(value) and float(value) > 0 else text


def cell(value: Any, lang: str) -> str:
    """Any table cell as text: whole numbers as counts, other numbers with one decimal,
    timestamps with their time, dates as days, text as it is; a dash when missing."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if is_missing(value):
        return DASH
    if isinstance(value, pd.Timestamp | datetime):
        return moment(value, lang)
    if isinstance(value, date):
        return day(value, lang)
    if isinstance(value, numbers.Integral):
        return count(value, lang)
    if isinstance(value, numbers.Real):
        return number(value, lang, 1)
    return str(value)


FORMATTERS: dict[str, Callable[[Any, str], str]] = {
    "count": count,
    "decimal": number,
    "hours": hours,
    "percent": percent,
    "percent1": lambda value, lang: percent(value, lang, 1),
    "day": day,
    "moment": moment,
    "month": month,
    "duration": duration_minutes,
    "cell": cell,
}


def formatter(kind: str, lang: str) -> Callable[[Any], str]:
    """A one-argument formatter of one kind (FORMATTERS) in lang, e.g. for a pandas Styler."""
    function = FORMATTERS[kind]
    return lambda value: function(value, lang)


# Plotly: layout.separators and d3 formats (plotly has no French month names without a locale
# bundle, so date ticks and hovers use digits in French).


def plotly_separators(lang: str) -> str:
    """layout.separators: '.,' in English, decimal comma and narrow space in French."""
    return SEPARATORS[_lang(lang)]


def d3_day(lang: str) -> str:
    """The d3 date format of a day, for plotly tickformat / hoverformat / %{x|...}."""
    return DAY_FORMATS[_lang(lang)]


def d3_month(lang: str) -> str:
    """The d3 format of a month on a date axis: '%b %Y' in English, '%m/%Y' in French."""
    return "%m/%Y" if _lang(lang) == "fr" else "%b %Y"


def d3_hours(field: str, lang: str, decimals: int = 1) -> str:
    """A hover template piece for hours, e.g. '%{y:,.1f} h' (separators do the rest)."""
    return f"%{{{field}:,.{decimals}f}}{unit_space(lang)}h"
