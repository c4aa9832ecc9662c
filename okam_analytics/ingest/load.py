"""Write one inspected file into the database: one transaction, versions, current winners."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

import duckdb

from okam_analytics import db, settings
from okam_analytics.ingest.presets import normalise_word

if TYPE_CHECKING:
    from okam_analytics.ingest.service import ImportPlan

# Imports and undos change shared tables: one at a time per process.
LOCK = threading.Lock()
# Lines per Arrow slice copied from the private connection (about 100 MB of timesheet rows):
# fewer, larger inserts run in parallel better (250,000 lines took 1.4 s more on 5M rows).
CHUNK_LINES = 500_000
# Budgets while an import writes (2 GB for the process in all): the database connection's,
# beyond which DuckDB spills to the database's temp folder, and the private connection's,
# which then only serves slices of its staged rows (it spills them to its own temp folder).
IMPORT_MEMORY_LIMIT = "512MB"
PRIVATE_WRITE_LIMIT = "256MB"
Progress = Callable[[float, str], None] | None

TICKET_VERSION_COLUMNS = [
    "ticket_id", "client", "title", "category", "priority", "priority_raw", "status",
    "status_raw", "assignee", "team", "created_at", "first_response_at", "resolved_at",
    "closed_at", "escalation_level", "reassignment_count", "reopen_count", "source_sla_met",
    "source_resolution_minutes", "source_resolution_business_minutes",
    "source_response_minutes",
]  # fmt: skip
EVENT_VERSION_COLUMNS = ["ticket_id", "event_at", "status_raw", "assignee", "team", "priority"]
ENTRY_VERSION_COLUMNS = [
    "entry_key", "work_date", "started_at", "consultant", "client", "project", "task",
    "ticket_id", "hours", "is_billable", "description",
]  # fmt: skip
REFRESH = {"tickets": "current_tickets_refresh", "timesheets": "current_time_entries_refresh"}
REBUILD = {"tickets": "current_tickets_rebuild", "timesheets": "current_time_entries_rebuild"}
ADD = {"tickets": "current_tickets_add", "timesheets": "current_time_entries_add"}


def absence_regex(patterns: list[str]) -> str:
    """One regular expression matching any absence pattern as a plain substring."""
    words = [normalise_word(p) for p in patterns if str(p).strip()]
    if not words:
        return r"[^\s\S]"  # matches nothing
    return "|".join(re.sub(r"([\\.^$|?*+()\[\]{}])", r"\\\1", w) for w in words)


def run_script(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> None:
    """Run the statements of sql/<name>.sql one by one (each gets the parameters it names)."""
    for statement in db.sql_text(name).split(";\n"):
        if statement.strip() and not all(
            line.strip().startswith("--") or not line.strip() for line in statement.splitlines()
        ):
            db.run_sql(con, statement, **params)


def chunks(private: duckdb.DuckDBPyConnection, sql: str, table: str) -> Iterator[Any]:
    """Arrow tables of a query over `table` of the import's private connection, a slice of
    lines at a time (whole Arrow tables insert in parallel; a stream reader does not)."""
    low, high = private.execute(f"select min(__line), max(__line) from {table}").fetchall()[0]
    if low is None:
        return
    for start in range(low, high + 1, CHUNK_LINES):
        yield private.sql(
            f"{sql} where __line >= $start and __line < $stop",
            params={"start": start, "stop": start + CHUNK_LINES},
        ).to_arrow_table()


def insert_from(
    con: duckdb.DuckDBPyConnection, parts: Iterable[Any], sql: str, **params: Any
) -> None:
    """Run an insert whose source relation `incoming` is each Arrow table in turn."""
    for part in parts:
        con.register("incoming", part)
        try:
            db.run_sql(con, sql, **params)
        finally:
            con.unregister("incoming")


def _columns(names: list[str], alias: str | None = None) -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join(f'{prefix}"{n}"' for n in names)


def record_import(con: duckdb.DuckDBPyConnection, plan: ImportPlan) -> int:
    """Insert the imports row; return its import_id."""
    import_id = con.execute("select nextval('import_id_seq')").fetchall()[0][0]
    period_start, period_end = plan.period
    con.execute(
        "insert into imports (import_id, kind, preset, file_name, sha256, encoding, delimiter,"
        " sheet, date_format, rows_read, rows_loaded, rows_rejected, rows_warned, period_start,"
        " period_end, imported_at, status) values ($id, $kind, $preset, $file, $sha, $enc, $delim,"
        " $sheet, $fmt, $read, $loaded, $rejected, $warned, $start, $end, $at, 'active')",
        {
            "id": import_id, "kind": plan.kind, "preset": plan.preset, "file": plan.file_name,
            "sha": plan.sha256, "enc": plan.encoding, "delim": plan.delimiter, "sheet": plan.sheet,
            "fmt": plan.date_format, "read": plan.rows_read, "loaded": plan.rows_loadable,
            "rejected": plan.rows_rejected, "warned": plan.rows_warned, "start": period_start,
            "end": period_end, "at": datetime.now().replace(microsecond=0),
        },
    )  # fmt: skip
    return import_id


def write_findings(con: duckdb.DuckDBPyConnection, plan: ImportPlan, import_id: int) -> None:
    """Rejects and warnings of the file, with their lines."""
    found = plan.private.sql('select line, "column", value, reason, severity from findings')
    insert_from(
        con,
        [found.to_arrow_table()],
        'insert into import_rejects (import_id, line, "column", value, reason, severity)'
        ' select $import_id, line, "column", value, reason, severity from incoming',
        import_id=import_id,
    )


def write_versions(
    con: duckdb.DuckDBPyConnection, plan: ImportPlan, import_id: int, patterns: list[str]
) -> None:
    """This file's rows as versions tagged with its import_id and source."""
    ids = {"import_id": import_id, "source": plan.preset}
    if plan.kind == "timesheets":
        cols = _columns(ENTRY_VERSION_COLUMNS)
        # absence judged once per distinct project/task pair, not once per entry
        picked = _columns(ENTRY_VERSION_COLUMNS, "i")
        sql = (
            f"insert into time_entry_versions by name select {picked},"
            " $source as source, coalesce(a.is_absence, false) as is_absence,"
            " $import_id as import_id from incoming i left join ("
            "  select project, task, okam_is_absence(project, task, $absence_regex) as is_absence"
            "  from (select distinct project, task from incoming)) a"
            " on a.project is not distinct from i.project and a.task is not distinct from i.task"
        )
        insert_from(
            con,
            chunks(plan.private, f"select {cols} from canonical", "canonical"),
            sql,
            absence_regex=absence_regex(patterns),
            **ids,
        )
        return
    table = "collapsed_tickets" if plan.event_log else "canonical"
    cols = _columns(TICKET_VERSION_COLUMNS)
    tagged = "$source as source, $import_id as import_id from incoming"
    sql = f"insert into ticket_versions by name select {cols}, {tagged}"
    insert_from(con, chunks(plan.private, f"select {cols} from {table}", table), sql, **ids)
    if plan.event_log:
        cols = _columns(EVENT_VERSION_COLUMNS)
        sql = f"insert into ticket_event_versions by name select {cols}, {tagged}"
        events = chunks(plan.private, f"select {cols} from collapsed_events", "collapsed_events")
        insert_from(con, events, sql, **ids)


