"""Toggl Track sync against a local server shaped like Reports API v3 and API v9."""

from __future__ import annotations

import base64
import json
from datetime import date

import pytest
from connector_support import TOKEN, next_second, query, run, token_nowhere
from werkzeug import Request, Response

from okam_analytics.connectors import http, toggl

WORKSPACE = "4012345"
SEARCH = f"/reports/api/v3/workspace/{WORKSPACE}/search/time_entries"
PROJECTS = f"/api/v9/workspaces/{WORKSPACE}/projects"
CLIENTS = f"/api/v9/workspaces/{WORKSPACE}/clients"
HOURS_BY_PERSON = "select consultant, sum(hours) from time_entries group by 1 order by 1"
# The same finished entries as Reports > Detailed > Export CSV writes them (classic layout).
EXPORT_CSV = """\
\ufeffUser,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,\
End time,Duration,Tags,Amount (EUR)
Alice Martin,alice@example.com,Acme,Managed services,,Printer driver,Yes,2026-11-02,09:00:00,\
2026-11-02,10:30:00,01:30:00,,150.00
Bruno Petit,bruno@example.com,Globex,Support desk,,VPN,Yes,2026-11-02,14:00:00,2026-11-02,\
16:15:00,02:15:00,,225.00
Alice Martin,alice@example.com,Acme,Internal,,Daily call,No,2026-11-03,09:15:00,2026-11-03,\
09:30:00,00:15:00,,0.00
"""
PROJECT_LIST = [  # as GET /api/v9/workspaces/{id}/projects lists them
    {"id": 201, "workspace_id": 4012345, "client_id": 301, "name": "Managed services",
     "is_private": False, "active": True, "at": "2026-01-05T10:00:00+00:00",
     "created_at": "2026-01-05T10:00:00+00:00", "color": "#06aaf5", "billable": True,
     "template": False, "currency": "EUR", "wid": 4012345, "cid": 301},
    {"id": 202, "workspace_id": 4012345, "client_id": 302, "name": "Support desk",
     "is_private": False, "active": True, "at": "2026-01-05T10:00:00+00:00",
     "created_at": "2026-01-05T10:00:00+00:00", "color": "#c56bff", "billable": True,
     "template": False, "currency": "EUR", "wid": 4012345, "cid": 302},
    {"id": 203, "workspace_id": 4012345, "client_id": 301, "name": "Internal",
     "is_private": True, "active": True, "at": "2026-01-05T10:00:00+00:00",
     "created_at": "2026-01-05T10:00:00+00:00", "color": "#e36a00", "billable": False,
     "template": False, "currency": "EUR", "wid": 4012345, "cid": 301},
]  # fmt: skip
CLIENT_LIST = [
    {"id": 301, "wid": 4012345, "archived": False, "name": "Acme", "at": "2026-01-05T10:00:00+00:00"},
    {"id": 302, "wid": 4012345, "archived": False, "name": "Globex", "at": "2026-01-05T10:00:00+00:00"},
]  # fmt: skip


def entry(number, person, project, text, billable, start, stop, seconds):
    """One report row of the v3 detailed search (ungrouped: one time entry each)."""
    return {
        "user_id": 9001 if person.startswith("Alice") else 9002,
        "username": person,
        "project_id": project,
        "task_id": None,
        "billable": billable,
        "description": text,
        "tag_ids": [],
        "billable_amount_in_cents": None,
        "hourly_rate_in_cents": None,
        "currency": "EUR",
        "time_entries": [{"id": number, "seconds": seconds, "start": start, "stop": stop,
                          "at": start, "at_tz": start}],
        "row_number": 0,
    }  # fmt: skip


