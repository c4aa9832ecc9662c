"""Kimai timesheets: GET /api/timesheets?user=all&full=true, paged by X-Total-Pages.

A first sync reads every timesheet (or from --since with `begin`); later ones ask
`modified_after` = when the previous sync started, less EDGE_SECONDS, so an edited or
stopped record comes back and replaces its earlier reading by id. Kimai reads these
HTML5 local times in the API user's time zone (--option timezone=, default the business
calendar's). Authentication: an API token as a bearer (Kimai 2), or with --user the older
X-AUTH-USER / X-AUTH-TOKEN pair. Rows take the columns of Kimai's CSV export (kimai
preset); a running record (no end) is left out until it stops."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from okam_analytics.connectors.base import (
    Batch,
    Connection,
    Context,
    Fetched,
    dig,
    local_text,
    parse_utc,
)
from okam_analytics.connectors.http import Api, SyncError

LABEL = "Kimai"
PRESET = "kimai"
ENDPOINT = "/api/timesheets"
PAGE_SIZE = 500
MAX_PAGES = 10_000
EDGE_SECONDS = 120  # a record saved while the previous sync was reading comes back
HEADERS = [
    "Entry ID",
    "Date",
    "From",
    "To",
    "Duration",
    "User",
    "Customer",
    "Project",
    "Activity",
    "Description",
    "Billable",
]


def client(connection: Connection, token: str) -> Api:
    """Bearer API token, or X-AUTH-USER/X-AUTH-TOKEN when the connection has a user."""
    user = connection.options.get("user")
    if user:
        headers = {"X-AUTH-USER": user, "X-AUTH-TOKEN": token}
    else:
        headers = {"Authorization": f"Bearer {token}"}
    return Api(connection.base_url, LABEL, headers=headers)


def check(context: Context) -> str:
    """Who the token authenticates as."""
    me = context.api.json("GET", "/api/users/me")
    return f"authenticated as {me.get('alias') or me.get('username') or 'a user'}"


def now() -> datetime:
    """The current UTC time, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def api_zone(context: Context) -> ZoneInfo:
    """The zone Kimai reads filter times in: --option timezone, else the calendar's."""
    name = context.option("timezone")
    try:
        return ZoneInfo(name) if name else context.timezone
    except (ZoneInfoNotFoundError, ValueError):
        raise SyncError(f"--option timezone={name} is not a time zone name.") from None


def filters(context: Context) -> dict[str, Any]:
    """modified_after from the cursor, else begin from --since, else none (everything)."""
    zone, params = api_zone(context), {}
    if context.cursor:
        try:
            started = parse_utc(json.loads(context.cursor)["started"])
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            raise SyncError("The stored Kimai cursor is unreadable: sync with --full.") from None
        params["modified_after"] = local_text(
            started - timedelta(seconds=EDGE_SECONDS), zone, "%Y-%m-%dT%H:%M:%S"
        )
    elif context.since:
        params["begin"] = local_text(context.since, zone, "%Y-%m-%dT%H:%M:%S")
    return params


def hms(seconds: int) -> str:
    """Seconds as H:MM:SS."""
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def row(sheet: dict[str, Any], context: Context) -> dict[str, Any]:
    """One timesheet (full=true) as a line of Kimai's CSV export."""
    begin, end = parse_utc(sheet.get("begin")), parse_utc(sheet.get("end"))
    return {
        "Entry ID": sheet.get("id"),
        "Date": local_text(begin, context.timezone, "%Y-%m-%d"),
        "From": local_text(begin, context.timezone, "%H:%M:%S"),
        "To": local_text(end, context.timezone, "%H:%M:%S"),
        "Duration": hms(int(sheet.get("duration") or 0)),
        "User": dig(sheet, "user.alias") or dig(sheet, "user.username"),
        "Customer": dig(sheet, "project.customer.name"),
        "Project": dig(sheet, "project.name"),
        "Activity": dig(sheet, "activity.name"),
        "Description": sheet.get("description"),
        "Billable": "1" if sheet.get("billable", True) else "0",
    }


def fetch(context: Context) -> Fetched:
    """Every user's finished timesheets changed since the cursor (or from --since, or all)."""
    batch = Batch(PRESET, HEADERS, "Entry ID", mapping={"entry_id": "Entry ID"})
    started = now()
    params: dict[str, Any] = {"user": "all", "full": "true", "size": PAGE_SIZE}
    params |= filters(context)
    for page in range(1, MAX_PAGES + 1):
        response = context.api.get(ENDPOINT, params=params | {"page": page})
        sheets = context.api.decode(response)
        if not isinstance(sheets, list):
            raise SyncError("Kimai's timesheets answer is not a JSON list; nothing was loaded.")
        batch.rows += [row(s, context) for s in sheets if s.get("end")]  # running: later
        try:
            pages = int(response.headers.get("X-Total-Pages", "1"))
        except ValueError:
            pages = 1
        if page >= pages or not sheets:
            break
    return Fetched([batch], json.dumps({"started": started.strftime("%Y-%m-%dT%H:%M:%SZ")}))
