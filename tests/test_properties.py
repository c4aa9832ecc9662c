"""Properties of the importer over generated exports (hypothesis).

1. Well-formed GLPI ticket exports, ServiceNow audit logs and Harvest timesheets whose keys
   overlap: importing them in any order, any number of times, gives the same current tables
   as importing each once.
2. Malformed files (mutated exports, random bytes): the importer answers with a result or a
   refusal that names a problem, never an exception, and never loads part of a file.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import datetime, timedelta
from functools import cache

import openpyxl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from okam_analytics import db
from okam_analytics.ingest import service

pytestmark = pytest.mark.slow
# CI replays the same examples every run (a red CI then means a change broke something, not a
# lucky draw); OKAM_EXAMPLES=500 and no CI variable search further with fresh random examples.
SETTINGS = settings(
    max_examples=int(os.environ.get("OKAM_EXAMPLES", "30")), deadline=None, suppress_health_check=[HealthCheck.too_slow],
    derandomize=bool(os.environ.get("CI")),
)  # fmt: skip

GLPI_HEADER = [
    "ID", "Titre", "Entité", "Statut", "Date d'ouverture", "Date de prise en compte",
    "Date de résolution", "Date de clôture", "Dernière modification", "Priorité", "Urgence",
    "Catégorie", "Type", "Attribué à - Technicien", "Attribué à - Groupe de techniciens",
    "Demandeur - Demandeur",
]  # fmt: skip
SN_HEADER = [
    "number", "incident_state", "active", "reassignment_count", "reopen_count", "sys_mod_count",
    "made_sla", "opened_at", "sys_updated_at", "location", "category", "assignment_group",
    "assigned_to", "priority", "resolved_at", "closed_at",
]  # fmt: skip
HARVEST_HEADER = [
    "Date", "Client", "Project", "Project Code", "Task", "Notes", "Hours", "Hours Rounded",
    "Billable?", "Invoiced?", "Approved?", "First Name", "Last Name", "Roles", "Employee?",
    "Billable Rate", "Billable Amount", "Cost Rate", "Cost Amount", "Currency",
    "External Reference URL",
]  # fmt: skip
SN_STATES = ["New", "Active", "Awaiting User Info", "Active", "Resolved", "Closed"]
CURRENT = {
    "tickets": "select * exclude (import_id) from tickets order by all",
    "time_entries": "select * exclude (import_id) from time_entries order by all",
    "ticket_events": "select * exclude (import_id) from ticket_events order by all",
}
# Free text as exports hold it: delimiters, quotes, line breaks, accents, markup.
TEXT = st.text(alphabet='ab é;,"\n<>&', min_size=1, max_size=8).filter(lambda s: s.strip())


def csv_bytes(header: list[str], rows: list[list[str]], delimiter: str, bom: bool) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows([header, *rows])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def stamp(moment: datetime | None, layout: str = "%d-%m-%Y %H:%M") -> str:
    return "" if moment is None else moment.strftime(layout)


@st.composite
def glpi_ticket(draw) -> list[str]:
    """One GLPI row; ids come from a small pool so that files overlap."""
    created = datetime(2026, draw(st.integers(1, 3)), draw(st.integers(1, 28)), 9) + timedelta(
        minutes=15 * draw(st.integers(0, 32))
    )
    response = draw(st.none() | st.integers(0, 600).map(lambda m: created + timedelta(minutes=m)))
    resolved = draw(st.none() | st.integers(1, 96).map(lambda h: created + timedelta(hours=h)))
    status = draw(st.sampled_from(["Nouveau", "En cours (Attribué)", "En attente"]))
    if resolved is not None:
        status = draw(st.sampled_from(["Résolu", "Clos"]))
    return [
        str(draw(st.integers(1, 6))), draw(TEXT), f"Racine > {draw(st.sampled_from('ABC'))}",
        status, stamp(created), stamp(response), stamp(resolved), "", stamp(resolved or created),
        draw(st.sampled_from(["Très haute", "Haute", "Moyenne", "Basse"])), "", "Réseau",
        "Incident", draw(st.sampled_from(["Ana Lopez", "Bob Martin", ""])),
        draw(st.sampled_from(["N1", "N2"])), "",
    ]  # fmt: skip


def glpi_file() -> st.SearchStrategy[bytes]:
    rows = st.lists(glpi_ticket(), min_size=1, max_size=5)
    return rows.map(lambda r: csv_bytes(GLPI_HEADER, r, ";", bom=True))


def sn_events(number: int, count: int) -> list[list[str]]:
    """The first `count` audit rows of incident INC<number> (every export agrees on them)."""
    opened = datetime(2024, 3, 10 + number, 9, 0)
    rows, resolved, closed = [], None, None
    for step, state in enumerate(SN_STATES[:count]):
        at = opened + timedelta(minutes=40 * step)
        resolved = at if state == "Resolved" else resolved
        closed = at if state == "Closed" else closed
        rows.append([
            f"INC{number}", state, str(state not in ("Resolved", "Closed")).lower(), "0", "0",
            str(step), "true", stamp(opened, "%d/%m/%Y %H:%M"), stamp(at, "%d/%m/%Y %H:%M"),
            f"Loc {number % 2}", "Net", "Desk", "?" if step == 0 else "Ana",
            "2 - High", stamp(resolved, "%d/%m/%Y %H:%M") or "?",
            stamp(closed, "%d/%m/%Y %H:%M") or "?",
        ])  # fmt: skip
    return rows


def servicenow_file() -> st.SearchStrategy[bytes]:
    """An audit log export: some incidents, each with a prefix of its history."""
    progress = st.dictionaries(st.integers(1, 4), st.integers(1, len(SN_STATES)), min_size=1)
    return progress.map(
        lambda p: csv_bytes(
            SN_HEADER, [row for n, k in sorted(p.items()) for row in sn_events(n, k)], ",", False
        )
    )


@st.composite
def harvest_entry(draw) -> list[str]:
    """One Harvest row from small pools, so that identical entries recur across files."""
    first, last = draw(st.sampled_from([("Ana", "Lopez"), ("Bob", "Martin")]))
    hours = draw(st.integers(1, 32)) / 4
    return [
        f"2026-01-0{draw(st.integers(1, 3))}", draw(st.sampled_from(["Client A", "Client B"])),
        draw(st.sampled_from(["Run", "Projet X"])), "P1",
        draw(st.sampled_from(["Support", "Congé payé"])), draw(st.sampled_from(["", "note"])),
        f"{hours:g}", f"{hours:g}", draw(st.sampled_from(["Yes", "No"])), "No", "Yes", first,
        last, "Support N2", "Yes", "100", "0", "50", "0", "EUR", "",
    ]  # fmt: skip


def harvest_file() -> st.SearchStrategy[bytes]:
    rows = st.lists(harvest_entry(), min_size=1, max_size=5)
    return rows.map(lambda r: csv_bytes(HARVEST_HEADER, r, ",", bom=False))


EXPORTS = st.lists(
    st.one_of(glpi_file(), servicenow_file(), harvest_file()), min_size=2, max_size=4
)


def current_tables(con) -> dict[str, list[tuple]]:
    return {name: con.execute(sql).fetchall() for name, sql in CURRENT.items()}


def load_all(plans: list[service.ImportPlan], order: list[int]) -> dict[str, list[tuple]]:
    """The current tables of a fresh database after loading the plans in that order."""
    con = db.connect(":memory:")
    try:
        for index in order:
            result = service.load(con, plans[index], accept_rejects=True)
            assert result.status in ("loaded", "unchanged"), result.errors
        return current_tables(con)
    finally:
        con.close()


@SETTINGS
@given(files=EXPORTS, data=st.data())
def test_any_order_any_repeats_equals_each_file_once(files, data):
    plans = [service.inspect(content, f"export_{n}.csv") for n, content in enumerate(files)]
    try:
        for plan in plans:
            assert plan.refused is None, plan.refused
            assert plan.rows_rejected == 0
        once = load_all(plans, list(range(len(plans))))
        repeats = data.draw(st.lists(st.integers(0, len(plans) - 1), max_size=len(plans)))
        order = data.draw(st.permutations([*range(len(plans)), *repeats]), label="order")
        assert load_all(plans, order) == once
        event(f"current rows: {sum(map(len, once.values())) // 5 * 5}+")
    finally:
        for plan in plans:
            if plan.private is not None:
                plan.private.close()


# --- malformed files ----------------------------------------------------------------------

GOOD_FILES = [
    csv_bytes(GLPI_HEADER, [[
        "7", "Imprimante", "Racine > A", "Résolu", "05-01-2026 10:00", "", "05-01-2026 12:00",
        "", "", "Haute", "", "", "", "Ana Lopez", "N1", ""]], ";", bom=True),
    csv_bytes(HARVEST_HEADER, [[
        "2026-01-05", "Client A", "Run", "P1", "Support", "", "2.5", "2.5", "Yes", "No", "Yes",
        "Ana", "Lopez", "Support N2", "Yes", "100", "0", "50", "0", "EUR", ""]], ",", bom=False),
]  # fmt: skip
NASTY = st.sampled_from(
    [b'"', b";", b",", b"\n", b"\r", b"\r\n", b"\x00", b"\xff", b"\xe9", b"\t", b"\xef\xbb\xbf",
     b"31/02/2024", b"-5", b"99", b"PK\x03\x04", b"<html>", b"\xd8\x00"]
) | st.binary(min_size=1, max_size=6)  # fmt: skip


@cache
def good_workbook() -> bytes:
    """The Harvest export as an .xlsx workbook."""
    book = openpyxl.Workbook()
    for row in csv.reader(io.StringIO(GOOD_FILES[1].decode())):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@st.composite
def mutated(draw) -> bytes:
    """A good export with bytes inserted, removed or cut off at random places."""
    source = draw(st.sampled_from([*GOOD_FILES, good_workbook()]))
    data = bytearray(source * (1 if source.startswith(b"PK") else draw(st.integers(1, 3))))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "truncate"]))
        if action == "insert":
            data[at:at] = draw(NASTY)
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 20))]
        elif at > 0:
            del data[at:]
    return bytes(data)


MALFORMED = st.one_of(
    mutated(),
    mutated(),
    mutated(),
    st.binary(max_size=400),
    st.text(max_size=200).map(lambda t: t.encode("utf-16")),
    st.text(alphabet='ab;,"\n\r ', max_size=200).map(str.encode),
)
TABLES = ["imports", "import_rejects", "ticket_versions", "ticket_event_versions",
          "time_entry_versions", "tickets", "ticket_events", "time_entries", "consultants",
          "clients"]  # fmt: skip


def whole_database(con) -> dict[str, list[tuple]]:
    return {name: con.execute(f"select * from {name} order by all").fetchall() for name in TABLES}


@cache
def good_plans() -> list[service.ImportPlan]:
    """The good exports, inspected once (a plan can be loaded into any number of databases)."""
    return [service.inspect(good, "good.csv") for good in GOOD_FILES]


def rows_of(con, table: str, import_id: int) -> int:
    return con.execute(
        f"select count(*) from {table} where import_id = $id", {"id": import_id}
    ).fetchall()[0][0]


def staged_rows(plan: service.ImportPlan) -> dict[str, int]:
    """Rows the plan holds for each versions table: what a complete load writes."""
    count = lambda table: plan.private.execute(f"select count(*) from {table}").fetchall()[0][0]  # noqa: E731
    if plan.kind == "timesheets":
        return {"time_entry_versions": count("canonical")}
    if plan.event_log:
        return {
            "ticket_versions": count("collapsed_tickets"),
            "ticket_event_versions": count("collapsed_events"),
        }
    return {"ticket_versions": count("canonical")}


@SETTINGS
@given(content=MALFORMED, name=st.sampled_from(["export.csv", "export.xlsx", "../x.csv"]))
def test_malformed_file_gives_a_result_or_a_refusal_and_never_a_partial_load(content, name):
    con = db.connect(":memory:")
    plan = None
    try:
        for good in good_plans():
            assert service.load(con, good).status == "loaded"
        before = whole_database(con)
        plan = service.inspect(content, name)  # never raises
        if plan.refused is not None:
            assert plan.refused.strip() and "Traceback" not in plan.refused
        result = service.load(con, plan, accept_rejects=True)  # never raises
        event(f"{result.status}, {'read' if plan.headers else 'not read'}")
        if result.status != "loaded":
            # refused naming why, or the very bytes of a file already loaded
            assert result.errors if result.status == "refused" else result.status == "unchanged"
            assert whole_database(con) == before
            return
        # loaded: the whole file under one new import, nothing else touched
        imports = con.execute("select import_id, status from imports order by 1").fetchall()
        assert imports[-1] == (result.import_id, "active") and len(imports) == 3
        written = {table: rows_of(con, table, result.import_id) for table in staged_rows(plan)}
        assert written == staged_rows(plan)
    finally:
        if plan is not None and plan.private is not None:
            plan.private.close()
        con.close()
