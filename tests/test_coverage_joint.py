"""The plan's hours work jointly: every learner's planned hours at once (SPEC 4.4).

Same calendar as test_coverage_plan: A = Tue 2026-06-30, W = 1, E = 2026-07-07, one planned
hour is worth g = 0.975811 at E and an hour of A is worth d = 0.5^(7/90) = 0.947516.
Bob's 66 h of A are 62.536 at E; Cy's 7.5 h are 7.106. Floor 7, min_share 0.10.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from test_coverage_plan import WORKING_DAYS, A, E, add_entry, add_learner, cfg

from okam_analytics.metrics import coverage_joint, coverage_plan, knowledge


def scores_and_gain(con):
    span = coverage_plan.horizon(cfg(), A, 1)
    return coverage_plan.projection(con, cfg(), span), coverage_plan.planned_gain(cfg(), span)


def plan_frame(rows):
    return pd.DataFrame(rows, columns=["client", "learner", "hours"])


def log_plan(con, plan):
    for row in plan.dropna(subset=["learner"]).itertuples():
        for day in WORKING_DAYS:
            add_entry(con, row.learner, row.client, day, row.hours / len(WORKING_DAYS))


def knowers_at_end(con):
    return knowledge.redundancy_by_client(con, cfg(), E).set_index("client")["knowers"]


@pytest.fixture
def target_three(con):
    """X (target 3): Bob 66 h, no other knower, so X needs 2 learners; L1 and L2 12 h each."""
    con.execute("insert into clients (client, target_knowers) values ('X', 3)")
    add_entry(con, "Bob", "X", A, 66)
    add_learner(con, "L1", 120)
    add_learner(con, "L2", 120)
    return con


@pytest.mark.parametrize(
    ("hours", "knowers"),
    [
        # alone, 7.5 h (K 7.319) pass: 7.319 >= 0.1 * (62.536 + 7.319) = 6.985; together the
        # total is 77.173 and 7.319 < 7.717: both fail
        ((7.5, 7.5), 1),
        ((8.0, 8.0), 1),  # 7.806 < 0.1 * 78.149 = 7.815
        ((8.0, 8.5), 2),  # L1 7.806 < 0.1 * (62.536 + 7.806 + 8.294) = 7.864; L2 passes
        ((8.5, 8.5), 3),  # 8.294 >= 0.1 * 79.125 = 7.912
    ],
)
def test_knowers_with_a_whole_plan(target_three, hours, knowers):
    scores, gain = scores_and_gain(target_three)
    plan = plan_frame([("X", "L1", hours[0]), ("X", "L2", hours[1])])
    got = coverage_joint.knowers_with_plan(scores, plan, gain, cfg())
    assert got.values.tolist() == [["X", 1, knowers]]


def test_two_learners_on_one_client_get_the_least_joint_hours(target_three):
    scores, gain = scores_and_gain(target_three)
    total = scores["client_knowledge_at_end"].iloc[0]
    alone = coverage_plan.least_hours(pd.Series([0.0]).to_numpy(), pd.Series([total]).to_numpy(),
                                      gain, cfg())  # fmt: skip
    assert alone.tolist() == [7.5]  # the per-pair hours, which fail together (above)
    plan = coverage_plan.coverage_plan(target_three, cfg(), A)
    assert plan[["client", "learner", "trainer", "hours"]].values.tolist() == [
        ["X", "L1", "Bob", 8.5],
        ["X", "L2", "Bob", 8.5],
    ]
    expected = coverage_plan.plan_knowers(target_three, cfg(), A, plan)
    assert expected.values.tolist() == [["X", 1, 3]]
    log_plan(target_three, plan)
    assert knowers_at_end(target_three)["X"] == 3


def test_a_knower_pushed_below_the_share_counts_as_one_more_slot(target_three):
    # Y (target 3): Bob 62.536 and Cy 7.106 at E, total 69.642: Cy is a knower by 0.142
    # (7.106 >= 6.964). One learner needs 8.0 h (7.806 >= 0.1 * 77.449; 7.5 h: 7.319 < 7.696),
    # which drops Cy (7.106 < 7.745): still 2 knowers, so it fills nothing. Two learners: each
    # needs 0.1 * (69.642 + 2 K) <= K, K >= 8.705: 9.0 h (8.782 >= 8.721; 8.5 h: 8.294 <
    # 8.623); Cy is lost, Bob, L1 and L2 make 3.
    target_three.execute("insert into clients (client, target_knowers) values ('Y', 3)")
    add_entry(target_three, "Bob", "Y", A, 66)
    add_entry(target_three, "Cy", "Y", A, 7.5)
    scores, gain = scores_and_gain(target_three)
    single = coverage_joint.knowers_with_plan(scores, plan_frame([("Y", "L1", 8.0)]), gain, cfg())
    assert single.set_index("client").loc["Y"].tolist() == [2, 2]
    plan = coverage_plan.coverage_plan(target_three, cfg(), A, budget_share=0.2)  # 24 h each
    assert plan[["client", "learner", "hours"]].values.tolist() == [
        ["X", "L1", 8.5],
        ["X", "L2", 8.5],
        ["Y", "L1", 9.0],
        ["Y", "L2", 9.0],
    ]
    log_plan(target_three, plan)
    assert knowers_at_end(target_three)[["X", "Y"]].tolist() == [3, 3]


def test_a_lone_learner_who_would_push_a_knower_out_is_too_few(target_three):
    # as above with L2 absent: L1 takes X alone (7.5 h, one slot of two); on Y L1 alone drops Cy
    target_three.execute("insert into clients (client, target_knowers) values ('Y', 3)")
    add_entry(target_three, "Bob", "Y", A, 66)
    add_entry(target_three, "Cy", "Y", A, 7.5)
    plan = coverage_plan.coverage_plan(target_three, cfg(), A, budget_share=0.2, absent=["L2"])
    plan = plan[["client", "learner", "hours", "reason"]].astype(object)
    assert plan.where(plan.notna(), None).values.tolist() == [
        ["X", "L1", 7.5, None],
        ["X", None, None, "too_few_learners"],
        ["Y", None, None, "too_few_learners"],
    ]


@pytest.mark.parametrize("seed", range(6))
def test_logging_a_random_plan_reaches_the_planned_knowers(con, seed):
    rng = random.Random(seed)
    for client in ("P", "Q", "R"):
        con.execute("insert into clients (client, target_knowers) values (?, ?)",
                    [client, rng.randint(2, 3)])  # fmt: skip
        for name in ("Bob", "Cy", "L1", "L2", "L3"):
            if rng.random() < 0.6:
                add_entry(con, name, client, A, rng.choice([2, 5, 7.5, 8, 20, 40, 66]))
    for name in ("L1", "L2", "L3"):
        add_learner(con, name, rng.choice([80, 120, 200]))
    plan = coverage_plan.coverage_plan(con, cfg(), A)
    scores, gain = scores_and_gain(con)
    slots = coverage_plan.needed_slots(scores).set_index("client")
    empty = plan[plan["learner"].isna()]["client"].value_counts()
    predicted = coverage_plan.plan_knowers(con, cfg(), A, plan).set_index("client")
    log_plan(con, plan)
    after = knowers_at_end(con)
    for client, slot in slots.iterrows():
        assert after[client] == slot["target_knowers"] - empty.get(client, 0), (client, plan)
        assert predicted.loc[client, "knowers_with_plan"] == after[client]


def test_learners_fitting_alone_but_not_together(target_three):
    # budget 7 % of 120 = 8.4 h: 7.5 h alone fits, the 8.5 h each needs beside the other do not
    plan = coverage_plan.coverage_plan(target_three, cfg(), A, budget_share=0.07)
    rows = plan[["client", "learner", "hours", "reason"]].astype(object)
    rows = rows.where(plan.notna(), None).values.tolist()
    assert rows[0][0] == "X" and rows[0][1] in {"L1", "L2"} and rows[0][2:] == [7.5, None]
    assert rows[1] == ["X", None, None, "over_budget_together"] and len(rows) == 2
    log_plan(target_three, plan)
    assert knowers_at_end(target_three)["X"] == 2


@pytest.mark.parametrize("seed", range(10))
def test_joint_hours_are_the_least_that_work_together(seed):
    """Against every pair of hours on the half-hour grid up to the budgets: the joint hours
    work, and any pair that works is at least as large for each learner."""
    rng = random.Random(seed)
    gain = 0.975811
    own = np.array([rng.choice([0.0, 1.5, 4.0, 6.5]), rng.choice([0.0, 3.0, 7.2])])
    total = float(own.sum() + rng.choice([10.0, 40.0, 62.5, 80.0]))
    budget = np.array([rng.choice([9.0, 12.0]), rng.choice([9.0, 12.0])])
    grid = np.arange(1, 25) / 2
    working = [
        (a, b) for a in grid[grid <= budget[0]] for b in grid[grid <= budget[1]]
        if coverage_joint.is_knower(own + gain * np.array([a, b]),
                                    np.full(2, total + gain * (a + b)), cfg()).all()
    ]  # fmt: skip
    got = coverage_joint.joint_hours(own, total, budget, gain, cfg())
    if not working:
        assert got is None
    else:
        assert tuple(got) in working
        assert all(a >= got[0] and b >= got[1] for a, b in working)
