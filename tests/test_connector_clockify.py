"""Clockify sync against a local server shaped like the Reports API detailed report."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from connector_support import TOKEN, next_second, query, run, token_nowhere
from werkzeug import Request, Response

from okam_analytics.connectors import clockify, http

WORKSPACE = "5e86c8b1a2f4b31d6a3f0c11"
PATH = f"/v1/workspaces/{WORKSPACE}/reports/detailed"
HOURS_BY_PERSON = "select consultant, sum(hours) from time_entries group by 1 order by 1"
# The same finished entries as Reports > Detailed > Export CSV writes them (US dates, 12 h).
EXPORT_CSV = """\
Project,Client,Description,Task,User,Group,Email,Tags,Billable,Start Date,Start Time,\
End Date,End Time,Duration (h),Duration (decimal),Billable Rate (EUR),Billable Amount (EUR)
Managed services,Acme,Printer driver,Support,Alice Martin,,alice@example.com,,Yes,\
11/02/2026,09:00 AM,11/02/2026,10:30 AM,01:30:00,1.50,100.00,150.00
Managed services,Globex,VPN,Support,Bruno Petit,,bruno@example.com,,Yes,\
11/02/2026,02:00 PM,11/02/2026,04:15 PM,02:15:00,2.25,100.00,225.00
Internal,Acme,Daily call,Meeting,Alice Martin,,alice@example.com,,No,\
11/03/2026,09:15 AM,11/03/2026,09:30 AM,00:15:00,0.25,0.00,0.00
"""


def entry(key, start, end, seconds, person, client, project, task, text, billable=True):
    """A time entry of the detailed report as Clockify's Reports API documents it."""
    return {
        "_id": key,
        "description": text,
        "userId": "5e86c8b1a2f4b31d6a3f0" + person[:3].lower(),
        "billable": billable,
        "taskId": "64b1" + task[:3].lower(),
        "projectId": "64a0" + project[:3].lower(),
        "timeInterval": {"start": start, "end": end, "duration": seconds},
        "taskName": task,
        "tags": [],
        "isLocked": False,
        "approvalRequestId": None,
        "customFields": [],
        "type": "REGULAR",
        "userName": person,
        "userEmail": person.split()[0].lower() + "@example.com",
        "projectName": project,
        "projectColor": "#03A9F4",
        "clientName": client,
        "clientId": "64c0" + client[:3].lower(),
        "rate": 10000 if billable else 0,
        "amount": (seconds or 0) * 10000 // 3600 if billable else 0,
    }


class ClockifyWorkspace:
    """The detailed report: entries started in [dateRangeStart, dateRangeEnd], paged."""

    def __init__(self) -> None:
        self.entries, self.requests, self.bodies = {}, 0, []

    def put(self, item: dict) -> None:
        self.entries[item["_id"]] = item

    def handle(self, request: Request) -> Response:
        self.requests += 1
        if request.method != "POST" or request.headers.get("X-Api-Key") != TOKEN:
            body = {"message": "Full authentication is required to access this resource",
                    "code": 1000}  # fmt: skip
            return Response(json.dumps(body), status=401, content_type="application/json")
        asked = json.loads(request.data)
        self.bodies.append(asked)
        start = datetime.fromisoformat(asked["dateRangeStart"])
        end = datetime.fromisoformat(asked["dateRangeEnd"])
        chosen = [
            e for e in sorted(self.entries.values(), key=lambda e: e["timeInterval"]["start"],
                              reverse=True)
            if start <= datetime.fromisoformat(e["timeInterval"]["start"]) <= end
        ]  # fmt: skip
        page, size = asked["detailedFilter"]["page"], asked["detailedFilter"]["pageSize"]
        part = chosen[(page - 1) * size : page * size]
        totals = [{"_id": "", "totalTime": sum(e["timeInterval"]["duration"] or 0 for e in chosen),
                   "entriesCount": len(chosen), "totalAmount": 0}] if chosen else []  # fmt: skip
        return Response(json.dumps({"totals": totals, "timeentries": part}),
                        content_type="application/json")  # fmt: skip


