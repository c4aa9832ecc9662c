"""The ingest core: presets, mapping, normalisation, validation, versions, winner, undo."""

from __future__ import annotations

import gzip
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from okam_analytics import settings
from okam_analytics.ingest import load as loader
from okam_analytics.ingest import presets, service

GLPI_HEADER = (
    "ID;Titre;Entité;Statut;Date d'ouverture;Date de prise en compte;Date de résolution;"
    "Date de clôture;Dernière modification;Priorité;Urgence;Catégorie;Type;"
    "Attribué à - Technicien;Attribué à - Groupe de techniciens;Demandeur - Demandeur"
)
GLPI_ROWS = [
    "101;Imprimante;Entité racine > Client A;Nouveau;31-01-2026 14:05;31-01-2026 14:20;;;"
    "31-01-2026 15:00;Très haute;Haute;Matériel;Incident;Alice Martin;N1;Bob",
    "102;VPN;Entité racine > Client B;Clos;02-01-2026 09:00;;03-01-2026 10:00;04-01-2026 10:00;"
    "04-01-2026 10:00;Moyenne;Moyenne;Réseau;Demande;Jean  Dupont;N2;Eve",
    "103;Mail;Client C;En attente;15-01-2026 08:30;15-01-2026 08:00;;;15-01-2026 09:00;"
    "Majeure;Haute;Messagerie;Incident;Alice Martin;N1;Zoé",
]
AMBIGUOUS = (
    "day and month cannot be told apart (no day above 12 in the values sampled);"
    " read as day/month ({fmt}): check a few dates"
)


def glpi(*rows: str) -> bytes:
    """A GLPI search export: ';', UTF-8 with BOM."""
    return ("\ufeff" + "\n".join([GLPI_HEADER, *rows]) + "\n").encode("utf-8")


def ticket(
    i: int, client: str, status: str, opened: str, resolved: str = "", prio: str = "Haute"
) -> str:
    return f"{i};T{i};Racine > {client};{status};{opened};;{resolved};;;{prio};;;;Alice Martin;N1;"


HARVEST_HEADER = (
    "Date,Client,Project,Project Code,Task,Notes,Hours,Hours Rounded,Billable?,Invoiced?,"
    "Approved?,First Name,Last Name,Roles,Employee?,Billable Rate,Billable Amount,Cost Rate,"
    "Cost Amount,Currency,External Reference URL"
)


def harvest(*rows: str) -> bytes:
    return ("\n".join([HARVEST_HEADER, *rows]) + "\n").encode("utf-8")


def loaded(con, data: bytes, name: str = "export.csv", **kwargs):
    """Inspect and load one file, accepting rejects."""
    plan = service.inspect(data, name, **kwargs)
    assert plan.refused is None, plan.refused
    return plan, service.load(con, plan, accept_rejects=True)


def findings(plan, *columns: str, severity: str | None = None) -> list[tuple]:
    """The plan's findings as tuples, missing values as None."""
    frame = plan.findings
    if severity:
        frame = frame[frame.severity == severity]
    frame = frame[list(columns)].astype(object)
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)]


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_glpi_file_loads_typed_values(con):
    plan, result = loaded(con, glpi(*GLPI_ROWS), "glpi.csv")
    assert (plan.kind, plan.preset, plan.delimiter) == ("tickets", "glpi", ";")
    assert plan.date_format == "%d-%m-%Y %H:%M"
    assert (result.status, result.rows_loaded, result.rows_rejected) == ("loaded", 3, 0)
    got = rows(
        con,
        "select ticket_id, client, priority, priority_raw, status, assignee, team, created_at,"
        " first_response_at, resolved_at, closed_at, source from tickets order by ticket_id",
    )
    assert got == [
        ("101", "Client A", "P1", "Très haute", "open", "Alice Martin", "N1",
         datetime(2026, 1, 31, 14, 5), datetime(2026, 1, 31, 14, 20), None, None, "glpi"),
        ("102", "Client B", "P3", "Moyenne", "closed", "Jean Dupont", "N2",
         datetime(2026, 1, 2, 9, 0), None, datetime(2026, 1, 3, 10, 0),
         datetime(2026, 1, 4, 10, 0), "glpi"),
        # first response before creation: a warning, the response is left empty
        ("103", "Client C", "P1", "Majeure", "pending", "Alice Martin", "N1",
         datetime(2026, 1, 15, 8, 30), None, None, None, "glpi"),
    ]  # fmt: skip
    assert rows(con, "select consultant, team from consultants order by 1") == [
        ("Alice Martin", "N1"),
        ("Jean Dupont", "N2"),
    ]
    assert rows(con, "select client from clients order by 1") == [
        ("Client A",),
        ("Client B",),
        ("Client C",),
    ]
    assert rows(con, 'select line, "column", reason, severity from import_rejects') == [
        (4, "Date de prise en compte", "first response before creation; left empty", "warning")
    ]
    assert rows(con, "select period_start, period_end, rows_warned from imports") == [
        (datetime(2026, 1, 2, 9, 0), datetime(2026, 1, 31, 14, 20), 1)
    ]


