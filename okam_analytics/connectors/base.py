"""What every connector shares: a connection, its secret, the rows it stages, time stamps."""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from okam_analytics.connectors.http import Api, SyncError

SECRETS_FILE = Path(".streamlit") / "secrets.toml"


@dataclass
class Connection:
    """A named source: its type, address, options and where its token lives (never the token)."""

    name: str
    type: str
    base_url: str
    options: dict[str, str] = field(default_factory=dict)
    secret_env: str = ""
    cursor: str | None = None
    last_sync_at: datetime | None = None
    last_status: str | None = None
    last_rows: int | None = None
    last_error: str | None = None


@dataclass
class Batch:
    """Rows in the shape of one of the tool's exports, read by the named preset."""

    preset: str
    headers: list[str]
    key: str  # the column naming one record: a record read twice keeps its last reading
    rows: list[dict[str, Any]] = field(default_factory=list)
    mapping: dict[str, str] | None = None  # fields the preset does not map (e.g. entry_id)

    def unique_rows(self) -> list[dict[str, Any]]:
        """The rows, each key once (its last reading), in first-seen order."""
        last = {row[self.key]: row for row in self.rows}
        return list(last.values())


@dataclass
class Fetched:
    """What one sync read: its batches and the cursor to store once they are loaded."""

    batches: list[Batch]
    cursor: str | None


@dataclass
class Context:
    """What a connector needs while fetching: the client, the connection, where to start."""

    api: Api
    connection: Connection
    cursor: str | None  # None: read everything (first sync, --full)
    since: datetime | None  # --since, UTC
    timezone: ZoneInfo  # the business calendar's zone: stamps are stored in it

    def option(self, key: str, default: str = "") -> str:
        """A connection option."""
        return str(self.connection.options.get(key, default))


class Connector(Protocol):
    """One tool's API module."""

    LABEL: str

    def client(self, connection: Connection, token: str) -> Api: ...

    def check(self, context: Context) -> str: ...

    def fetch(self, context: Context) -> Fetched: ...


def default_secret_env(name: str) -> str:
    """OKAM_<NAME>_TOKEN, the name upper-cased with non-alphanumerics as underscores."""
    clean = "".join(ch if ch.isalnum() else "_" for ch in name.upper())
    return f"OKAM_{clean}_TOKEN"


def read_secret(variable: str, secrets_file: Path = SECRETS_FILE) -> str:
    """The value of an environment variable, else of the same key in .streamlit/secrets.toml."""
    value = os.environ.get(variable)
    if value:
        return value
    if secrets_file.is_file():
        try:
            stored = tomllib.loads(secrets_file.read_text(encoding="utf-8")).get(variable)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            raise SyncError(f"{secrets_file} is not valid TOML.") from None
        if isinstance(stored, str) and stored:
            return stored
    raise SyncError(
        f"No token: set the environment variable {variable} (or {variable} in {secrets_file})."
    )


def parse_utc(stamp: str | None) -> datetime | None:
    """An ISO 8601 stamp ('Z', '+0000' or '+00:00') as an aware UTC datetime."""
    if not stamp:
        return None
    text = stamp.strip().replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]  # Jira's +0000
    moment = datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def local_text(stamp: datetime | None, zone: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """An aware time as naive local text in the calendar's zone ('' for none)."""
    return stamp.astimezone(zone).strftime(fmt) if stamp else ""


def iso_utc(moment: datetime) -> str:
    """UTC ISO text with a Z, the form the APIs take in their filters."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def later(a: str | None, b: str | None) -> str | None:
    """The later of two ISO UTC stamps (either may be None)."""
    if not a or not b:
        return a or b
    return a if parse_utc(a) >= parse_utc(b) else b


def dig(record: Any, path: str) -> Any:
    """record['a']['b'] for 'a.b', None where a step is missing."""
    for step in path.split("."):
        if not isinstance(record, dict):
            return None
        record = record.get(step)
    return record


@dataclass
class Watermark:
    """A 'changed since' cursor: the latest change read, and the records read at its edge.

    APIs filter with 'updated >= stamp' (at their own resolution, Jira's is the minute), so
    the records at the edge come back on the next sync; those already read at the same stamp
    are skipped, and a sync with nothing new loads nothing."""

    at: str | None = None
    seen: dict[str, str] = field(default_factory=dict)
    edge_seconds: int = 60

    @classmethod
    def load(cls, text: str | None, edge_seconds: int = 60) -> Watermark:
        """The stored cursor (JSON), or an empty one."""
        if not text:
            return cls(edge_seconds=edge_seconds)
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return cls(at=text, edge_seconds=edge_seconds)  # a bare stamp (--since)
        return cls(data.get("at"), dict(data.get("seen") or {}), edge_seconds)

    def is_new(self, key: Any, stamp: str | None) -> bool:
        """Whether this reading of a record was not loaded already."""
        if not stamp:
            return True
        earlier = self.seen.get(str(key))
        return earlier is None or parse_utc(earlier) != parse_utc(stamp)

    def note(self, key: Any, stamp: str | None) -> None:
        """Record a reading that will be loaded."""
        if stamp:
            self.seen[str(key)] = stamp
            self.at = later(self.at, stamp)

    def dump(self) -> str | None:
        """The cursor to store: the latest stamp and the readings within edge_seconds of it."""
        if not self.at:
            return None
        edge = parse_utc(self.at).timestamp() - self.edge_seconds
        seen = {k: s for k, s in self.seen.items() if parse_utc(s).timestamp() >= edge}
        return json.dumps({"at": self.at, "seen": seen}, sort_keys=True)


def workspace_id(connection: Connection, tool: str) -> str:
    """The connection's workspace id (--account-id or --option workspace_id)."""
    found = connection.options.get("workspace_id") or connection.options.get("account_id")
    if not found:
        raise SyncError(f"A {tool} connection needs its workspace id (--account-id).")
    return str(found)
