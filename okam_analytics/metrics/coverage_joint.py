"""Joint effect of a cross-training plan (SPEC 4.4): every learner's planned hours at once.

One learner's planned hours raise the client's total K at E, against which every other
consultant's share is measured. The plan's options are therefore learner SETS per client, each
with the least hours that make all of its learners knowers together; `knowers_with_plan`
checks a whole plan with the same projection (the SQL scores at E plus `hours * gain`).
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

Settings = dict[str, dict[str, Any]]
TOLERANCE = 1 + 1e-9  # as the knower test of knowledge_scores.sql
OPTION_COLUMNS = ["client", "learners", "hours", "slots"]


def is_knower(knowledge: np.ndarray, total: np.ndarray, cfg: Settings) -> np.ndarray:
    """The knower test of SPEC 4.1 on arrays (floor and share, with the usual tolerance)."""
    k = cfg["knowledge"]
    return (knowledge * TOLERANCE >= float(k["knower_floor"])) & (
        knowledge * TOLERANCE >= float(k["min_share"]) * total
    )


def least_hours(own: np.ndarray, total: np.ndarray, gain: float, cfg: Settings) -> np.ndarray:
    """Least multiple of 0.5 h making a learner a knower at E (NaN where no amount can).

    own: the learner's projected K at E; total: the client's projected total K at E; gain: K at
    E of one planned hour. Planned hours count in both (closed form, then checked).
    """
    k = cfg["knowledge"]
    floor, share = float(k["knower_floor"]), float(k["min_share"])
    if gain <= 0:
        return np.full(own.shape, np.nan)
    by_floor = (floor - own) / gain
    if share < 1:
        by_share = (share * total - own) / (gain * (1 - share))
    else:  # the learner must hold everything: only possible when nobody else holds any
        by_share = np.where(total - own > 0, np.inf, 0.0)
    raw = np.maximum(np.maximum(by_floor, by_share), 0.5)
    hours = np.where(np.isfinite(raw), np.maximum(np.ceil(raw * 2) / 2 - 0.5, 0.5), np.nan)
    for _ in range(3):  # the closed form may be a half hour early at a rounding edge
        short = np.isfinite(hours) & ~is_knower(own + hours * gain, total + hours * gain, cfg)
        hours = np.where(short, hours + 0.5, hours)
    return hours


def knowers_with_plan(
    scores: pd.DataFrame, plan: pd.DataFrame, gain: float, cfg: Settings
) -> pd.DataFrame:
    """Per client of the scores: knowers at E without new work and with ALL the plan's hours
    (client, knowers_at_end, knowers_with_plan)."""
    planned = plan.dropna(subset=["learner"]).groupby(["client", "learner"])["hours"].sum()
    added = planned.rename("added").reset_index().rename(columns={"learner": "consultant"})
    frame = scores.merge(added, on=["client", "consultant"], how="outer")
    frame = frame[frame["client"].isin(scores["client"])]
    frame["added"] = frame["added"].fillna(0.0) * gain
    own = frame["knowledge_at_end"].fillna(0.0) + frame["added"]
    total = frame.groupby("client")["client_knowledge_at_end"].transform("max").fillna(0.0)
    total = total + frame.groupby("client")["added"].transform("sum")
    # a learner becomes a knower by the plan; no one else can gain, only lose (absent stay out)
    was = frame["is_knower_at_end"].astype("boolean").fillna(False).astype(bool)
    frame["after"] = is_knower(own.to_numpy(), total.to_numpy(), cfg) & (
        was.to_numpy() | (frame["added"].to_numpy() > 0)
    )
    frame["before"] = was
    out = frame.groupby("client").agg(
        knowers_at_end=("before", "sum"), knowers_with_plan=("after", "sum")
    )
    return out.astype(int).reset_index()


def joint_hours(
    own: np.ndarray, total: float, budget: np.ndarray, gain: float, cfg: Settings
) -> np.ndarray | None:
    """Least hours (0.5 h steps) making every learner of a set a knower at E together, or None
    when no amount within each learner's budget does.

    Each learner's need grows with the others' hours, so iterating each one's least hours
    against the others' current ones climbs to the least joint solution (every iterate is
    below any solution); it stops at the first learner over budget.
    """
    hours = least_hours(own, np.full(own.shape, total), gain, cfg)
    while np.all(np.isfinite(hours)) and np.all(hours <= budget + 1e-9):
        others = gain * (hours.sum() - hours)
        again = least_hours(own, total + others, gain, cfg)
        if np.array_equal(again, hours):
            return hours
        hours = np.maximum(hours, again)
    return None


def kept(knowers: np.ndarray, total: float, cfg: Settings) -> int:
    """How many of the knowers' K at E stay knowers when the client's total becomes total."""
    return int(is_knower(knowers, np.full(knowers.shape, total), cfg).sum())


def client_options(
    client: Any, scores: pd.DataFrame, pairs: pd.DataFrame, gain: float, cfg: Settings
) -> list[tuple]:
    """Every learner set of one client (at most `target` learners) with its joint least hours
    and the slots it fills: knowers at E with the set's hours minus those without them."""
    mine = scores[scores["client"] == client]
    target = int(mine["target_knowers"].iloc[0])
    total = float(mine["client_knowledge_at_end"].iloc[0])
    knowers = mine.loc[mine["is_knower_at_end"].astype(bool), "knowledge_at_end"].to_numpy()
    cands = pairs[(pairs["client"] == client) & (pairs["hours"] <= pairs["budget_hours"] + 1e-9)]
    own = dict(zip(mine["consultant"], mine["knowledge_at_end"], strict=True))
    options = []
    for size in range(1, min(target, len(cands)) + 1):
        for chosen in combinations(cands.itertuples(index=False), size):
            budget = np.array([p.budget_hours for p in chosen], dtype=float)
            alone = sum(p.hours for p in chosen)
            # the joint hours lie between the per-pair ones and the budgets: skip early a set
            # that fills nothing even at the least, or goes above target even at the most
            if (
                kept(knowers, total + gain * alone, cfg) + size <= len(knowers)
                or kept(knowers, total + gain * budget.sum(), cfg) + size > target
            ):
                continue  # fmt: skip
            k = np.array([own.get(p.learner, 0.0) for p in chosen], dtype=float)
            hours = joint_hours(k, total, budget, gain, cfg)
            if hours is None:
                continue
            slots = kept(knowers, total + gain * hours.sum(), cfg) + size - len(knowers)
            if slots > 0 and slots + len(knowers) <= target:
                options.append((client, tuple(p.learner for p in chosen), tuple(hours), slots))
    return options


def plan_options(
    scores: pd.DataFrame, clients: list, pairs: pd.DataFrame, gain: float, cfg: Settings
) -> pd.DataFrame:
    """The options of every client in the plan (client, learners, hours, slots)."""
    rows = [row for c in clients for row in client_options(c, scores, pairs, gain, cfg)]
    return pd.DataFrame(rows, columns=OPTION_COLUMNS)