def test_harvest_decimal_comma_names_and_teams(con):
    data = harvest(
        '2026-01-05,Client A,Support,P1,Helpdesk,Ticket 12,"7,5",7.5,Yes,No,Yes,Ana,Lopez,'
        "Support N2,Yes,100,750,50,375,EUR,",
        "06/01/2026,Client B,Projet X,P2,Congé payé,,1.25,1.25,No,No,Yes,Ana,Lopez,"
        "Support N2,Yes,0,0,50,62.5,EUR,",
    )
    plan, result = loaded(con, data, "harvest.csv")
    assert (plan.kind, plan.preset, result.rows_loaded) == ("timesheets", "harvest", 2)
    got = rows(
        con,
        "select work_date, consultant, client, project, task, hours, is_billable, is_absence,"
        " description from time_entries order by work_date",
    )
    assert got == [
        (date(2026, 1, 5), "Ana Lopez", "Client A", "Support", "Helpdesk", 7.5, True, False, "Ticket 12"),
        (date(2026, 1, 6), "Ana Lopez", "Client B", "Projet X", "Congé payé", 1.25, False, True, None),
    ]  # fmt: skip
    assert rows(con, "select consultant, team from consultants") == [("Ana Lopez", "Support N2")]


TIMESHEET_HEADER = "Date;Consultant;Client;Project;Task;Duration"


def timesheet(*lines: str) -> bytes:
    return ("\n".join([TIMESHEET_HEADER, *lines]) + "\n").encode("utf-8")


def test_hms_durations_and_rejects_with_lines(con):
    data = timesheet(
        "05/01/2026;Ana Lopez;Client A;Run;Support;7:45:30",  # line 2: 7.758333 h
        "05/01/2026;;Client A;Run;Support;1:00",  # line 3: no consultant
        "06/01/2026;Ana Lopez;Client A;Run;Support;-1:30",  # line 4: negative
        "31/02/2026;Ana Lopez;Client A;Run;Support;2:00",  # line 5: impossible date
        "07/01/2026;Ana Lopez;Client A;Run;Support;26:15:00",  # line 6: 26.25 h in one entry
        "08/01/2026;Ana Lopez;Client A;Run;Support;1 234,5",  # line 7: 1234.5 h
        "09/01/2026;Ana Lopez;Client A;Run;Support;",  # line 8: no hours
    )
    plan = service.inspect(data, "hours.csv")
    assert (plan.kind, plan.preset, plan.rows_read) == ("timesheets", "generic_timesheets", 7)
    assert findings(plan, "line", "column", "value", "reason", severity="reject") == [
        (3, "Consultant", None, "missing consultant"),
        (4, "Duration", "-1:30", "negative hours"),
        (5, "Date", "31/02/2026", "unparseable or impossible date"),
        (6, "Duration", "26:15:00", "more than 24 hours in one entry"),
        (7, "Duration", "1 234,5", "more than 24 hours in one entry"),
        (8, "Duration", None, "missing hours"),
    ]
    refused = service.load(con, plan)
    assert refused.status == "refused" and refused.rows_loaded == 0
    assert refused.errors[0] == "line 3: Consultant: missing consultant"
    assert rows(con, "select count(*) from imports") == [(0,)]
    result = service.load(con, plan, accept_rejects=True)
    assert (result.status, result.rows_loaded, result.rows_rejected) == ("loaded", 1, 6)
    assert rows(con, "select round(hours, 6) from time_entries") == [(7.758333,)]
    assert rows(con, "select count(*) from import_rejects where severity = 'reject'") == [(6,)]