@pytest.fixture
def workspace(httpserver, monkeypatch):
    monkeypatch.setattr(clockify, "PAGE_SIZE", 2)
    monkeypatch.setattr(clockify, "now", lambda: datetime(2026, 11, 4, 12, tzinfo=UTC))
    monkeypatch.setattr(clockify, "HISTORY_START", datetime(2026, 9, 1, tzinfo=UTC))
    fake = ClockifyWorkspace()
    fake.put(
        entry(
            "a1",
            "2026-11-02T09:00:00+01:00",
            "2026-11-02T10:30:00+01:00",
            5400,
            "Alice Martin",
            "Acme",
            "Managed services",
            "Support",
            "Printer driver",
        )
    )
    fake.put(
        entry(
            "b1",
            "2026-11-02T14:00:00+01:00",
            "2026-11-02T16:15:00+01:00",
            8100,
            "Bruno Petit",
            "Globex",
            "Managed services",
            "Support",
            "VPN",
        )
    )
    fake.put(
        entry(
            "a2",
            "2026-11-03T09:15:00+01:00",
            "2026-11-03T09:30:00+01:00",
            900,
            "Alice Martin",
            "Acme",
            "Internal",
            "Meeting",
            "Daily call",
            False,
        )
    )
    fake.put(
        entry(
            "b2",
            "2026-11-04T10:00:00+01:00",
            None,
            None,
            "Bruno Petit",
            "Globex",
            "Managed services",
            "Support",
            "Still running",
        )
    )
    # fmt: skip
    httpserver.expect_request(PATH).respond_with_handler(fake.handle)
    return fake


@pytest.fixture
def connected(tmp_path, httpserver, monkeypatch, capsys):
    monkeypatch.setenv("CLOCKIFY_TOKEN", TOKEN)
    monkeypatch.setattr(http, "BACKOFF_SECONDS", 0.01)
    path = tmp_path / "okam.duckdb"
    code, _, err = run(
        capsys, "connections", "add", "clock", "--type", "clockify",
        "--base-url", httpserver.url_for("/"), "--account-id", WORKSPACE,
        "--secret-env", "CLOCKIFY_TOKEN", "--db", str(path),
    )  # fmt: skip
    assert code == 0, err
    return path


def test_sync_gives_the_hours_per_person_of_the_csv_export(workspace, connected, tmp_path, capsys):
    code, out, err = run(capsys, "sync", "--db", str(connected))
    # 2026-09-01 to 2026-11-04 12:00 in 31-day windows: 3 windows; the last has 4 entries
    # (2 full pages and an empty one), the first two one empty page each
    assert (code, out[0]["status"], out[0]["rows_loaded"], workspace.requests) == (
        0,
        "loaded",
        3,
        5,
    )
    assert [b["dateRangeStart"] for b in workspace.bodies[:3]] == [
        "2026-09-01T00:00:00.000Z", "2026-10-02T00:00:00.000Z", "2026-11-02T00:00:00.000Z"
    ]  # fmt: skip
    exported = tmp_path / "clockify.csv"
    exported.write_text(EXPORT_CSV, encoding="utf-8")
    other = tmp_path / "export.duckdb"
    assert run(capsys, "import", str(exported), "--preset", "clockify", "--db", str(other))[0] == 0
    expected = [("Alice Martin", 1.75), ("Bruno Petit", 2.25)]  # the running entry is left out
    assert query(connected, HOURS_BY_PERSON) == query(other, HOURS_BY_PERSON) == expected
    same = "select work_date, started_at, consultant, client, project, task, hours, is_billable,"
    same += " description from time_entries order by all"
    assert query(connected, same) == query(other, same)


