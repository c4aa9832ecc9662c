"""Coverage runway: how long each active client keeps its target of knowers (SPEC 4.4)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from okam_analytics import db
from okam_analytics.metrics.knowledge import as_dates, knowledge_params
from okam_analytics.metrics.period import Period

Settings = dict[str, dict[str, Any]]
RUNWAY_COLUMNS = ["client", "status", "knowers", "covered_until", "days_left"]


def coverage_runway(
    con: duckdb.DuckDBPyConnection,
    cfg: Settings,
    as_of_date: date,
    absent: Iterable[str] = (),
) -> pd.DataFrame:
    """One row per active client: client, status, knowers, covered_until, days_left, target_knowers.

    covered_until is the last day up to which the client keeps its target of knowers every day
    without new work (None below target at the as-of date); absent consultants are no knowers.
    """
    frame = db.query_df(
        con,
        "coverage_runway",
        absent=sorted(set(absent)),
        **knowledge_params(cfg, as_of_date),
    )
    frame["covered_until"] = as_dates(frame["covered_until"])
    frame["days_left"] = frame["days_left"].astype("Int64")
    frame["knowers"] = frame["knowers"].astype(int)
    frame["target_knowers"] = frame["target_knowers"].astype(int)
    return frame[[*RUNWAY_COLUMNS, "target_knowers"]]


def report_coverage(
    con: duckdb.DuckDBPyConnection, cfg: Settings, span: Period, grain: str | None
) -> pd.DataFrame:
    """`okam report coverage`: one row per active client at the as-of date (grain is not used)."""
    frame = coverage_runway(con, cfg, span.as_of_date)[RUNWAY_COLUMNS]
    frame["covered_until"] = frame["covered_until"].map(lambda d: d.isoformat() if d else None)
    return frame
