"""Saved cross-training plans and their progress: hours logged since, the learner's K now."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import duckdb
import pandas as pd

from okam_analytics import db
from okam_analytics.metrics.knowledge import as_dates, knowledge_scores

Settings = dict[str, dict[str, Any]]
PROGRESS_COLUMNS = [
    "client", "learner", "trainer", "planned_hours", "logged_hours", "knowledge", "knower_floor",
    "is_knower", "plan_end_on",
]  # fmt: skip


def save_plan(con: duckdb.DuckDBPyConnection, plan: pd.DataFrame, plan_on: date, weeks: int) -> int:
    """Store the plan's assignments under its as-of day (replacing that day's); how many."""
    rows = plan[plan["learner"].notna()][["client", "learner", "trainer", "hours"]]
    with con.cursor() as cur:
        cur.register("saved_plan", rows)
        cur.begin()
        try:
            db.execute(cur, "coverage_plan_forget", plan_on=plan_on)
            db.execute(cur, "coverage_plan_save", plan_on=plan_on, saved_at=datetime.now(),
                       horizon_weeks=int(weeks))  # fmt: skip
            cur.commit()
        except BaseException:
            cur.rollback()
            raise
    return len(rows)


def saved_plan_days(con: duckdb.DuckDBPyConnection) -> list[date]:
    """The days of the saved plans, latest first."""
    rows = con.execute(
        "select distinct plan_on from coverage_plan_assignments order by plan_on desc"
    ).fetchall()
    return [row[0] for row in rows]


def plan_progress(
    con: duckdb.DuckDBPyConnection, cfg: Settings, plan_on: date, as_of_date: date
) -> pd.DataFrame:
    """Each saved assignment of plan_on: planned and logged hours, the learner's K at the as-of
    day against the floor, and whether the learner is a knower now."""
    frame = db.query_df(con, "coverage_plan_progress", plan_on=plan_on, as_of_on=as_of_date)
    scores = knowledge_scores(con, cfg, as_of_date)[["client", "consultant", "knowledge",
                                                      "is_knower"]]  # fmt: skip
    frame = frame.merge(
        scores.rename(columns={"consultant": "learner"}), on=["client", "learner"], how="left"
    )
    frame["knowledge"] = frame["knowledge"].fillna(0.0)
    frame["is_knower"] = frame["is_knower"].fillna(False).astype(bool)
    frame["knower_floor"] = float(cfg["knowledge"]["knower_floor"])
    frame["plan_end_on"] = as_dates(frame["plan_end_on"])
    return frame[PROGRESS_COLUMNS]