def write_names(con: duckdb.DuckDBPyConnection, plan: ImportPlan, import_id: int | None) -> None:
    """New consultants (with the file's team/role) and clients of the current rows."""
    if plan.kind == "timesheets":
        names = "select consultant as name, team, role from canonical"
    else:
        table = "collapsed_tickets" if plan.event_log else "canonical"
        names = f"select assignee as name, team, cast(null as varchar) as role from {table}"
    summary = f"select name, mode(team) as team, mode(role) as role from ({names}) group by name"
    con.register("incoming_names", plan.private.sql(summary).to_arrow_table())
    try:
        db.execute(con, "consultants_upsert")
    finally:
        con.unregister("incoming_names")
    db.execute(con, "clients_upsert", import_id=import_id)


def recompute(con: duckdb.DuckDBPyConnection, kind: str, import_id: int | None) -> None:
    """Current rows of the keys an import carries (None: every key) from the active versions."""
    if import_id is None:
        run_script(con, REBUILD[kind])
    else:
        run_script(con, REFRESH[kind], import_id=import_id)


def write_import(
    con: duckdb.DuckDBPyConnection,
    plan: ImportPlan,
    progress: Progress = None,
    joined: bool = False,
) -> int:
    """Everything of one file in one transaction (joined: the caller's, which it commits);
    return the new import_id."""
    report = progress or (lambda fraction, message: None)
    patterns = settings.load(con)["workload"]["absence_patterns"]
    con.execute(db.sql_text("ingest_main_macros"))
    with import_budget(con, plan.private):
        return _write_import(con, plan, patterns, report, joined)