def test_second_sync_rereads_the_look_back_days_without_duplicates(
    workspace, connected, monkeypatch, capsys
):
    run(capsys, "sync", "--db", str(connected))
    workspace.requests, workspace.bodies = 0, []
    monkeypatch.setattr(clockify, "now", lambda: datetime(2026, 11, 6, 12, tzinfo=UTC))
    workspace.put(
        entry(
            "b1",
            "2026-11-02T14:00:00+01:00",
            "2026-11-02T17:00:00+01:00",
            10800,
            "Bruno Petit",
            "Globex",
            "Managed services",
            "Support",
            "VPN",
        )
    )
    workspace.put(
        entry(
            "b2",
            "2026-11-04T10:00:00+01:00",
            "2026-11-04T10:30:00+01:00",
            1800,
            "Bruno Petit",
            "Globex",
            "Managed services",
            "Support",
            "Finished",
        )
    )
    # fmt: skip
    next_second()
    code, out, _ = run(capsys, "sync", "clock", "--db", str(connected))
    assert (code, out[0]["status"]) == (0, "loaded")
    # from the last read (11-04 12:00) less 14 days: one window, 4 entries on 3 pages
    assert workspace.bodies[0]["dateRangeStart"] == "2026-10-21T12:00:00.000Z"
    assert workspace.requests == 3
    assert query(connected, HOURS_BY_PERSON) == [("Alice Martin", 1.75), ("Bruno Petit", 3.5)]
    assert query(connected, "select count(*) from time_entries") == [(4,)]


def test_wrong_key_fails_and_token_is_nowhere(workspace, connected, monkeypatch, capsys):
    monkeypatch.setenv("CLOCKIFY_TOKEN", TOKEN + "-wrong")
    code, out, err = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"], out[0]["rows_loaded"]) == (1, "failed", 0)
    assert out[0]["errors"][0].startswith("Clockify refused the credentials (HTTP 401")
    assert query(connected, "select count(*) from time_entries") == [(0,)]
    token_nowhere(connected, json.dumps(out), err)


def test_workspace_id_is_required(tmp_path, httpserver, monkeypatch, capsys):
    monkeypatch.setenv("CLOCKIFY_TOKEN", TOKEN)
    path = str(tmp_path / "okam.duckdb")
    run(capsys, "connections", "add", "c", "--type", "clockify", "--base-url",
        httpserver.url_for("/"), "--secret-env", "CLOCKIFY_TOKEN", "--db", path)  # fmt: skip
    code, out, _ = run(capsys, "sync", "--db", path)
    assert (code, out[0]["errors"]) == (
        1,
        ["A Clockify connection needs its workspace id (--account-id)."],
    )


def test_rate_limit_is_waited_out(workspace, connected, httpserver, monkeypatch, capsys):
    waits = []
    monkeypatch.setattr(http.tenacity.nap, "sleep", waits.append)
    limited = iter([Response("Too many requests", status=429, headers={"Retry-After": "2"})])
    httpserver.clear()
    httpserver.expect_request(PATH).respond_with_handler(
        lambda request: next(limited, None) or workspace.handle(request)
    )
    code, out, _ = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"], out[0]["rows_loaded"], out[0]["requests"]) == (
        0, "loaded", 3, 6
    )  # fmt: skip
    assert waits == [2.0]


def test_a_reread_with_nothing_changed_loads_nothing_new(workspace, connected, capsys):
    run(capsys, "sync", "--db", str(connected))
    code, out, _ = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"], out[0]["rows_loaded"]) == (0, "unchanged", 0)
    assert query(connected, "select count(*) from imports") == [(1,)]


def test_connection_test_reads_a_one_entry_report(workspace, connected, capsys):
    code, out, _ = run(capsys, "connections", "test", "clock", "--db", str(connected))
    assert (code, out[0]["ok"]) == (0, True)
    assert out[0]["message"] == f"workspace {WORKSPACE} readable (entries in the last day: 1)"
    assert workspace.bodies[0]["detailedFilter"] == {"page": 1, "pageSize": 1}
