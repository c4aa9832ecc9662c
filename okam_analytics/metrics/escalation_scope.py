"""The escalation metrics (metrics/escalations.py) limited to the sidebar's clients and teams,
with the settings of the database, and the shapes the Escalations page draws.

Every query function takes (con, span, clients, teams); empty clients or teams choose every
one, and then the result is exactly the metrics function's. With a choice, the metrics' own
SQL runs over the escalated tickets of that scope (sql/escalation_scoped.sql).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from okam_analytics import db, settings
from okam_analytics.metrics import escalations, workload
from okam_analytics.metrics.period import Period

Names = Sequence[str]
MEASURES = ("response", "resolution")
LOAD_STATUSES = ("overloaded", "busy", "available", "no_timesheet")
HEADLINE_COUNTS = ("tickets", "open_breached", "no_response_data", "open_within")


def _narrow(cur: duckdb.DuckDBPyConnection, clients: Names, teams: Names) -> None:
    # the metrics' queries read the view escalation_tickets: point it at the scoped rows
    escalations.create_temp(cur, "escalation_scoped", clients=list(clients), teams=list(teams))
    cur.execute("create or replace temp view escalation_tickets as select * from escalation_scoped")


def scoped_query(
    con: duckdb.DuckDBPyConnection,
    span: Period,
    name: str,
    clients: Names = (),
    teams: Names = (),
    **params: Any,
) -> pd.DataFrame:
    """Run sql/<name>.sql over the escalated tickets of the chosen clients and teams."""
    cfg = settings.load(con)
    if not clients and not teams:
        return escalations.prepared_query(con, cfg, span, name, **params)
    with con.cursor() as cur:
        escalations.prepare(cur, cfg, span)
        _narrow(cur, clients, teams)
        return db.query_df(cur, name, **params)


def compliance(
    con: duckdb.DuckDBPyConnection, span: Period, by: str, clients: Names = (), teams: Names = ()
) -> pd.DataFrame:
    """escalations.escalation_compliance(by) within the scope (same columns)."""
    if by not in escalations.SUMMARY_KEYS:
        raise ValueError(f"Escalations can be grouped by {', '.join(escalations.SUMMARY_KEYS)}.")
    frame = scoped_query(con, span, "escalation_compliance", clients, teams, by=by)
    return frame[escalations.SUMMARY_KEYS[by] + escalations.SUMMARY_COLUMNS + ["open_within"]]


def tickets(
    con: duckdb.DuckDBPyConnection, span: Period, clients: Names = (), teams: Names = ()
) -> pd.DataFrame:
    """escalations.escalation_tickets within the scope."""
    return scoped_query(con, span, "escalation_tickets", clients, teams)


def time_distribution(
    con: duckdb.DuckDBPyConnection, span: Period, clients: Names = (), teams: Names = ()
) -> pd.DataFrame:
    """distribution_stats of the escalated tickets in scope (box-plot ready)."""
    return distribution_stats(tickets(con, span, clients, teams))


def client_states(
    con: duckdb.DuckDBPyConnection, span: Period, clients: Names = (), teams: Names = ()
) -> pd.DataFrame:
    """Escalated tickets in scope per client and state: client, state, tickets."""
    return state_counts(tickets(con, span, clients, teams), "client")


def breaches(
    con: duckdb.DuckDBPyConnection, span: Period, clients: Names = (), teams: Names = ()
) -> pd.DataFrame:
    """escalations.escalation_breaches within the scope, plus created_month."""
    frame = scoped_query(con, span, "escalation_breaches", clients, teams)
    frame["created_month"] = frame["created_at"].dt.strftime("%Y-%m")
    return frame


def open_escalations(
    con: duckdb.DuckDBPyConnection, span: Period, clients: Names = (), teams: Names = ()
) -> pd.DataFrame:
    """escalations.open_escalations within the scope."""
    return scoped_query(con, span, "open_escalations", clients, teams)


def source_agreement(
    con: duckdb.DuckDBPyConnection, span: Period, clients: Names = (), teams: Names = ()
) -> pd.DataFrame:
    """escalations.source_agreement within the scope."""
    return scoped_query(con, span, "escalation_source_agreement", clients, teams)


def headline(
    con: duckdb.DuckDBPyConnection, span: Period, clients: Names = (), teams: Names = ()
) -> dict[str, float | int | None]:
    """The page's tiles: tickets, response_compliance, resolution_compliance (ratios of sums
    over the priorities), open_breached, no_response_data, open_within."""
    return totals(compliance(con, span, "priority", clients, teams))


def totals(by_priority: pd.DataFrame) -> dict[str, float | int | None]:
    """Sum the per-priority compliance rows into one set of figures (ratios of sums)."""
    sums = {name: int(by_priority[name].sum()) for name in HEADLINE_COUNTS}
    for measure in MEASURES:
        met = int(by_priority[f"{measure}_met"].sum())
        judged = met + int(by_priority[f"{measure}_breached"].sum())
        sums[f"{measure}_compliance"] = met / judged if judged else None
    return sums


def consultant_weeks(
    con: duckdb.DuckDBPyConnection, span: Period, clients: Names = (), teams: Names = ()
) -> pd.DataFrame:
    """escalations.escalations_by_consultant_week within the scope (utilisation is the
    consultant's whole week; with teams chosen, the weeks of their members and of the scoped
    escalations' assignees), plus load_status: overloaded, busy, available or no_timesheet."""
    cfg = settings.load(con)
    last_day = max(min(span.date_to, span.as_of_date), span.date_from)
    with con.cursor() as cur:
        weeks = workload.weekly_utilisation(cur, cfg, span.date_from, last_day)
        escalations.prepare(cur, cfg, span)
        if clients or teams:
            _narrow(cur, clients, teams)
        if teams:  # the teams' members, and whoever received one of the scoped escalations
            members = db.query_df(cur, "team_members", teams=list(teams))["consultant"]
            assignees = db.query_df(cur, "escalation_assignees")["consultant"]
            weeks = weeks[weeks["consultant"].isin(set(members) | set(assignees))]
        cur.register("weekly_utilisation", weeks)
        frame = db.query_df(cur, "escalations_by_consultant_week")
    frame["load_status"] = load_status(frame, cfg["workload"])
    return frame


def load_status(weeks: pd.DataFrame, workload_cfg: dict[str, Any]) -> np.ndarray:
    """Per consultant-week: overloaded (flag), busy (>= busy threshold), available, no_timesheet."""
    rate = weeks["utilisation"].astype("Float64")
    overloaded = weeks["overloaded"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    busy = (rate >= float(workload_cfg["busy_threshold"])).fillna(False).to_numpy(dtype=bool)
    missing = rate.isna().to_numpy(dtype=bool)
    return np.select(
        [missing, overloaded, busy], ["no_timesheet", "overloaded", "busy"], "available"
    )


def pressure_by_consultant(weeks: pd.DataFrame) -> pd.DataFrame:
    """Per consultant with escalations: escalations, breached_escalations, when_overloaded
    (escalations in overloaded weeks), share_when_overloaded, utilisation_when_escalated (worked
    over capacity of the weeks with escalations), overloaded_weeks; most pressed first."""
    frame = weeks.assign(
        when_overloaded=weeks["escalations"].where(weeks["load_status"] == "overloaded", 0),
        escalated_worked=weeks["worked_hours"].where(weeks["escalations"] > 0),
        escalated_capacity=weeks["capacity_hours"].where(weeks["escalations"] > 0),
        is_overloaded=weeks["load_status"] == "overloaded",
    )
    grouped = frame.groupby("consultant", as_index=False).agg(
        escalations=("escalations", "sum"),
        breached_escalations=("breached_escalations", "sum"),
        when_overloaded=("when_overloaded", "sum"),
        worked=("escalated_worked", "sum"),
        capacity=("escalated_capacity", "sum"),
        overloaded_weeks=("is_overloaded", "sum"),
    )
    grouped = grouped[grouped["escalations"] > 0]
    grouped["share_when_overloaded"] = grouped["when_overloaded"] / grouped["escalations"]
    grouped["utilisation_when_escalated"] = grouped["worked"] / grouped["capacity"].where(
        grouped["capacity"] > 0
    )
    grouped = grouped.drop(columns=["worked", "capacity"])
    ordered = grouped.sort_values(
        ["when_overloaded", "escalations", "consultant"], ascending=[False, False, True]
    )
    return ordered.reset_index(drop=True)


def pressure_totals(weeks: pd.DataFrame) -> dict[str, int]:
    """escalations, with_timesheet (the assignee's week is known), when_overloaded."""
    known = weeks["load_status"] != "no_timesheet"
    overloaded = weeks["load_status"] == "overloaded"
    return {
        "escalations": int(weeks["escalations"].sum()),
        "with_timesheet": int(weeks.loc[known, "escalations"].sum()),
        "when_overloaded": int(weeks.loc[overloaded, "escalations"].sum()),
    }


def distribution_stats(escalated: pd.DataFrame) -> pd.DataFrame:
    """Response and resolution times per priority in hours of each priority's clock: priority,
    measure, clock, tickets, p10, q1, median, q3, p90, max, target_hours (box-plot ready)."""
    parts = []
    for measure in MEASURES:
        part = escalated[["priority", "clock", f"{measure}_clock_minutes"]].dropna()
        part = part.rename(columns={f"{measure}_clock_minutes": "minutes"})
        parts.append(part.assign(measure=measure))
    columns = ["priority", "measure", "clock", "tickets", "p10", "q1", "median", "q3", "p90", "max"]
    long = pd.concat(parts, ignore_index=True)
    if long.empty:
        return pd.DataFrame(columns=columns + ["target_hours"])
    grouped = long.groupby(["priority", "measure", "clock"])["minutes"]
    stats = grouped.quantile([0.1, 0.25, 0.5, 0.75, 0.9]).unstack() / 60
    stats.columns = ["p10", "q1", "median", "q3", "p90"]
    stats["max"] = grouped.max() / 60
    stats["tickets"] = grouped.size()
    frame = stats.reset_index()
    frame["target_hours"] = _targets(escalated, frame)
    return frame[columns + ["target_hours"]].sort_values(["measure", "priority"], ignore_index=True)


def _targets(escalated: pd.DataFrame, stats: pd.DataFrame) -> pd.Series:
    targets = escalated.groupby("priority")[
        ["response_target_minutes", "resolution_target_minutes"]
    ].first()
    response = stats["priority"].map(targets["response_target_minutes"])
    resolution = stats["priority"].map(targets["resolution_target_minutes"])
    return response.where(stats["measure"] == "response", resolution) / 60


def state_counts(escalated: pd.DataFrame, by: str) -> pd.DataFrame:
    """Escalated tickets per value of `by` (client, assignee...) and state: by, state, tickets."""
    counts = escalated.groupby([by, "state"], as_index=False).size()
    return counts.rename(columns={"size": "tickets"})


def focus(frame: pd.DataFrame, **chosen: str | None) -> pd.DataFrame:
    """The rows whose columns equal the chosen values (a None value does not filter)."""
    keep = pd.Series(True, index=frame.index)
    for column, value in chosen.items():
        if value is not None:
            keep &= frame[column] == value
    return frame[keep]


def ticket_detail(con: duckdb.DuckDBPyConnection, source: str, ticket_id: str) -> pd.DataFrame:
    """The current row of one ticket (sql/ticket_detail.sql), empty when unknown."""
    return db.query_df(con, "ticket_detail", source=source, ticket_id=ticket_id)
