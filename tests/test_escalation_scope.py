"""The escalation metrics narrowed to the sidebar's clients and teams, and the page's shapes."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from okam_analytics import settings
from okam_analytics.metrics import escalation_scope as scope
from okam_analytics.metrics import escalations
from okam_analytics.metrics.period import Period

SPAN = Period(date(2026, 1, 10), date(2026, 1, 1), date(2026, 1, 10))
# Mon 5 - Fri 9 January 2026, no French holiday; P1 is 24x7 (1 h / 4 h), P2 business (2 h / 8 h).
TICKETS = [  # ticket_id, client, team, priority, assignee, created, first response, resolved
    ("T1", "Acme", "Network", "P1", "Sarah Benali", "2026-01-05 10:00", "2026-01-05 10:30", "2026-01-05 13:00"),
    ("T2", "Globex", "Network", "P1", "Kevin Brunet", "2026-01-06 10:00", "2026-01-06 12:00", "2026-01-06 20:00"),
    ("T3", "Acme", "Cloud", "P2", "Kevin Brunet", "2026-01-05 17:00", "2026-01-06 09:30", "2026-01-06 12:00"),
    ("T4", "Acme", "Network", "P1", "Kevin Brunet", "2026-01-09 08:00", None, None),
    ("T5", "Acme", "Network", "P3", "Sarah Benali", "2026-01-05 09:00", None, None),  # not escalated
]  # fmt: skip


@pytest.fixture
def desk(con):
    """Five tickets (four escalated), three consultants in three teams, Sarah's 50 h week."""
    con.executemany(
        "insert into tickets (source, ticket_id, client, team, priority, assignee, created_at,"
        " first_response_at, resolved_at, status, import_id) values ('glpi', ?, ?, ?, ?, ?,"
        " ?::timestamp, ?::timestamp, ?::timestamp,"
        " case when ? is null then 'open' else 'resolved' end, 1)",
        [row + (row[-1],) for row in TICKETS],
    )
    con.execute(
        "insert into consultants (consultant, team) values ('Sarah Benali', 'Cloud'),"
        " ('Kevin Brunet', 'Network'), ('Léa Fontaine', 'Desk')"
    )
    con.execute(
        "insert into time_entries (source, entry_key, work_date, consultant, client, hours,"
        " is_absence, import_id) select 'harvest', 'e' || d, DATE '2026-01-05' + d::int,"
        " 'Sarah Benali', 'Acme', 10.0, false, 2 from range(5) t(d)"
    )
    con.execute(
        "insert into time_entries (source, entry_key, work_date, consultant, client, hours,"
        " is_absence, import_id) values ('harvest', 'l1', '2026-01-05', 'Léa Fontaine', 'Acme',"
        " 8.0, false, 2)"
    )
    return con


@pytest.mark.parametrize(
    ("clients", "teams", "expected"),
    [
        ((), (), {"tickets": 4, "response_compliance": 0.5, "resolution_compliance": 0.5,
                  "open_breached": 1, "no_response_data": 0, "open_within": 0}),
        (("Globex",), (), {"tickets": 1, "response_compliance": 0.0, "resolution_compliance": 0.0,
                           "open_breached": 0, "no_response_data": 0, "open_within": 0}),
        # T3 by its own team, T1 by its assignee's team (Sarah is in Cloud)
        ((), ("Cloud",), {"tickets": 2, "response_compliance": 1.0, "resolution_compliance": 1.0,
                          "open_breached": 0, "no_response_data": 0, "open_within": 0}),
        (("Globex",), ("Cloud",), {"tickets": 0, "response_compliance": None,
                                   "resolution_compliance": None, "open_breached": 0,
                                   "no_response_data": 0, "open_within": 0}),
    ],
)  # fmt: skip
def test_headline_within_the_scope(desk, clients, teams, expected) -> None:
    assert scope.headline(desk, SPAN, clients, teams) == expected


def test_without_a_scope_the_metrics_are_unchanged(desk) -> None:
    cfg = settings.load(desk)
    for by in ("priority", "month", "client", "assignee"):
        pd.testing.assert_frame_equal(
            scope.compliance(desk, SPAN, by), escalations.escalation_compliance(desk, cfg, SPAN, by)
        )


def test_scoped_lists(desk) -> None:
    assert scope.tickets(desk, SPAN, ("Acme",))["ticket_id"].tolist() == ["T1", "T3", "T4"]
    breaches = scope.breaches(desk, SPAN, (), ("Network",))
    assert breaches[["ticket_id", "created_month"]].values.tolist() == [
        ["T4", "2026-01"],
        ["T2", "2026-01"],
    ]
    assert scope.open_escalations(desk, SPAN, ("Globex",)).empty
    assert scope.open_escalations(desk, SPAN)["age_bucket"].tolist() == ["1-3 days"]
    by_client = scope.compliance(desk, SPAN, "client", ("Acme",))
    assert by_client[["client", "tickets"]].values.tolist() == [["Acme", 3]]


