"""GLPI: the REST API apirest.php, tickets by ranges, their actors, tasks as time entries.

initSession (App-Token + 'user_token' authorisation) gives a Session-Token; Ticket is read
newest change first (sort=date_mod, order=DESC) in ranges 'range=0-49' whose Content-Range
header ('0-49/200') gives the total, stopping at the first ticket older than the cursor;
each new reading fetches Ticket_User and Group_Ticket (assigned technician and group) and
TicketTask (actiontime, seconds, as time entries); killSession ends the session. Rows take
the columns of GLPI's ticket search export (glpi preset)."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from okam_analytics.connectors.base import (
    Batch,
    Connection,
    Context,
    Fetched,
    Watermark,
    read_secret,
)
from okam_analytics.connectors.http import Api, SyncError

LABEL = "GLPI"
RANGE_SIZE = 50
MAX_RANGES = 10_000
ASSIGNED = 2  # actor type: 1 requester, 2 assigned, 3 observer
STATUS = {1: "Nouveau", 2: "En cours (attribué)", 3: "En cours (planifié)", 4: "En attente",
          5: "Résolu", 6: "Clos"}  # fmt: skip
PRIORITY = {1: "Très basse", 2: "Basse", 3: "Moyenne", 4: "Haute", 5: "Très haute", 6: "Majeure"}
EXPORT_DATE = "%d-%m-%Y %H:%M"
# export column -> ticket field (dates converted, words looked up)
COLUMNS = {"ID": "id", "Titre": "name", "Entité": "entities_id", "Catégorie": "itilcategories_id"}
DATES = {"Date d'ouverture": "date", "Date de résolution": "solvedate",
         "Date de clôture": "closedate", "Dernière modification": "date_mod"}  # fmt: skip
ACTORS = {"Attribué à - Technicien": ("Ticket_User", "users_id"),
          "Attribué à - Groupe de techniciens": ("Group_Ticket", "groups_id")}  # fmt: skip
TICKET_HEADERS = (
    list(COLUMNS) + list(DATES) + ["Statut", "Priorité", "Date de prise en compte"] + list(ACTORS)
)
ENTRY_HEADERS = ["Entry ID", "Date", "Technician", "Client", "Ticket ID", "Hours", "Description"]


def client(connection: Connection, token: str) -> Api:
    """The API with its App-Token; the session is opened in fetch()."""
    app_env = connection.options.get("app_token_env")
    if not app_env:
        raise SyncError("A GLPI connection needs --option app_token_env=VARIABLE (its App-Token).")
    headers = {"App-Token": read_secret(app_env), "Authorization": f"user_token {token}"}
    return Api(connection.base_url, LABEL, headers=headers)


def open_session(api: Api) -> None:
    """initSession; later requests carry the Session-Token instead of the user token."""
    session = api.json("GET", "/initSession", params={"get_full_session": "false"})
    if not isinstance(session, dict) or not session.get("session_token"):
        raise SyncError("GLPI did not open a session (no session_token in its answer).")
    del api.client.headers["Authorization"]
    api.client.headers["Session-Token"] = session["session_token"]


def close_session(api: Api) -> None:
    """killSession (a failure here changes nothing already read)."""
    with contextlib.suppress(SyncError):
        api.request("GET", "/killSession")


def check(context: Context) -> str:
    """Open and close a session."""
    open_session(context.api)
    close_session(context.api)
    return "session opened and closed"


def server_time(text: str | None, server: ZoneInfo, zone: ZoneInfo) -> datetime | None:
    """A GLPI 'YYYY-MM-DD HH:MM:SS' (the server's zone) in the calendar's zone, naive."""
    if not text:
        return None
    moment = datetime.fromisoformat(text).replace(tzinfo=server)
    return moment.astimezone(zone).replace(tzinfo=None)


def total_of(content_range: str | None) -> int | None:
    """The total of a Content-Range header '0-49/200'."""
    if not content_range or "/" not in content_range:
        return None
    return int(content_range.rsplit("/", 1)[1])


def sub_items(api: Api, ticket_id: Any, itemtype: str) -> list[dict[str, Any]]:
    """A ticket's linked items (actors, tasks), dropdowns as names."""
    found = api.json("GET", f"/Ticket/{ticket_id}/{itemtype}", params={"expand_dropdowns": "true"})
    return found if isinstance(found, list) else []


def ticket_row(api: Api, ticket: dict, server: ZoneInfo, zone: ZoneInfo) -> dict[str, Any]:
    """One ticket as a line of the search export, with its assigned technician and group."""
    line: dict[str, Any] = {column: ticket.get(field) for column, field in COLUMNS.items()}
    stamps = {column: server_time(ticket.get(f), server, zone) for column, f in DATES.items()}
    line |= {column: s.strftime(EXPORT_DATE) if s else None for column, s in stamps.items()}
    line["Statut"] = STATUS.get(ticket.get("status"))
    line["Priorité"] = PRIORITY.get(ticket.get("priority"))
    delay = ticket.get("takeintoaccount_delay_stat") or 0
    opened = stamps["Date d'ouverture"]
    taken = opened.timestamp() + delay if opened and delay else None
    line["Date de prise en compte"] = (
        datetime.fromtimestamp(taken).strftime(EXPORT_DATE) if taken else None
    )
    for column, (itemtype, field) in ACTORS.items():
        names = [
            a.get(field)
            for a in sub_items(api, ticket["id"], itemtype)
            if a.get("type") == ASSIGNED
        ]
        line[column] = names[0] if names else None
    return line


def entry_rows(api: Api, ticket: dict, line: dict, server: ZoneInfo, zone: ZoneInfo) -> list:
    """The ticket's tasks with an action time, as time entries."""
    entries = []
    client_name = str(line.get("Entité") or "").rsplit(" > ", 1)[-1] or None
    for task in sub_items(api, ticket["id"], "TicketTask"):
        if not task.get("actiontime"):
            continue
        day = server_time(task.get("begin") or task.get("date"), server, zone)
        entries.append({
            "Entry ID": f"glpi-task-{task.get('id')}",
            "Date": day.strftime("%Y/%m/%d") if day else None,
            "Technician": task.get("users_id_tech"),
            "Client": client_name,
            "Ticket ID": ticket["id"],
            "Hours": round(task["actiontime"] / 3600, 4),
            "Description": task.get("content"),
        })  # fmt: skip
    return entries


def changed_tickets(api: Api, mark: Watermark, since: datetime | None, server: ZoneInfo):
    """Tickets changed after the cursor (or --since), newest change first."""
    floor = datetime.fromisoformat(mark.at) if mark.at else None
    if floor is None and since is not None:
        floor = since.astimezone(server).replace(tzinfo=None)
    params = {"expand_dropdowns": "true", "sort": "date_mod", "order": "DESC"}
    start = 0
    for _ in range(MAX_RANGES):
        params["range"] = f"{start}-{start + RANGE_SIZE - 1}"
        response = api.request("GET", "/Ticket", params=params)
        page = api.decode(response)
        for ticket in page if isinstance(page, list) else []:
            if floor and datetime.fromisoformat(ticket["date_mod"]) < floor:
                return
            yield ticket
        total = total_of(response.headers.get("Content-Range"))
        start += RANGE_SIZE
        if not page or total is None or start >= total:
            return


def fetch(context: Context) -> Fetched:
    """Tickets changed since the cursor, their actors, and their tasks as time entries."""
    api, zone = context.api, context.timezone
    server = ZoneInfo(context.option("timezone") or str(zone))
    mark = Watermark.load(context.cursor, edge_seconds=1)
    tickets = Batch("glpi", TICKET_HEADERS, "ID")
    entries = Batch(
        "generic_timesheets", ENTRY_HEADERS, "Entry ID", mapping={"entry_id": "Entry ID"}
    )
    open_session(api)
    try:
        for ticket in list(changed_tickets(api, mark, context.since, server)):
            if not mark.is_new(ticket["id"], ticket.get("date_mod")):
                continue
            line = ticket_row(api, ticket, server, zone)
            tickets.rows.append(line)
            entries.rows += entry_rows(api, ticket, line, server, zone)
            mark.note(ticket["id"], ticket.get("date_mod"))
    finally:
        close_session(api)
    return Fetched([tickets, entries], mark.dump() or context.cursor)
