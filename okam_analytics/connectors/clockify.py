"""Clockify Reports API detailed report: every user's entries of a workspace, names inline.

POST /v1/workspaces/{workspace}/reports/detailed on reports.api.clockify.me with X-Api-Key,
dateRangeStart/dateRangeEnd and detailedFilter page/pageSize. The report is chosen over
GET /v1/workspaces/{id}/user/{userId}/time-entries because it reads the whole workspace in
one paged stream with user, project and client names resolved, where the per-user endpoint
needs a request stream per user plus look-ups of projects and clients. Neither has an
'updated since' filter: a later sync re-reads the days since its last read, less
LOOKBACK_DAYS (entries edited within them replace their earlier reading by id). Ranges are
read in windows of WINDOW_DAYS (the free plan's longest report). Rows take the columns of
Reports > Detailed > Export CSV (clockify preset); a running entry (no end) is left out."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from okam_analytics.connectors.base import (
    Batch,
    Connection,
    Context,
    Fetched,
    dig,
    local_text,
    parse_utc,
    workspace_id,
)
from okam_analytics.connectors.http import Api, SyncError

LABEL = "Clockify"
PRESET = "clockify"
PAGE_SIZE = 200  # the largest page the detailed report gives
MAX_PAGES = 10_000
WINDOW_DAYS = 31
LOOKBACK_DAYS = 14  # entries are often corrected days later; a re-read costs a page or two
HISTORY_START = datetime(2017, 1, 1, tzinfo=UTC)  # before Clockify's launch: "everything"
# export column -> path in the report's time entry
COLUMNS = {
    "Entry ID": "_id",
    "Project": "projectName",
    "Client": "clientName",
    "Description": "description",
    "Task": "taskName",
    "User": "userName",
    "Email": "userEmail",
}
HEADERS = list(COLUMNS) + [
    "Billable",
    "Start Date",
    "Start Time",
    "End Date",
    "End Time",
    "Duration (decimal)",
]


def workspace(connection: Connection) -> str:
    """The workspace id (--account-id or --option workspace_id)."""
    return workspace_id(connection, "Clockify")


def client(connection: Connection, token: str) -> Api:
    """The API key in X-Api-Key."""
    workspace(connection)
    return Api(connection.base_url, LABEL, headers={"X-Api-Key": token})


def report_path(connection: Connection) -> str:
    """The detailed report of the connection's workspace."""
    return f"/v1/workspaces/{workspace(connection)}/reports/detailed"


def check(context: Context) -> str:
    """A one-entry report of the last day: the key reads the workspace's report."""
    end = now()
    page = report_page(context, end - timedelta(days=1), end, 1, 1)
    count = len(page.get("timeentries") or [])
    return f"workspace {workspace(context.connection)} readable (entries in the last day: {count})"


def report_page(context: Context, start: datetime, end: datetime, page: int, size: int) -> dict:
    """One page of the detailed report between two UTC times."""
    body = {
        "dateRangeStart": start.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "dateRangeEnd": end.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "detailedFilter": {"page": page, "pageSize": size},
    }
    answer = context.api.json("POST", report_path(context.connection), json=body)
    if not isinstance(answer, dict):
        raise SyncError("Clockify's detailed report is not a JSON object; nothing was loaded.")
    return answer


def row(entry: dict[str, Any], context: Context) -> dict[str, Any]:
    """One report entry as a line of the detailed report export, in the calendar's zone."""
    line = {column: dig(entry, path) for column, path in COLUMNS.items()}
    start = parse_utc(dig(entry, "timeInterval.start"))
    end = parse_utc(dig(entry, "timeInterval.end"))
    line["Billable"] = "Yes" if entry.get("billable") else "No"
    line["Start Date"] = local_text(start, context.timezone, "%Y-%m-%d")
    line["Start Time"] = local_text(start, context.timezone, "%H:%M:%S")
    line["End Date"] = local_text(end, context.timezone, "%Y-%m-%d")
    line["End Time"] = local_text(end, context.timezone, "%H:%M:%S")
    seconds = dig(entry, "timeInterval.duration") or 0
    line["Duration (decimal)"] = round(float(seconds) / 3600, 6)
    return line


def now() -> datetime:
    """The current UTC time, to the second (where a sync's reading ends)."""
    return datetime.now(UTC).replace(microsecond=0)


def windows(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """[start, end) cut into report ranges of at most WINDOW_DAYS."""
    cuts = []
    while start < end:
        cuts.append((start, min(end, start + timedelta(days=WINDOW_DAYS))))
        start = cuts[-1][1]
    return cuts


def first_day(context: Context) -> datetime:
    """Where this sync reads from: the cursor less the look-back, --since, or the beginning."""
    if context.cursor:
        try:
            read_until = parse_utc(json.loads(context.cursor)["read_until"])
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            raise SyncError("The stored Clockify cursor is unreadable: sync with --full.") from None
        return read_until - timedelta(days=LOOKBACK_DAYS)
    return context.since or HISTORY_START


def fetch(context: Context) -> Fetched:
    """Finished entries of the workspace from first_day() to now, window by window."""
    batch = Batch(PRESET, HEADERS, "Entry ID", mapping={"entry_id": "Entry ID"})
    until = now()
    for start, end in windows(first_day(context), until):
        for number in range(1, MAX_PAGES + 1):
            entries = report_page(context, start, end, number, PAGE_SIZE).get("timeentries") or []
            for entry in entries:
                if dig(entry, "timeInterval.end"):  # a running timer is not finished work
                    batch.rows.append(row(entry, context))
            if len(entries) < PAGE_SIZE:
                break
    return Fetched([batch], json.dumps({"read_until": until.strftime("%Y-%m-%dT%H:%M:%SZ")}))
