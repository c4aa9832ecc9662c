"""The exact choice of cross-training assignments: a 0/1 integer program solved by HiGHS.

Variables x_o in {0, 1}, one per option o = (client c, learner set S_o, hours h_o,l of each
learner of S_o, slots s_o it fills): the hours are those that work jointly (coverage_joint).
Constraints: at most one option per client; sum of h_o,l x_o over the options of a learner
<= the learner's budget. Lexicographic objective, two solves: first the most slots
(max sum s_o x_o = N*), then, with sum s_o x_o >= N*, the fewest hours (min sum H_o x_o, H_o
the option's hours in all). Hours are multiples of 0.5, so both objectives are integers (slots,
half hours) and HiGHS proves them optimal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array


class PlanSolveError(RuntimeError):
    """HiGHS found no optimal solution (it always should: x = 0 is feasible)."""


def _rows(labels: list, columns: list[int], values: list[float], order: list) -> csr_array:
    """A sparse (len(order) x options) matrix from (label, option column, value) triples."""
    index = {name: i for i, name in enumerate(order)}
    rows = [index[name] for name in labels]
    return csr_array((values, (rows, columns)), shape=(len(order), max(columns) + 1))


def choose(options: pd.DataFrame, budgets: dict[str, float]) -> np.ndarray:
    """Which options (client, learners, hours, slots) to take: a boolean array in their order."""
    if options.empty:
        return np.zeros(0, dtype=bool)
    count = len(options)
    clients = list(dict.fromkeys(options["client"]))
    per_client = _rows(list(options["client"]), list(range(count)), [1.0] * count, clients)
    triples = [(name, o, h * 2) for o, (names, hours) in
               enumerate(zip(options["learners"], options["hours"], strict=True))
               for name, h in zip(names, hours, strict=True)]  # fmt: skip
    names = list(dict.fromkeys(t[0] for t in triples))
    per_learner = _rows([t[0] for t in triples], [t[1] for t in triples],
                        [float(np.rint(t[2])) for t in triples], names)  # fmt: skip
    # budgets in whole half hours: the largest multiple of 0.5 h a budget allows
    budget = np.floor(np.array([budgets[name] for name in names]) * 2 + 1e-9)
    constraints = [
        LinearConstraint(per_client, -np.inf, np.ones(len(clients))),
        LinearConstraint(per_learner, -np.inf, budget),
    ]
    slots = options["slots"].to_numpy(dtype=float)
    half_hours = np.array([np.rint(sum(h) * 2) for h in options["hours"]], dtype=float)
    integral, bounds = np.ones(count), Bounds(0, 1)
    settings = {"mip_rel_gap": 0, "presolve": True}
    most = milp(-slots, constraints=constraints, integrality=integral, bounds=bounds,
                options=settings)  # fmt: skip
    if not most.success:
        raise PlanSolveError(f"The plan could not be solved: {most.message}")
    filled = LinearConstraint(slots.reshape(1, -1), round(-most.fun), np.inf)
    cheapest = milp(half_hours, constraints=[*constraints, filled], integrality=integral,
                    bounds=bounds, options=settings)  # fmt: skip
    if not cheapest.success:
        raise PlanSolveError(f"The plan could not be solved: {cheapest.message}")
    return np.rint(cheapest.x).astype(bool)
