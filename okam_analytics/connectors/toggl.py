"""Toggl Track Reports API v3 detailed search: every user's entries of a workspace.

POST /reports/api/v3/workspace/{workspace}/search/time_entries with start_date/end_date and
page_size, paged by the X-Next-ID / X-Next-Row-Number headers; basic auth 'token:api_token'.
Chosen over GET /api/v9/me/time_entries?since= because /me reads only the token owner's own
entries (one connection per consultant), where the report reads the whole workspace. The
report has no 'changed since' filter: a later sync re-reads from its last read less
LOOKBACK_DAYS, entries replacing their earlier reading by id. Project and client names come
from /api/v9/workspaces/{workspace}/projects and /clients (an archived one the lists
leave out is read by its id). Rows take the columns of
Reports > Detailed > Export CSV (toggl preset); a running entry (no stop) is left out."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from okam_analytics.connectors.base import (
    Batch,
    Connection,
    Context,
    Fetched,
    local_text,
    parse_utc,
    workspace_id,
)
from okam_analytics.connectors.http import Api, SyncError

LABEL = "Toggl Track"
PRESET = "toggl"
PAGE_SIZE = 50
PER_PAGE = 200  # projects per page
MAX_PAGES = 10_000
WINDOW_DAYS = 365  # the longest range one report takes
LOOKBACK_DAYS = 14
HISTORY_START = date(2006, 1, 1)  # Toggl's launch: "everything"
HEADERS = [
    "Entry ID",
    "User",
    "Email",
    "Client",
    "Project",
    "Task",
    "Description",
    "Billable",
    "Start date",
    "Start time",
    "End date",
    "End time",
    "Duration",
]


def workspace(connection: Connection) -> str:
    """The workspace id (--account-id or --option workspace_id)."""
    return workspace_id(connection, "Toggl Track")


def client(connection: Connection, token: str) -> Api:
    """The API token as the basic-auth user, 'api_token' as the password."""
    workspace(connection)
    return Api(connection.base_url, LABEL, auth=(token, "api_token"))


def check(context: Context) -> str:
    """Who the token authenticates as."""
    me = context.api.json("GET", "/api/v9/me")
    return f"authenticated as {me.get('fullname') or me.get('email') or 'a user'}"


def today() -> date:
    """The current UTC day (where a sync's reading ends)."""
    return datetime.now(UTC).date()


def names(context: Context) -> tuple[dict[int, dict], dict[int, str]]:
    """The workspace's projects (by id) and client names (by id)."""
    base = f"/api/v9/workspaces/{workspace(context.connection)}"
    projects: dict[int, dict] = {}
    for page in range(1, MAX_PAGES + 1):
        listed = context.api.json(
            "GET", f"{base}/projects", params={"page": page, "per_page": PER_PAGE}
        )
        projects |= {p["id"]: p for p in listed or []}
        if len(listed or []) < PER_PAGE:
            break
    listed = context.api.json("GET", f"{base}/clients", params={"status": "both"}) or []
    clients = {c["id"]: c.get("name") for c in listed}
    return projects, clients


def archived(context: Context, groups: list[dict], projects: dict, clients: dict) -> None:
    """Add the projects (and their clients) the entries name but the lists left out."""
    base = f"/api/v9/workspaces/{workspace(context.connection)}"
    for project_id in sorted({g.get("project_id") for g in groups} - set(projects) - {None}):
        project = context.api.json("GET", f"{base}/projects/{project_id}")
        projects[project_id] = project
        client_id = project.get("client_id") or project.get("cid")
        if client_id and client_id not in clients:
            clients[client_id] = context.api.json("GET", f"{base}/clients/{client_id}").get("name")


def hms(seconds: int) -> str:
    """Seconds as the export's H:MM:SS duration."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def row(group: dict, entry: dict, context: Context, projects: dict, clients: dict) -> dict:
    """One time entry of a report row as a line of the detailed report export."""
    project = projects.get(group.get("project_id")) or {}
    start, stop = parse_utc(entry.get("start")), parse_utc(entry.get("stop"))
    return {
        "Entry ID": entry.get("id"),
        "User": group.get("username"),
        "Email": group.get("email") or "",
        "Client": clients.get(project.get("client_id") or project.get("cid")) or "",
        "Project": project.get("name") or "",
        "Task": group.get("task_name") or "",
        "Description": group.get("description"),
        "Billable": "Yes" if group.get("billable") else "No",
        "Start date": local_text(start, context.timezone, "%Y-%m-%d"),
        "Start time": local_text(start, context.timezone, "%H:%M:%S"),
        "End date": local_text(stop, context.timezone, "%Y-%m-%d"),
        "End time": local_text(stop, context.timezone, "%H:%M:%S"),
        "Duration": hms(int(entry.get("seconds") or 0)),
    }


def first_day(context: Context) -> date:
    """Where this sync reads from: the cursor less the look-back, --since, or the beginning."""
    if context.cursor:
        try:
            read_until = date.fromisoformat(json.loads(context.cursor)["read_until"])
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            raise SyncError("The stored Toggl cursor is unreadable: sync with --full.") from None
        return read_until - timedelta(days=LOOKBACK_DAYS)
    return context.since.date() if context.since else HISTORY_START


def report(context: Context, start: date, end: date) -> list[dict]:
    """Every report row started from start to end (both included), page by page."""
    path = f"/reports/api/v3/workspace/{workspace(context.connection)}/search/time_entries"
    body: dict[str, Any] = {
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "page_size": PAGE_SIZE,
    }
    rows: list[dict] = []
    for _ in range(MAX_PAGES):
        response = context.api.request("POST", path, json=body)
        page = context.api.decode(response)
        if not isinstance(page, list):
            raise SyncError("Toggl's detailed report is not a JSON list; nothing was loaded.")
        rows += page
        next_row = response.headers.get("X-Next-Row-Number")
        if not next_row:
            return rows
        body["first_row_number"] = int(next_row)
        if response.headers.get("X-Next-ID"):
            body["first_id"] = int(response.headers["X-Next-ID"])
    return rows


def fetch(context: Context) -> Fetched:
    """Finished entries of the workspace from first_day() to today, a year at a time."""
    batch = Batch(PRESET, HEADERS, "Entry ID", mapping={"entry_id": "Entry ID"})
    start, until = first_day(context), today()
    groups: list[dict] = []
    while start <= until:
        end = min(until, start + timedelta(days=WINDOW_DAYS - 1))
        groups += report(context, start, end)
        start = end + timedelta(days=1)
    projects, clients = names(context) if groups else ({}, {})
    archived(context, groups, projects, clients)
    for group in groups:
        for entry in group.get("time_entries") or []:
            if entry.get("stop") and (entry.get("seconds") or 0) >= 0:  # not running
                batch.rows.append(row(group, entry, context, projects, clients))
    return Fetched([batch], json.dumps({"read_until": until.isoformat()}))
