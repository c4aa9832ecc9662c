"""The connections table: add, list, remove, and each sync's result."""

from __future__ import annotations

import json
from datetime import datetime

import duckdb

from okam_analytics import db
from okam_analytics.connectors.base import Connection


class ConnectionRefused(ValueError):
    """A connection that cannot be added, or one that does not exist (the message says which)."""


def add(con: duckdb.DuckDBPyConnection, connection: Connection) -> None:
    """Store a new connection (ConnectionRefused if the name is taken)."""
    if get(con, connection.name, missing_ok=True):
        raise ConnectionRefused(f"There is already a connection named '{connection.name}'.")
    db.execute(
        con,
        "connection_add",
        connection=connection.name,
        type=connection.type,
        base_url=connection.base_url,
        options=json.dumps(connection.options, sort_keys=True),
        secret_env=connection.secret_env,
    )


def all_connections(con: duckdb.DuckDBPyConnection) -> list[Connection]:
    """Every connection, by name."""
    frame = db.query_df(con, "connections_directory")
    found = []
    for record in frame.to_dict("records"):
        record = {k: (None if _missing(v) else v) for k, v in record.items()}
        record["options"] = json.loads(record["options"] or "{}")
        record.pop("last_import_id", None)
        if record["last_sync_at"] is not None:
            record["last_sync_at"] = record["last_sync_at"].to_pydatetime()
        if record["last_rows"] is not None:
            record["last_rows"] = int(record["last_rows"])
        found.append(Connection(**record))
    return found


def _missing(value: object) -> bool:
    try:
        return value is None or bool(value != value)  # NaN/NaT
    except (TypeError, ValueError):
        return False


def get(con: duckdb.DuckDBPyConnection, name: str, missing_ok: bool = False) -> Connection | None:
    """The named connection (ConnectionRefused when absent, unless missing_ok)."""
    for connection in all_connections(con):
        if connection.name == name:
            return connection
    if missing_ok:
        return None
    raise ConnectionRefused(f"There is no connection named '{name}'.")


def remove(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Forget a connection; the imports it made stay in the history."""
    get(con, name)
    db.execute(con, "connection_remove", connection=name)


def record_synced(
    con: duckdb.DuckDBPyConnection,
    name: str,
    cursor: str | None,
    status: str,
    rows: int,
    import_id: int | None,
) -> None:
    """The cursor and result of a sync that read the API (inside the caller's transaction)."""
    db.execute(
        con,
        "connection_synced",
        connection=name,
        cursor=cursor,
        at=datetime.now().replace(microsecond=0),
        status=status,
        rows=rows,
        import_id=import_id,
    )


def record_failed(con: duckdb.DuckDBPyConnection, name: str, error: str) -> None:
    """A failed sync's message; the cursor is left as it was."""
    db.execute(
        con,
        "connection_failed",
        connection=name,
        at=datetime.now().replace(microsecond=0),
        error=error,
    )
