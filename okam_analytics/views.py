"""Page-ready frames: the metrics narrowed to the sidebar's clients and teams, headline figures.

Pages call these through ui.data.cached_call, so each takes the connection first and only
hashable arguments after it. Never imports streamlit.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import duckdb
import pandas as pd

from okam_analytics import db
from okam_analytics.charts import KNOWLEDGE_STATUSES
from okam_analytics.metrics import escalation_scope, knowledge
from okam_analytics.metrics.period import Period

Settings = dict[str, dict[str, Any]]
AT_RISK = ("single", "uncovered")
SLA_DAYS = 30


def consultants_in_scope(
    con: duckdb.DuckDBPyConnection,
    date_from: date,
    date_to: date,
    clients: list[str] | tuple[str, ...] = (),
    teams: list[str] | tuple[str, ...] = (),
) -> pd.DataFrame:
    """consultant, team of the chosen teams who worked for a chosen client in the period
    (an empty choice keeps everyone)."""
    return db.query_df(
        con,
        "consultants_in_scope",
        date_from=date_from,
        date_to=date_to,
        clients=list(clients),
        teams=list(teams),
    )


def team_members(con: duckdb.DuckDBPyConnection, teams: list[str] | tuple[str, ...]) -> list[str]:
    """The consultants of the chosen teams (whatever their clients)."""
    frame = consultants_in_scope(con, date.min, date.max, (), teams)
    return frame["consultant"].tolist()


def clients_in_scope(
    con: duckdb.DuckDBPyConnection,
    cfg: Settings,
    as_of_date: date,
    clients: list[str] | tuple[str, ...] = (),
    teams: list[str] | tuple[str, ...] = (),
) -> pd.DataFrame:
    """redundancy_by_client for the chosen clients; with teams, only the clients where a team
    member holds at least min_share of the client's knowledge (the team's share of the work)."""
    frame = knowledge.redundancy_by_client(con, cfg, as_of_date)
    if clients:
        frame = frame[frame["client"].isin(clients)]
    if teams:
        scores = knowledge.knowledge_scores(con, cfg, as_of_date)
        share = float(cfg["knowledge"]["min_share"])
        held = scores[scores["consultant"].isin(team_members(con, teams))]
        frame = frame[frame["client"].isin(held.loc[held["share"] + 1e-9 >= share, "client"])]
    return frame.reset_index(drop=True)


def scores_in_scope(
    con: duckdb.DuckDBPyConnection,
    cfg: Settings,
    as_of_date: date,
    clients: list[str] | tuple[str, ...] = (),
    teams: list[str] | tuple[str, ...] = (),
) -> pd.DataFrame:
    """knowledge_scores of the clients in scope; with teams, only the team members' scores."""
    scores = knowledge.knowledge_scores(con, cfg, as_of_date)
    if clients or teams:
        kept = clients_in_scope(con, cfg, as_of_date, clients, teams)["client"]
        scores = scores[scores["client"].isin(kept)]
    if teams:
        scores = scores[scores["consultant"].isin(team_members(con, teams))]
    return scores.reset_index(drop=True)


def status_counts(redundancy: pd.DataFrame) -> dict[str, int]:
    """Active clients per status (covered, thin, single, uncovered), plus active and dormant."""
    active = redundancy[redundancy["activity"] == "active"]
    counts = {status: int((active["status"] == status).sum()) for status in KNOWLEDGE_STATUSES}
    return counts | {"active": len(active), "dormant": len(redundancy) - len(active)}


def truck_factor_in_scope(
    con: duckdb.DuckDBPyConnection,
    cfg: Settings,
    as_of_date: date,
    clients: list[str] | tuple[str, ...] = (),
    teams: list[str] | tuple[str, ...] = (),
) -> tuple[int, list[str]]:
    """The truck factor of the active clients in scope: (count, consultants removed in order)."""
    frame = clients_in_scope(con, cfg, as_of_date, clients, teams)
    return knowledge.truck_factor_of(frame[frame["activity"] == "active"])


def at_risk_clients(
    con: duckdb.DuckDBPyConnection,
    cfg: Settings,
    as_of_date: date,
    absent: list[str] | tuple[str, ...] = (),
    clients: list[str] | tuple[str, ...] = (),
    teams: list[str] | tuple[str, ...] = (),
) -> pd.DataFrame:
    """Active clients with one knower or none, now or without the absent consultants, most active
    first: client, status, knowers, knower_names, status_if_absent, knowers_if_absent,
    successors (best non-knowers, none absent), evidence_hours_90d, last_activity_on."""
    active = clients_in_scope(con, cfg, as_of_date, clients, teams)
    active = active[active["activity"] == "active"]
    hit = knowledge.what_if_absent(con, cfg, as_of_date, list(absent)).set_index("client")
    hit = hit[hit.index.isin(active["client"])]
    rows = active[active["status"].isin(AT_RISK) | active["client"].isin(hit.index)].copy()
    for name, after in (("knowers", "knowers_after"), ("status", "status_after")):
        changed = rows["client"].map(hit[after])
        rows[f"{name}_if_absent"] = rows[name].where(changed.isna(), changed)
    rows["knowers_if_absent"] = rows["knowers_if_absent"].astype(int)
    rows["successors"] = knowledge.successors_for(
        con, cfg, as_of_date, rows["client"].tolist(), set(absent)
    )
    rows = rows.sort_values(["evidence_hours_90d", "client"], ascending=[False, True])
    columns = ["client", "status", "knowers", "knower_names", "status_if_absent",
               "knowers_if_absent", "successors", "evidence_hours_90d", "last_activity_on"]  # fmt: skip
    return rows[columns].reset_index(drop=True)


def sla_span(as_of_date: date) -> Period:
    """The SLA_DAYS days ending at the as-of day (the Overview's 'last 30 days')."""
    return Period(as_of_date, as_of_date - timedelta(days=SLA_DAYS - 1), as_of_date)


def sla_last_30_days(
    con: duckdb.DuckDBPyConnection,
    as_of_date: date,
    clients: list[str] | tuple[str, ...] = (),
    teams: list[str] | tuple[str, ...] = (),
) -> dict[str, float | int | None]:
    """The Escalations page's headline over the 30 days ending at the as-of day: tickets,
    response_compliance, resolution_compliance, open_breached, no_response_data, open_within."""
    return escalation_scope.headline(con, sla_span(as_of_date), clients, teams)
