"""Vendor presets: each fixture (a small export in the tool's own layout) is detected and loads
with hand-checked typed values; an unknown layout falls back to the generic mapping."""

from __future__ import annotations

import csv
import gzip
import io
from datetime import date, datetime
from pathlib import Path

import pytest

from okam_analytics import db
from okam_analytics.ingest import map as map_rules
from okam_analytics.ingest import presets, service

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "presets"

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
    ("kimai_fr.csv", "kimai", "timesheets", 4, 0),  # French headers: detect alternatives
]


def import_fixture(con, name: str) -> tuple[service.ImportPlan, service.ImportResult]:
    plan = service.inspect(FIXTURES / name, name)
    return plan, service.load(con, plan, accept_rejects=True)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """One database holding every fixture (imported once for the whole module)."""
    connection = db.connect(tmp_path_factory.mktemp("presets") / "presets.duckdb")
    outcomes = {}
    for name, *_ in FILES:
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
    covered = {row[1] for row in FILES}
    # tests/fixtures/exports, loaded by tests/test_real_exports.py
    covered |= {"glpi", "otrs", "zammad", "osticket", "redmine", "jira_worklogs"}
    tools = {name for name, p in presets.all_presets().items() if not p.is_generic}
    assert tools - covered - {"harvest"} == set()


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
    # "(in hrs)" scaled by [scale] 60: 7.25 h, 20.5 h, 1.81 h; first response 6.0 h, 0.25 h
    ("freshdesk.csv", "8803", "source_resolution_minutes", 435.0),
    ("freshdesk.csv", "8802", "source_resolution_minutes", 1230.0),
    ("freshdesk.csv", "8801", "source_resolution_minutes", 108.6),
    ("freshdesk.csv", "8804", "source_resolution_minutes", None),  # not resolved: empty
    ("freshdesk.csv", "8804", "source_response_minutes", 360.0),
    ("freshdesk.csv", "8805", "source_response_minutes", 15.0),
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
    # is_billable = {positive = "Billed Hours"}: 7.75 and 2.5 billed; 0 billed
    ("tempo.xlsx", "Julie Bernard", date(2024, 3, 5), "is_billable", True),
    ("tempo.xlsx", "Marc Dubois", date(2024, 3, 4), "is_billable", True),
    ("tempo.xlsx", "Julie Bernard", date(2024, 3, 6), "is_billable", False),
    ("tempo.xlsx", "Hugo Lambert", date(2024, 3, 29), "is_billable", False),
    ("kimai_fr.csv", "julien", datetime(2024, 5, 13, 8, 0), "hours", 4.5),  # Durée 4:30
    ("kimai_fr.csv", "julien", datetime(2024, 5, 13, 14, 0), "task", "Réunion"),  # Activité
    ("kimai_fr.csv", "emma", datetime(2024, 5, 15, 10, 0), "client", "Notaires Associés"),
    ("kimai_fr.csv", "emma", datetime(2024, 5, 15, 10, 0), "project", "Contrat de support"),
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


# The preset format's extensions: detect alternatives, yes/no from a number, scaled minutes.

KIMAI_FR_HEADERS = [
    "Date", "De", "À", "Durée", "Prix", "Utilisateur", "Client", "Projet", "Activité",
    "Description",
]  # fmt: skip


def test_a_detect_entry_may_list_alternatives():
    assert presets.detect(KIMAI_FR_HEADERS)[0][0].name == "kimai"
    # every entry must still be satisfied: no header of ["User", "Utilisateur"], no Kimai
    without_user = [h for h in KIMAI_FR_HEADERS if h != "Utilisateur"]
    assert "kimai" not in [p.name for p, _ in presets.detect(without_user)]


def test_preset_format_errors_are_refused_when_read():
    base = {"name": "mytool", "kind": "tickets"}
    for factor in (0, -60, "60", True):
        with pytest.raises(ValueError, match=r"\[scale\] source_resolution_minutes"):
            presets.parse_preset({**base, "scale": {"source_resolution_minutes": factor}})
    with pytest.raises(ValueError, match="needs one of concat, positive"):
        presets.parse_preset({**base, "columns": {"client": {"sep": " "}}})


def test_scales_and_above_zero_columns_name_fields_that_take_them():
    for preset in presets.all_presets().values():
        fields = map_rules.FIELDS[preset.kind]
        assert {fields.get(f) for f in preset.scale} <= {"number", "integer"}, preset.name
        for field, spec in preset.columns.items():
            if isinstance(spec, dict) and "positive" in spec:
                assert fields[field] == "boolean", (preset.name, field)


