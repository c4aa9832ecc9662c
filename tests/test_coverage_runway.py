"""Coverage runway on small hand-computed cases (SPEC 4.4), and day for day against a direct
evaluation of the projection on every day."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd
import pytest

from okam_analytics import settings
from okam_analytics.metrics import coverage, knowledge

A = date(2026, 6, 30)  # a Tuesday


def add_entry(con, consultant, client, day, hours):
    con.execute(
        "insert into time_entries (source, entry_key, work_date, consultant, client, hours,"
        " is_billable, is_absence, import_id) values ('t', gen_random_uuid()::varchar,"
        " ?, ?, ?, ?, true, false, 1)",
        [day, consultant, client, hours],
    )


def ago(days: int) -> date:
    return A - timedelta(days=days)


def runway_of(con, cfg=None, absent=()) -> dict:
    frame = coverage.coverage_runway(con, cfg or settings.defaults(), A, absent)
    return {r.client: r for r in frame.itertuples()}


# (hours, days before A) per consultant on client Acme -> status, knowers, days_left
@pytest.mark.parametrize(
    ("evidence", "status", "knowers", "days_left"),
    [
        # Ana K=10 fades: 10 * 0.5^(46/90) = 7.018 >= 7, 10 * 0.5^(47/90) = 6.964 < 7
        ({"Ana": [(10, 0)], "Bob": [(20, 0)]}, "covered", 2, 46),
        # exactly twice the floor: 14 * 0.5^(90/90) = 7 on day A + 90, below on A + 91
        ({"Ana": [(14, 0)], "Bob": [(20, 0)]}, "covered", 2, 90),
        # the same 10 hours logged 10 days before A: 10 * 0.5^(36/90) = 7.58, 10 * 0.5^(37/90) = 7.52
        ({"Ana": [(10, 10)], "Bob": [(20, 0)]}, "covered", 2, 36),
        # Ana's 1000 h of 360 days ago (62.5 at A) leave the 365-day window on A + 5
        ({"Ana": [(1000, 360)], "Bob": [(20, 0)]}, "covered", 2, 4),
        # after Ana's old hours leave (A + 5) her 7.5 h is 7.5 / 87.5 = 8.6 % < 10 % of the client
        ({"Ana": [(500, 360), (7.5, 0)], "Bob": [(80, 0)]}, "covered", 2, 4),
        # with Bob at 60 h her share stays 7.5 / 67.5 = 11 %; she fades below 7 after A + 8
        ({"Ana": [(500, 360), (7.5, 0)], "Bob": [(60, 0)]}, "covered", 2, 8),
        # below the floor at A: single, no runway
        ({"Ana": [(6.5, 0)], "Bob": [(20, 0)]}, "single", 1, None),
        # 7 h against 100 h: 6.5 % of the client, no knower by share
        ({"Ana": [(7, 0)], "Bob": [(100, 0)]}, "single", 1, None),
        ({"Ana": [(3, 0)]}, "uncovered", 0, None),
    ],
)
def test_runway_hand_cases(con, evidence, status, knowers, days_left):
    for consultant, items in evidence.items():
        for hours, days_before in items:
            add_entry(con, consultant, "Acme", ago(days_before), hours)
    row = runway_of(con)["Acme"]
    assert (row.status, row.knowers) == (status, knowers)
    if days_left is None:
        assert row.covered_until is None and pd.isna(row.days_left)
    else:
        assert row.days_left == days_left
        assert row.covered_until == A + timedelta(days=days_left)


def test_window_end_caps_the_runway(con):
    # a 364-day window with strong evidence of A itself: it leaves on A + 364, so the runway
    # ends on A + 363; a window of 30 days: the evidence of A leaves on A + 30
    add_entry(con, "Ana", "Acme", A, 1000)
    add_entry(con, "Bob", "Acme", A, 1000)
    cfg = settings.merge(settings.defaults(), {"knowledge": {"window_days": 30}})
    assert runway_of(con, cfg)["Acme"].days_left == 29


def test_client_target_from_directory_and_absences(con):
    for name, hours in [("Ana", 10), ("Bob", 20), ("Cy", 30)]:
        add_entry(con, name, "Acme", A, hours)
    assert runway_of(con)["Acme"].days_left == 136  # Bob: 90 * log2(20 / 7) = 136.3
    con.execute("insert into clients (client, target_knowers) values ('Acme', 3)")
    row = runway_of(con)["Acme"]
    assert (row.status, row.days_left) == ("covered", 46)  # the third, Ana, fades first
    row = runway_of(con, absent=["Cy"])["Acme"]
    assert (row.status, row.knowers, row.covered_until) == ("thin", 2, None)
    assert pd.isna(row.days_left)


def test_dormant_clients_are_left_out(con):
    add_entry(con, "Ana", "Old", ago(90), 100)
    add_entry(con, "Ana", "New", ago(89), 100)
    assert set(runway_of(con)) == {"New"}


def projected_knowers(entries, client, day, cfg) -> int:
    """The projection evaluated directly on one day (the definition, no shortcut)."""
    k = cfg["knowledge"]
    scores: dict[str, float] = {}
    for consultant, name, on, hours in entries:
        age = (day - on).days
        if name == client and age < k["window_days"]:
            scores[consultant] = scores.get(consultant, 0) + hours * 0.5 ** (
                age / k["half_life_days"]
            )
    total = sum(scores.values())
    return sum(
        1
        for v in scores.values()
        if v * (1 + 1e-9) >= k["knower_floor"] and v * (1 + 1e-9) >= k["min_share"] * total
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_runway_day_for_day(con, seed):
    rng = random.Random(seed)
    cfg = settings.merge(settings.defaults(), {"knowledge": {"window_days": 120}})
    entries = []
    for client in ["C1", "C2", "C3", "C4", "C5", "C6"]:
        for _ in range(rng.randint(2, 12)):
            who, on = rng.choice(["Ana", "Bob", "Cy", "Dee"]), ago(rng.randint(0, 119))
            entries.append((who, client, on, float(rng.choice([1, 2, 4, 8, 16, 40]))))
        entries.append(("Ana", client, ago(rng.randint(0, 30)), 1.0))  # every client active
    for entry in entries:
        add_entry(con, *entry)
    got = runway_of(con, cfg)
    for client in ["C1", "C2", "C3", "C4", "C5", "C6"]:
        expected = None
        if projected_knowers(entries, client, A, cfg) >= 2:
            day = A
            while day < A + timedelta(days=120) and (
                projected_knowers(entries, client, day + timedelta(days=1), cfg) >= 2
            ):
                day += timedelta(days=1)
            expected = day
        assert got[client].covered_until == expected, client


def test_client_target_sets_the_knowledge_status_and_trend_too(con):
    for name, hours in [("Ana", 10), ("Bob", 20)]:
        add_entry(con, name, "Acme", A, hours)
    add_entry(con, "Ana", "Beta", A, 10)
    add_entry(con, "Bob", "Beta", A, 20)
    con.execute("insert into clients (client, target_knowers) values ('Acme', 3), ('Beta', 1)")
    cfg = settings.defaults()
    statuses = knowledge.redundancy_by_client(con, cfg, A).set_index("client")["status"]
    assert statuses.to_dict() == {"Acme": "thin", "Beta": "covered"}
    trend = knowledge.redundancy_trend(con, cfg, A, A)
    assert trend[["covered", "thin"]].values.tolist() == [[1, 1]]
