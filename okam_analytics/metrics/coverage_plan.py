"""Cross-training plan: who should learn which client, for how many hours (SPEC 4.4).

The needed slots, the eligible learners and the least hours of each (client, learner) pair are
computed here; learner sets with their joint hours in coverage_joint; the choice of
assignments is an exact integer program (coverage_solver).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from okam_analytics import db
from okam_analytics.metrics import calendar, coverage_joint, coverage_solver, workload
from okam_analytics.metrics.coverage_joint import TOLERANCE, least_hours
from okam_analytics.metrics.knowledge import knowledge_params
from okam_analytics.metrics.period import Period

Settings = dict[str, dict[str, Any]]
PLAN_COLUMNS = ["client", "learner", "trainer", "hours", "hours_per_week", "reason"]
LOOKBACK_WEEKS = 4


@dataclass(frozen=True)
class Horizon:
    """The plan's span: E = A + 7 W and the working days A+1 .. E."""

    as_of_date: date
    weeks: int
    working_days: tuple[date, ...]

    @property
    def end_date(self) -> date:
        return self.as_of_date + timedelta(weeks=self.weeks)


def horizon(cfg: Settings, as_of_date: date, weeks: int) -> Horizon:
    """The horizon of W weeks from A: Monday-Friday days after A up to E, holidays left out."""
    end = as_of_date + timedelta(weeks=weeks)
    closed = set(calendar.closed_dates(cfg["calendar"], as_of_date + timedelta(days=1), end))
    days = pd.date_range(as_of_date + timedelta(days=1), end, freq="D").date
    return Horizon(as_of_date, weeks, tuple(d for d in days if d.weekday() < 5 and d not in closed))


def planned_gain(cfg: Settings, span: Horizon) -> float:
    """K at E of one hour spread equally over the horizon's working days."""
    k = cfg["knowledge"]
    ages = np.array([(span.end_date - d).days for d in span.working_days], dtype=float)
    if ages.size == 0:
        return 0.0
    kept = ages < float(k["window_days"])
    return float(np.sum(0.5 ** (ages[kept] / float(k["half_life_days"]))) / ages.size)


def projection(
    con: duckdb.DuckDBPyConnection, cfg: Settings, span: Horizon, absent: Iterable[str] = ()
) -> pd.DataFrame:
    """K per active client and consultant at A and projected at E, with the knower flags."""
    params = knowledge_params(cfg, span.as_of_date)
    return db.query_df(
        con,
        "coverage_projection",
        projected_on=span.end_date,
        absent=sorted(set(absent)),
        **params,
    )


def needed_slots(scores: pd.DataFrame) -> pd.DataFrame:
    """Clients below target at E: client, target_knowers, knowers_at_end, needed."""
    by_client = scores.groupby("client").agg(
        target_knowers=("target_knowers", "first"),
        knowers_at_end=("is_knower_at_end", "sum"),
        client_knowledge_at_end=("client_knowledge_at_end", "first"),
    )
    by_client["needed"] = (by_client["target_knowers"] - by_client["knowers_at_end"]).clip(0)
    return by_client[by_client["needed"] > 0].reset_index()


def learners(
    con: duckdb.DuckDBPyConnection, cfg: Settings, span: Horizon, budget_share: float
) -> pd.DataFrame:
    """Consultants who worked in the 4 complete ISO weeks before A at most busy_threshold:
    consultant, utilisation, weekly_capacity_hours, budget_hours."""
    w = cfg["workload"]
    first = workload.monday(span.as_of_date) - timedelta(weeks=LOOKBACK_WEEKS)
    last = workload.monday(span.as_of_date) - timedelta(days=1)
    weeks = workload.utilisation(con, cfg, first, last, "week")
    sums = weeks.groupby("consultant")[["worked_hours", "capacity_hours"]].sum()
    sums = sums[(sums["worked_hours"] > 0) & (sums["capacity_hours"] > 0)]
    sums["utilisation"] = sums["worked_hours"] / sums["capacity_hours"]
    busy = float(w["busy_threshold"])
    calm = sums[sums["utilisation"] <= busy * TOLERANCE].reset_index()
    capacity = db.query_df(
        con, "consultant_capacities", default_capacity_hours=float(w["weekly_capacity_hours"])
    )
    calm = calm.merge(capacity, on="consultant", how="left")
    calm["budget_hours"] = budget_share * calm["weekly_capacity_hours"] * span.weeks
    return calm[["consultant", "utilisation", "weekly_capacity_hours", "budget_hours"]]


def candidate_pairs(
    scores: pd.DataFrame, slots: pd.DataFrame, calm: pd.DataFrame, gain: float, cfg: Settings
) -> pd.DataFrame:
    """Every (client in the plan, eligible learner) pair with its least hours (NaN: none)."""
    pairs = slots[["client", "client_knowledge_at_end"]].merge(
        calm[["consultant", "budget_hours"]], how="cross"
    )
    own = scores[["client", "consultant", "knowledge_at_end", "is_knower_at_end"]]
    pairs = pairs.merge(own, on=["client", "consultant"], how="left")
    pairs = pairs[~pairs["is_knower_at_end"].fillna(False).astype(bool)]
    pairs = pairs.rename(columns={"consultant": "learner"}).reset_index(drop=True)
    pairs["hours"] = least_hours(
        pairs["knowledge_at_end"].fillna(0.0).to_numpy(dtype=float),
        pairs["client_knowledge_at_end"].to_numpy(dtype=float),
        gain,
        cfg,
    )
    return pairs[["client", "learner", "hours", "budget_hours"]]


