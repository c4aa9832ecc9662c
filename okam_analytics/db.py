"""DuckDB connection, schema migration, and the one place named queries run."""

from __future__ import annotations

import os
import re
import time
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from okam_analytics import db_lock

SQL_DIR = Path(__file__).parent / "sql"
DEFAULT_DB = Path("data") / "okam.duckdb"
# Worker threads per connection: all cores of a small server, no more than 8 on a large one.
DEFAULT_THREADS = min(os.cpu_count() or 1, 8)
# The memory_limit each database file was opened with (DuckDB only shows it rounded), so that
# an import can lower it for a while and restore it exactly; cursors share their file's.
_MEMORY_LIMITS: dict[str, str] = {}


class DatabaseBusy(RuntimeError):
    """Another process holds the database file for writing."""


def database_path(path: str | os.PathLike | None = None) -> Path:
    """The database file: explicit path, else $OKAM_DB, else data/okam.duckdb."""
    return Path(path or os.environ.get("OKAM_DB") or DEFAULT_DB)


def connect(
    path: str | os.PathLike | None = None,
    *,
    read_only: bool = False,
    memory_limit: str = "2GB",
    threads: int | None = None,
    wait: float | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open (creating and migrating) the database; ':memory:' gives a private in-memory one.

    While another process holds the file, wait up to `wait` seconds ($OKAM_DB_WAIT, 300 by
    default) for it, then raise DatabaseBusy naming that program (docs/architecture.md).
    The connection reads and writes no file but its own database (and its spill folder):
    imports reach it as registered Arrow tables, never as paths (docs/reliability.md).
    """
    target = str(path) if str(path) == ":memory:" else str(database_path(path))
    if target != ":memory:":
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {
        "memory_limit": memory_limit,
        "threads": threads or DEFAULT_THREADS,
        # no read_csv('/etc/passwd'), COPY TO, ATTACH or extension loading through SQL
        "enable_external_access": False,
    }
    seconds = db_lock.lock_wait() if wait is None else wait
    deadline = time.monotonic() + seconds
    if read_only and not Path(target).exists():
        read_only = _create(target, config, deadline, seconds)
    con = _open(target, read_only, config, deadline, seconds)
    if read_only and not is_migrated(con):
        # A file made by an older version: migrate it once, then reopen it read-only.
        con.close()
        writer = _open(target, False, config, deadline, seconds)
        migrate(writer)
        writer.close()
        con = _open(target, True, config, deadline, seconds)
    if target != ":memory:":
        _MEMORY_LIMITS[str(Path(target).resolve())] = memory_limit
    if not read_only:
        migrate(con)
    return con


def _create(target: str, config: dict[str, Any], deadline: float, seconds: float) -> bool:
    """A new database file with its tables (read-only opening needs one); True to open it so."""
    writer = _open(target, False, config, deadline, seconds)
    migrate(writer)
    writer.close()
    return True


def _is_lock_error(exc: Exception) -> bool:
    """Another process holds the file, or this one holds it open otherwise (the app's reader
    lets go when a writer waits at the gate)."""
    if isinstance(exc, duckdb.ConnectionException):
        return "different configuration" in str(exc)
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def _open(
    target: str, read_only: bool, config: dict[str, Any], deadline: float, seconds: float
) -> duckdb.DuckDBPyConnection:
    def attempt() -> duckdb.DuckDBPyConnection:
        return duckdb.connect(target, read_only=read_only, config=config)

    if target == ":memory:":
        return attempt()
    try:
        if read_only:
            db_lock.wait_for_writers(target, deadline)  # a waiting writer goes first
            return db_lock.retry(attempt, _is_lock_error, deadline)
        with db_lock.gate(target, deadline):  # one writer at a time; readers let go
            return db_lock.retry(attempt, _is_lock_error, deadline)
    except db_lock.LockTimeout:
        raise DatabaseBusy(_busy(target, "another okam program writing to it", seconds)) from None
    except duckdb.Error as exc:
        if _is_lock_error(exc):
            who = db_lock.holder(str(exc)) or "another program"
            raise DatabaseBusy(_busy(target, who, seconds)) from exc
        raise


def _busy(target: str, who: str, seconds: float) -> str:
    if seconds <= 0:
        return f"The database {target} is in use by {who}; close it and try again."
    return (
        f"The database {target} is in use by {who}, which did not let go of it within"
        f" {seconds:g} s; try again when it has finished."
    )


def is_migrated(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether every table, macro and added column of schema.sql exists in the database."""
    schema = sql_text("schema")
    wanted = set(re.findall(r"create (?:table if not exists|or replace macro) (\w+)", schema))
    present = {
        row[0]
        for row in con.execute(
            "select table_name from duckdb_tables() union all"
            " select function_name from duckdb_functions() where function_type = 'table_macro'"
        ).fetchall()
    }
    added = set(re.findall(r"alter table (\w+) add column if not exists (\w+)", schema))
    columns = set(con.execute("select table_name, column_name from duckdb_columns()").fetchall())
    return wanted <= present and added <= columns


def memory_limit_of(con: duckdb.DuckDBPyConnection) -> str | None:
    """The memory_limit the connection's database file was opened with (None: in memory)."""
    rows = con.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchall()
    path = rows[0][0] if rows else None
    return _MEMORY_LIMITS.get(str(Path(path).resolve())) if path else None


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables; safe to run on every connect."""
    con.execute(sql_text("schema"))


@cache
def sql_text(name: str) -> str:
    """The text of okam_analytics/sql/<name>.sql."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def query_df(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """Run the named query with bound parameters and return a DataFrame."""
    return run_sql(con, sql_text(name), **params).df()


def execute(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> None:
    """Run the named statement(s) with bound parameters."""
    run_sql(con, sql_text(name), **params)


def run_sql(con: duckdb.DuckDBPyConnection, sql: str, **params: Any) -> duckdb.DuckDBPyConnection:
    """Execute SQL text with only the parameters it names (DuckDB rejects unused ones)."""
    named = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", sql))
    used = {k: v for k, v in params.items() if k in named}
    return con.execute(sql, used) if used else con.execute(sql)


# The Settings page edits these small tables; their content is part of the data version.
DIRECTORY_HASH = (
    "(select md5(coalesce(string_agg({t}::varchar, '|' order by {t}::varchar), '')) from {t})"
)


def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """A token that changes whenever imports, settings, consultants, aliases or clients change
    (cache key for the UI)."""
    directory = ", ".join(
        DIRECTORY_HASH.format(t=t) for t in ("consultants", "consultant_aliases", "clients")
    )
    row = con.execute(
        "select coalesce(max(import_id), 0), count(*) filter (where status = 'active'),"
        " (select md5(coalesce(string_agg(key || value::varchar, '|' order by key), ''))"
        f"  from settings), md5(concat_ws('|', {directory})) from imports"
    ).fetchall()[0]
    return f"{row[0]}-{row[1]}-{row[2]}-{row[3]}"
