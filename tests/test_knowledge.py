"""Knowledge redundancy on small hand-computed cases (SPEC 4.1)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from okam_analytics import settings
from okam_analytics.metrics import knowledge
from okam_analytics.metrics.period import Period

T = date(2026, 6, 30)  # a Tuesday


def cfg(**knowledge_overrides):
    return settings.merge(settings.defaults(), {"knowledge": knowledge_overrides})


def add_entry(con, consultant, client, day, hours, absence=False):
    con.execute(
        "insert into time_entries (source, entry_key, work_date, consultant, client, hours,"
        " is_billable, is_absence, import_id) values ('t', gen_random_uuid()::varchar,"
        " ?, ?, ?, ?, true, ?, 1)",
        [day, consultant, client, hours, absence],
    )


def add_ticket(con, assignee, client, created, resolved=None):
    con.execute(
        "insert into tickets (source, ticket_id, client, assignee, created_at, resolved_at,"
        " priority, status, import_id) values ('t', gen_random_uuid()::varchar, ?, ?, ?, ?,"
        " 'P3', 'open', 1)",
        [client, assignee, created, resolved],
    )


def ago(days: int) -> date:
    return T - timedelta(days=days)


def scores_of(con, config=None) -> dict:
    frame = knowledge.knowledge_scores(con, config or cfg(), T)
    return {(r.client, r.consultant): r for r in frame.itertuples()}


@pytest.mark.parametrize(
    ("hours", "days_before", "expected"),
    [
        (8.0, 0, 8.0),  # d = T counts fully
        (14.0, 90, 7.0),  # one half-life old counts half
        (16.0, 180, 4.0),  # two half-lives: a quarter
        (10.0, 364, 0.6060394654041988),  # last day inside the 365-day window
        (10.0, 365, None),  # d = T - window is outside
        (10.0, -1, None),  # after T
    ],
)
def test_decay_and_window_edges(con, hours, days_before, expected):
    add_entry(con, "Ana", "Acme", ago(days_before), hours)
    got = scores_of(con).get(("Acme", "Ana"))
    if expected is None:
        assert got is None
    else:
        assert got.knowledge == pytest.approx(expected, rel=1e-12)


def test_absences_and_missing_names_are_not_evidence(con):
    add_entry(con, "Ana", "Acme", T, 8.0, absence=True)
    add_entry(con, None, "Acme", T, 8.0)
    add_entry(con, "Ana", None, T, 8.0)
    add_ticket(con, None, "Acme", datetime(2026, 6, 30, 9))
    assert scores_of(con) == {}


@pytest.mark.parametrize(
    ("created", "resolved", "expected"),
    [
        (datetime(2026, 6, 30, 9), None, 1.0),  # open: dated by creation
        (datetime(2026, 1, 1, 9), datetime(2026, 4, 1, 10), 0.5),  # resolved 90 days before T
        (datetime(2026, 6, 29, 9), datetime(2026, 7, 1, 10), None),  # resolved after T
        (datetime(2026, 6, 30, 23, 59), None, 1.0),  # late on the as-of day still counts
    ],
)
def test_ticket_evidence(con, created, resolved, expected):
    add_ticket(con, "Ana", "Acme", created, resolved)
    got = scores_of(con).get(("Acme", "Ana"))
    assert (got.knowledge if got else None) == expected


def test_ticket_weight_setting(con):
    add_ticket(con, "Ana", "Acme", datetime(2026, 6, 30, 9))
    got = scores_of(con, cfg(ticket_weight=2.5))
    assert got[("Acme", "Ana")].knowledge == 2.5


@pytest.mark.parametrize(
    ("ana_hours", "bob_hours", "ana_share", "ana_knows"),
    [
        (7.0, 63.0, 0.1, True),  # exactly at the floor and exactly at the share
        (6.5, 10.0, 6.5 / 16.5, False),  # below the floor
        (8.0, 80.0, 8.0 / 88.0, False),  # below the share
        (8.0, 72.0, 0.1, True),  # exactly at the share
    ],
)
def test_floor_and_share_edges(con, ana_hours, bob_hours, ana_share, ana_knows):
    add_entry(con, "Ana", "Acme", T, ana_hours)
    add_entry(con, "Bob", "Acme", T, bob_hours)
    ana = scores_of(con)[("Acme", "Ana")]
    assert ana.share == pytest.approx(ana_share)
    assert ana.is_knower == ana_knows


def redundancy_fixture(con):
    for consultant, hours in (("Ana", 30.0), ("Bob", 5.0)):
        add_entry(con, consultant, "Acme", ago(3), hours)  # one knower
    for consultant in ("Ana", "Bob", "Cleo"):
        add_entry(con, consultant, "Beta", ago(1), 10.0)  # three equal knowers
    for consultant in ("Ana", "Bob"):
        add_entry(con, consultant, "Echo", T, 10.0)  # two knowers
        add_entry(con, consultant, "Gamma", T, 4.0)  # nobody above the floor
    add_entry(con, "Ana", "Old", ago(100), 40.0)  # K = 18.5, last seen 100 days ago
    add_entry(con, "Ana", "Later", T + timedelta(days=1), 40.0)  # after T
    con.execute("insert into clients (client) values ('Delta')")  # no evidence at all


@pytest.mark.parametrize(
    ("client", "knowers", "names", "absence_factor", "status", "activity"),
    [
        ("Acme", 1, ["Ana"], 1, "single", "active"),
        ("Beta", 3, ["Ana", "Bob", "Cleo"], 2, "covered", "active"),
        ("Echo", 2, ["Ana", "Bob"], 2, "covered", "active"),
        ("Gamma", 0, [], 2, "uncovered", "active"),  # 4 of 8 is not more than half
        ("Old", 1, ["Ana"], 1, "single", "dormant"),
        ("Delta", 0, [], 0, "uncovered", "dormant"),
    ],
)
def test_redundancy_by_client(con, client, knowers, names, absence_factor, status, activity):
    redundancy_fixture(con)
    frame = knowledge.redundancy_by_client(con, cfg(), T).set_index("client")
    row = frame.loc[client]
    assert (row.knowers, row.knower_names, row.absence_factor) == (knowers, names, absence_factor)
    assert (row.status, row.activity) == (status, activity)
    assert "Later" not in frame.index


def test_redundancy_columns_and_thin_status(con):
    redundancy_fixture(con)
    frame = knowledge.redundancy_by_client(con, cfg(target_knowers=3), T).set_index("client")
    assert frame.loc["Echo", "status"] == "thin"
    assert frame.loc["Beta", "status"] == "covered"
    assert frame.loc["Echo", "total_knowledge"] == 20.0  # evidence of day T: no decay
    acme = frame.loc["Acme"]
    assert acme.last_activity_on == date(2026, 6, 27)
    assert acme.evidence_hours_90d == 35.0  # undecayed hours
    assert frame.loc["Old", "evidence_hours_90d"] == 0.0


def test_report_redundancy_joins_names(con):
    redundancy_fixture(con)
    span = Period(T, date(2025, 7, 1), T)
    frame = knowledge.report_redundancy(con, cfg(), span, None).set_index("client")
    assert frame.loc["Beta", "knower_names"] == "Ana, Bob, Cleo"
    assert frame.loc["Delta", "knower_names"] == ""
    assert {"client", "knowers", "knower_names", "absence_factor", "status"} <= {
        "client",
        *frame.columns,
    }


def portfolio_fixture(con):
    """W: Ana, Bob; X: Ana, Cleo; Y: Ana; Z: Cleo, Dan. Dormant V: Bob only."""
    for client, people in {
        "W": ("Ana", "Bob"),
        "X": ("Ana", "Cleo"),
        "Y": ("Ana",),
        "Z": ("Cleo", "Dan"),
    }.items():
        for consultant in people:
            add_entry(con, consultant, client, T, 10.0)
    for day in range(5):
        add_entry(con, "Bob", "V", ago(120 + day), 30.0)


def test_truck_factor_greedy(con):
    portfolio_fixture(con)
    # Ana knows 3 active clients, Cleo 2, then Bob and Dan 1 each (alphabetical):
    # without Ana, Y is lost (1/4); without Cleo too, X (2/4, not more than half);
    # without Bob too, W (3/4): the truck factor is 3
    assert knowledge.truck_factor(con, cfg(), T) == (3, ["Ana", "Cleo", "Bob"])


@pytest.mark.parametrize(
    ("knowers", "expected"),
    [
        ({}, (0, [])),
        ({"A": ["Zoe"]}, (1, ["Zoe"])),
        ({"A": [], "B": []}, (0, [])),  # already all uncovered
        ({"A": ["Bea", "Al"], "B": ["Bea", "Al"]}, (2, ["Al", "Bea"])),  # tie: alphabetical
        # D is lost already; without Al 2 of 4 (not more than half), without Bea 3 of 4
        ({"A": ["Al"], "B": ["Bea"], "C": ["Cy"], "D": []}, (2, ["Al", "Bea"])),
    ],
)
def test_truck_factor_of(knowers, expected):
    import pandas as pd

    active = pd.DataFrame({"client": list(knowers), "knower_names": list(knowers.values())})
    assert knowledge.truck_factor_of(active) == expected


def test_what_if_absent(con):
    portfolio_fixture(con)
    # successors: Eve and Finn know a little of W (3 h two weeks ago), Eve a little of Y;
    # Eve works 8 h this week (Mon 29 June), Finn none: Finn is the less loaded
    for consultant in ("Eve", "Finn"):
        add_entry(con, consultant, "W", ago(14), 3.0)
    add_entry(con, "Eve", "Y", ago(14), 1.0)
    add_entry(con, "Eve", "Internal", date(2026, 6, 29), 8.0)
    frame = knowledge.what_if_absent(con, cfg(), T, ["Ana"])
    rows = {r.client: r for r in frame.itertuples()}
    assert set(rows) == {"W", "X", "Y"}
    assert (rows["W"].knowers_before, rows["W"].knowers_after, rows["W"].status_after) == (
        2,
        1,
        "single",
    )
    assert (rows["Y"].knowers_before, rows["Y"].knowers_after, rows["Y"].status_after) == (
        1,
        0,
        "uncovered",
    )
    assert rows["W"].successors == ["Finn", "Eve"]
    assert rows["X"].successors == []
    assert rows["Y"].successors == ["Eve"]


def test_what_if_nobody_absent(con):
    portfolio_fixture(con)
    assert knowledge.what_if_absent(con, cfg(), T, []).empty


def trend_fixture(con):
    for consultant in ("Ana", "Bob"):
        add_entry(con, consultant, "P", date(2026, 4, 15), 10.0)
    add_entry(con, "Ana", "Q", date(2026, 5, 20), 20.0)
    add_entry(con, "Cleo", "R", date(2026, 1, 10), 50.0)  # dormant at every point


@pytest.mark.parametrize(
    ("date_to", "expected"),
    [
        (
            date(2026, 6, 30),
            [
                # P: K = 10 * 0.5^(15/90) = 8.9 each; Q not started yet
                (date(2026, 4, 30), 1, 0, 0, 0),
                # P: 10 * 0.5^(46/90) = 7.02 each; Q: Ana alone
                (date(2026, 5, 31), 1, 0, 1, 0),
                # P: 10 * 0.5^(76/90) = 5.57, below the floor but still active
                (date(2026, 6, 30), 0, 0, 1, 1),
            ],
        ),
        (
            date(2026, 6, 15),  # the last point is the period's end
            [
                (date(2026, 4, 30), 1, 0, 0, 0),
                (date(2026, 5, 31), 1, 0, 1, 0),
                (date(2026, 6, 15), 0, 0, 1, 1),  # P: 10 * 0.5^(61/90) = 6.25
            ],
        ),
    ],
)
def test_redundancy_trend(con, date_to, expected):
    trend_fixture(con)
    frame = knowledge.redundancy_trend(con, cfg(), date(2026, 4, 1), date_to)
    got = [tuple(r) for r in frame[["month_end", "covered", "thin", "single", "uncovered"]].values]
    assert got == expected


def test_trend_matches_redundancy_at_each_point(con):
    redundancy_fixture(con)
    portfolio_fixture(con)
    trend_fixture(con)
    add_entry(con, "Bob", "Acme", date(2026, 3, 3), 12.0)
    config = cfg(target_knowers=3, active_days=60)
    trend = knowledge.redundancy_trend(con, config, date(2025, 12, 1), T)
    for point in trend.itertuples():
        clients = knowledge.redundancy_by_client(con, config, point.month_end)
        counts = clients[clients["activity"] == "active"]["status"].value_counts()
        got = (point.covered, point.thin, point.single, point.uncovered)
        assert got == tuple(counts.get(s, 0) for s in ("covered", "thin", "single", "uncovered"))


def test_trend_with_a_very_short_half_life(con):
    trend_fixture(con)
    config = cfg(half_life_days=0.5, knower_floor=0)
    fast = knowledge.redundancy_trend(con, config, date(2026, 4, 1), date(2026, 6, 30))
    # 455 days of reach over 0.5-day half-lives: computed date by date, same shape
    assert fast.columns.tolist() == ["month_end", "covered", "thin", "single", "uncovered"]
    # P: 15 days old at 30 April, 10 * 0.5^30 = 9.3e-9 each, two knowers
    assert [tuple(r) for r in fast.values][0] == (date(2026, 4, 30), 1, 0, 0, 0)


def test_month_ends():
    assert knowledge.month_ends(date(2026, 1, 15), date(2026, 3, 31)) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
    ]
    assert knowledge.month_ends(date(2026, 3, 1), date(2026, 3, 10)) == [date(2026, 3, 10)]


def test_docs_worked_example(con):
    """The example of docs/metrics.md, section Knowledge redundancy."""
    add_entry(con, "Ana", "Acme", date(2026, 4, 1), 14.0)
    add_entry(con, "Ana", "Acme", T, 8.0)
    add_entry(con, "Bob", "Acme", T, 6.0)
    add_entry(con, "Cleo", "Acme", date(2025, 7, 1), 10.0)
    add_ticket(con, "Bob", "Acme", datetime(2026, 3, 30, 9), datetime(2026, 4, 1, 11))
    scores = scores_of(con)
    got = {name: round(scores[("Acme", name)].knowledge, 2) for name in ("Ana", "Bob", "Cleo")}
    assert got == {"Ana": 15.0, "Bob": 6.5, "Cleo": 0.61}
    row = knowledge.redundancy_by_client(con, cfg(), T).iloc[0]
    assert (row.knower_names, row.status, row.absence_factor, row.activity) == (
        ["Ana"],
        "single",
        1,
        "active",
    )
    assert round(row.total_knowledge, 2) == 22.11


def test_internal_clients_are_not_clients_to_know(con):
    # Okam's own time (meetings, training) is booked to a client named after the company.
    con.execute(
        "insert into time_entries (source, entry_key, work_date, consultant, client, hours,"
        " is_absence, import_id) values"
        " ('t', '1', date '2026-03-10', 'Ana', 'Okam Services', 10, false, 1),"
        " ('t', '2', date '2026-03-10', 'Ana', 'Acme', 10, false, 1)"
    )
    con.execute("insert into clients (client) values ('Okam Services'), ('Acme')")
    cfg = settings.merge(
        settings.defaults(), {"knowledge": {"internal_clients": ["okam services"]}}
    )
    frame = knowledge.redundancy_by_client(con, cfg, date(2026, 3, 10))
    assert frame["client"].tolist() == ["Acme"]
    scores = knowledge.knowledge_scores(con, cfg, date(2026, 3, 10))
    assert scores["client"].tolist() == ["Acme"]
    trend = knowledge.redundancy_trend(con, cfg, date(2026, 3, 1), date(2026, 3, 31))
    assert trend[["single", "uncovered"]].iloc[-1].tolist() == [1, 0]
