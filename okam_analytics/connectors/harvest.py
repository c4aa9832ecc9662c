"""Harvest API v2 time entries: links.next cursor pages, updated_since for later syncs.

GET /v2/time_entries?updated_since=ISO&per_page=2000 with Harvest-Account-Id and a bearer
token; rows take the columns of Harvest's detailed time report export (harvest preset), plus
the entry's id so that an edited entry replaces its earlier reading. A running timer is not
finished work: it is left out until it stops."""

from __future__ import annotations

from typing import Any

from okam_analytics.connectors.base import (
    Batch,
    Connection,
    Context,
    Fetched,
    Watermark,
    dig,
    iso_utc,
)
from okam_analytics.connectors.http import Api, SyncError

LABEL = "Harvest"
PRESET = "harvest"
ENDPOINT = "/v2/time_entries"
PER_PAGE = 2000
MAX_PAGES = 10_000
EDGE_SECONDS = 1  # updated_since is to the second
USER_AGENT = "Okam Analytics (okam sync)"
# export column -> path in the time entry
COLUMNS = {
    "Entry ID": "id",
    "Date": "spent_date",
    "Client": "client.name",
    "Project": "project.name",
    "Task": "task.name",
    "Notes": "notes",
    "Hours": "hours",
}
HEADERS = list(COLUMNS) + ["Billable?", "First Name", "Last Name"]


def client(connection: Connection, token: str) -> Api:
    """Bearer token and the account id header Harvest requires."""
    account = connection.options.get("account_id")
    if not account:
        raise SyncError("A Harvest connection needs its account id (--account-id).")
    headers = {
        "Authorization": f"Bearer {token}",
        "Harvest-Account-Id": str(account),
        "User-Agent": USER_AGENT,
    }
    return Api(connection.base_url, LABEL, headers=headers)


def check(context: Context) -> str:
    """Who the token authenticates as."""
    me = context.api.json("GET", "/v2/users/me")
    name = " ".join(filter(None, [me.get("first_name"), me.get("last_name")]))
    return f"authenticated as {name or me.get('email') or 'a user'}"


def row(entry: dict[str, Any]) -> dict[str, Any]:
    """One time entry as a line of the detailed time report."""
    line = {column: dig(entry, path) for column, path in COLUMNS.items()}
    line["Billable?"] = "Yes" if entry.get("billable") else "No"
    # the export splits the user's name; the preset joins the two parts with a space again
    first, _, last = (dig(entry, "user.name") or "").rpartition(" ")
    line["First Name"], line["Last Name"] = (first, last) if first else (last, "")
    return line


def fetch(context: Context) -> Fetched:
    """Entries updated since the cursor (or --since, or all); running timers left out."""
    batch = Batch(PRESET, HEADERS, "Entry ID", mapping={"entry_id": "Entry ID"})
    mark = Watermark.load(context.cursor, EDGE_SECONDS)
    params: dict[str, Any] = {"per_page": PER_PAGE}
    start = mark.at or (iso_utc(context.since) if context.since else None)
    if start:
        params["updated_since"] = start
    url = ENDPOINT
    for _ in range(MAX_PAGES):
        page = context.api.json("GET", url, params=params)
        for entry in page.get("time_entries") or []:
            if entry.get("is_running"):
                continue  # its updated_at moves on when it stops: the next sync takes it
            if mark.is_new(entry.get("id"), entry.get("updated_at")):
                batch.rows.append(row(entry))
                mark.note(entry.get("id"), entry.get("updated_at"))
        url, params = dig(page, "links.next"), None
        if not url:
            break
    return Fetched([batch], mark.dump() or context.cursor)