def test_ticket_rejects_and_warnings(con):
    data = glpi(
        ticket(1, "A", "Résolu", "10-01-2026 10:00", "09-01-2026 10:00"),  # line 2: resolved first
        ticket(2, "A", "Nouveau", ""),  # line 3: no creation date
        ";T;Racine > A;Nouveau;10-01-2026 10:00;;;;;Haute;;;;Alice Martin;N1;",  # line 4: no id
        ticket(5, "A", "Bizarre", "11-01-2026 10:00", prio="Galactique"),  # line 5: warnings
        ticket(6, "A", "Nouveau", "12-01-2026 10:00", prio="Basse"),  # line 6: superseded
        ticket(6, "A", "En attente", "12-01-2026 10:00", prio="Basse"),  # line 7: wins
    )
    plan = service.inspect(data, "glpi.csv")
    assert findings(plan, "line", "reason", "severity") == [
        (2, "resolved before created", "reject"),
        (3, "missing creation date", "reject"),
        (4, "missing ticket id", "reject"),
        (5, "unknown priority word; left empty", "warning"),
        (5, "unknown status word; read as open", "warning"),
        (6, "duplicate ticket id in this file; line 7 kept", "warning"),
    ]
    assert (plan.rows_rejected, plan.rows_warned) == (3, 2)
    service.load(con, plan, accept_rejects=True)
    assert rows(con, "select ticket_id, priority, status, status_raw from tickets order by 1") == [
        ("5", None, "open", "Bizarre"),
        ("6", "P4", "pending", "En attente"),
    ]


def test_refused_when_required_columns_are_missing():
    data = b"Ticket ID;Opened date;Title\n1;2026-01-05;Printer\n"
    plan = service.inspect(data, "tickets.csv", kind="tickets")
    assert plan.refused == (
        "No column found for the required tickets field(s): "
        "created_at (closest headers: 'Opened date')."
    )


def test_refused_when_a_mapped_column_appears_twice_but_not_unmapped_ones():
    header = GLPI_HEADER + ";Titre"
    twice = ("\n".join([header, GLPI_ROWS[0] + ";Encore"]) + "\n").encode()
    plan = service.inspect(twice, "glpi.csv")
    assert plan.refused == "Column 'Titre' appears twice in the file; it is needed for title."
    header = GLPI_HEADER + ";Urgence"
    unmapped = ("\n".join([header, GLPI_ROWS[0] + ";Basse"]) + "\n").encode()
    assert service.inspect(unmapped, "glpi.csv").refused is None


def test_same_file_twice_is_unchanged(con):
    data = glpi(*GLPI_ROWS)
    first = loaded(con, data)[1]
    second = loaded(con, data)[1]
    assert (second.status, second.import_id, second.rows_loaded) == (
        "unchanged",
        first.import_id,
        0,
    )
    assert rows(con, "select count(*) from imports") == [(1,)]
    assert rows(con, "select count(*) from ticket_versions") == [(3,)]


JAN_FEB = glpi(
    ticket(1, "A", "Nouveau", "10-01-2026 10:00"),
    ticket(2, "B", "Résolu", "20-01-2026 10:00", "21-01-2026 10:00"),
    ticket(3, "A", "Nouveau", "10-02-2026 10:00"),
)
FEB_MAR = glpi(
    ticket(3, "A", "Résolu", "10-02-2026 10:00", "02-03-2026 09:00", prio="Très haute"),
    ticket(4, "C", "Nouveau", "15-03-2026 10:00"),
)
TICKETS_SNAPSHOT = "select * exclude (import_id) from tickets order by source, ticket_id"


@pytest.mark.parametrize("order", [(JAN_FEB, FEB_MAR), (FEB_MAR, JAN_FEB)])
def test_overlapping_exports_give_the_same_tables_in_any_order(con, order):
    for data in order:
        loaded(con, data)
    got = rows(
        con, "select ticket_id, client, status, priority, resolved_at from tickets order by 1"
    )
    assert got == [
        ("1", "A", "open", "P2", None),
        ("2", "B", "resolved", "P2", datetime(2026, 1, 21, 10, 0)),
        ("3", "A", "resolved", "P1", datetime(2026, 3, 2, 9, 0)),
        ("4", "C", "open", "P2", None),
    ]
    assert rows(con, "select count(*) from ticket_versions") == [(5,)]


def test_undo_restores_earlier_versions_and_reimport_is_identical(con):
    loaded(con, JAN_FEB)
    before = rows(con, TICKETS_SNAPSHOT)
    second = loaded(con, FEB_MAR)[1]
    after = rows(con, TICKETS_SNAPSHOT)
    service.undo(con, second.import_id)
    assert rows(con, TICKETS_SNAPSHOT) == before
    assert rows(con, "select status from imports order by import_id") == [("active",), ("undone",)]
    again = loaded(con, FEB_MAR)[1]
    assert again.status == "loaded" and again.import_id != second.import_id
    assert rows(con, TICKETS_SNAPSHOT) == after


