"""One sync: read the connection, fetch outside the database, then one short write.

The API is read and its rows staged (mapped, normalised, validated by ingest in a private
in-memory database) before the database file is opened for writing; the rows, the imports
row and the connection's new cursor are then written in one transaction, so a sync killed
at any point leaves the previous state and the next one resumes from the stored cursor."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import tenacity

from okam_analytics import db, settings
from okam_analytics.connectors import module, store
from okam_analytics.connectors.base import Batch, Connection, Context, Fetched, read_secret
from okam_analytics.connectors.http import Api, SyncError, check_base_url
from okam_analytics.ingest import service

# How long a sync waits for the database file when another program is writing it.
BUSY_WAIT_SECONDS = 60


@dataclass
class SyncOutcome:
    """One connection's result, as `okam sync` prints it."""

    connection: str
    type: str
    status: str = "failed"  # loaded | unchanged | failed
    import_id: int | None = None
    import_ids: list[int] = field(default_factory=list)
    rows_loaded: int = 0
    rows_rejected: int = 0
    requests: int = 0
    errors: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The JSON object printed for it."""
        return dict(self.__dict__)


@tenacity.retry(
    retry=tenacity.retry_if_exception_type(db.DatabaseBusy),
    wait=tenacity.wait_exponential(multiplier=0.2, max=5),
    stop=tenacity.stop_after_delay(BUSY_WAIT_SECONDS),
    reraise=True,
)
def open_database(path: str | Path | None) -> duckdb.DuckDBPyConnection:
    """The database for a short read or write, waiting while another program writes it."""
    return db.connect(path)


# How a sync reaches the database for each short read or write: by path from the command line;
# the app passes its own writer (ui.data.writing), since one process opens a file one way only.
Opener = Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]]


def opener_for(path: str | Path | None) -> Opener:
    """Open the database at path for one short use, then close it."""

    @contextmanager
    def database() -> Iterator[duckdb.DuckDBPyConnection]:
        con = open_database(path)
        try:
            yield con
        finally:
            con.close()

    return database


def start_of(day: date, zone: ZoneInfo) -> datetime:
    """Midnight of a day in the calendar's zone, in UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


def staged_csv(batch: Batch) -> bytes:
    """The batch as the CSV file its tool would export."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=batch.headers, extrasaction="ignore")
    writer.writeheader()
    for row in batch.unique_rows():
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue().encode("utf-8")


def redact(message: str, secrets: list[str]) -> str:
    """A message with every secret replaced (a server may echo a token back)."""
    for secret in secrets:
        if secret:
            message = message.replace(secret, "***")
    return message


def stage(
    connection: Connection, batches: list[Batch], read_at: datetime
) -> list[service.ImportPlan]:
    """Each non-empty batch inspected by ingest, as its export file would be (no database).

    A sync's rows are the tool's state when it was read: its period ends then, so that its
    versions win over earlier readings of the same records (versions rank by period end)."""
    plans = []
    for batch in batches:
        if not batch.rows:
            continue
        name = f"{connection.type} sync {connection.name} ({batch.preset}).csv"
        plan = service.inspect(staged_csv(batch), name, preset=batch.preset, mapping=batch.mapping)
        if plan.refused:
            raise SyncError(f"The {batch.preset} rows were refused: {plan.refused}")
        start, end = plan.period
        plan.period = (start, max(end, read_at) if end else read_at)
        plans.append(plan)
    return plans


def fetch(
    api: Api, connection: Connection, cursor: str | None, since: datetime | None, zone: ZoneInfo
) -> Fetched:
    """Read the API (no database open): the batches and the new cursor."""
    try:
        return module(connection.type).fetch(Context(api, connection, cursor, since, zone))
    finally:
        api.close()


def write(opener: Opener, connection: Connection, plans: list, cursor: str | None) -> SyncOutcome:
    """Load the staged plans and store the cursor, all in one transaction."""
    outcome = SyncOutcome(connection.name, connection.type, status="unchanged")
    try:
        with opener() as con:
            _write_plans(con, connection, plans, cursor, outcome)
    finally:
        for plan in plans:
            if plan.private is not None:
                plan.private.close()
    return outcome


def _write_plans(
    con: duckdb.DuckDBPyConnection,
    connection: Connection,
    plans: list,
    cursor: str | None,
    outcome: SyncOutcome,
) -> None:
    con.begin()
    try:
        for plan in plans:
            result = service.load(con, plan, accept_rejects=True, joined=True)
            outcome.errors += result.errors
            if result.status == "loaded":
                outcome.status, outcome.import_id = "loaded", result.import_id
                outcome.import_ids.append(result.import_id)
                outcome.rows_loaded += result.rows_loaded
                outcome.rows_rejected += result.rows_rejected
        store.record_synced(
            con, connection.name, cursor, outcome.status, outcome.rows_loaded, outcome.import_id
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise


def sync_one(
    path: str | Path | None,
    name: str,
    full: bool = False,
    since: date | None = None,
    opener: Opener | None = None,
) -> SyncOutcome:
    """Sync one connection; never raises: a failure is the outcome's status and message."""
    opener = opener or opener_for(path)
    outcome = SyncOutcome(name, "")
    secrets: list[str] = []
    try:
        with opener() as con:
            connection = store.get(con, name)
            zone = ZoneInfo(settings.load(con)["calendar"]["timezone"])
        outcome.type = connection.type
        cursor = None if (full or since) else connection.cursor
        start = start_of(since, zone) if since else None
        # to the microsecond: two syncs within one second still rank by when they read
        read_at = datetime.now(zone).replace(tzinfo=None)
        check_base_url(connection.base_url)  # a row edited by hand gets no token either
        secrets.append(read_secret(connection.secret_env))
        api = module(connection.type).client(connection, secrets[0])
        try:
            fetched = fetch(api, connection, cursor, start, zone)
        finally:
            outcome.requests = api.requests
        plans = stage(connection, fetched.batches, read_at)
        requests = outcome.requests
        outcome = write(opener, connection, plans, fetched.cursor)
        outcome.requests = requests
        return outcome
    except (SyncError, store.ConnectionRefused, ValueError) as exc:
        outcome.errors = [redact(str(exc), secrets)]
    except Exception as exc:  # an API shape or a database error: the message, not a traceback
        outcome.errors = [redact(f"{type(exc).__name__}: {exc}", secrets)]
    _record_failure(opener, outcome)
    return outcome


def _record_failure(opener: Opener, outcome: SyncOutcome) -> None:
    try:
        with opener() as con:
            if store.get(con, outcome.connection, missing_ok=True):
                store.record_failed(con, outcome.connection, "; ".join(outcome.errors))
    except (duckdb.Error, db.DatabaseBusy):
        pass  # the outcome printed still says why the sync failed


def test_connection(
    path: str | Path | None, name: str, opener: Opener | None = None
) -> tuple[bool, str]:
    """Authenticate against the API without loading anything: (ok, message)."""
    secrets: list[str] = []
    try:
        with (opener or opener_for(path))() as con:
            connection = store.get(con, name)
            zone = ZoneInfo(settings.load(con)["calendar"]["timezone"])
        connector = module(connection.type)
        token = read_secret(connection.secret_env)
        secrets.append(token)
        api = connector.client(connection, token)
        try:
            return True, connector.check(Context(api, connection, None, None, zone))
        finally:
            api.close()
    except Exception as exc:
        text = (
            str(exc) if isinstance(exc, SyncError | ValueError) else f"{type(exc).__name__}: {exc}"
        )
        return False, redact(text, secrets)