@contextmanager
def import_budget(
    con: duckdb.DuckDBPyConnection, private: duckdb.DuckDBPyConnection
) -> Iterator[None]:
    """Lower both connections' memory limits while an import writes, then restore them.

    Only for a database file: it has a temp folder to spill to, an in-memory one may not."""
    before = db.memory_limit_of(con)
    if before is None:
        yield
        return
    (private_before,) = private.execute("select current_setting('memory_limit')").fetchall()[0]
    con.execute("set memory_limit = $limit", {"limit": IMPORT_MEMORY_LIMIT})
    private.execute("set memory_limit = $limit", {"limit": PRIVATE_WRITE_LIMIT})
    try:
        yield
    finally:
        con.execute("set memory_limit = $limit", {"limit": before})
        private.execute("set memory_limit = $limit", {"limit": private_before})


def _write_import(
    con: duckdb.DuckDBPyConnection,
    plan: ImportPlan,
    patterns: list[str],
    report: Callable,
    joined: bool = False,
) -> int:
    if not joined:
        con.begin()
    try:
        import_id = record_import(con, plan)
        write_findings(con, plan, import_id)
        report(0.2, "versions")
        write_versions(con, plan, import_id, patterns)
        report(0.6, "current")
        alone = not con.execute(
            "select count(*) from imports where status = 'active' and preset = $preset"
            " and import_id <> $id",
            {"preset": plan.preset, "id": import_id},
        ).fetchall()[0][0]
        if alone:  # the usual first import of a source: no other version to rank against
            run_script(con, ADD[plan.kind], import_id=import_id)
        else:
            recompute(con, plan.kind, import_id)
        write_names(con, plan, import_id)
        if not joined:
            con.commit()
    except BaseException:
        if not joined:
            con.rollback()
        raise
    report(1.0, "done")
    return import_id


def undo_import(con: duckdb.DuckDBPyConnection, import_id: int) -> None:
    """Mark an active import undone and bring back the versions it had superseded."""
    rows = con.execute(
        "select kind, status from imports where import_id = $id", {"id": import_id}
    ).fetchall()
    if not rows:
        raise ValueError(f"There is no import {import_id}.")
    row = rows[0]
    if row[1] != "active":
        raise ValueError(f"Import {import_id} is already undone.")
    con.begin()
    try:
        con.execute("update imports set status = 'undone' where import_id = $id", {"id": import_id})
        recompute(con, row[0], import_id)
        con.commit()
    except BaseException:
        con.rollback()
        raise


def refresh_all(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute every current table (aliases or absence patterns changed)."""
    patterns = settings.load(con)["workload"]["absence_patterns"]
    con.execute(db.sql_text("ingest_main_macros"))
    con.begin()
    try:
        # on the versions, which current rows copy (and an undo later restores)
        db.run_sql(
            con,
            "update time_entry_versions"
            " set is_absence = okam_is_absence(project, task, $absence_regex)",
            absence_regex=absence_regex(patterns),
        )
        for kind in REBUILD:
            recompute(con, kind, None)
        db.execute(con, "consultants_from_current")
        db.execute(con, "clients_upsert", import_id=None)
        con.commit()
    except BaseException:
        con.rollback()
        raise