def test_undo_unknown_or_twice_says_so(con):
    result = loaded(con, JAN_FEB)[1]
    with pytest.raises(ValueError, match="There is no import 99"):
        service.undo(con, 99)
    service.undo(con, result.import_id)
    assert rows(con, "select count(*) from tickets") == [(0,)]
    with pytest.raises(ValueError, match="already undone"):
        service.undo(con, result.import_id)


def test_error_mid_load_leaves_every_table_as_before(con, monkeypatch):
    loaded(con, JAN_FEB)
    tables = ["imports", "import_rejects", "ticket_versions", "tickets", "consultants", "clients"]
    before = {t: rows(con, f"select * from {t} order by all") for t in tables}

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "write_names", broken)
    plan = service.inspect(FEB_MAR, "feb_mar.csv")
    with pytest.raises(RuntimeError, match="disk full"):
        service.load(con, plan)
    assert {t: rows(con, f"select * from {t} order by all") for t in tables} == before


def test_manager_mapping_override(con):
    data = b"Ticket;Created;Customer;Site;Owner\nT1;2026-01-05 10:00;Acme;Lyon;Ana\n"
    plan = service.inspect(data, "t.csv", mapping={"client": "Site", "assignee": None})
    assert plan.preset == "generic_tickets"
    assert plan.mapping["client"] == "Site" and "assignee" not in plan.mapping
    service.load(con, plan)
    assert rows(con, "select ticket_id, client, assignee, created_at from tickets") == [
        ("T1", "Lyon", None, datetime(2026, 1, 5, 10, 0))
    ]
    bad = service.inspect(data, "t.csv", mapping={"client": "Nowhere"})
    assert bad.refused == "Column 'Nowhere' mapped to client is not in the file."


def test_identical_time_entries_are_two_entries_with_a_warning(con):
    data = timesheet(
        "05/01/2026;Ana Lopez;Client A;Run;Support;2",
        "05/01/2026;Ana Lopez;Client A;Run;Support;2",
    )
    plan, result = loaded(con, data)
    assert findings(plan, "line", "reason") == [
        (3, "duplicate of line 2; both loaded"),
        (None, AMBIGUOUS.format(fmt="%d/%m/%Y")),  # the calendar's locale (France) decides
    ]
    keys = [k for (k,) in rows(con, "select entry_key from time_entries order by entry_key")]
    assert len(keys) == 2 and keys[0].endswith("-1") and keys[1].endswith("-2")
    assert keys[0][:-2] == keys[1][:-2]


def test_refresh_applies_aliases_and_absence_patterns(con):
    loaded(con, timesheet("05/01/2026;A. Lopez;Client A;Run;Formation;2"))
    con.execute("insert into consultant_aliases values ('A. Lopez', 'Ana Lopez')")
    settings.save(con, "workload.absence_patterns", ["formation"])
    service.refresh_current(con)
    assert rows(con, "select consultant, is_absence from time_entries") == [("Ana Lopez", True)]
    assert ("Ana Lopez",) in rows(con, "select consultant from consultants")


def test_detection_ranks_tool_presets_before_generic():
    ranked = presets.detect(GLPI_HEADER.split(";"))
    assert ranked[0][0].name == "glpi" and ranked[0][1] >= 1
    assert all(score < 1 for p, score in ranked if p.is_generic)
    assert presets.detect(HARVEST_HEADER.split(","), kind="timesheets")[0][0].name == "harvest"


def test_kind_is_detected_from_generic_synonyms():
    plan = service.inspect(b"Utilisateur;Jour;Temps\nAna;05/01/2026;7,5\n", "t.csv")
    assert (plan.kind, plan.preset, plan.refused) == ("timesheets", "generic_timesheets", None)
    assert plan.preview.loc[0, "hours"] == 7.5


def test_saved_mapping_is_found_again(con):
    service.save_mapping(con, "acme", "tickets", {"client": "Site"})
    assert service.saved_mapping_for(con, ["Ticket", "Site"]) == (
        "acme",
        "tickets",
        {"client": "Site"},
    )
    assert service.saved_mapping_for(con, ["Ticket"]) is None


