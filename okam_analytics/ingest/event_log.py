"""Collapse a one-row-per-update ticket export (ServiceNow audit, Jira change log) to tickets."""

from __future__ import annotations

from typing import Any

import duckdb

from okam_analytics import db
from okam_analytics.ingest.normalise import quote
from okam_analytics.ingest.presets import normalise_word

# (line, column, value, reason) of a warning, as import_rejects stores it
Finding = tuple[int | None, str, str | None, str]

# Canonical columns an event log may carry, with their types (those of ticket_versions).
EVENT_COLUMNS: dict[str, str] = {
    "ticket_id": "varchar",
    "event_at": "timestamp",
    "client": "varchar",
    "title": "varchar",
    "category": "varchar",
    "priority": "varchar",
    "priority_raw": "varchar",
    "status": "varchar",
    "status_raw": "varchar",
    "assignee": "varchar",
    "team": "varchar",
    "created_at": "timestamp",
    "first_response_at": "timestamp",
    "resolved_at": "timestamp",
    "closed_at": "timestamp",
    "escalation_level": "integer",
    "reassignment_count": "integer",
    "reopen_count": "integer",
    "source_sla_met": "boolean",
    "source_resolution_minutes": "double",
    "source_resolution_business_minutes": "double",
    "source_response_minutes": "double",
    "__line": "bigint",
}

# collapsed_tickets: the ticket columns of ticket_versions (without source/import_id) + __line.
TICKET_COLUMNS = [c for c in EVENT_COLUMNS if c != "event_at"]


def _setting(preset: Any, key: str, default: Any = None) -> Any:
    """A preset entry, whether the preset is a mapping or an object with attributes."""
    if isinstance(preset, dict):
        return preset.get(key, default)
    return getattr(preset, key, default)


def initial_statuses(preset: Any) -> list[str]:
    """The normalised statuses a new ticket starts in; empty means each ticket's first status."""
    section = _setting(preset, "event_log") or {}
    raw = section.get("initial_status", [])
    words = [raw] if isinstance(raw, str) else list(raw)
    return [normalise_word(word) for word in words]


def _maps(preset: Any, field: str) -> bool:
    """Whether the preset reads a canonical field from the file (else it is derived)."""
    return field in (_setting(preset, "columns") or {})


def _header(preset: Any, field: str) -> str:
    """The file's header for a canonical field when the preset names a single one."""
    columns = _setting(preset, "columns") or {}
    mapped = columns.get(field)
    return mapped if isinstance(mapped, str) else field


def _stage_input(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Copy the events into event_log_input with every expected column (absent ones NULL)."""
    present = {row[0] for row in con.execute(f"describe {quote(table)}").fetchall()}
    selects = [
        f"cast({quote(name) if name in present else 'null'} as {kind}) as {quote(name)}"
        for name, kind in EVENT_COLUMNS.items()
    ]
    # status_key: the raw status as vocabularies compare it (accents, case, spaces)
    selects.append(
        "nullif(lower(strip_accents(trim(regexp_replace(status_raw, '\\s+', ' ', 'g')))), '')"
        " as status_key"
        if "status_raw" in present
        else "cast(null as varchar) as status_key"
    )
    con.execute(
        f"create or replace temp table event_log_input as select {', '.join(selects)}"
        f" from {quote(table)} where ticket_id is not null"
    )


def collapse(con: duckdb.DuckDBPyConnection, table: str, preset: Any) -> list[Finding]:
    """Build collapsed_tickets (one row per ticket) and collapsed_events from an event log."""
    _stage_input(con, table)
    tickets_sql = db.sql_text("collapsed_tickets")
    db.run_sql(
        con,
        f"create or replace temp table event_log_tickets as {tickets_sql}",
        initial_statuses=initial_statuses(preset),
        reassignments_from_source=_maps(preset, "reassignment_count"),
        reopens_from_source=_maps(preset, "reopen_count"),
    )
    columns = ", ".join(quote(c) for c in TICKET_COLUMNS)
    con.execute(
        f"create or replace table collapsed_tickets as select {columns} from event_log_tickets"
    )
    con.execute(f"create or replace table collapsed_events as {db.sql_text('collapsed_events')}")
    return _early_response_warnings(con, _header(preset, "event_at"))


def _early_response_warnings(con: duckdb.DuckDBPyConnection, column: str) -> list[Finding]:
    """Warnings for derived first responses that precede creation (left empty)."""
    rows = con.execute(
        "select response_line, strftime(early_response_at, '%Y-%m-%d %H:%M:%S'),"
        " strftime(created_at, '%Y-%m-%d %H:%M:%S') from event_log_tickets"
        " where early_response_at is not null order by response_line"
    ).fetchall()
    return [
        (line, column, value, f"first response {value} precedes creation {created}; left empty")
        for line, value, created in rows
    ]
