"""Every metric and calendar parameter: one declared table, merged and validated in one place."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb


@dataclass(frozen=True)
class Setting:
    key: str  # "section.name"
    default: Any
    kind: type | tuple[type, ...]
    help: str


DEFAULT_SLA = {
    "P1": {"response_minutes": 60, "resolution_minutes": 240, "clock": "24x7"},
    "P2": {"response_minutes": 120, "resolution_minutes": 480, "clock": "business"},
    "P3": {"response_minutes": 240, "resolution_minutes": 1440, "clock": "business"},
    "P4": {"response_minutes": 480, "resolution_minutes": 2400, "clock": "business"},
}
WEEKDAY_WINDOW = [["09:00", "18:00"]]
DEFAULT_WINDOWS = {
    "mon": WEEKDAY_WINDOW,
    "tue": WEEKDAY_WINDOW,
    "wed": WEEKDAY_WINDOW,
    "thu": WEEKDAY_WINDOW,
    "fri": WEEKDAY_WINDOW,
    "sat": [],
    "sun": [],
}
DEFAULT_ABSENCE_PATTERNS = [
    "congé",
    "conge",
    "vacances",
    "rtt",
    "maladie",
    "absence",
    "holiday",
    "vacation",
    "leave",
    "sick",
    "pto",
]

NUMBER = (int, float)

SETTINGS: tuple[Setting, ...] = (
    Setting("knowledge.half_life_days", 90, NUMBER, "Days after which evidence counts half."),
    Setting("knowledge.window_days", 365, NUMBER, "Evidence older than this is ignored."),
    Setting("knowledge.knower_floor", 7.0, NUMBER, "Minimum decayed hours to be a knower."),
    Setting("knowledge.min_share", 0.10, NUMBER, "Minimum share of a client's knowledge."),
    Setting("knowledge.ticket_weight", 1.0, NUMBER, "Hour-equivalents one ticket is worth."),
    Setting("knowledge.target_knowers", 2, int, "Knowers a client needs to be covered."),
    Setting("knowledge.active_days", 90, NUMBER, "A client with evidence this recent is active."),
    Setting(
        "knowledge.internal_clients",
        [],
        list,
        "Client names that are the company itself (internal time): not clients to know.",
    ),
    Setting("workload.weekly_capacity_hours", 40.0, NUMBER, "Default weekly capacity."),
    Setting("workload.overload_threshold", 1.10, NUMBER, "Utilisation above this is overload."),
    Setting("workload.busy_threshold", 0.90, NUMBER, "Utilisation from this is busy."),
    Setting(
        "workload.absence_patterns",
        DEFAULT_ABSENCE_PATTERNS,
        list,
        "Case-insensitive words marking absence.",
    ),
    Setting("coverage.plan_weeks", 8, int, "Weeks of a cross-training plan (its horizon)."),
    Setting(
        "coverage.budget_share", 0.10, NUMBER, "Share of a learner's capacity a plan may take."
    ),
    Setting("escalation.priorities", ["P1", "P2"], list, "Priorities that count as escalated."),
    Setting("escalation.include_reassigned", False, bool, "Reassigned tickets count as escalated."),
    Setting("escalation.sla", DEFAULT_SLA, dict, "SLA targets per priority and their clock."),
    Setting("calendar.timezone", "Europe/Paris", str, "Time zone of the business calendar."),
    Setting("calendar.windows", DEFAULT_WINDOWS, dict, "Opening windows per weekday."),
    Setting("calendar.holiday_country", "FR", (str, type(None)), "Public holidays country."),
    Setting("calendar.holiday_subdivision", None, (str, type(None)), "Region for holidays."),
    Setting("calendar.extra_holidays", [], list, "Extra closed dates (ISO)."),
    Setting("privacy.consultant_names", "initials", str, "Shared views: full, initials, hidden."),
    Setting("ui.language", "en", str, "Default interface language (en, fr)."),
    # the steering deck's template (okam_analytics/steering/deck_layout.py)
    Setting("steering.company_name", "", str, "Company name on the steering deck's slides."),
    Setting("steering.logo_path", None, (str, type(None)), "PNG/JPEG logo for the deck."),
    Setting("steering.accent_color", "#2F5D8A", str, "Deck accent colour, #RRGGBB."),
    # --- Today page, alerts and delivery (SPEC 11) ---
    Setting("alerts.at_risk_share", 0.75, NUMBER, "Share of an SLA target that makes it at risk."),
    Setting("delivery.smtp_host", "localhost", str, "SMTP server that sends the e-mails."),
    Setting("delivery.smtp_port", 587, int, "Port of the SMTP server."),
    Setting("delivery.smtp_user", "", str, "SMTP login (blank: no login)."),
    Setting(
        "delivery.smtp_password_env",
        "OKAM_SMTP_PASSWORD",
        str,
        "Environment variable holding the SMTP password.",
    ),
    Setting("delivery.from", "okam@localhost", str, "Sender address of the e-mails."),
    Setting("delivery.starttls", True, bool, "Upgrade the SMTP connection with STARTTLS."),
    Setting(
        "delivery.base_url", "http://localhost:8501", str, "Address of the dashboard in links."
    ),
)
BY_KEY = {s.key: s for s in SETTINGS}


class SettingsError(ValueError):
    """A settings value or file that cannot be used."""


def defaults() -> dict[str, dict[str, Any]]:
    """The nested default settings {section: {name: value}}."""
    nested: dict[str, dict[str, Any]] = {}
    for s in SETTINGS:
        section, name = s.key.split(".", 1)
        nested.setdefault(section, {})[name] = copy.deepcopy(s.default)
    return nested


def validate(key: str, value: Any) -> Any:
    """Check one value against its declaration; return it or raise SettingsError."""
    spec = BY_KEY.get(key)
    if spec is None:
        raise SettingsError(f"Unknown setting '{key}'.")
    if isinstance(value, bool) and spec.kind in (NUMBER, int):
        raise SettingsError(f"Setting '{key}' must be a number, not {value!r}.")
    if not isinstance(value, spec.kind):
        raise SettingsError(f"Setting '{key}' has the wrong type: {value!r}.")
    if spec.kind in (NUMBER, int) and value < 0:
        raise SettingsError(f"Setting '{key}' cannot be negative: {value!r}.")
    if key == "knowledge.half_life_days" and value <= 0:
        raise SettingsError("Setting 'knowledge.half_life_days' must be above 0.")
    if key == "coverage.plan_weeks" and value < 1:
        raise SettingsError("Setting 'coverage.plan_weeks' must be at least 1 week.")
    if key == "privacy.consultant_names" and value not in ("full", "initials", "hidden"):
        raise SettingsError("Setting 'privacy.consultant_names' must be full, initials or hidden.")
    if key == "steering.accent_color" and not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        raise SettingsError(f"Setting 'steering.accent_color' must be #RRGGBB, not {value!r}.")
    if key == "alerts.at_risk_share" and not 0 < value < 1:
        raise SettingsError("Setting 'alerts.at_risk_share' must be between 0 and 1 (e.g. 0.75).")
    if key == "delivery.smtp_port" and not 0 < value < 65536:
        raise SettingsError("Setting 'delivery.smtp_port' must be a port from 1 to 65535.")
    return value


def merge(base: dict[str, dict[str, Any]], overrides: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Apply nested overrides {section: {name: value}} on a copy of base, validating each."""
    if not isinstance(overrides, dict):
        raise SettingsError("Settings must be a JSON object of sections.")
    merged = copy.deepcopy(base)
    for section, values in overrides.items():
        if not isinstance(values, dict):
            raise SettingsError(f"Settings section '{section}' must be an object.")
        for name, value in values.items():
            merged.setdefault(section, {})[name] = validate(f"{section}.{name}", value)
    return merged


def load(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """Defaults overlaid with what the settings table holds."""
    stored: dict[str, dict[str, Any]] = {}
    for key, value in con.execute("select key, value from settings").fetchall():
        if key in BY_KEY:
            section, name = key.split(".", 1)
            stored.setdefault(section, {})[name] = json.loads(value)
    return merge(defaults(), stored)


def save(con: duckdb.DuckDBPyConnection, key: str, value: Any) -> None:
    """Validate and store one setting."""
    validate(key, value)
    con.execute(
        "insert or replace into settings (key, value) values ($key, $value)",
        {"key": key, "value": json.dumps(value)},
    )


def load_file(path: str | Path) -> dict[str, Any]:
    """Read a --settings JSON file, with a message naming what is wrong."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SettingsError(f"Settings file not found: {path}") from exc
    except json.JSONDecodeError as exc:
        raise SettingsError(
            f"Settings file {path} is not valid JSON: {exc.msg} at line {exc.lineno}."
        ) from exc
    merge(defaults(), data)
    return data