def test_a_saved_mapping_is_applied_in_the_one_inspection(con):
    data = b"Ticket ID;Created;Site;Customer\nT1;20/01/2026 10:00;Lyon;Acme\n"
    service.save_mapping(con, "by site", "tickets", {"client": "Site"})
    plan = service.inspect(data, "t.csv", saved=service.saved_mappings(con))
    assert (plan.saved_mapping, plan.mapping["client"]) == ("by site", "Site")
    assert plan.preview["client"].tolist() == ["Lyon"]
    plan.private.close()
    # a saved mapping that no longer reads the file gives way to the preset's own mapping
    service.save_mapping(con, "no date", "tickets", {"client": "Site", "created_at": None})
    plan = service.inspect(data, "t.csv", saved=service.saved_mappings(con))
    assert (plan.saved_mapping, plan.mapping["client"], plan.refused) == (None, "Customer", None)
    plan.private.close()


SN_HEADER = (
    "number,incident_state,active,reassignment_count,reopen_count,sys_mod_count,made_sla,"
    "opened_at,sys_updated_at,location,category,assignment_group,assigned_to,priority,"
    "resolved_at,closed_at"
)


def audit(*lines: str) -> bytes:
    return ("\n".join([SN_HEADER, *lines]) + "\n").encode()


def test_event_log_loads_tickets_and_events_of_the_winning_import(con):
    first = audit(
        "INC1,New,true,0,0,0,true,4/3/2024 09:00,4/3/2024 09:00,Loc 1,Net,Desk,?,2 - High,?,?",
        "INC1,Active,true,0,0,1,true,4/3/2024 09:00,4/3/2024 09:30,Loc 1,Net,Desk,Ana,2 - High,?,?",
    )
    plan, result = loaded(con, first, "sn.csv")
    assert (plan.preset, plan.event_log, result.rows_loaded) == ("servicenow_events", True, 2)
    assert rows(
        con, "select ticket_id, client, priority, status, assignee, first_response_at from tickets"
    ) == [("INC1", "Loc 1", "P2", "open", "Ana", datetime(2024, 3, 4, 9, 30))]
    later = audit(
        "INC1,Active,true,0,0,1,true,4/3/2024 09:00,4/3/2024 09:30,Loc 1,Net,Desk,Ana,2 - High,?,?",
        "INC1,Resolved,false,0,0,2,true,4/3/2024 09:00,4/3/2024 11:00,Loc 1,Net,Desk,Ana,2 - High,"
        "4/3/2024 11:00,?",
    )
    loaded(con, later, "sn2.csv")
    assert rows(con, "select status, resolved_at from tickets") == [
        ("resolved", datetime(2024, 3, 4, 11, 0))
    ]
    events = "select event_at, status_raw from ticket_events order by event_at"
    assert rows(con, events) == [
        (datetime(2024, 3, 4, 9, 30), "Active"),
        (datetime(2024, 3, 4, 11, 0), "Resolved"),
    ]
    assert rows(con, "select count(*) from ticket_event_versions") == [(4,)]


def test_first_response_from_a_delay_in_minutes(con):
    data = (
        b"Ticket ID;Created;Status;First response time (minutes)\n"
        b"T1;05/01/2026 10:00;Open;90\nT2;05/01/2026 10:00;Open;-15\n"
    )
    plan, _ = loaded(con, data)
    assert rows(con, "select ticket_id, first_response_at, status from tickets order by 1") == [
        ("T1", datetime(2026, 1, 5, 11, 30), "open"),
        ("T2", None, "open"),
    ]
    assert findings(plan, "line", "column", "value", "reason") == [
        (3, "First response time (minutes)", "-15", "first response before creation; left empty"),
        (None, "Created", None, AMBIGUOUS.format(fmt="%d/%m/%Y %H:%M")),
    ]


def test_start_time_combines_with_the_work_date(con):
    data = b"Date;Start time;User;Hours\n05/01/2026;14:30;Ana;1.5\n"
    loaded(con, data)
    assert rows(con, "select work_date, started_at, hours from time_entries") == [
        (date(2026, 1, 5), datetime(2026, 1, 5, 14, 30), 1.5)
    ]