TEMPO_CSV = (
    b"Issue Key,Hours,Work date,Username,Billed Hours\n"
    b"MS-1,2,2024-03-04,marc,1.5\nMS-2,1,2024-03-04,marc,0\nMS-3,3,2024-03-04,marc,\n"
    b'MS-4,0.5,2024-03-04,marc,"0,25"\nMS-5,4,2024-03-04,marc,abc\n'
)


def test_billable_from_billed_hours_above_zero(con):
    plan = service.inspect(TEMPO_CSV, "tempo.csv")
    service.load(con, plan)
    rows = con.execute("select ticket_id, is_billable from time_entries order by 1").fetchall()
    # above zero: true; zero: false; empty or unreadable: unknown
    assert rows == [("MS-1", True), ("MS-2", False), ("MS-3", None), ("MS-4", True), ("MS-5", None)]
    assert [tuple(r) for r in plan.findings[["line", "column", "value"]].to_numpy()] == [
        (6, "Billed Hours", "abc")
    ]


def test_the_manager_may_read_a_yes_no_field_as_above_zero_only(con):
    data = b"Date,Consultant,Hours,Billed\n2024-03-04,Marc,2,1.5\n2024-03-05,Marc,1,0\n"
    plan = service.inspect(data, "t.csv", mapping={"is_billable": {"positive": "Billed"}})
    service.load(con, plan)
    rows = con.execute("select work_date, is_billable from time_entries order by 1").fetchall()
    assert rows == [(date(2024, 3, 4), True), (date(2024, 3, 5), False)]
    plan = service.inspect(data, "t.csv", mapping={"hours": {"positive": "Billed"}})
    assert plan.refused == "'hours' is not a yes/no field; it cannot be read as 'above zero'."


def test_freshservice_durations_in_hours_are_scaled_to_minutes(con):
    data = (
        b"Ticket Id,Subject,Created Date,Resolved Date,Agent,First Response Time (in hrs),"
        b"Resolution Time (in Hrs)\n"
        b"#INC-1,VPN down,2024-04-02 08:00:00,2024-04-02 10:30:00,Camille Robin,0.5,2.5\n"
        b"#INC-2,Printer,2024-04-02 09:00:00,,Camille Robin,,\n"
    )
    plan = service.inspect(data, "freshservice.csv")
    service.load(con, plan)
    assert plan.preset == "freshservice"
    rows = con.execute(
        "select ticket_id, first_response_at, source_response_minutes, source_resolution_minutes"
        " from tickets order by 1"
    ).fetchall()
    assert rows == [
        ("#INC-1", datetime(2024, 4, 2, 8, 30), 30.0, 150.0),  # 0.5 h, 2.5 h
        ("#INC-2", None, None, None),
    ]


def zendesk_without_calendar_first_reply() -> bytes:
    """The Zendesk fixture without `First reply time in minutes` (as some exports are)."""
    rows = list(csv.reader(io.StringIO((FIXTURES / "zendesk.csv").read_text("utf-8"))))
    drop = rows[0].index("First reply time in minutes")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(r[:drop] + r[drop + 1 :] for r in rows)
    return out.getvalue().encode()


def test_zendesk_business_first_reply_never_dates_the_first_response(con):
    plan = service.inspect(zendesk_without_calendar_first_reply(), "zendesk.csv")
    service.load(con, plan)
    assert plan.preset == "zendesk" and "first_response_minutes" not in plan.mapping
    rows = con.execute(
        "select ticket_id, first_response_at, source_response_minutes from tickets"
        " where ticket_id in ('5101', '5102') order by 1"
    ).fetchall()
    # 5101: 18 calendar minutes, 0 business minutes; 5102: 95 and 95. No response date either way.
    assert rows == [("5101", None, 0.0), ("5102", None, 95.0)]
    assert con.execute("select count(first_response_at) from tickets").fetchone() == (0,)


REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"


@pytest.mark.realdata
def test_real_zendesk_header_leaves_the_first_response_empty(con):
    export = REALDATA / "zendesk_tickets_export.csv.gz"
    if not export.exists():
        pytest.skip("../shared/realdata is absent")
    with gzip.open(export, "rt", encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    values = {
        "Id": "1", "Created at": "2023-04-03 09:00:00", "Solved at": "2023-04-03 12:00:00",
        "Status": "Solved", "First reply time in minutes within business hours": "45",
    }  # fmt: skip
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, [values.get(h, "") for h in header]])
    plan = service.inspect(out.getvalue().encode(), "zendesk.csv")
    service.load(con, plan)
    assert plan.preset == "zendesk" and "first_response_minutes" not in plan.mapping
    row = con.execute("select first_response_at, source_response_minutes from tickets").fetchall()
    assert row == [(None, 45.0)]
