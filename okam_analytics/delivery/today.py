"""The Today page's four blocks for the daily call (SPEC 11), without Streamlit: who not to
solicit and who has room, open escalations against their SLA, clients whose coverage ends
within 30 days, and for each open escalation who knows that client and has room."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from okam_analytics.metrics import sla_risk, workload
from okam_analytics.metrics.knowledge import knowledge_scores

COVERAGE_DAYS = 30  # "coverage ends within 30 days"
ROOM = ("available",)  # daily-call statuses that leave room for more work
NOT_TO_SOLICIT = ("overloaded",)
HELPER_COLUMNS = ["client", "consultant", "knowledge", "is_knower", "utilisation_to_date"]


@dataclass(frozen=True)
class Today:
    """The blocks of the Today page at one moment."""

    evaluated_at: datetime
    overloaded: pd.DataFrame  # daily-call rows (workload.DAILY_COLUMNS), most loaded first
    with_room: pd.DataFrame  # daily-call rows, least loaded first
    escalations: pd.DataFrame  # sla_risk.RISK_COLUMNS, most consumed first
    coverage_ending: pd.DataFrame | None  # client, status, knowers, covered_until, days_left
    helpers: pd.DataFrame  # HELPER_COLUMNS: knowers and near-knowers of those clients with room


def local_now(cfg: dict[str, Any]) -> datetime:
    """The current naive local time of the calendar's timezone, to the minute."""
    now = datetime.now(ZoneInfo(cfg["calendar"]["timezone"])).replace(tzinfo=None)
    return now.replace(second=0, microsecond=0)


def evaluation_moment(as_of_date: date, now: datetime) -> datetime:
    """Now when the as-of day is today (live data), else the end of the as-of day."""
    return now if as_of_date == now.date() else sla_risk.end_of_day(as_of_date)


def ending_within(runway: pd.DataFrame, days: int = COVERAGE_DAYS) -> pd.DataFrame:
    """Runway rows of clients covered today whose coverage ends within days, soonest first."""
    ending = runway[runway["days_left"].notna() & (runway["days_left"] <= days)]
    return ending.sort_values(["days_left", "client"]).reset_index(drop=True)


def coverage_block(
    con: duckdb.DuckDBPyConnection, cfg: dict[str, Any], as_of_date: date
) -> pd.DataFrame | None:
    """Clients whose coverage ends within 30 days, or None while no coverage runway exists."""
    try:
        from okam_analytics.metrics.coverage import coverage_runway
    except ImportError:
        return None
    return ending_within(coverage_runway(con, cfg, as_of_date))


def helpers_with_room(
    scores: pd.DataFrame, call: pd.DataFrame, clients: list[str], floor: float
) -> pd.DataFrame:
    """Knowers and near-knowers (K >= half the floor, as workload.who_can_help) of each client
    whose daily-call status leaves room, least loaded then most knowing first."""
    near = scores[scores["client"].isin(clients) & (scores["knowledge"] * (1 + 1e-9) >= floor / 2)]
    room = call[call["status"].isin(ROOM)][["consultant", "utilisation_to_date"]]
    helpers = near.merge(room, on="consultant", how="inner")
    helpers = helpers.sort_values(
        ["client", "utilisation_to_date", "knowledge", "consultant"],
        ascending=[True, True, False, True],
        na_position="last",
    )
    return helpers[HELPER_COLUMNS].reset_index(drop=True)


def today(
    con: duckdb.DuckDBPyConnection, cfg: dict[str, Any], as_of_date: date, now: datetime
) -> Today:
    """The four blocks at as_of_date (escalations evaluated at evaluation_moment)."""
    moment = evaluation_moment(as_of_date, now)
    call = workload.daily_call(con, cfg, as_of_date)
    escalations = sla_risk.escalation_risk(con, cfg, moment)
    scores = knowledge_scores(con, cfg, as_of_date)
    floor = float(cfg["knowledge"]["knower_floor"])
    return Today(
        evaluated_at=moment,
        overloaded=call[call["status"].isin(NOT_TO_SOLICIT)]
        .sort_values(["utilisation_to_date", "consultant"], ascending=[False, True])
        .reset_index(drop=True),
        with_room=call[call["status"].isin(ROOM)]
        .sort_values(["utilisation_to_date", "consultant"], na_position="first")
        .reset_index(drop=True),
        escalations=escalations,
        coverage_ending=coverage_block(con, cfg, as_of_date),
        helpers=helpers_with_room(scores, call, escalations["client"].unique().tolist(), floor),
    )


def in_scope(view: Today, clients: list[str], consultants: list[str] | None) -> Today:
    """The blocks narrowed to the sidebar's clients (empty: all) and to the consultants of
    its teams (None: all)."""
    chosen = list(clients) or None

    def keep(frame: pd.DataFrame | None, column: str, names: list[str] | None):
        if frame is None or names is None:
            return frame
        return frame[frame[column].isin(names)].reset_index(drop=True)

    return replace(
        view,
        overloaded=keep(view.overloaded, "consultant", consultants),
        with_room=keep(view.with_room, "consultant", consultants),
        escalations=keep(view.escalations, "client", chosen),
        coverage_ending=keep(view.coverage_ending, "client", chosen),
        helpers=keep(keep(view.helpers, "client", chosen), "consultant", consultants),
    )


def helpers_by_escalation(view: Today, lang: str, most: int = 3) -> pd.DataFrame:
    """One row per open escalation: ticket_id, client, priority, helpers (names with their
    utilisation this week, at most `most`; empty when nobody with room knows the client)."""
    from okam_analytics import formatting

    names = {}
    for client, rows in view.helpers.groupby("client"):
        names[client] = ", ".join(
            f"{r.consultant} ({formatting.percent(r.utilisation_to_date, lang)})"
            if pd.notna(r.utilisation_to_date) else r.consultant
            for r in rows.head(most).itertuples()
        )  # fmt: skip
    frame = view.escalations[["ticket_id", "client", "priority"]].copy()
    frame["helpers"] = [names.get(client, "") for client in frame["client"]]
    return frame.reset_index(drop=True)
