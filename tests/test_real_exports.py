"""Exports as the tools write them (SPEC 3, "Real exports"): each fixture, written in its tool's
own shape and UI language, loads through `python -m okam_analytics import FILE` with no option,
and its rows hold the hand-checked values below."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = Path(__file__).resolve().parent / "fixtures" / "exports"

# file, preset detected, kind, rows loaded
FILES = [
    ("glpi_fr.csv", "glpi", "tickets", 4),
    ("glpi_en.csv", "glpi", "tickets", 3),
    ("glpi_pt.csv", "glpi", "tickets", 3),
    ("jira_en.csv", "jira", "tickets", 3),
    ("jira_es.csv", "jira", "tickets", 2),
    ("servicenow_fields.csv", "servicenow", "tickets", 3),
    ("otrs_pt.csv", "otrs", "tickets", 3),
    ("zammad_de.csv", "zammad", "tickets", 2),
    ("osticket.csv", "osticket", "tickets", 2),
    ("redmine_fr.csv", "redmine", "tickets", 2),
    ("timesheet_fr.csv", "generic_timesheets", "timesheets", 3),
    ("kimai_midnight.csv", "kimai", "timesheets", 2),
    ("clockify_midnight.csv", "clockify", "timesheets", 2),
]


def okam_import(db_path: Path, *args: str) -> list[dict]:
    """Run the real command line; one JSON outcome per file."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "okam_analytics", "import", "--db", str(db_path), *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """Every fixture imported with no option, then the Jira file again as its work logs."""
    db_path = tmp_path_factory.mktemp("exports") / "exports.duckdb"
    outcomes = okam_import(db_path, *(str(EXPORTS / name) for name, *_ in FILES))
    worklogs = okam_import(db_path, "--kind", "timesheets", str(EXPORTS / "jira_en.csv"))
    by_file = {Path(o["file"]).name: o for o in outcomes}
    con = duckdb.connect(str(db_path), read_only=True)
    yield con, by_file, worklogs
    con.close()


@pytest.mark.parametrize(("name", "preset", "kind", "rows"), FILES)
def test_each_export_loads_every_row_with_no_option(imported, name, preset, kind, rows):
    outcome = imported[1][name]
    assert (outcome["status"], outcome["preset"], outcome["kind"]) == ("loaded", preset, kind)
    assert (outcome["rows_loaded"], outcome["rows_rejected"]) == (rows, 0)


def ticket(con, source: str, ticket_id: str, columns: str) -> tuple:
    rows = con.execute(
        f"select {columns} from tickets where source = $s and ticket_id = $id",
        {"s": source, "id": ticket_id},
    ).fetchall()
    assert len(rows) == 1, (source, ticket_id, rows)
    return rows[0]


TICKET_COLUMNS = "client, title, status, priority, assignee, team, created_at, resolved_at"
TICKETS = [
    # GLPI fr: digit grouping (space, no-break, narrow no-break), "Name (id)", <br>, &gt; &amp;
    ("glpi", "49541", ("Durand & Fils", "Imprimante de l'accueil", "resolved", "P2",
      "Marlene KREGBE", "Support N1", datetime(2025, 3, 14, 9, 12), datetime(2025, 3, 14, 12, 4))),
    ("glpi", "49542", ("Clinique Sud", "Messagerie bloquée", "open", "P3", "Paul DURAND",
      "Support N2", datetime(2025, 3, 15, 10, 0), None)),
    ("glpi", "49543", ("Clinique Sud", 'VPN "nomade"', "open", "P1", None, None,
      datetime(2025, 3, 16, 8, 30), None)),
    ("glpi", "987", ("Durand & Fils", "Poste lent", "closed", "P4", "Lucie MARTIN", "Support N1",
      datetime(2025, 3, 17, 14, 45), datetime(2025, 3, 17, 15, 30))),
    # GLPI en
    ("glpi", "1204", ("Acme Corp", "Outlook crashes", "closed", "P1", "John SMITH",
      "Service desk", datetime(2025, 4, 2, 8, 5), datetime(2025, 4, 2, 9, 10))),
    ("glpi", "1205", ("Acme Corp", "New laptop for R&D", "open", "P3", "Ann LEE", "Field team",
      datetime(2025, 4, 3, 11, 30), None)),
    # GLPI pt
    ("glpi", "2311", ("Padaria Sol", "E-mail não sincroniza", "pending", "P1", "Carlos SOUZA",
      "Suporte", datetime(2025, 5, 6, 13, 20), None)),
    ("glpi", "2312", ("Oficina Lima", "Troca de teclado", "closed", "P4", "Carlos SOUZA", "Campo",
      datetime(2025, 5, 7, 9, 0), datetime(2025, 5, 7, 11, 30))),
    # Jira Cloud en and es (multi-line descriptions, repeated Labels / Comment / Log Work)
    ("jira", "HD-101", ("Acme Corp", "Printer jams on floor 2", "resolved", "P2", "Ana Ruiz",
      None, datetime(2025, 11, 4, 9, 15), datetime(2025, 11, 5, 9, 40))),
    ("jira", "HD-103", ("Acme Corp", "Password reset", "closed", "P4", None, None,
      datetime(2025, 11, 13, 23, 59), datetime(2025, 11, 14, 8, 0))),
    ("jira", "SOP-7", ("Panadería Sol", "Impresora atascada", "resolved", "P2", "Lucía Gómez",
      None, datetime(2025, 11, 4, 9, 15), datetime(2025, 11, 5, 9, 40))),
    ("jira", "SOP-8", ("Taller Lima", "Correo no sincroniza", "open", "P3", "Jorge Pérez", None,
      datetime(2025, 11, 20, 16, 45), None)),
    # ServiceNow field names: sys_created_on is the creation date
    ("servicenow", "INC0041001", ("Acme Corp", "Email not syncing", "resolved", "P2",
      "Beth Anglin", "Service Desk", datetime(2025, 3, 13, 18, 8, 55), datetime(2025, 3, 14, 8, 30))),
    ("servicenow", "INC0041002", ("Beta Ltd", "Laptop will not boot", "open", "P1", "David Loo",
      "Hardware", datetime(2025, 3, 14, 7, 45, 10), None)),
    # OTRS pt: "5 muito alta" is the most urgent (OTRS numbers priorities low to high)
    ("otrs", "2025031410000011", ("PADARIA-SOL", "Servidor fora do ar", "closed", "P1",
      "joana.silva", "Suporte N1", datetime(2025, 3, 14, 9, 0), None)),
    ("otrs", "2025031510000033", ("PADARIA-SOL", "Senha expirada", "pending", "P4",
      "joana.silva", "Suporte N1", datetime(2025, 3, 15, 16, 10), None)),
    ("zammad", "31001", ("Bäckerei Korn", "Drucker streikt", "closed", "P2", "Max Müller",
      "Support", datetime(2025, 6, 2, 8, 15), None)),
    ("zammad", "31002", ("Autohaus Berg", "VPN langsam", "open", "P3", "Lena Vogel", "Netzwerk",
      datetime(2025, 6, 3, 13, 40), None)),
    ("osticket", "481920", ("Acme Corp", "Cannot print", "closed", "P2", "Beth Anglin",
      "Support", datetime(2025, 7, 1, 9, 5), None)),
    ("osticket", "481921", ("Beta Ltd", "Account locked", "open", "P1", None, "Support",
      datetime(2025, 7, 13, 16, 30), None)),
    ("redmine", "1542", ("Clinique Sud", "Serveur de fichiers saturé", "closed", "P1",
      "Lucie Martin", None, datetime(2025, 5, 20, 8, 30), None)),
    ("redmine", "1543", ("Durand & Fils", "Nouvel utilisateur", "open", "P3", "Marc Petit", None,
      datetime(2025, 5, 22, 8, 45), None)),
]  # fmt: skip


@pytest.mark.parametrize(("source", "ticket_id", "expected"), TICKETS)
def test_ticket_rows(imported, source, ticket_id, expected):
    assert ticket(imported[0], source, ticket_id, TICKET_COLUMNS) == expected


@pytest.mark.parametrize(
    ("source", "ticket_id", "columns", "expected"),
    [
        # durations in words, read in minutes: 2 h 52, 45 min, 1 h 5, 2 days 1 hour, 2 h 30
        ("glpi", "49541", "source_resolution_minutes", (172.0,)),
        ("glpi", "987", "source_resolution_minutes", (45.0,)),
        ("glpi", "1204", "source_resolution_minutes, closed_at", (65.0, datetime(2025, 4, 3, 10))),
        ("glpi", "87", "source_resolution_minutes", (2940.0,)),
        ("glpi", "2312", "source_resolution_minutes", (150.0,)),
        ("servicenow", "INC0041003", "reassignment_count, reopen_count, source_sla_met, closed_at",
         (2, 1, False, datetime(2025, 3, 18, 10))),
        ("servicenow", "INC0041001", "reassignment_count, source_sla_met", (1, True)),
        ("otrs", "2025031410000011", "first_response_at, closed_at",
         (datetime(2025, 3, 14, 9, 20), datetime(2025, 3, 15, 17, 30))),
        ("zammad", "31001", "closed_at", (datetime(2025, 6, 2, 11),)),
        ("osticket", "481920", "closed_at, reopen_count", (datetime(2025, 7, 2, 10), 1)),
        ("redmine", "1542", "closed_at, category", (datetime(2025, 5, 21, 10), "Anomalie")),
    ],
)  # fmt: skip
def test_ticket_details(imported, source, ticket_id, columns, expected):
    assert ticket(imported[0], source, ticket_id, columns) == expected


ENTRY_COLUMNS = "work_date, started_at, consultant, client, project, ticket_id, hours, description"
ENTRIES = [
    ("generic_timesheets", [
        (date(2025, 3, 3), None, "Lucie Martin", "Clinique Sud", "Infogérance", "1542", 1.5,
         "Purge du serveur"),
        (date(2025, 3, 3), None, "Marc Petit", "Durand & Fils", "Infogérance", None, 0.25, "Appel"),
        (date(2025, 3, 14), None, "Lucie Martin", "Durand & Fils", "Projet Wi-Fi", None, 7.0,
         "Pose des bornes"),
    ]),
    # 22:00 -> 02:00 counts 4 h on its start day
    ("kimai", [
        (date(2025, 6, 10), datetime(2025, 6, 10, 22), "Nina Hart", "Acme Corp", "Maintenance",
         None, 4.0, "Night patching window"),
        (date(2025, 6, 11), datetime(2025, 6, 11, 9), "Nina Hart", "Beta Ltd", "Support", None,
         1.5, None),
    ]),
    # 11:30 PM -> 01:15 AM counts 1.75 h on its start day
    ("clockify", [
        (date(2025, 6, 10), datetime(2025, 6, 10, 23, 30), "Omar Diaz", "Acme Corp", "Migration",
         None, 1.75, "Database cut-over"),
        (date(2025, 6, 11), datetime(2025, 6, 11, 8), "Omar Diaz", "Beta Ltd", "Support", None,
         1.0, "Tickets"),
    ]),
    # Jira Log Work cells "comment;date;author;seconds" (a ';' inside the comment kept)
    ("jira_worklogs", [
        (date(2025, 11, 4), datetime(2025, 11, 4, 10), "Ana Ruiz", "Acme Corp", "Helpdesk",
         "HD-101", 1.5, "Replaced the roller; tested"),
        (date(2025, 11, 5), datetime(2025, 11, 5, 9), "Ana Ruiz", "Acme Corp", "Helpdesk",
         "HD-101", 0.25, "Follow-up call"),
        (date(2025, 11, 6), datetime(2025, 11, 6, 8), "Li Wei", "Beta Ltd", "Helpdesk", "HD-102",
         1.0, "Checked the gateway"),
    ]),
]  # fmt: skip


@pytest.mark.parametrize(("source", "expected"), ENTRIES)
def test_time_entry_rows(imported, source, expected):
    rows = (
        imported[0]
        .execute(
            f"select {ENTRY_COLUMNS} from time_entries where source = $s"
            " order by work_date, started_at, consultant",
            {"s": source},
        )
        .fetchall()
    )
    assert rows == expected


def test_jira_work_logs_are_a_timesheet_import_of_the_same_file(imported):
    (outcome,) = imported[2]
    assert (outcome["status"], outcome["kind"], outcome["preset"]) == (
        "loaded", "timesheets", "jira_worklogs",
    )  # fmt: skip
    assert (outcome["rows_loaded"], outcome["rows_rejected"]) == (3, 0)
    kinds = imported[0].execute("select kind from imports where file_name like '%jira_en.csv'")
    assert sorted(kinds.fetchall()) == [("tickets",), ("timesheets",)]


def test_jira_export_without_any_date_is_refused_naming_created_at(tmp_path):
    (outcome,) = okam_import(tmp_path / "x.duckdb", str(EXPORTS / "jira_no_date.csv"))
    assert outcome["status"] == "refused"
    assert outcome["errors"][0].startswith(
        "No column found for the required tickets field(s): created_at (closest headers:"
    )
