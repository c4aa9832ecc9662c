"""Page-ready frames (views.py) and data freshness (freshness.py) on small hand-made databases."""

from __future__ import annotations

from datetime import date

import pytest

from okam_analytics import freshness, settings, views

AS_OF = date(2026, 1, 30)
CONSULTANTS = [("Ana", "Net"), ("Ben", "Cloud"), ("Cleo", "Net")]
ENTRIES = [  # consultant, client, work_date, hours
    ("Ana", "Acme", "2026-01-30", 20.0),
    ("Ben", "Acme", "2026-01-30", 20.0),
    ("Ana", "Globex", "2026-01-30", 20.0),
    ("Cleo", "Globex", "2026-01-30", 2.0),
    ("Cleo", "Acme", "2026-03-02", 5.0),
]


@pytest.fixture
def team_db(con):
    """Acme known by Ana and Ben (covered), Globex by Ana only (single; Cleo a little)."""
    con.executemany("insert into consultants (consultant, team) values (?, ?)", CONSULTANTS)
    con.executemany(
        "insert into time_entries (source, entry_key, work_date, consultant, client, hours,"
        " is_billable, is_absence, import_id) values ('harvest', ?, ?::date, ?, ?, ?, true, false, 1)",
        [(f"e{i}", day, who, client, hours) for i, (who, client, day, hours) in enumerate(ENTRIES)],
    )
    return con


@pytest.mark.parametrize(
    ("clients", "teams", "expected"),
    [
        ((), (), ["Ana", "Ben", "Cleo"]),
        (("Acme",), (), ["Ana", "Ben"]),  # Cleo's Acme work is after the period
        ((), ("Net",), ["Ana", "Cleo"]),
        (("Globex",), ("Net",), ["Ana", "Cleo"]),
        (("Acme",), ("Nowhere",), []),
    ],
)
def test_consultants_in_scope(team_db, clients, teams, expected) -> None:
    frame = views.consultants_in_scope(team_db, date(2026, 1, 1), date(2026, 1, 31), clients, teams)
    assert frame["consultant"].tolist() == expected


def test_team_scope_keeps_clients_where_a_member_holds_a_tenth(team_db) -> None:
    cfg = settings.defaults()
    everyone = views.clients_in_scope(team_db, cfg, AS_OF)
    assert dict(zip(everyone["client"], everyone["status"], strict=True)) == {
        "Acme": "covered",
        "Globex": "single",
    }
    assert views.clients_in_scope(team_db, cfg, AS_OF, (), ("Cloud",))["client"].tolist() == [
        "Acme"
    ]
    scores = views.scores_in_scope(team_db, cfg, AS_OF, (), ("Cloud",))
    assert scores[["client", "consultant"]].values.tolist() == [["Acme", "Ben"]]


def test_status_counts_of_active_clients(team_db) -> None:
    counts = views.status_counts(views.clients_in_scope(team_db, settings.defaults(), AS_OF))
    assert counts == {
        "covered": 1,
        "thin": 0,
        "single": 1,
        "uncovered": 0,
        "active": 2,
        "dormant": 0,
    }


def test_at_risk_now_and_with_an_absence(team_db) -> None:
    cfg = settings.defaults()
    now = views.at_risk_clients(team_db, cfg, AS_OF)
    assert now[["client", "status", "successors"]].values.tolist() == [
        ["Globex", "single", ["Cleo"]]
    ]
    without_ben = views.at_risk_clients(team_db, cfg, AS_OF, ("Ben",))
    assert without_ben["client"].tolist() == ["Acme", "Globex"]  # 40 h of evidence before 22 h
    assert without_ben["status_if_absent"].tolist() == ["single", "single"]
    assert without_ben["knowers_if_absent"].tolist() == [1, 1]
    without_ana = views.at_risk_clients(team_db, cfg, AS_OF, ("Ana",))
    assert without_ana[["client", "status_if_absent"]].values.tolist() == [
        ["Acme", "single"],
        ["Globex", "uncovered"],
    ]


def test_truck_factor_in_scope(team_db) -> None:
    # Ana knows both clients: removing her leaves Globex (half) uncovered; Ben next: both.
    assert views.truck_factor_in_scope(team_db, settings.defaults(), AS_OF) == (2, ["Ana", "Ben"])


def test_sla_span_is_thirty_days_ending_at_as_of() -> None:
    span = views.sla_span(date(2026, 3, 31))
    assert (span.date_from, span.date_to, span.as_of_date) == (
        date(2026, 3, 2),
        date(2026, 3, 31),
        date(2026, 3, 31),
    )


def test_data_freshness_per_source(con) -> None:
    con.execute(
        "insert into imports (import_id, kind, preset, file_name, sha256, rows_loaded, period_end,"
        " imported_at, status) values"
        " (1, 'tickets', 'glpi', 'a.csv', 'h1', 2, '2026-01-31', '2026-02-01 08:00', 'active'),"
        " (2, 'timesheets', 'harvest', 'b.xlsx', 'h2', 2, '2026-01-31', '2026-02-02 09:30', 'active'),"
        " (3, 'tickets', 'glpi', 'c.csv', 'h3', 9, '2026-03-31', '2026-04-01 10:00', 'undone')"
    )
    con.execute(
        "insert into tickets (source, ticket_id, created_at, resolved_at, closed_at, import_id)"
        " values ('glpi', 'T1', '2026-01-05 09:00', '2026-01-20 10:00', '2026-01-25 11:00', 1),"
        " ('glpi', 'T2', '2026-01-10 14:00', null, null, 1)"
    )
    con.execute(
        "insert into time_entries (source, entry_key, work_date, consultant, hours, import_id)"
        " values ('harvest', 'e1', '2026-01-30', 'Ana', 7.5, 2),"
        " ('harvest', 'e2', '2026-01-02', 'Ana', 4.0, 2)"
    )
    frame = freshness.data_freshness(con, date(2026, 2, 4))
    assert frame[["source", "kind", "count_imports", "count_rows"]].values.tolist() == [
        ["glpi", "tickets", 1, 2],
        ["harvest", "timesheets", 1, 2],
    ]
    assert frame["latest_data_on"].tolist() == [date(2026, 1, 25), date(2026, 1, 30)]
    assert frame["days_since_data"].tolist() == [10, 5]
    assert str(frame.loc[1, "last_imported_at"]) == "2026-02-02 09:30:00"


def test_data_freshness_of_an_empty_database(con) -> None:
    assert freshness.data_freshness(con, date(2026, 2, 4)).empty
