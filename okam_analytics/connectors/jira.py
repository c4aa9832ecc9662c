"""Jira Cloud / Jira Service Management: issues by JQL, the first response from the changelog,
worklogs as time entries.

GET /rest/api/3/search/jql?jql=updated >= "yyyy/MM/dd HH:mm" order by updated asc, pages
by nextPageToken (absent or isLast on the last page), expand=changelog; custom fields
(the organisation, the team) are found by name through /rest/api/3/field. Tickets take the
columns of Jira's CSV export (jira preset); worklogs become time entries keyed by their id."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from okam_analytics.connectors.base import (
    Batch,
    Connection,
    Context,
    Fetched,
    Watermark,
    dig,
    local_text,
    parse_utc,
)
from okam_analytics.connectors.http import Api, SyncError

LABEL = "Jira"
SEARCH = "/rest/api/3/search/jql"
PAGE_SIZE = 100
MAX_PAGES = 10_000
# export column -> the custom field's names in Jira (the first one present is read)
CUSTOM_FIELDS = {
    "Custom field (Organizations)": ["Organizations", "Organisations", "Customer", "Client"],
    "Custom field (Team)": ["Team", "Assignment group"],
}
# export column -> path in the issue
COLUMNS = {
    "Issue key": "key",
    "Issue id": "id",
    "Summary": "fields.summary",
    "Issue Type": "fields.issuetype.name",
    "Status": "fields.status.name",
    "Priority": "fields.priority.name",
    "Assignee": "fields.assignee.displayName",
}
STAMPS = {
    "Created": "fields.created",
    "Updated": "fields.updated",
    "Resolved": "fields.resolutiondate",
}
FIRST_RESPONSE = "Custom field (Date of First Response)"
TICKET_HEADERS = list(COLUMNS) + list(STAMPS) + list(CUSTOM_FIELDS) + [FIRST_RESPONSE]
ENTRY_HEADERS = [
    "Worklog ID",
    "Date",
    "Author",
    "Client",
    "Project",
    "Issue key",
    "Hours",
    "Comment",
]
BASE_FIELDS = ["summary", "issuetype", "status", "priority", "assignee", "created", "updated",
               "resolutiondate", "project", "worklog"]  # fmt: skip


def client(connection: Connection, token: str) -> Api:
    """Basic auth with the account's e-mail and an API token."""
    user = connection.options.get("user")
    if not user:
        raise SyncError("A Jira connection needs the account's e-mail (--user).")
    return Api(connection.base_url, LABEL, auth=(user, token))


def check(context: Context) -> str:
    """Who the token authenticates as."""
    me = context.api.json("GET", "/rest/api/3/myself")
    return f"authenticated as {me.get('displayName') or me.get('emailAddress') or 'a user'}"


def custom_field_ids(api: Api) -> dict[str, str]:
    """Export column -> the id of the custom field found by name (absent when not found)."""
    by_name = {
        str(f.get("name", "")).lower(): f.get("id") for f in api.json("GET", "/rest/api/3/field")
    }
    found = {}
    for column, names in CUSTOM_FIELDS.items():
        ids = [by_name[n.lower()] for n in names if n.lower() in by_name]
        if ids:
            found[column] = ids[0]
    return found


def text_of(value: Any) -> str | None:
    """A field value as the export writes it: names of objects, lists joined by commas."""
    if value is None or value == []:
        return None
    if isinstance(value, list):
        return ", ".join(t for t in (text_of(v) for v in value) if t)
    if isinstance(value, dict):
        return value.get("name") or value.get("value") or value.get("displayName")
    return str(value)


def first_response(issue: dict[str, Any]) -> str | None:
    """When the issue first left its opening status (the earliest status change)."""
    histories = dig(issue, "changelog.histories") or []
    moves = [
        h.get("created")
        for h in histories
        if any(item.get("field") == "status" for item in h.get("items") or [])
    ]
    return min(moves, key=parse_utc) if moves else None