class TogglWorkspace:
    """The v3 search paged by first_row_number with X-Next-* headers; v9 projects, clients."""

    def __init__(self) -> None:
        self.rows, self.requests, self.bodies = {}, 0, []

    def put(self, item: dict) -> None:
        self.rows[item["time_entries"][0]["id"]] = item

    def refused(self, request: Request) -> Response | None:
        self.requests += 1
        expected = "Basic " + base64.b64encode(f"{TOKEN}:api_token".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return Response("Incorrect username and/or password", status=403)
        return None

    def search(self, request: Request) -> Response:
        if refusal := self.refused(request):
            return refusal
        asked = json.loads(request.data)
        self.bodies.append(asked)
        start, end = date.fromisoformat(asked["start_date"]), date.fromisoformat(asked["end_date"])
        chosen = [
            r for r in sorted(self.rows.values(), key=lambda r: r["time_entries"][0]["start"])
            if start <= date.fromisoformat(r["time_entries"][0]["start"][:10]) <= end
        ]  # fmt: skip
        first, size = asked.get("first_row_number", 1), asked["page_size"]
        part = [dict(r, row_number=first + i) for i, r in enumerate(chosen[first - 1 :][:size])]
        headers = {}
        if first - 1 + size < len(chosen):
            headers = {"X-Next-Row-Number": str(first + size),
                       "X-Next-ID": str(chosen[first - 1 + size]["time_entries"][0]["id"])}  # fmt: skip
        return Response(json.dumps(part), headers=headers, content_type="application/json")

    def projects(self, request: Request) -> Response:
        if refusal := self.refused(request):
            return refusal
        page, size = int(request.args["page"]), int(request.args["per_page"])
        part = PROJECT_LIST[(page - 1) * size : page * size]
        return Response(json.dumps(part), content_type="application/json")

    def clients(self, request: Request) -> Response:
        return self.refused(request) or Response(json.dumps(CLIENT_LIST),
                                                 content_type="application/json")  # fmt: skip


@pytest.fixture
def workspace(httpserver, monkeypatch):
    monkeypatch.setattr(toggl, "PAGE_SIZE", 2)
    monkeypatch.setattr(toggl, "PER_PAGE", 2)
    monkeypatch.setattr(toggl, "today", lambda: date(2026, 11, 4))
    monkeypatch.setattr(toggl, "HISTORY_START", date(2025, 6, 1))
    fake = TogglWorkspace()
    fake.put(
        entry(
            7001,
            "Alice Martin",
            201,
            "Printer driver",
            True,
            "2026-11-02T08:00:00+00:00",
            "2026-11-02T09:30:00+00:00",
            5400,
        )
    )
    fake.put(
        entry(
            7002,
            "Bruno Petit",
            202,
            "VPN",
            True,
            "2026-11-02T13:00:00+00:00",
            "2026-11-02T15:15:00+00:00",
            8100,
        )
    )
    fake.put(
        entry(
            7003,
            "Alice Martin",
            203,
            "Daily call",
            False,
            "2026-11-03T08:15:00+00:00",
            "2026-11-03T08:30:00+00:00",
            900,
        )
    )
    fake.put(
        entry(
            7004,
            "Bruno Petit",
            202,
            "Still running",
            True,
            "2026-11-04T09:00:00+00:00",
            None,
            -1793782800,
        )
    )
    # fmt: skip
    httpserver.expect_request(SEARCH, method="POST").respond_with_handler(fake.search)
    httpserver.expect_request(PROJECTS).respond_with_handler(fake.projects)
    httpserver.expect_request(CLIENTS).respond_with_handler(fake.clients)
    return fake


@pytest.fixture
def connected(tmp_path, httpserver, monkeypatch, capsys):
    monkeypatch.setenv("TOGGL_TOKEN", TOKEN)
    monkeypatch.setattr(http, "BACKOFF_SECONDS", 0.01)
    path = tmp_path / "okam.duckdb"
    code, _, err = run(
        capsys, "connections", "add", "track", "--type", "toggl",
        "--base-url", httpserver.url_for("/"), "--account-id", WORKSPACE,
        "--secret-env", "TOGGL_TOKEN", "--db", str(path),
    )  # fmt: skip
    assert code == 0, err
    return path


def test_sync_gives_the_hours_per_person_of_the_csv_export(workspace, connected, tmp_path, capsys):
    code, out, err = run(capsys, "sync", "--db", str(connected))
    # projects on 2 pages + clients + 2025-06-01..2026-05-31 (1 page) + 2026-06-01..11-04
    # (4 rows: 2 pages)
    assert (code, out[0]["status"], out[0]["rows_loaded"], workspace.requests) == (
        0,
        "loaded",
        3,
        6,
    )
    assert [(b["start_date"], b["end_date"]) for b in workspace.bodies] == [
        ("2025-06-01", "2026-05-31"), ("2026-06-01", "2026-11-04"), ("2026-06-01", "2026-11-04")
    ]  # fmt: skip
    assert workspace.bodies[2]["first_row_number"] == 3
    exported = tmp_path / "toggl.csv"
    exported.write_text(EXPORT_CSV, encoding="utf-8")
    other = tmp_path / "export.duckdb"
    assert run(capsys, "import", str(exported), "--preset", "toggl", "--db", str(other))[0] == 0
    expected = [("Alice Martin", 1.75), ("Bruno Petit", 2.25)]  # the running entry is left out
    assert query(connected, HOURS_BY_PERSON) == query(other, HOURS_BY_PERSON) == expected
    same = "select work_date, started_at, consultant, client, project, hours, is_billable,"
    same += " description from time_entries order by all"
    assert query(connected, same) == query(other, same)


def test_second_sync_rereads_the_look_back_days_without_duplicates(
    workspace, connected, monkeypatch, capsys
):
    run(capsys, "sync", "--db", str(connected))
    workspace.requests, workspace.bodies = 0, []
    monkeypatch.setattr(toggl, "today", lambda: date(2026, 11, 6))
    workspace.put(
        entry(
            7002,
            "Bruno Petit",
            202,
            "VPN",
            True,
            "2026-11-02T13:00:00+00:00",
            "2026-11-02T16:00:00+00:00",
            10800,
        )
    )
    workspace.put(
        entry(
            7004,
            "Bruno Petit",
            202,
            "Finished",
            True,
            "2026-11-04T09:00:00+00:00",
            "2026-11-04T09:30:00+00:00",
            1800,
        )
    )
    # fmt: skip
    next_second()
    code, out, _ = run(capsys, "sync", "track", "--db", str(connected))
    assert (code, out[0]["status"]) == (0, "loaded")
    assert (workspace.bodies[0]["start_date"], workspace.bodies[0]["end_date"]) == (
        "2026-10-21", "2026-11-06"
    )  # fmt: skip
    assert query(connected, HOURS_BY_PERSON) == [("Alice Martin", 1.75), ("Bruno Petit", 3.5)]
    assert query(connected, "select count(*) from time_entries") == [(4,)]


def test_wrong_token_fails_and_token_is_nowhere(workspace, connected, monkeypatch, capsys):
    monkeypatch.setenv("TOGGL_TOKEN", TOKEN + "-wrong")
    code, out, err = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"], out[0]["rows_loaded"]) == (1, "failed", 0)
    assert out[0]["errors"][0].startswith("Toggl Track refused the credentials (HTTP 403")
    assert query(connected, "select count(*) from time_entries") == [(0,)]
    token_nowhere(connected, json.dumps(out), err)


def test_a_server_error_on_the_report_is_retried(
    workspace, connected, httpserver, monkeypatch, capsys
):
    failures = iter([Response("Bad Gateway", status=502)])
    httpserver.clear()
    httpserver.expect_request(SEARCH, method="POST").respond_with_handler(
        lambda request: next(failures, None) or workspace.search(request)
    )
    httpserver.expect_request(PROJECTS).respond_with_handler(workspace.projects)
    httpserver.expect_request(CLIENTS).respond_with_handler(workspace.clients)
    code, out, _ = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"], out[0]["rows_loaded"], out[0]["requests"]) == (
        0, "loaded", 3, 7
    )  # fmt: skip


