"""Helpers of the connector tests: run the command line, read a database, time stamps."""

from __future__ import annotations

import json
import time
from pathlib import Path

from okam_analytics import db
from okam_analytics.cli import main

TOKEN = "s3cr3t-T0KEN-do-not-leak-8f2c"

TICKET_FIGURES = (
    "select count(*), count(*) filter (where status = 'resolved'),"
    " sum(source_resolution_minutes), sum(date_diff('minute', created_at, resolved_at))"
    " from tickets"
)


def run(capsys, *argv: str) -> tuple[int, list[dict], str]:
    """Run okam in-process: exit code, stdout JSON lines, stderr."""
    code = main(list(argv))
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines() if line.strip()]
    return code, lines, captured.err


def query(path: Path, sql: str) -> list[tuple]:
    """Rows of a query on a database file (opened and closed around it)."""
    con = db.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def token_nowhere(path: Path, *texts: str) -> None:
    """Assert the test token is in none of the texts nor anywhere in the database file."""
    for text in texts:
        assert TOKEN not in text
    con = db.connect(path)
    try:
        for (table,) in con.execute("select table_name from duckdb_tables()").fetchall():
            dump = con.execute(f"select string_agg(t::varchar, '|') from \"{table}\" t").fetchall()
            assert TOKEN not in str(dump[0][0] or ""), table
    finally:
        con.close()
    assert TOKEN.encode() not in path.read_bytes()


def next_second() -> None:
    """Wait for the clock's next second: a sync's versions rank by when it read (to the
    second), so two syncs within one second would tie and be ranked by checksum."""
    start = int(time.time())
    while int(time.time()) == start:
        time.sleep(0.02)