@pytest.mark.parametrize(
    ("duration", "text", "hours"),
    [
        ("minutes", "90", 1.5),
        ("seconds", "5400", 1.5),
        ("minutes", "1:30", 1.5),
        ("hms", "2:15", 2.25),
    ],
)
def test_duration_units_of_a_preset(monkeypatch, duration, text, hours):
    tool = presets.parse_preset(
        {"name": "tool", "kind": "timesheets", "detect": ["Who", "Day", "Spent"],
         "date_formats": ["%d.%m.%Y"], "duration": duration,
         "columns": {"consultant": "Who", "work_date": "Day", "hours": "Spent"}}
    )  # fmt: skip
    known = presets.all_presets() | {"tool": tool}
    monkeypatch.setattr(presets, "all_presets", lambda: known)
    plan = service.inspect(f"Who;Day;Spent\nAna;05.01.2026;{text}\n".encode(), "t.csv")
    assert (plan.preset, plan.rows_rejected) == ("tool", 0)
    assert plan.preview.loc[0, "hours"] == hours


def test_harvest_xlsx_with_real_dates_and_numbers(con, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HARVEST_HEADER.split(","))
    sheet.append([date(2026, 1, 5), "Client A", "Support", "P1", "Run", None, 7.5, 7.5, "Yes",
                  "No", "Yes", "Ana", "Lopez", "N2", "Yes", 100, 750, 50, 375, "EUR", None])  # fmt: skip
    path = tmp_path / "harvest.xlsx"
    book.save(path)
    plan, result = loaded(con, path.read_bytes(), "harvest.xlsx")
    assert (plan.preset, result.rows_loaded) == ("harvest", 1)
    assert rows(con, "select work_date, consultant, hours, is_billable from time_entries") == [
        (date(2026, 1, 5), "Ana Lopez", 7.5, True)
    ]


def test_full_refresh_gives_the_same_tables_as_incremental_loads(con):
    loaded(con, FEB_MAR)
    loaded(con, JAN_FEB)
    loaded(con, timesheet("05/01/2026;Ana Lopez;Client A;Run;Support;2"))
    snapshot = "select * from time_entries order by all"
    before = (rows(con, TICKETS_SNAPSHOT), rows(con, snapshot))
    service.refresh_current(con)
    assert (rows(con, TICKETS_SNAPSHOT), rows(con, snapshot)) == before


def test_refusal_lists_the_first_twenty_rejects_and_counts_the_rest(con):
    bad = [f"{day:02d}/01/2026;Ana;Client A;Run;Support;30" for day in range(1, 26)]
    plan = service.inspect(timesheet(*bad), "t.csv")
    result = service.load(con, plan)
    assert result.status == "refused" and len(result.errors) == 22
    assert result.errors[0] == "line 2: Duration: more than 24 hours in one entry ('30')"
    assert result.errors[19] == "line 21: Duration: more than 24 hours in one entry ('30')"
    assert result.errors[20:] == [
        "... and 5 more rejects",
        "25 row(s) rejected; nothing loaded (accept the rejects to load the other rows).",
    ]


def test_a_file_of_neither_kind_is_refused_naming_what_is_missing():
    plan = service.inspect(b"Colour;Size\nred;3\n", "odd.csv")
    assert plan.refused is not None and plan.refused.startswith("No column found for the required")
    assert "(closest headers: none)" in plan.refused


REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"


@pytest.mark.realdata
def test_real_exports_load_without_rejects(con):
    if not REALDATA.exists():
        pytest.skip("../shared/realdata is absent")
    zendesk = gzip.decompress((REALDATA / "zendesk_tickets_export.csv.gz").read_bytes())
    plan, result = loaded(con, zendesk, "zendesk.csv")
    assert (plan.preset, plan.rows_rejected, result.rows_loaded) == ("zendesk", 0, 16476)
    audit_log = REALDATA / "servicenow_incident_event_log_excel_subset.csv.gz"
    plan, result = loaded(con, gzip.decompress(audit_log.read_bytes()), "servicenow.csv")
    assert (plan.preset, plan.rows_rejected, result.rows_loaded) == ("servicenow_events", 0, 5998)
    counts = "select source, count(*) from tickets group by source order by source"
    assert rows(con, counts)[1] == ("zendesk", 16476)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("1\u00a0234,5", 1234.5), ("1 234,5", 1234.5), ("1,234.5", 1234.5), ("1.234,5", 1234.5),
     ("7,5", 7.5), ("1,234", 1234.0), ("-3", -3.0), ("12 min", None)],
)  # fmt: skip
def test_numbers_with_separators(text, minutes):
    data = f"Ticket ID;Created;Resolution time (minutes)\nT1;2026-01-05;{text}\n".encode()
    plan = service.inspect(data, "t.csv")
    got = plan.preview.loc[0, "source_resolution_minutes"]
    assert (None if got != got else got) == minutes
    assert plan.rows_warned == (1 if minutes is None else 0)
