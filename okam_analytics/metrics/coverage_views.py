"""Coverage frames for the page: runway and plan narrowed to the sidebar's clients and teams.

The page calls these through ui.data.cached_call: the connection first, hashable arguments after.
The plan is optimised over every client (learners' budgets are shared), then narrowed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pandas as pd

from okam_analytics import views
from okam_analytics.metrics import coverage, coverage_plan

Settings = dict[str, dict[str, Any]]


def _in_scope(
    con: duckdb.DuckDBPyConnection,
    cfg: Settings,
    as_of_date: date,
    frame: pd.DataFrame,
    clients: tuple[str, ...],
    teams: tuple[str, ...],
) -> pd.DataFrame:
    if not clients and not teams:
        return frame
    kept = views.clients_in_scope(con, cfg, as_of_date, clients, teams)["client"]
    return frame[frame["client"].isin(kept)].reset_index(drop=True)


def runway_in_scope(
    con: duckdb.DuckDBPyConnection,
    cfg: Settings,
    as_of_date: date,
    absent: tuple[str, ...] = (),
    clients: tuple[str, ...] = (),
    teams: tuple[str, ...] = (),
) -> pd.DataFrame:
    """coverage_runway without the absent consultants, for the clients in scope."""
    runway = coverage.coverage_runway(con, cfg, as_of_date, absent)
    return _in_scope(con, cfg, as_of_date, runway, clients, teams)


def plan_in_scope(
    con: duckdb.DuckDBPyConnection,
    cfg: Settings,
    as_of_date: date,
    weeks: int,
    budget_share: float,
    absent: tuple[str, ...] = (),
    clients: tuple[str, ...] = (),
    teams: tuple[str, ...] = (),
) -> pd.DataFrame:
    """coverage_plan over every client (absent consultants neither knowers nor learners),
    then the rows of the clients in scope."""
    plan = coverage_plan.coverage_plan(con, cfg, as_of_date, weeks, budget_share, absent)
    return _in_scope(con, cfg, as_of_date, plan, clients, teams)
