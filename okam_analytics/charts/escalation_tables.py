"""Escalation tables: metric frames -> pandas Stylers (charts.tables.styled) with hours in each
priority's clock, state cells tinted; untinted long tables (clients, consultants) as text
frames (charts.tables.text_table); the ticket drill-down as field / value text rows."""

from __future__ import annotations

from functools import partial

import pandas as pd
from pandas.io.formats.style import Styler

from okam_analytics import formatting
from okam_analytics.charts import tables
from okam_analytics.charts.escalations import AGE_BUCKETS
from okam_analytics.i18n import translate

WHEN = tables.WHEN
TICKET_FIELDS = [
    "ticket_id", "source", "client", "title", "category", "priority_raw", "status_raw",
    "assignee", "team", "created_at", "first_response_at", "resolved_at", "closed_at",
    "escalation_level", "reassignment_count", "reopen_count", "source_sla_met",
]  # fmt: skip


def _hours(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """frame plus <name>_hours columns from minute columns (new name -> minute column)."""
    return frame.assign(**{name: frame[source] / 60 for name, source in columns.items()})


def clock_label(clock: str | None, lang: str = "en") -> str:
    """'business hours' or 'around the clock' in the page's language."""
    if not isinstance(clock, str):
        return ""
    return translate(f"chart.escalations.clock_{clock.replace('24x7', 'always')}", lang)


def breach_table(breaches: pd.DataFrame, lang: str = "en") -> Styler:
    """The breach list (escalation_breaches), worst overrun first, hours in each clock."""
    shown = _hours(
        breaches,
        {
            "response_hours": "response_clock_minutes",
            "response_target_hours": "response_target_minutes",
            "resolution_hours": "resolution_clock_minutes",
            "resolution_target_hours": "resolution_target_minutes",
            "overrun_hours": "overrun_minutes",
        },
    )
    shown["clock"] = shown["clock"].map(partial(clock_label, lang=lang))
    columns = ["created_at", "ticket_id", "client", "priority", "assignee", "state",
               "overrun_hours", "clock", "response_hours", "response_target_hours",
               "resolution_hours", "resolution_target_hours"]  # fmt: skip
    hours = {c: tables.HOURS for c in columns if c.endswith("_hours")}
    return tables.styled(
        shown[columns], lang, status_columns=["state"], formats={"created_at": WHEN} | hours
    )


def open_table(open_frame: pd.DataFrame, lang: str = "en") -> Styler:
    """Open escalations, oldest first: age and margin to the resolution target in hours."""
    shown = _hours(
        open_frame,
        {
            "age_hours": "age_clock_minutes",
            "resolution_target_hours": "resolution_target_minutes",
            "margin_hours": "resolution_margin_minutes",
        },
    )
    shown["clock"] = shown["clock"].map(partial(clock_label, lang=lang))
    shown["age_bucket"] = shown["age_bucket"].map(lambda b: translate(AGE_BUCKETS.get(b, b), lang))
    columns = ["created_at", "ticket_id", "client", "priority", "assignee", "state", "clock",
               "age_bucket", "age_hours", "resolution_target_hours", "margin_hours"]  # fmt: skip
    hours = {c: tables.HOURS for c in columns if c.endswith("_hours")}
    return tables.styled(
        shown[columns], lang, status_columns=["state"], formats={"created_at": WHEN} | hours
    )


def client_rows(by_client: pd.DataFrame) -> pd.DataFrame:
    """Clients least compliant first (then the most tickets), for client_table."""
    return by_client.sort_values(
        ["resolution_compliance", "tickets", "client"], ascending=[True, False, True]
    )


def client_table(by_client: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Compliance per client (escalation_compliance by client), least compliant first, as text
    (no tinted column: thousands of clients stay light)."""
    shown = _hours(client_rows(by_client), {"resolution_p90_hours": "resolution_p90_minutes"})
    columns = ["client", "tickets", "response_compliance", "resolution_compliance",
               "open_breached", "resolution_p90_hours"]  # fmt: skip
    formats = {"response_compliance": tables.PERCENT, "resolution_compliance": tables.PERCENT,
               "resolution_p90_hours": tables.HOURS}  # fmt: skip
    return tables.text_table(shown[columns], lang, formats=formats)


def pressure_table(pressure: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Per consultant: escalations received, how many in overloaded weeks, utilisation then,
    as text."""
    columns = ["consultant", "escalations", "when_overloaded", "share_when_overloaded",
               "breached_escalations", "utilisation_when_escalated", "overloaded_weeks"]  # fmt: skip
    formats = {"share_when_overloaded": tables.PERCENT,
               "utilisation_when_escalated": tables.PERCENT}  # fmt: skip
    return tables.text_table(pressure[columns], lang, formats=formats)


def agreement_table(agreement: pd.DataFrame, lang: str = "en") -> Styler:
    """Our SLA verdict against the source's own flag, per priority and overall."""
    shown = agreement.assign(
        priority=agreement["priority"].replace({"all": translate("chart.escalations.all", lang)})
    )
    columns = ["priority", "compared", "agree", "agreement", "ours_met_source_breached",
               "ours_breached_source_met"]  # fmt: skip
    return tables.styled(shown[columns], lang, formats={"agreement": tables.PERCENT})


def ticket_fields(detail: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """One ticket (ticket_detail) as field / value rows of text, for the drill-down."""
    row = detail.iloc[0]
    values = [_as_text(row[name], lang) for name in TICKET_FIELDS]
    labels = [translate(f"col.{name}", lang) for name in TICKET_FIELDS]
    return pd.DataFrame(
        {translate("col.field", lang): labels, translate("col.value", lang): values}
    )


def _as_text(value: object, lang: str) -> str:
    if pd.api.types.is_bool(value):  # the source's SLA flag
        return translate("ui.yes" if value else "ui.no", lang)
    return formatting.cell(value, lang)