def test_a_reread_with_nothing_changed_loads_nothing_new(workspace, connected, capsys):
    run(capsys, "sync", "--db", str(connected))
    code, out, _ = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"], out[0]["rows_loaded"]) == (0, "unchanged", 0)
    assert query(connected, "select count(*) from imports") == [(1,)]


def test_an_archived_project_left_out_of_the_lists_is_read_by_id(
    workspace, connected, httpserver, capsys
):
    old = {"id": 204, "workspace_id": 4012345, "client_id": 303, "name": "Old migration",
           "is_private": False, "active": False, "at": "2025-02-01T10:00:00+00:00",
           "created_at": "2024-02-01T10:00:00+00:00", "color": "#06aaf5", "billable": True,
           "template": False, "currency": "EUR", "wid": 4012345, "cid": 303}  # fmt: skip
    initech = {"id": 303, "wid": 4012345, "archived": True, "name": "Initech",
               "at": "2025-02-01T10:00:00+00:00"}  # fmt: skip
    httpserver.expect_request(f"{PROJECTS}/204").respond_with_json(old)
    httpserver.expect_request(f"{CLIENTS}/303").respond_with_json(initech)
    workspace.put(
        entry(
            7005,
            "Alice Martin",
            204,
            "Cut-over",
            True,
            "2025-07-01T08:00:00+00:00",
            "2025-07-01T12:00:00+00:00",
            14400,
        )
    )
    # fmt: skip
    code, out, _ = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["rows_loaded"]) == (0, 4)
    assert query(connected, "select client, project, hours from time_entries where "
                 "description = 'Cut-over'") == [("Initech", "Old migration", 4.0)]  # fmt: skip


def test_connection_test_names_the_user(workspace, connected, httpserver, capsys):
    me = {"id": 9001, "api_token": "hidden", "email": "alice@example.com",
          "fullname": "Alice Martin", "timezone": "Europe/Paris",
          "default_workspace_id": 4012345}  # fmt: skip
    httpserver.expect_request("/api/v9/me").respond_with_json(me)
    code, out, _ = run(capsys, "connections", "test", "track", "--db", str(connected))
    assert (code, out[0]["ok"], out[0]["message"]) == (0, True, "authenticated as Alice Martin")
