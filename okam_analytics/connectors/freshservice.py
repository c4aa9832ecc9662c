"""Freshservice API v2: tickets updated since the cursor, with their stats.

GET /api/v2/tickets?updated_since=ISO&include=stats&per_page=100, pages by the Link header
(rel="next"); agents, groups and departments are read once per sync to name them. Basic auth
with the API key as user and 'X' as password. Rows take the columns of Freshservice's ticket
export (freshservice preset)."""

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
    local_text,
    parse_utc,
)
from okam_analytics.connectors.http import Api

LABEL = "Freshservice"
TICKETS = "/api/v2/tickets"
PER_PAGE = 100
MAX_PAGES = 10_000
FIRST_SYNC = "1970-01-01T00:00:00Z"  # without updated_since the API returns 30 days only
STATUS = {2: "Open", 3: "Pending", 4: "Resolved", 5: "Closed"}
PRIORITY = {1: "Low", 2: "Medium", 3: "High", 4: "Urgent"}
COLUMNS = {"Ticket Id": "id", "Subject": "subject", "Category": "category", "Type": "type"}
STAMPS = {"Created Date": "created_at", "Resolved Date": "stats.resolved_at",
          "Closed Date": "stats.closed_at", "First Responded Date": "stats.first_responded_at"}  # fmt: skip
HOURS = {"First Response Time (in hrs)": "stats.first_resp_time_in_secs",
         "Resolution Time (in Hrs)": "stats.resolution_time_in_secs"}  # fmt: skip
NAMED = {"Agent": ("agents", "responder_id"), "Group": ("groups", "group_id"),
         "Department": ("departments", "department_id")}  # fmt: skip
HEADERS = list(COLUMNS) + ["Status", "Priority"] + list(STAMPS) + list(HOURS) + list(NAMED)


def client(connection: Connection, token: str) -> Api:
    """The API key as basic-auth user, 'X' as password (Freshservice's documented form)."""
    return Api(connection.base_url, LABEL, auth=(token, "X"))


def check(context: Context) -> str:
    """Who the key belongs to."""
    me = context.api.json("GET", "/api/v2/agents/me")
    name = " ".join(filter(None, [dig(me, "agent.first_name"), dig(me, "agent.last_name")]))
    return f"authenticated as {name or 'an agent'}"


def pages(api: Api, path: str, params: dict[str, Any], key: str):
    """The records of every page of a list, following Link rel="next"."""
    url: str | None = path
    for _ in range(MAX_PAGES):
        response = api.request("GET", url, params=params)
        yield from api.decode(response).get(key) or []
        url = response.links.get("next", {}).get("url")
        params = None
        if not url:
            return


def names(api: Api, resource: str) -> dict[Any, str]:
    """id -> name of agents (first and last name), groups or departments."""
    found = {}
    for item in pages(api, f"/api/v2/{resource}", {"per_page": PER_PAGE}, resource):
        name = item.get("name") or " ".join(
            filter(None, [item.get("first_name"), item.get("last_name")])
        )
        found[item.get("id")] = name
    return found


def row(ticket: dict[str, Any], directory: dict[str, dict], zone) -> dict[str, Any]:
    """One ticket as a line of the ticket export."""
    line = {column: dig(ticket, path) for column, path in COLUMNS.items()}
    line["Status"] = STATUS.get(ticket.get("status"), ticket.get("status"))
    line["Priority"] = PRIORITY.get(ticket.get("priority"), ticket.get("priority"))
    for column, path in STAMPS.items():
        line[column] = local_text(parse_utc(dig(ticket, path)), zone)
    for column, path in HOURS.items():
        seconds = dig(ticket, path)
        line[column] = round(seconds / 3600, 4) if seconds is not None else None
    for column, (resource, field) in NAMED.items():
        line[column] = directory[resource].get(ticket.get(field))
    return line


def fetch(context: Context) -> Fetched:
    """Tickets updated since the cursor (deleted and spam ones left out)."""
    api = context.api
    mark = Watermark.load(context.cursor, edge_seconds=1)
    start = mark.at or (iso_utc(context.since) if context.since else FIRST_SYNC)
    batch = Batch("freshservice", HEADERS, "Ticket Id")
    params = {"updated_since": start, "include": "stats", "per_page": PER_PAGE, "order_type": "asc"}
    directory: dict[str, dict] | None = None
    for ticket in pages(api, TICKETS, params, "tickets"):
        if ticket.get("deleted") or ticket.get("spam"):
            continue
        if not mark.is_new(ticket.get("id"), ticket.get("updated_at")):
            continue
        if directory is None:  # only a sync with something new reads the names
            directory = {resource: names(api, resource) for resource, _ in NAMED.values()}
        batch.rows.append(row(ticket, directory, context.timezone))
        mark.note(ticket.get("id"), ticket.get("updated_at"))
    return Fetched([batch], mark.dump() or context.cursor)
