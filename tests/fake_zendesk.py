"""A Zendesk account served on 127.0.0.1 the way the incremental ticket export documents it.

GET /api/v2/incremental/tickets/cursor.json: start_time (Unix seconds) or cursor;
include=metric_sets,users,groups,organizations sideloads; after_cursor, after_url,
before_cursor, before_url, end_of_stream. Each ticket change is appended to a log; a
cursor is a position in that log, so a later export returns only later changes."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime

from werkzeug import Request, Response

PATH = "/api/v2/incremental/tickets/cursor.json"


def stamp_seconds(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp())


@dataclass
class ZendeskAccount:
    """Tickets, their metric sets and the users, groups and organisations they name."""

    users: list[dict] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)
    organizations: list[dict] = field(default_factory=list)
    log: list[tuple[dict, dict]] = field(default_factory=list)  # (ticket, metric set)
    page_size: int = 2
    requests: int = 0
    base_url: str = ""

    def change(self, ticket: dict, metrics: dict) -> None:
        self.log.append((ticket, metrics))

    def cursor(self, position: int) -> str:
        return base64.b64encode(f"{position}||".encode()).decode()

    def position(self, request: Request) -> int:
        if "cursor" in request.args:
            return int(base64.b64decode(request.args["cursor"]).decode().split("||")[0])
        start = int(request.args["start_time"])
        return next(
            (i for i, (t, _) in enumerate(self.log) if stamp_seconds(t["updated_at"]) >= start),
            len(self.log),
        )

    def handle(self, request: Request) -> Response:
        self.requests += 1
        start = self.position(request)
        chunk = self.log[start : start + self.page_size]
        end = start + len(chunk)
        body = {
            "tickets": [t for t, _ in chunk],
            "after_cursor": self.cursor(end),
            "after_url": f"{self.base_url}{PATH}?cursor={self.cursor(end)}",
            "before_cursor": self.cursor(start),
            "before_url": f"{self.base_url}{PATH}?cursor={self.cursor(start)}",
            "end_of_stream": end >= len(self.log),
        }
        includes = request.args.get("include", "").split(",")
        if "metric_sets" in includes:
            body["metric_sets"] = [m for _, m in chunk]
        for sideload in ("users", "groups", "organizations"):
            if sideload in includes:
                body[sideload] = getattr(self, sideload)
        return Response(json.dumps(body), content_type="application/json")


def ticket(
    number: int,
    subject: str,
    status: str,
    priority: str,
    created: str,
    updated: str,
    assignee: int | None,
    group: int | None,
    organization: int | None,
    requester: int,
) -> dict:
    """A ticket as the Tickets API documents it (the fields we read, and a few we do not)."""
    return {
        "url": f"https://example.zendesk.com/api/v2/tickets/{number}.json",
        "id": number,
        "external_id": None,
        "via": {"channel": "email", "source": {"from": {}, "to": {}, "rel": None}},
        "created_at": created,
        "updated_at": updated,
        "generated_timestamp": stamp_seconds(updated),
        "type": "incident",
        "subject": subject,
        "raw_subject": subject,
        "description": "Details of the request.",
        "priority": priority,
        "status": status,
        "recipient": None,
        "requester_id": requester,
        "submitter_id": requester,
        "assignee_id": assignee,
        "organization_id": organization,
        "group_id": group,
        "collaborator_ids": [],
        "follower_ids": [],
        "email_cc_ids": [],
        "forum_topic_id": None,
        "problem_id": None,
        "has_incidents": False,
        "is_public": True,
        "due_at": None,
        "tags": [],
        "custom_fields": [],
        "satisfaction_rating": None,
        "sharing_agreement_ids": [],
        "custom_status_id": 1,
        "fields": [],
        "followup_ids": [],
        "ticket_form_id": 1,
        "brand_id": 1,
        "allow_channelback": False,
        "allow_attachments": True,
        "from_messaging_channel": False,
    }


def metric_set(
    number: int,
    reply: tuple[int | None, int | None],
    full: tuple[int | None, int | None],
    reopens: int,
    solved_at: str | None,
) -> dict:
    """A ticket metric set as the Ticket Metrics API documents it."""

    def minutes(pair):
        return {"calendar": pair[0], "business": pair[1]}

    return {
        "url": f"https://example.zendesk.com/api/v2/ticket_metrics/{number + 1000}.json",
        "id": number + 1000,
        "ticket_id": number,
        "created_at": None,
        "updated_at": None,
        "group_stations": 1,
        "assignee_stations": 1,
        "reopens": reopens,
        "replies": 1,
        "assignee_updated_at": None,
        "requester_updated_at": None,
        "status_updated_at": None,
        "initially_assigned_at": None,
        "assigned_at": None,
        "solved_at": solved_at,
        "latest_comment_added_at": None,
        "reply_time_in_minutes": minutes(reply),
        "first_resolution_time_in_minutes": minutes(full),
        "full_resolution_time_in_minutes": minutes(full),
        "agent_wait_time_in_minutes": {"calendar": None, "business": None},
        "requester_wait_time_in_minutes": {"calendar": None, "business": None},
        "on_hold_time_in_minutes": {"calendar": 0, "business": 0},
    }