def test_ticket_detail(desk) -> None:
    detail = scope.ticket_detail(desk, "glpi", "T3")
    assert detail[["client", "team", "assignee"]].values.tolist() == [
        ["Acme", "Cloud", "Kevin Brunet"]
    ]
    assert scope.ticket_detail(desk, "glpi", "nope").empty


def test_consultant_weeks_beside_utilisation(desk) -> None:
    weeks = scope.consultant_weeks(desk, SPAN)
    monday = weeks[weeks["week_start"] == pd.Timestamp("2026-01-05")]
    rows = monday.set_index("consultant")
    # Sarah: 50 h of 40 h, one escalation (T1); Kevin: no timesheet, T2 T3 T4
    assert rows.loc["Sarah Benali", "escalations"] == 1
    assert rows.loc["Sarah Benali", "utilisation"] == pytest.approx(1.25)
    assert rows.loc["Sarah Benali", "load_status"] == "overloaded"
    assert rows.loc["Kevin Brunet", "escalations"] == 3
    assert rows.loc["Kevin Brunet", "load_status"] == "no_timesheet"
    assert "Léa Fontaine" in set(weeks["consultant"])
    # Network: Kevin is a member; Sarah (Cloud) is kept as the assignee of T1, a Network ticket
    network = scope.consultant_weeks(desk, SPAN, (), ("Network",))
    assert set(network["consultant"]) == {"Kevin Brunet", "Sarah Benali"}
    assert network.loc[network["escalations"] > 0, "load_status"].tolist() == [
        "no_timesheet",
        "overloaded",
    ]


WEEKS = pd.DataFrame(
    {
        "consultant": ["Ann", "Ann", "Bob", "Bob", "Cid"],
        "week_start": pd.to_datetime(["2026-01-05", "2026-01-12"] * 2 + ["2026-01-05"]),
        "escalations": [2, 1, 3, 0, 1],
        "breached_escalations": [1, 0, 0, 0, 1],
        "worked_hours": [48.0, 30.0, 36.0, 40.0, None],
        "capacity_hours": [40.0, 40.0, 40.0, 40.0, None],
        "utilisation": [1.2, 0.75, 0.9, 1.0, None],
        "overloaded": [True, False, False, False, None],
    }
)


def test_load_status_and_pressure() -> None:
    weeks = WEEKS.assign(
        load_status=scope.load_status(WEEKS, {"busy_threshold": 0.9, "overload_threshold": 1.1})
    )
    assert weeks["load_status"].tolist() == [
        "overloaded",
        "available",
        "busy",
        "busy",
        "no_timesheet",
    ]
    pressure = scope.pressure_by_consultant(weeks).replace({float("nan"): None})
    assert pressure.to_dict("records") == [
        {"consultant": "Ann", "escalations": 3, "breached_escalations": 1, "when_overloaded": 2,
         "overloaded_weeks": 1, "share_when_overloaded": 2 / 3,
         "utilisation_when_escalated": 78 / 80},
        {"consultant": "Bob", "escalations": 3, "breached_escalations": 0, "when_overloaded": 0,
         "overloaded_weeks": 0, "share_when_overloaded": 0.0, "utilisation_when_escalated": 0.9},
        {"consultant": "Cid", "escalations": 1, "breached_escalations": 1, "when_overloaded": 0,
         "overloaded_weeks": 0, "share_when_overloaded": 0.0,
         "utilisation_when_escalated": None},
    ]  # fmt: skip
    assert scope.pressure_totals(weeks) == {
        "escalations": 7,
        "with_timesheet": 6,
        "when_overloaded": 2,
    }


def test_distribution_stats_in_hours_with_targets() -> None:
    escalated = pd.DataFrame(
        {
            "priority": ["P1", "P1", "P1", "P2"],
            "clock": ["24x7", "24x7", "24x7", "business"],
            "response_clock_minutes": [30.0, 60.0, 90.0, None],
            "resolution_clock_minutes": [120.0, 240.0, None, 480.0],
            "response_target_minutes": [60.0, 60.0, 60.0, 120.0],
            "resolution_target_minutes": [240.0, 240.0, 240.0, 480.0],
        }
    )
    stats = scope.distribution_stats(escalated).set_index(["measure", "priority"])
    assert stats.index.tolist() == [("resolution", "P1"), ("resolution", "P2"), ("response", "P1")]
    p1 = stats.loc[("response", "P1")]
    assert (p1["tickets"], p1["median"], p1["q1"], p1["max"], p1["target_hours"]) == (
        3, 1.0, 0.75, 1.5, 1.0,
    )  # fmt: skip
    assert stats.loc[("resolution", "P2"), "target_hours"] == 8.0
    assert scope.distribution_stats(escalated.iloc[0:0]).empty


def test_state_counts_and_focus() -> None:
    frame = pd.DataFrame(
        {"client": ["A", "A", "B"], "state": ["met", "met", "breached"], "month": ["1", "2", "1"]}
    )
    assert scope.state_counts(frame, "client").values.tolist() == [
        ["A", "met", 2],
        ["B", "breached", 1],
    ]
    assert scope.focus(frame, client="A", month=None)["month"].tolist() == ["1", "2"]
    assert scope.focus(frame, client="A", month="2")["month"].tolist() == ["2"]
