"""Cross-training plan on small hand-computed cases (SPEC 4.4).

A = Tue 2026-06-30, W = 1: E = 2026-07-07 and the working days are 1, 2, 3, 6 and 7 July, aged
6, 5, 4, 1 and 0 days at E. One planned hour is worth at E
g = (0.5^(6/90) + 0.5^(5/90) + 0.5^(4/90) + 0.5^(1/90) + 1) / 5 = 0.975811.
Bob's 20 h of A are 20 * 0.5^(7/90) = 18.950 at E; his 100 h are 94.752.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from datetime import date, timedelta

import pandas as pd
import pytest

from okam_analytics import settings
from okam_analytics.metrics import coverage_plan, coverage_solver, knowledge

A = date(2026, 6, 30)
E = date(2026, 7, 7)
WORKING_DAYS = [date(2026, 7, d) for d in (1, 2, 3, 6, 7)]


def cfg(**coverage):
    return settings.merge(
        settings.defaults(),
        {"knowledge": {"internal_clients": ["Okam"]}, "coverage": {"plan_weeks": 1, **coverage}},
    )


def add_entry(con, consultant, client, day, hours):
    con.execute(
        "insert into time_entries (source, entry_key, work_date, consultant, client, hours,"
        " is_billable, is_absence, import_id) values ('t', gen_random_uuid()::varchar,"
        " ?, ?, ?, ?, true, false, 1)",
        [day, consultant, client, hours],
    )


def add_learner(con, name, weekly_capacity, weekly_hours=40.0):
    """A consultant with internal hours Mon-Thu of the 4 weeks before A (1-25 June)."""
    con.execute("insert into consultants (consultant, weekly_capacity_hours) values (?, ?)",
                [name, weekly_capacity])  # fmt: skip
    for week in range(4):
        for day in range(4):
            add_entry(con, name, "Okam", date(2026, 6, 1) + timedelta(weeks=week, days=day),
                      weekly_hours / 4)  # fmt: skip


@pytest.fixture
def two_clients(con):
    """X: Bob 20 h, L1 2 h. Y: Bob 100 h. L1 budget 0.1 * 120 = 12 h, L2 0.1 * 80 = 8 h."""
    add_entry(con, "Bob", "X", A, 20)
    add_entry(con, "L1", "X", A, 2)
    add_entry(con, "Bob", "Y", A, 100)
    add_learner(con, "L1", 120)
    add_learner(con, "L2", 80)
    return con


def plan_of(con, config=None, **kwargs) -> list[tuple]:
    plan = coverage_plan.coverage_plan(con, config or cfg(), A, **kwargs)
    plan = plan.astype(object).where(plan.notna(), None)
    return [tuple(r) for r in plan[["client", "learner", "trainer", "hours", "reason"]].values]


def test_horizon_and_gain():
    span = coverage_plan.horizon(cfg(), A, 1)
    assert span.working_days == tuple(WORKING_DAYS) and span.end_date == E
    assert coverage_plan.planned_gain(cfg(), span) == pytest.approx(0.9758113063, rel=1e-9)
    # 14 July is a French holiday: week 2 has 4 working days
    assert len(coverage_plan.horizon(cfg(), A, 2).working_days) == 9


@pytest.mark.parametrize(
    ("own", "total", "hours"),
    [
        (0.0, 0.0, 7.5),  # floor: 7 / g = 7.17 -> 7.5 (7.0 gives 6.83)
        (3.790064, 3.790064, 3.5),  # 4 h of A (3.790 at E): (7 - 3.790) / g = 3.29 -> 3.5
        (0.0, 94.751601, 11.0),  # share: 0.1 * 94.75 / (0.9 g) = 10.79 -> 11.0
        (1.895032, 20.845352, 5.5),  # L1 on X: (7 - 1.895) / g = 5.23 -> 5.5
        (0.0, 18.950320, 7.5),  # L2 on X: the floor wins over the share (2.16)
    ],
)
def test_least_hours(own, total, hours):
    gain = coverage_plan.planned_gain(cfg(), coverage_plan.horizon(cfg(), A, 1))
    got = coverage_plan.least_hours(pd.Series([own]).to_numpy(), pd.Series([total]).to_numpy(),
                                    gain, cfg())  # fmt: skip
    assert got.tolist() == [hours]


def test_optimum_beats_cheapest_client_first(two_clients):
    # cheapest first would give X to L1 (5.5 h) and leave Y (11 h) to nobody: L1 has 6.5 h
    # left and L2 only 8 h; the optimum gives Y to L1 and X to L2: both slots, 18.5 h
    assert plan_of(two_clients) == [
        ("X", "L2", "Bob", 7.5, None),
        ("Y", "L1", "Bob", 11.0, None),
    ]


def test_fewest_hours_among_plans_filling_as_many_slots(con):
    add_entry(con, "Bob", "X", A, 20)
    add_entry(con, "L1", "X", A, 2)
    add_learner(con, "L1", 120)
    add_learner(con, "L2", 80)
    assert plan_of(con) == [("X", "L1", "Bob", 5.5, None)]


def test_reasons_for_empty_slots(two_clients):
    # budget 5 %: L1 6 h, L2 4 h. X fits L1 (5.5 h); Y needs 11 h of anyone
    assert plan_of(two_clients, budget_share=0.05) == [
        ("X", "L1", "Bob", 5.5, None),
        ("Y", None, None, None, "over_budget"),
    ]
    assert plan_of(two_clients, absent=["L1", "L2"]) == [
        ("X", None, None, None, "nobody_eligible"),
        ("Y", None, None, None, "nobody_eligible"),
    ]


def test_budget_spent_elsewhere(two_clients):
    # Z like X without L1: L1 7.5 h, L2 7.5 h. Two slots at most (L1 12 h, L2 8 h); the fewest
    # hours are L1 on X (5.5) and L2 on Z (7.5); Y would fit L1 alone (11 <= 12)
    add_entry(two_clients, "Bob", "Z", A, 20)
    assert plan_of(two_clients) == [
        ("X", "L1", "Bob", 5.5, None),
        ("Y", None, None, None, "budget_spent"),
        ("Z", "L2", "Bob", 7.5, None),
    ]


def test_busy_and_idle_consultants_are_not_learners(two_clients):
    add_learner(two_clients, "Busy", 40, weekly_hours=37)  # 92.5 % > 90 %
    two_clients.execute("insert into consultants (consultant, weekly_capacity_hours)"
                        " values ('Idle', 400)")  # fmt: skip
    calm = coverage_plan.learners(two_clients, cfg(), coverage_plan.horizon(cfg(), A, 1), 0.1)
    assert calm[["consultant", "budget_hours"]].values.tolist() == [["L1", 12.0], ["L2", 8.0]]


def test_logging_the_plan_reaches_the_target(two_clients):
    plan = coverage_plan.coverage_plan(two_clients, cfg(), A)
    for row in plan.itertuples():
        for day in WORKING_DAYS:
            add_entry(two_clients, row.learner, row.client, day, row.hours / len(WORKING_DAYS))
    after = knowledge.redundancy_by_client(two_clients, cfg(), E).set_index("client")
    assert after.loc[["X", "Y"], "knowers"].tolist() == [2, 2]
    # half an hour less would not have done it: L2 on X with 7.0 h stays below the floor
    assert 7.0 * coverage_plan.planned_gain(cfg(), coverage_plan.horizon(cfg(), A, 1)) < 7


def brute_force(options, budgets):
    """The best (slots, -hours) over every choice of at most one option per client that keeps
    the budgets."""
    by_client = [[None, *group.itertuples(index=False)] for _, group in options.groupby("client")]
    best = (0, 0.0)
    for chosen in itertools.product(*by_client):
        picked = [o for o in chosen if o is not None]
        spent = Counter()
        for o in picked:
            for name, hours in zip(o.learners, o.hours, strict=True):
                spent[name] += hours
        if all(spent[name] <= budgets[name] for name in spent):
            best = max(best, (sum(o.slots for o in picked), -sum(sum(o.hours) for o in picked)))
    return best


@pytest.mark.parametrize("seed", range(12))
def test_solver_matches_exhaustive_search(seed):
    rng = random.Random(seed)
    people = ("L1", "L2", "L3")
    rows = []
    for client in "ABCD":
        for size in (1, 2):
            for names in itertools.combinations(people, size):
                if rng.random() < 0.5:
                    hours = tuple(rng.choice([0.5, 2, 3.5, 5, 7.5, 11]) for _ in names)
                    rows.append((client, names, hours, rng.randint(1, size)))
    options = pd.DataFrame(rows, columns=["client", "learners", "hours", "slots"])
    budgets = {p: rng.choice([4, 8, 12]) for p in people}
    picked = options[coverage_solver.choose(options, budgets)]
    assert picked["client"].is_unique
    got = (int(picked["slots"].sum()), -float(sum(sum(h) for h in picked["hours"])))
    assert got == brute_force(options, budgets)