def ticket_row(issue: dict[str, Any], fields: dict[str, str], zone: ZoneInfo) -> dict[str, Any]:
    """One issue as a line of Jira's CSV export."""
    line = {column: dig(issue, path) for column, path in COLUMNS.items()}
    for column, path in STAMPS.items():
        line[column] = local_text(parse_utc(dig(issue, path)), zone)
    for column in CUSTOM_FIELDS:
        line[column] = text_of(dig(issue, f"fields.{fields[column]}")) if column in fields else None
    line[FIRST_RESPONSE] = local_text(parse_utc(first_response(issue)), zone)
    return line


def adf_text(node: Any) -> str:
    """The plain text of an Atlassian Document Format comment."""
    if isinstance(node, dict):
        return node.get("text", "") + "".join(adf_text(c) for c in node.get("content") or [])
    return str(node or "")


def worklogs(api: Api, issue: dict[str, Any]) -> list[dict[str, Any]]:
    """Every worklog of an issue: those in the search result, or all of them by its endpoint."""
    inline = dig(issue, "fields.worklog") or {}
    logs = list(inline.get("worklogs") or [])
    if inline.get("total", len(logs)) > len(logs):
        logs, start = [], 0
        while True:
            page = api.json(
                "GET",
                f"/rest/api/3/issue/{issue['id']}/worklog",
                params={"startAt": start, "maxResults": 5000},
            )
            logs += page.get("worklogs") or []
            start = page.get("startAt", start) + len(page.get("worklogs") or [])
            if not page.get("worklogs") or start >= page.get("total", 0):
                break
    return logs


def entry_row(log: dict[str, Any], issue: dict[str, Any], client_name: str | None, zone) -> dict:
    """One worklog as a time entry."""
    return {
        "Worklog ID": f"jira-{log.get('id')}",
        "Date": local_text(parse_utc(log.get("started")), zone, "%Y/%m/%d"),
        "Author": dig(log, "author.displayName"),
        "Client": client_name,
        "Project": dig(issue, "fields.project.name"),
        "Issue key": issue.get("key"),
        "Hours": round((log.get("timeSpentSeconds") or 0) / 3600, 4),
        "Comment": adf_text(log.get("comment")).strip() or None,
    }


def jql(mark: Watermark, context: Context) -> str:
    """updated >= the cursor (or --since) in the Jira user's zone, to the minute, oldest first."""
    start = parse_utc(mark.at) if mark.at else context.since
    if start is None:
        return 'updated >= "1970/01/01 00:00" order by updated asc'
    zone = ZoneInfo(context.option("timezone", "UTC"))
    floor = (start - timedelta(seconds=start.second)).astimezone(zone)
    return f'updated >= "{floor.strftime("%Y/%m/%d %H:%M")}" order by updated asc'


def fetch(context: Context) -> Fetched:
    """Issues updated since the cursor, and their worklogs."""
    api, zone = context.api, context.timezone
    mark = Watermark.load(context.cursor, edge_seconds=60)
    fields = custom_field_ids(api)
    tickets = Batch("jira", TICKET_HEADERS, "Issue key")
    entries = Batch(
        "generic_timesheets", ENTRY_HEADERS, "Worklog ID", mapping={"entry_id": "Worklog ID"}
    )
    params: dict[str, Any] = {
        "jql": jql(mark, context),
        "fields": ",".join(BASE_FIELDS + list(fields.values())),
        "expand": "changelog",
        "maxResults": PAGE_SIZE,
    }
    for _ in range(MAX_PAGES):
        page = api.json("GET", SEARCH, params=params)
        for issue in page.get("issues") or []:
            updated = dig(issue, "fields.updated")
            if not mark.is_new(issue.get("key"), updated):
                continue
            line = ticket_row(issue, fields, zone)
            tickets.rows.append(line)
            organisation = line.get("Custom field (Organizations)")
            entries.rows += [
                entry_row(log, issue, organisation, zone) for log in worklogs(api, issue)
            ]
            mark.note(issue.get("key"), updated)
        token = page.get("nextPageToken")
        if page.get("isLast", not token) or not token:
            break
        params = params | {"nextPageToken": token}
    return Fetched([tickets, entries], mark.dump() or context.cursor)
