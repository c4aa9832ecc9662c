"""Zendesk Support: the cursor-based incremental ticket export with its sideloads.

GET /api/v2/incremental/tickets/cursor.json?start_time=T (first) or ?cursor=C (later),
include=metric_sets,users,groups,organizations; pages until end_of_stream, whose
after_cursor is the next sync's start. Rows take the columns of Zendesk's CSV export, so
the zendesk preset reads them as it reads that file."""

from __future__ import annotations

from typing import Any

from okam_analytics.connectors.base import (
    Batch,
    Connection,
    Context,
    Fetched,
    dig,
    local_text,
    parse_utc,
)
from okam_analytics.connectors.http import Api

LABEL = "Zendesk"
PRESET = "zendesk"
ENDPOINT = "/api/v2/incremental/tickets/cursor.json"
SIDELOADS = "metric_sets,users,groups,organizations"
PER_PAGE = 1000
MAX_PAGES = 10_000  # a stream longer than this is an API loop, not an account
# export column -> (record, path): record is the ticket, its metric set or a sideload name
COLUMNS: dict[str, tuple[str, str]] = {
    "Id": ("ticket", "id"),
    "Subject": ("ticket", "subject"),
    "Requester id": ("ticket", "requester_id"),
    "Organization": ("organizations", "organization_id"),
    "Ticket type": ("ticket", "type"),
    "Priority": ("ticket", "priority"),
    "Status": ("ticket", "status"),
    "Assignee": ("users", "assignee_id"),
    "Group": ("groups", "group_id"),
    "Reopens": ("metrics", "reopens"),
    "First reply time in minutes": ("metrics", "reply_time_in_minutes.calendar"),
    "First reply time in minutes within business hours": (
        "metrics",
        "reply_time_in_minutes.business",
    ),
    "Full resolution time in minutes": ("metrics", "full_resolution_time_in_minutes.calendar"),
    "Full resolution time in minutes within business hours": (
        "metrics",
        "full_resolution_time_in_minutes.business",
    ),
}
STAMPS = {"Created at": ("ticket", "created_at"), "Updated at": ("ticket", "updated_at")}
HEADERS = list(COLUMNS) + list(STAMPS) + ["Solved at"]
# the API's lower-case values as the export writes them
EXPORT_WORDS = {"na": "-"}  # "hold" is written "Hold", as a genuine export shows
WORDED = ("Ticket type", "Priority", "Status")


def client(connection: Connection, token: str) -> Api:
    """API token as '{email}/token:{token}' basic auth; without a user, an OAuth bearer."""
    user = connection.options.get("user")
    if user:
        return Api(connection.base_url, LABEL, auth=(f"{user}/token", token))
    return Api(connection.base_url, LABEL, headers={"Authorization": f"Bearer {token}"})


def check(context: Context) -> str:
    """Who the token authenticates as."""
    me = context.api.json("GET", "/api/v2/users/me.json")
    return f"authenticated as {dig(me, 'user.name') or dig(me, 'user.email') or 'a user'}"


def _names(page: dict[str, Any], sideload: str) -> dict[Any, str]:
    return {item.get("id"): item.get("name") for item in page.get(sideload) or []}


def row(ticket: dict[str, Any], metrics: dict[str, Any], page: dict[str, Any], zone) -> dict:
    """One ticket as a line of the CSV export."""
    records = {"ticket": ticket, "metrics": metrics}
    line: dict[str, Any] = {}
    for column, (record, path) in COLUMNS.items():
        if record in records:
            line[column] = dig(records[record], path)
        else:
            line[column] = _names(page, record).get(ticket.get(path))
    for column, (record, path) in STAMPS.items():
        line[column] = local_text(parse_utc(dig(records[record], path)), zone)
    # the preset reads the client from Organization, else Requester id (an export without
    # organisations); a ticket without one is its requester's, as in such an export
    line["Organization"] = line["Organization"] or line["Requester id"]
    line["Solved at"] = local_text(parse_utc(metrics.get("solved_at")), zone)
    for column in WORDED:
        word = line[column]
        line[column] = EXPORT_WORDS.get(word, word.capitalize()) if word else word
    return line


def _first_params(context: Context) -> dict[str, Any]:
    if context.cursor:
        return {"cursor": context.cursor}
    start = int(context.since.timestamp()) if context.since else 0
    return {"start_time": start}


def fetch(context: Context) -> Fetched:
    """Every ticket changed since the cursor (or since --since, or ever), deleted ones left out."""
    batch = Batch(PRESET, HEADERS, "Id")
    params = _first_params(context) | {"include": SIDELOADS, "per_page": PER_PAGE}
    cursor = context.cursor
    for _ in range(MAX_PAGES):
        page = context.api.json("GET", ENDPOINT, params=params)
        metrics = {m.get("ticket_id"): m for m in page.get("metric_sets") or []}
        for ticket in page.get("tickets") or []:
            if ticket.get("status") != "deleted":  # a deleted ticket has no export line
                batch.rows.append(
                    row(ticket, metrics.get(ticket.get("id"), {}), page, context.timezone)
                )
        cursor = page.get("after_cursor") or cursor
        if page.get("end_of_stream", True) or not page.get("after_cursor"):
            break
        params = {"cursor": page["after_cursor"], "include": SIDELOADS, "per_page": PER_PAGE}
    return Fetched([batch], cursor)
