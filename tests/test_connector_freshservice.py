"""Freshservice sync against a local server shaped like API v2 tickets (Link header pages)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from connector_support import TOKEN, query, run, token_nowhere
from werkzeug import Request, Response

TICKETS = "/api/v2/tickets"


def seconds(start: str, end: str) -> int:
    """Seconds between two UTC stamps of the API."""
    return int((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds())


def fs_ticket(number, subject, status, priority, created, updated, responder, group, department,
              first_response=None, resolved=None, deleted=False):  # fmt: skip
    """A ticket of GET /api/v2/tickets?include=stats as Freshservice documents it."""
    return {
        "subject": subject, "group_id": group, "department_id": department,
        "category": "Hardware", "sub_category": None, "item_category": None,
        "requester_id": 1000, "responder_id": responder, "due_by": updated,
        "fr_escalated": False, "deleted": deleted, "spam": False, "email_config_id": None,
        "fwd_emails": [], "reply_cc_emails": [], "cc_emails": [], "is_escalated": False,
        "fr_due_by": updated, "id": number, "priority": priority, "status": status, "source": 2,
        "created_at": created, "updated_at": updated, "requested_for_id": 1000,
        "to_emails": None, "type": "Incident", "description": "<div>Details</div>",
        "description_text": "Details", "custom_fields": {}, "tags": [], "attachments": [],
        "workspace_id": 2,
        "stats": {
            "created_at": created, "updated_at": updated, "ticket_id": number, "opened_at": None,
            "group_escalated": False, "inbound_count": 1, "status_updated_at": updated,
            "outbound_count": 1, "pending_since": None, "resolved_at": resolved,
            "closed_at": None, "first_assigned_at": created, "assigned_at": created,
            "agent_responded_at": first_response, "requester_responded_at": None,
            "first_responded_at": first_response,
            "first_resp_time_in_secs": seconds(created, first_response) if first_response else None,
            "resolution_time_in_secs": seconds(created, resolved) if resolved else None,
        },
    }  # fmt: skip


class Helpdesk:
    def __init__(self, base_url):
        self.base_url, self.tickets, self.requests, self.since = base_url, {}, 0, []

    def listing(self, request: Request, key: str, items: list) -> Response:
        self.requests += 1
        if request.authorization is None or request.authorization.username != TOKEN:
            return Response(json.dumps({"code": "access_denied", "message": "You are not authorized"}),
                            status=401, content_type="application/json")  # fmt: skip
        page, size = int(request.args.get("page", 1)), min(int(request.args.get("per_page", 30)), 2)
        part = items[(page - 1) * size : page * size]
        headers = {}
        if page * size < len(items):
            query = dict(request.args) | {"page": str(page + 1)}
            link = f"{self.base_url}{request.path}?" + "&".join(
                f"{k}={v}" for k, v in query.items()
            )
            headers["Link"] = f'<{link}>; rel="next"'
        return Response(json.dumps({key: part}), headers=headers, content_type="application/json")

    def tickets_handler(self, request: Request) -> Response:
        since = request.args["updated_since"]
        self.since.append(since)
        assert request.args["include"] == "stats"
        chosen = sorted((t for t in self.tickets.values() if t["updated_at"] >= since),
                        key=lambda t: t["updated_at"])  # fmt: skip
        return self.listing(request, "tickets", chosen)


@pytest.fixture
def helpdesk(httpserver):
    desk = Helpdesk(httpserver.url_for("").rstrip("/"))
    desk.tickets[1] = fs_ticket(1, "Printer offline", 4, 2, "2026-11-02T08:00:00Z",
                                "2026-11-02T10:00:00Z", 11, 21, 31, "2026-11-02T08:30:00Z",
                                "2026-11-02T10:00:00Z")  # fmt: skip
    desk.tickets[2] = fs_ticket(2, "VPN down", 2, 4, "2026-11-03T13:00:00Z",
                                "2026-11-03T13:10:00Z", 12, 22, 32)  # fmt: skip
    desk.tickets[3] = fs_ticket(3, "Test ticket", 2, 1, "2026-11-03T14:00:00Z",
                                "2026-11-03T14:00:00Z", None, None, None, deleted=True)  # fmt: skip
    agents = [{"id": 11, "first_name": "Alice", "last_name": "Martin", "active": True},
              {"id": 12, "first_name": "Bruno", "last_name": "Petit", "active": True}]  # fmt: skip
    groups = [{"id": 21, "name": "Service Desk"}, {"id": 22, "name": "Network"}]
    departments = [{"id": 31, "name": "Acme"}, {"id": 32, "name": "Globex"}]
    httpserver.expect_request(TICKETS).respond_with_handler(desk.tickets_handler)
    for key, items in (("agents", agents), ("groups", groups), ("departments", departments)):
        httpserver.expect_request(f"/api/v2/{key}").respond_with_handler(
            lambda request, key=key, items=items: desk.listing(request, key, items)
        )
    return desk


@pytest.fixture
def connected(tmp_path, httpserver, monkeypatch, capsys):
    monkeypatch.setenv("FRESHSERVICE_KEY", TOKEN)
    path = tmp_path / "okam.duckdb"
    code, _, err = run(capsys, "connections", "add", "fs", "--type", "freshservice", "--base-url",
                       httpserver.url_for("/"), "--secret-env", "FRESHSERVICE_KEY", "--db", str(path))  # fmt: skip
    assert code == 0, err
    return path


def test_sync_loads_tickets_with_names_and_stats(helpdesk, connected, capsys):
    code, out, err = run(capsys, "sync", "--db", str(connected))
    assert (code, err, out[0]["status"], out[0]["rows_loaded"]) == (0, "", "loaded", 2)
    # tickets: 2 pages (the deleted one is on the second, its link keeps the filter);
    # agents, groups, departments: 1 page each
    assert (helpdesk.requests, helpdesk.since) == (5, ["1970-01-01T00:00:00Z"] * 2)
    assert query(
        connected,
        "select ticket_id, client, title, status, priority, assignee, team, created_at,"
        " first_response_at, resolved_at, source_resolution_minutes from tickets order by 1",
    ) == [
        ("1", "Acme", "Printer offline", "resolved", "P3", "Alice Martin", "Service Desk",
         datetime(2026, 11, 2, 9), datetime(2026, 11, 2, 9, 30), datetime(2026, 11, 2, 11), 120),
        ("2", "Globex", "VPN down", "open", "P1", "Bruno Petit", "Network",
         datetime(2026, 11, 3, 14), None, None, None),
    ]  # fmt: skip


def test_later_syncs_read_from_the_cursor(helpdesk, connected, capsys):
    run(capsys, "sync", "--db", str(connected))
    helpdesk.requests, helpdesk.since = 0, []
    helpdesk.tickets[2] = fs_ticket(2, "VPN down", 5, 4, "2026-11-03T13:00:00Z",
                                    "2026-11-04T09:00:00Z", 12, 22, 32, "2026-11-03T13:20:00Z",
                                    "2026-11-04T09:00:00Z")  # fmt: skip
    code, out, _ = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["rows_loaded"], helpdesk.since) == (0, 1, ["2026-11-03T13:10:00Z"])
    assert query(connected, "select ticket_id, status from tickets order by 1") == [
        ("1", "resolved"), ("2", "closed"),
    ]  # fmt: skip
    code, out, _ = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"]) == (0, "unchanged")


def test_wrong_key_fails_without_leaking(helpdesk, connected, monkeypatch, capsys):
    monkeypatch.setenv("FRESHSERVICE_KEY", "not-the-key")
    code, out, err = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"], out[0]["errors"]) == (1, "failed", [
        "Freshservice refused the credentials (HTTP 401 on /api/v2/tickets): check the token and"
        " its permissions; nothing was loaded."
    ])  # fmt: skip
    token_nowhere(connected, json.dumps(out), err)


def test_rate_limit_is_waited_out(helpdesk, connected, httpserver, capsys):
    limited = iter([Response("", status=429, headers={"Retry-After": "1"})])
    httpserver.clear()
    httpserver.expect_request(TICKETS).respond_with_handler(
        lambda request: next(limited, None) or helpdesk.tickets_handler(request)
    )
    for key in ("agents", "groups", "departments"):
        httpserver.expect_request(f"/api/v2/{key}").respond_with_handler(
            lambda request, key=key: helpdesk.listing(request, key, [])
        )
    code, out, _ = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"], out[0]["rows_loaded"]) == (0, "loaded", 2)
