"""Settings as the Settings page edits them: text forms of the values, checks a manager can
read, and saves of a whole section at once (nothing is written when one value is wrong).

Problems are (text key, values) messages; a value named `field` is a setting key
("knowledge.knower_floor") that the page shows as its label.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import date
from functools import cache
from typing import Any

import duckdb
import holidays
import pandas as pd

from okam_analytics import db, settings
from okam_analytics.metrics import calendar, escalations

Message = tuple[str, dict[str, Any]]
SECTIONS = (
    "knowledge",
    "coverage",
    "workload",
    "escalation",
    "calendar",
    "privacy",
    "ui",
    "steering",
    "alerts",
    "delivery",
)
PRIORITIES = ("P1", "P2", "P3", "P4")
PRIVACY_CHOICES = ("full", "initials", "hidden")
# inclusive (low, high) of each number; None = no upper bound
LIMITS: dict[str, tuple[float, float | None]] = {
    "knowledge.half_life_days": (1, 3650),
    "knowledge.window_days": (1, 3650),
    "knowledge.knower_floor": (0, None),
    "knowledge.min_share": (0, 1),
    "knowledge.ticket_weight": (0, None),
    "knowledge.target_knowers": (1, 20),
    "knowledge.active_days": (1, 3650),
    "workload.weekly_capacity_hours": (1, 168),
    "workload.overload_threshold": (0.1, 5),
    "workload.busy_threshold": (0.1, 5),
    "coverage.plan_weeks": (1, 52),
    "coverage.budget_share": (0, 1),
    "alerts.at_risk_share": (0.05, 0.99),
    "delivery.smtp_port": (1, 65535),
}
WINDOW = re.compile(r"^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$")
SLA_COLUMNS = ["priority", "response_minutes", "resolution_minutes", "clock"]


def section_keys(section: str) -> list[str]:
    """The setting keys of one section, in declaration order."""
    return [s.key for s in settings.SETTINGS if s.key.split(".", 1)[0] == section]


def lines_text(values: list[str]) -> str:
    """A list as text, one value per line."""
    return "\n".join(str(v) for v in values)


def parse_lines(text: str) -> list[str]:
    """Values written one per line or separated by commas; blanks and repeats dropped."""
    parts = (part.strip() for part in re.split(r"[\n,;]", text or ""))
    return list(dict.fromkeys(part for part in parts if part))


def windows_text(windows: dict[str, list[list[str]]]) -> dict[str, str]:
    """Opening windows per weekday as text: {"mon": "09:00-12:00, 14:00-18:00", "sat": ""}."""
    return {
        day: ", ".join(f"{a}-{b}" for a, b in windows.get(day) or []) for day in calendar.WEEKDAYS
    }


def parse_windows(texts: dict[str, str]) -> tuple[dict[str, list[list[str]]], list[Message]]:
    """Windows per weekday from text like "09:00-12:00, 14:00-18:00" (blank = closed)."""
    windows: dict[str, list[list[str]]] = {}
    problems: list[Message] = []
    for day in calendar.WEEKDAYS:
        windows[day] = []
        for part in parse_lines(texts.get(day, "")):
            found = WINDOW.match(part)
            pair = [_two_digits(t) for t in found.groups()] if found else None
            if pair is None or not _valid_window(pair):
                problems.append(("settings.error.window", {"day": day, "value": part}))
                continue
            windows[day].append(pair)
    return windows, problems


def _two_digits(clock: str) -> str:
    hours, minutes = clock.split(":")
    return f"{int(hours):02d}:{minutes}"


def _valid_window(pair: list[str]) -> bool:
    try:
        calendar.parse_window(pair)
    except ValueError:
        return False
    return pair[0] != pair[1]


def parse_dates(text: str) -> tuple[list[str], list[Message]]:
    """ISO dates, one per line or comma-separated, sorted; others are problems."""
    days, problems = [], []
    for part in parse_lines(text):
        try:
            days.append(date.fromisoformat(part).isoformat())
        except ValueError:
            problems.append(("settings.error.date", {"value": part}))
    return sorted(set(days)), problems


def sla_frame(sla: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """The escalation.sla setting as an editable table: priority, response_minutes,
    resolution_minutes, clock."""
    rows = [{"priority": p, **{c: v.get(c) for c in SLA_COLUMNS[1:]}} for p, v in sla.items()]
    return pd.DataFrame(rows, columns=SLA_COLUMNS)


def parse_sla(frame: pd.DataFrame) -> tuple[dict[str, dict[str, Any]], list[Message]]:
    """The escalation.sla setting from its edited table; rows left blank are dropped."""
    sla: dict[str, dict[str, Any]] = {}
    problems: list[Message] = []
    for row in frame.reindex(columns=SLA_COLUMNS).dropna(how="all").itertuples(index=False):
        priority = str(row.priority or "").strip()
        if priority not in PRIORITIES or priority in sla:
            problems.append(("settings.error.sla_priority", {"value": priority}))
            continue
        minutes = [_minutes(row.response_minutes), _minutes(row.resolution_minutes)]
        if None in minutes:
            problems.append(("settings.error.sla_minutes", {"priority": priority}))
        if row.clock not in escalations.CLOCKS:
            problems.append(("settings.error.sla_clock", {"priority": priority}))
        sla[priority] = {
            "response_minutes": minutes[0],
            "resolution_minutes": minutes[1],
            "clock": row.clock,
        }
    return dict(sorted(sla.items())), problems


def _minutes(value: Any) -> int | float | None:
    if value is None or pd.isna(value) or float(value) <= 0:
        return None
    return int(value) if float(value).is_integer() else float(value)


@cache
def timezones() -> list[str]:
    """Every IANA time zone name, sorted."""
    return sorted(zoneinfo.available_timezones())


@cache
def holiday_countries() -> dict[str, str]:
    """Country code -> name of every country the holidays package supports, by name."""
    codes = holidays.list_supported_countries(include_aliases=False)
    names = {entry[1]: _spaced(entry[0]) for entry in holidays.registry.COUNTRIES.values()}
    return dict(sorted(((c, names.get(c, c)) for c in codes), key=lambda item: item[1]))


def _spaced(class_name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", class_name)


def holiday_subdivisions(country: str | None) -> list[str]:
    """The subdivision codes the holidays package knows for a country (empty when none)."""
    if not country:
        return []
    return list(holidays.list_supported_countries(include_aliases=False).get(country, []))


@cache
def subdivision_names(country: str | None) -> dict[str, str]:
    """Subdivision code -> a readable name (its longest alias, else the code) for a country."""
    codes = holiday_subdivisions(country)
    if not codes:
        return {}
    aliases = holidays.country_holidays(country).get_subdivision_aliases()
    return {code: max(aliases.get(code) or [code], key=len) for code in codes}


def check(key: str, value: Any, values: dict[str, Any]) -> list[Message]:
    """Problems of one value (values: the whole section being saved, for cross-checks)."""
    if key in LIMITS and isinstance(value, int | float) and not isinstance(value, bool):
        low, high = LIMITS[key]
        if value < low or (high is not None and value > high):
            bounds = {"field": key, "low": low, "high": high}
            return [("settings.error.range" if high is not None else "settings.error.min", bounds)]
    if key in CHOICES and value not in CHOICES[key]():  # before validate: a plainer message
        return [("settings.error.choice", {"field": key, "value": str(value)})]
    try:
        settings.validate(key, value)
    except settings.SettingsError as exc:
        return [("settings.error.invalid", {"field": key, "reason": str(exc)})]
    return _domain_problems(key, value, values)


def _domain_problems(key: str, value: Any, values: dict[str, Any]) -> list[Message]:
    busy = values.get("workload.busy_threshold")
    if key == "workload.overload_threshold" and busy is not None and busy > value:
        return [("settings.error.thresholds", {})]
    if key == "escalation.priorities":
        wrong = [str(p) for p in value if p not in PRIORITIES]
    elif key == "calendar.holiday_subdivision" and value is not None:
        known = holiday_subdivisions(values.get("calendar.holiday_country"))
        wrong = [] if value in known else [str(value)]
    elif key == "steering.logo_path":
        return _logo_problems(value)
    else:
        wrong = []
    return [("settings.error.choice", {"field": key, "value": ", ".join(wrong)})] if wrong else []


def _logo_problems(path: str | None) -> list[Message]:
    from okam_analytics.steering.deck_layout import DeckError, check_logo  # python-pptx: lazily

    try:
        check_logo(path)
    except DeckError as exc:
        return [("settings.error.invalid", {"field": "steering.logo_path", "reason": str(exc)})]
    return []


CHOICES = {  # setting key -> its allowed values
    "calendar.timezone": timezones,
    "calendar.holiday_country": lambda: [None, *holiday_countries()],
    "privacy.consultant_names": lambda: PRIVACY_CHOICES,
    "ui.language": lambda: ("en", "fr"),
}


def check_section(values: dict[str, Any]) -> list[Message]:
    """Problems of every value of a section (key -> value)."""
    return [problem for key, value in values.items() for problem in check(key, value, values)]


def save_section(con: duckdb.DuckDBPyConnection, values: dict[str, Any]) -> list[Message]:
    """Check every value, then store them all in one transaction; the problems or []."""
    problems = check_section(values)
    if problems:
        return problems
    with con.cursor() as cur:
        cur.begin()
        try:
            for key, value in values.items():
                settings.save(cur, key, value)
            cur.commit()
        except BaseException:
            cur.rollback()
            raise
    return []


def reset_section(con: duckdb.DuckDBPyConnection, section: str) -> None:
    """Forget the stored values of a section: its settings are the defaults again."""
    db.execute(con, "settings_reset", keys=section_keys(section))


def changed(before: dict[str, Any], values: dict[str, Any], key: str) -> bool:
    """Whether a save changes one setting (before: the nested settings as loaded)."""
    section, name = key.split(".", 1)
    return key in values and before.get(section, {}).get(name) != values[key]
