"""Escalation response (SPEC 4.3): response and resolution against SLA targets, per ticket and
summarised, with the business calendar of metrics/calendar.py.

Every public function works in a private cursor of the given connection: it rebuilds the
calendar and parameter temp tables and the temp view escalation_tickets (prepare), runs one
named query over that view and returns a chartable DataFrame.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import duckdb
import pandas as pd

from okam_analytics import db
from okam_analytics.metrics import calendar, workload
from okam_analytics.metrics.period import Period

CLOCKS = ("business", "24x7")
TICKET_COLUMNS = [
    "source",
    "ticket_id",
    "client",
    "priority",
    "assignee",
    "created_at",
    "response_minutes",
    "response_business_minutes",
    "resolution_minutes",
    "resolution_business_minutes",
    "response_met",
    "resolution_met",
    "state",
]
SUMMARY_COLUMNS = [
    "tickets",
    "response_met",
    "response_breached",
    "response_compliance",
    "resolution_met",
    "resolution_breached",
    "resolution_compliance",
    "no_response_data",
    "open_breached",
    "response_p50_minutes",
    "response_p90_minutes",
    "resolution_p50_minutes",
    "resolution_p90_minutes",
]
SUMMARY_KEYS = {
    "priority": ["priority"],
    "month": ["month", "priority"],
    "client": ["client"],
    "assignee": ["assignee"],
}


def sla_targets(cfg: dict[str, Any]) -> list[dict[str, Any]]:
    """The escalation.sla setting as rows (priority, response/resolution minutes, clock)."""
    rows = []
    for priority, target in (cfg["escalation"].get("sla") or {}).items():
        clock = target.get("clock", "business")
        if clock not in CLOCKS:
            raise ValueError(
                f"SLA clock of {priority} must be 'business' or '24x7', not {clock!r}."
            )
        minutes = [target.get(k) for k in ("response_minutes", "resolution_minutes")]
        if not all(isinstance(m, int | float) and not isinstance(m, bool) for m in minutes):
            raise ValueError(f"SLA targets of {priority} must be numbers of minutes.")
        rows.append(
            {
                "priority": str(priority),
                "response_target_minutes": float(minutes[0]),
                "resolution_target_minutes": float(minutes[1]),
                "clock": clock,
            }
        )
    # an empty list has no type DuckDB can bind: a placeholder row matching no priority
    none = {"priority": "", "response_target_minutes": 0.0, "resolution_target_minutes": 0.0}
    return rows or [none | {"clock": "24x7"}]


def prepare(con: duckdb.DuckDBPyConnection, cfg: dict[str, Any], span: Period) -> None:
    """Create on con the temp tables of the calendar, the SLA targets and the rule parameters,
    and the temp view escalation_tickets (escalated_tickets.sql) that reads them."""
    first_day = min(span.date_from, span.as_of_date)
    calendar.business_calendar(con, cfg["calendar"], first_day, span.as_of_date)
    escalation = cfg["escalation"]
    create_temp(con, "escalation_targets", targets=sla_targets(cfg))
    create_temp(
        con,
        "escalation_parameters",
        priorities=[str(p) for p in escalation.get("priorities") or []],
        include_reassigned=bool(escalation.get("include_reassigned")),
        as_of=span.as_of,
        date_from=pd.Timestamp(span.date_from).to_pydatetime(),
        date_end=pd.Timestamp(span.date_to + timedelta(days=1)).to_pydatetime(),
    )
    # a view, not a table: each report reads the tickets once, nothing is materialised
    view = "create or replace temp view escalation_tickets as "
    db.run_sql(con, view + db.sql_text("escalated_tickets"))


def create_temp(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> None:
    """Create or replace the temp table name from sql/<name>.sql."""
    db.run_sql(con, f"create or replace temp table {name} as " + db.sql_text(name), **params)


def prepared_query(
    con: duckdb.DuckDBPyConnection, cfg: dict[str, Any], span: Period, name: str, **params: Any
) -> pd.DataFrame:
    """Run the named query over freshly prepared temp tables in a private cursor of con."""
    with con.cursor() as cur:  # keeps temp tables off con, and con's unfinished results off us
        prepare(cur, cfg, span)
        return db.query_df(cur, name, **params)


def escalation_tickets(
    con: duckdb.DuckDBPyConnection, cfg: dict[str, Any], span: Period
) -> pd.DataFrame:
    """One row per escalated ticket: TICKET_COLUMNS plus created_month, created_week,
    responded_at, finished_at, is_finished, clock, response/resolution_target_minutes,
    response/resolution_clock_minutes, age_minutes, age_business_minutes, age_clock_minutes
    (open tickets), is_missing_response, sla_met, source_sla_met."""
    return prepared_query(con, cfg, span, "escalation_tickets")


def escalation_compliance(
    con: duckdb.DuckDBPyConnection, cfg: dict[str, Any], span: Period, by: str = "priority"
) -> pd.DataFrame:
    """Compliance and p50/p90 grouped by 'priority', 'month' (+ priority), 'client' or 'assignee':
    the group columns, then SUMMARY_COLUMNS and open_within."""
    if by not in SUMMARY_KEYS:
        raise ValueError(f"Escalations can be grouped by {', '.join(SUMMARY_KEYS)}, not {by!r}.")
    frame = prepared_query(con, cfg, span, "escalation_compliance", by=by)
    return frame[SUMMARY_KEYS[by] + SUMMARY_COLUMNS + ["open_within"]]


def escalation_breaches(
    con: duckdb.DuckDBPyConnection, cfg: dict[str, Any], span: Period
) -> pd.DataFrame:
    """Breached escalations (closed or open), worst overrun first: source, ticket_id, client,
    priority, assignee, created_at, state, clock, response_met, resolution_met,
    response/resolution_target_minutes, response/resolution_clock_minutes, overrun_minutes."""
    return prepared_query(con, cfg, span, "escalation_breaches")


def open_escalations(
    con: duckdb.DuckDBPyConnection, cfg: dict[str, Any], span: Period
) -> pd.DataFrame:
    """Escalations open at the as-of time, oldest first: source, ticket_id, client, priority,
    assignee, created_at, state, clock, age_minutes, age_business_minutes, age_clock_minutes,
    resolution_target_minutes, resolution_margin_minutes, age_bucket."""
    return prepared_query(con, cfg, span, "open_escalations")


def source_agreement(
    con: duckdb.DuckDBPyConnection, cfg: dict[str, Any], span: Period
) -> pd.DataFrame:
    """Our sla_met against the source's flag, per priority and 'all': priority, compared, agree,
    agreement, ours_met_source_breached, ours_breached_source_met."""
    return prepared_query(con, cfg, span, "escalation_source_agreement")


def escalations_by_consultant_week(
    con: duckdb.DuckDBPyConnection, cfg: dict[str, Any], span: Period
) -> pd.DataFrame:
    """Escalations per consultant and ISO week of creation beside utilisation that week
    (workload.weekly_utilisation): consultant, week_start, escalations, breached_escalations,
    worked_hours, capacity_hours, utilisation, overloaded (null: no timesheet that week)."""
    last_day = max(min(span.date_to, span.as_of_date), span.date_from)
    with con.cursor() as cur:
        weeks = workload.weekly_utilisation(cur, cfg, span.date_from, last_day)
        prepare(cur, cfg, span)
        cur.register("weekly_utilisation", weeks)
        return db.query_df(cur, "escalations_by_consultant_week")


def report_escalations(
    con: duckdb.DuckDBPyConnection, cfg: dict[str, Any], span: Period, grain: str | None
) -> pd.DataFrame:
    """`okam report escalations`: per ticket (grain 'ticket'), per consultant and week ('week'),
    else summary rows per priority, month and priority ('month'), client or consultant."""
    if grain == "ticket":
        return prepared_query(con, cfg, span, "escalation_report_tickets")
    if grain == "week":
        return escalations_by_consultant_week(con, cfg, span)
    by = {"month": "month", "client": "client", "consultant": "assignee"}.get(
        grain or "", "priority"
    )
    return escalation_compliance(con, cfg, span, by)
