"""The exact choice of cross-training assignments: a 0/1 integer program solved by HiGHS.

Variables x_p in {0, 1}, one per candidate pair p = (client c, learner l) with hours h_p.
Constraints: sum of x_p over a client's pairs <= its needed slots; sum of h_p x_p over a learner's
pairs <= the learner's budget. Lexicographic objective, two solves: first the most pairs
(max sum x_p = N*), then, with sum x_p >= N*, the fewest hours (min sum h_p x_p). Hours are
multiples of 0.5, so both objectives are integers in half hours and HiGHS proves them optimal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array


class PlanSolveError(RuntimeError):
    """HiGHS found no optimal solution (it always should: x = 0 is feasible)."""


def _incidence(labels: pd.Series) -> tuple[csr_array, list]:
    codes, names = pd.factorize(labels)
    matrix = csr_array(
        (np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(len(names), len(codes))
    )
    return matrix, list(names)


def choose(pairs: pd.DataFrame, needed: dict[str, int], budgets: dict[str, float]) -> np.ndarray:
    """Which pairs (client, learner, hours) to assign: a boolean array in the pairs' order."""
    if pairs.empty:
        return np.zeros(0, dtype=bool)
    half_hours = np.rint(pairs["hours"].to_numpy(dtype=float) * 2)
    by_client, clients = _incidence(pairs["client"])
    by_learner, learners = _incidence(pairs["learner"])
    # budgets in whole half hours: the largest multiple of 0.5 h a budget allows
    budget = np.floor(np.array([budgets[name] for name in learners]) * 2 + 1e-9)
    need = np.array([needed[name] for name in clients], dtype=float)
    weighted = csr_array(by_learner.multiply(half_hours.reshape(1, -1)))
    constraints = [
        LinearConstraint(by_client, -np.inf, need),
        LinearConstraint(weighted, -np.inf, budget),
    ]
    count = len(pairs)
    integral, bounds = np.ones(count), Bounds(0, 1)
    options = {"mip_rel_gap": 0, "presolve": True}
    most = milp(-np.ones(count), constraints=constraints, integrality=integral, bounds=bounds,
                options=options)  # fmt: skip
    if not most.success:
        raise PlanSolveError(f"The plan could not be solved: {most.message}")
    filled = round(-most.fun)
    every = LinearConstraint(np.ones((1, count)), filled, np.inf)
    cheapest = milp(half_hours, constraints=[*constraints, every], integrality=integral,
                    bounds=bounds, options=options)  # fmt: skip
    if not cheapest.success:
        raise PlanSolveError(f"The plan could not be solved: {cheapest.message}")
    return np.rint(cheapest.x).astype(bool)