def trainer_of(scores: pd.DataFrame, client: str, learner: str | None, absent: set[str]) -> Any:
    """The client's knower at A with the highest K, else whoever holds the most K (not the
    learner, not absent); None when nobody holds any."""
    mine = scores[
        (scores["client"] == client)
        & (scores["consultant"] != learner)
        & ~scores["consultant"].isin(absent)
        & (scores["knowledge_at_as_of"] > 0)
    ].sort_values(["is_knower_at_as_of", "knowledge_at_as_of", "consultant"],
                  ascending=[False, False, True])  # fmt: skip
    return mine["consultant"].iloc[0] if len(mine) else None


def unfilled_reason(
    client: str, pairs: pd.DataFrame, options: pd.DataFrame, taken: pd.DataFrame, gain: float
) -> str:
    """Why a needed slot of the client stays empty (options: every learner set; taken: the
    chosen ones)."""
    mine = pairs[(pairs["client"] == client) & pairs["hours"].notna()]
    if gain <= 0:
        return "no_working_day"
    if mine.empty:
        return "nobody_eligible"
    fitting = mine[mine["hours"] <= mine["budget_hours"] + 1e-9]
    if fitting.empty:
        return "over_budget"
    filled = int(taken.loc[taken["client"] == client, "slots"].sum())
    if (options.loc[options["client"] == client, "slots"] > filled).any():
        return "budget_spent"
    free = set(fitting["learner"]) - set(assignments(taken[taken["client"] == client])["learner"])
    return "over_budget_together" if free and len(fitting) > 1 else "too_few_learners"


def coverage_plan(
    con: duckdb.DuckDBPyConnection,
    cfg: Settings,
    as_of_date: date,
    weeks: int | None = None,
    budget_share: float | None = None,
    absent: Iterable[str] = (),
) -> pd.DataFrame:
    """One row per assignment (client, learner, trainer, hours, hours_per_week) and one per
    needed slot left empty (learner null, a reason)."""
    c = cfg["coverage"]
    weeks = int(c["plan_weeks"] if weeks is None else weeks)
    share = float(c["budget_share"] if budget_share is None else budget_share)
    if weeks < 1 or share < 0:
        raise ValueError(
            f"A plan needs at least 1 week and a budget of 0 or more ({weeks}, {share})."
        )
    gone = set(absent)
    span = horizon(cfg, as_of_date, weeks)
    gain = planned_gain(cfg, span)
    scores = projection(con, cfg, span, gone)
    slots = needed_slots(scores)
    calm = learners(con, cfg, span, share)
    calm = calm[~calm["consultant"].isin(gone)]
    pairs = candidate_pairs(scores, slots, calm, gain, cfg)
    options = coverage_joint.plan_options(scores, list(slots["client"]), pairs, gain, cfg)
    budgets = dict(zip(calm["consultant"], calm["budget_hours"], strict=True))
    taken = options[coverage_solver.choose(options, budgets)]
    return plan_rows(scores, slots, pairs, (options, taken), gain, weeks, gone)


def assignments(options: pd.DataFrame) -> pd.DataFrame:
    """The chosen options as one row per (client, learner, hours)."""
    rows = [(o.client, name, h) for o in options.itertuples()
            for name, h in zip(o.learners, o.hours, strict=True)]  # fmt: skip
    return pd.DataFrame(rows, columns=["client", "learner", "hours"])


def plan_rows(
    scores: pd.DataFrame,
    slots: pd.DataFrame,
    pairs: pd.DataFrame,
    options_taken: tuple[pd.DataFrame, pd.DataFrame],
    gain: float,
    weeks: int,
    absent: set[str],
) -> pd.DataFrame:
    """The plan table: the assignments, then a row per empty slot, by client."""
    options, taken = options_taken
    chosen = assignments(taken)
    rows = [
        {"client": r.client, "learner": r.learner,
         "trainer": trainer_of(scores, r.client, r.learner, absent),
         "hours": float(r.hours), "hours_per_week": float(r.hours) / weeks, "reason": None}
        for r in chosen.itertuples()
    ]  # fmt: skip
    filled = taken.groupby("client")["slots"].sum()
    for slot in slots.itertuples():
        reason = None
        for _ in range(int(slot.needed) - int(filled.get(slot.client, 0))):
            reason = reason or unfilled_reason(slot.client, pairs, options, taken, gain)
            rows.append({"client": slot.client, "learner": None, "trainer": None,
                         "hours": None, "hours_per_week": None, "reason": reason})  # fmt: skip
    plan = pd.DataFrame(rows, columns=PLAN_COLUMNS)
    plan = plan.sort_values(["client", "learner"], na_position="last", kind="stable")
    return plan.reset_index(drop=True)


def plan_knowers(
    con: duckdb.DuckDBPyConnection,
    cfg: Settings,
    as_of_date: date,
    plan: pd.DataFrame,
    weeks: int | None = None,
    absent: Iterable[str] = (),
) -> pd.DataFrame:
    """Knowers at E of every active client without new work and with all of a plan's hours
    (client, knowers_at_end, knowers_with_plan)."""
    span = horizon(cfg, as_of_date, int(cfg["coverage"]["plan_weeks"] if weeks is None else weeks))
    scores = projection(con, cfg, span, set(absent))
    return coverage_joint.knowers_with_plan(scores, plan, planned_gain(cfg, span), cfg)


def report_coverage_plan(
    con: duckdb.DuckDBPyConnection, cfg: Settings, span: Period, grain: str | None
) -> pd.DataFrame:
    """`okam report coverage-plan`: the plan from the as-of date (settings give W and budget)."""
    return coverage_plan(con, cfg, span.as_of_date)
