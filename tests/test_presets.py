"""Vendor presets: each fixture (a small export in the tool's own layout) is detected and loads
with hand-checked typed values; an unknown layout falls back to the generic mapping."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from okam_analytics import db
from okam_analytics.ingest import presets, service

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "presets"

NEEDS_DETECT_ALTERNATIVES = pytest.mark.xfail(
    strict=True, reason="French Kimai headers need `detect` entries that accept alternatives"
)

# file, detected preset, kind, rows loaded, rows rejected
FILES = [
    ("jira.csv", "jira", "tickets", 8, 0),
    ("zendesk.csv", "zendesk", "tickets", 7, 0),
    ("freshdesk.csv", "freshdesk", "tickets", 6, 0),
    ("freshservice.xlsx", "freshservice", "tickets", 5, 0),
    ("servicenow.csv", "servicenow", "tickets", 7, 0),
    ("servicenow_events.csv", "servicenow_events", "tickets", 13, 0),
    ("toggl.csv", "toggl", "timesheets", 7, 0),
    ("toggl_2023.csv", "toggl", "timesheets", 4, 1),  # one timer over 24 h
    ("clockify.csv", "clockify", "timesheets", 6, 0),
    ("tempo.xlsx", "tempo", "timesheets", 5, 0),
    ("kimai.csv", "kimai", "timesheets", 5, 0),
    pytest.param("kimai_fr.csv", "kimai", "timesheets", 4, 0, marks=NEEDS_DETECT_ALTERNATIVES),
]


def import_fixture(con, name: str) -> tuple[service.ImportPlan, service.ImportResult]:
    plan = service.inspect(FIXTURES / name, name)
    return plan, service.load(con, plan, accept_rejects=True)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """One database holding every fixture (imported once for the whole module)."""
    connection = db.connect(tmp_path_factory.mktemp("presets") / "presets.duckdb")
    outcomes = {}
    for row in FILES:
        name = getattr(row, "values", row)[0]
        try:
            outcomes[name] = import_fixture(connection, name)
        except Exception as exc:  # reported by the tests of that file only
            outcomes[name] = exc
    yield connection, outcomes
    connection.close()


def outcome(loaded, name: str) -> tuple[service.ImportPlan, service.ImportResult]:
    """The inspected plan and load result of one fixture (re-raising its import error)."""
    found = loaded[1][name]
    if isinstance(found, Exception):
        raise found
    return found


@pytest.mark.parametrize(("name", "preset", "kind", "rows_loaded", "rows_rejected"), FILES)
def test_fixture_is_detected_and_loads(loaded, name, preset, kind, rows_loaded, rows_rejected):
    plan, result = outcome(loaded, name)
    assert plan.refused is None
    assert (plan.preset, plan.kind) == (preset, kind)
    assert (result.status, result.rows_loaded, result.rows_rejected) == (
        "loaded", rows_loaded, rows_rejected,
    )  # fmt: skip


def test_every_vendor_preset_has_a_fixture():
    covered = {getattr(row, "values", row)[1] for row in FILES}
    tools = {name for name, p in presets.all_presets().items() if not p.is_generic}
    assert tools - covered - {"glpi", "harvest"} == set()


# file, ticket_id, column, expected value (read from the tool's own words and formats)
TICKET_VALUES = [
    ("jira.csv", "ITS-1042", "created_at", datetime(2024, 5, 11, 15, 26)),
    ("jira.csv", "ITS-1042", "first_response_at", datetime(2024, 5, 11, 15, 41)),
    ("jira.csv", "ITS-1042", "client", "Acme Industries"),
    ("jira.csv", "ITS-1043", "priority", "P1"),  # Blocker
    ("jira.csv", "ITS-1046", "priority", "P3"),  # Major: the default of the old scheme
    ("jira.csv", "ITS-1049", "priority", "P2"),  # Critical
    ("jira.csv", "ITS-1044", "status", "pending"),  # Waiting for customer
    ("jira.csv", "ITS-1045", "resolved_at", datetime(2024, 5, 15, 9, 29)),
    ("jira.csv", "ITS-1047", "created_at", datetime(2024, 5, 15, 0, 5)),  # 12:05 AM
    ("jira.csv", "ITS-1048", "client", None),
    ("zendesk.csv", "5103", "resolved_at", None),  # 1900-01-01 00:00:00
    ("zendesk.csv", "5105", "status", "pending"),  # Hold
    ("zendesk.csv", "5102", "first_response_at", datetime(2024, 3, 4, 15, 5)),  # +95 min
    ("zendesk.csv", "5102", "priority", "P3"),  # Normal
    ("zendesk.csv", "5102", "source_resolution_business_minutes", 568.0),
    ("zendesk.csv", "5107", "source_response_minutes", 0.0),  # business hours
    ("zendesk.csv", "5106", "reopen_count", 1),
    ("zendesk.csv", "5104", "client", None),
    ("freshdesk.csv", "8803", "source_sla_met", False),  # SLA Violated
    ("freshdesk.csv", "8801", "source_sla_met", True),  # Within SLA
    ("freshdesk.csv", "8803", "first_response_at", datetime(2024, 4, 3, 7, 5)),
    ("freshdesk.csv", "8805", "status", "pending"),  # Waiting on Customer
    ("freshdesk.csv", "8801", "closed_at", datetime(2024, 4, 4, 11, 5)),
    ("freshservice.xlsx", "#INC-302", "created_at", datetime(2024, 4, 3, 6, 50)),
    ("freshservice.xlsx", "#INC-302", "priority", "P1"),
    ("freshservice.xlsx", "#INC-302", "client", "Operations"),  # Department
    ("freshservice.xlsx", "#INC-305", "status", "pending"),  # Awaiting User Response
    ("freshservice.xlsx", "#SR-303", "assignee", None),
    ("servicenow.csv", "INC0010236", "priority", "P4"),  # 5 - Planning
    ("servicenow.csv", "INC0010232", "reassignment_count", 2),
    ("servicenow.csv", "INC0010232", "source_sla_met", False),
    ("servicenow.csv", "INC0010233", "status", "pending"),  # On Hold
    ("servicenow.csv", "INC0010231", "created_at", datetime(2024, 2, 1, 8, 15, 22)),
    ("servicenow_events.csv", "INC0000045", "first_response_at", datetime(2016, 2, 29, 8, 53)),
    ("servicenow_events.csv", "INC0000045", "resolved_at", datetime(2016, 2, 29, 11, 29)),
    ("servicenow_events.csv", "INC0000045", "client", "Location 143"),
    ("servicenow_events.csv", "INC0000047", "first_response_at", datetime(2016, 2, 29, 4, 57)),
    ("servicenow_events.csv", "INC0000047", "team", "Group 24"),
    ("servicenow_events.csv", "INC0000047", "reassignment_count", 1),
    ("servicenow_events.csv", "INC0000057", "first_response_at", datetime(2016, 2, 29, 7, 42)),
    ("servicenow_events.csv", "INC0000057", "priority", "P1"),
    ("servicenow_events.csv", "INC0000057", "reopen_count", 1),
    ("servicenow_events.csv", "INC0000057", "source_sla_met", False),
    ("servicenow_events.csv", "INC0000057", "status_raw", "-100"),
]


@pytest.mark.parametrize(("name", "ticket_id", "column", "expected"), TICKET_VALUES)
def test_ticket_values(loaded, name, ticket_id, column, expected):
    con = loaded[0]
    value = con.execute(
        f"select {column} from tickets where source = $source and ticket_id = $id",
        {"source": outcome(loaded, name)[0].preset, "id": ticket_id},
    ).fetchall()
    assert value == [(expected,)]


def test_event_log_fixture_keeps_one_event_per_row(loaded):
    outcome(loaded, "servicenow_events.csv")
    counts = (
        loaded[0]
        .execute(
            "select ticket_id, count(*) from ticket_events group by ticket_id order by ticket_id"
        )
        .fetchall()
    )
    assert counts == [("INC0000045", 4), ("INC0000047", 4), ("INC0000057", 5)]


# file, consultant, start (or work date), column, expected value
ENTRY_VALUES = [
    ("toggl.csv", "Julie Bernard", datetime(2024, 3, 5, 22, 0), "hours", 9.25),
    ("toggl.csv", "Marc Dubois", datetime(2024, 3, 5, 9, 0), "is_billable", False),
    ("toggl.csv", "Marc Dubois", datetime(2024, 3, 4, 8, 30), "client", "Acme Industries"),
    ("toggl.csv", "Hugo Lambert", datetime(2024, 3, 4, 9, 0), "is_absence", True),
    ("toggl_2023.csv", "Thomas Garnier", datetime(2024, 4, 9, 19, 0), "task", "Maintenance"),
    ("toggl_2023.csv", "Sophie Laurent", datetime(2024, 4, 2, 13, 0), "hours", 0.75),
    ("clockify.csv", "Camille Robin", datetime(2024, 3, 14, 13, 5), "hours", 4.25),  # US date
    ("clockify.csv", "Camille Robin", datetime(2024, 3, 15, 23, 30), "client", "Notaires Associés"),
    ("clockify.csv", "Antoine Leroy", datetime(2024, 3, 12, 12, 0), "is_billable", False),
    ("kimai.csv", "paul", datetime(2024, 5, 7, 9, 30), "hours", 8.5),
    ("kimai.csv", "lucie", datetime(2024, 5, 6, 13, 0), "project", "Managed services"),
    ("kimai.csv", "lucie", datetime(2024, 5, 7, 9, 0), "is_billable", False),
    ("tempo.xlsx", "Julie Bernard", date(2024, 3, 5), "hours", 7.75),
    ("tempo.xlsx", "Julie Bernard", date(2024, 3, 5), "ticket_id", "MS-117"),
    ("tempo.xlsx", "Julie Bernard", date(2024, 3, 5), "client", "Biolab SA"),
    ("tempo.xlsx", "Hugo Lambert", date(2024, 3, 29), "task", "Audit"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "consultant", "when", "column", "expected"), ENTRY_VALUES)
def test_time_entry_values(loaded, name, consultant, when, column, expected):
    con = loaded[0]
    moment = "started_at" if isinstance(when, datetime) else "work_date"
    value = con.execute(
        f"select {column} from time_entries where source = $source and consultant = $who"
        f" and {moment} = $when",
        {"source": outcome(loaded, name)[0].preset, "who": consultant, "when": when},
    ).fetchall()
    assert value == [(expected,)]


def test_rejected_timer_names_its_line(loaded):
    plan, _ = outcome(loaded, "toggl_2023.csv")
    rejects = plan.findings[plan.findings["severity"] == "reject"]
    assert list(rejects["line"]) == [6]
    assert list(rejects["value"]) == ["25:30:00"]


def test_unknown_layout_falls_back_to_the_generic_mapping(con):
    text = (
        "Ticket number;Date de création;Client;Technicien;Priorité;Statut\n"
        "T-1;04/03/2024 09:15;Acme;Marc;Haute;En cours\n"
        "T-2;05/03/2024 10:00;Biolab;Julie;Basse;Clos\n"
    ).encode()
    plan = service.inspect(text, "export.csv")
    result = service.load(con, plan)
    assert (plan.preset, result.rows_loaded) == ("generic_tickets", 2)
    rows = con.execute(
        "select ticket_id, created_at, client, assignee, priority, status from tickets"
        " order by ticket_id"
    ).fetchall()
    assert rows == [
        ("T-1", datetime(2024, 3, 4, 9, 15), "Acme", "Marc", "P2", "open"),
        ("T-2", datetime(2024, 3, 5, 10, 0), "Biolab", "Julie", "P4", "closed"),
    ]


def test_unknown_layout_without_required_columns_is_refused_with_closest_headers(con):
    text = b"Tkt ref,Opening day,Customer,Owner\nA1,2024-03-04,Acme,Marc\n"
    plan = service.inspect(text, "export.csv")
    assert plan.refused is not None
    assert "ticket_id" in plan.refused and "created_at" in plan.refused
    assert "'Opening day'" in plan.refused
    result = service.load(con, plan)
    assert result.status == "refused"
    assert con.execute("select count(*) from tickets").fetchone()[0] == 0
