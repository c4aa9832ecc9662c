"""Harvest sync against a local server shaped like the API v2 time entries endpoint."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from connector_support import TOKEN, query, run, token_nowhere
from werkzeug import Request, Response

from okam_analytics.connectors import http

PATH = "/v2/time_entries"
ACCOUNT = "1234567"
HOURS_BY_PERSON = "select consultant, sum(hours) from time_entries group by 1 order by 1"
# The same finished entries as Harvest's detailed time report export writes them.
EXPORT_CSV = """\
Date,Client,Project,Project Code,Task,Notes,Hours,Hours Rounded,Billable?,Invoiced?,Approved?,\
First Name,Last Name,Roles,Employee?,Billable Rate,Billable Amount,Cost Rate,Cost Amount,\
Currency,External Reference URL
2026-11-02,Acme,Managed services,MS,Support,Printer driver,1.5,1.5,Yes,No,No,Alice,Martin,,Yes,\
100,150,50,75,Euro - EUR,
2026-11-02,Globex,Managed services,MS,Support,VPN,2.25,2.25,Yes,No,No,Bruno,Petit,,Yes,\
100,225,50,112.5,Euro - EUR,
2026-11-03,Acme,Internal,IN,Meeting,Daily call,0.25,0.25,No,No,No,Alice,Martin,,Yes,\
0,0,50,12.5,Euro - EUR,
"""


def entry(
    number, day, person, client, project, task, notes, hours, billable, updated, running=False
):
    """A time entry as Harvest API v2 documents it."""
    return {
        "id": number,
        "spent_date": day,
        "hours": hours,
        "hours_without_timer": hours,
        "rounded_hours": hours,
        "notes": notes,
        "is_locked": False,
        "locked_reason": None,
        "is_closed": False,
        "is_billed": False,
        "timer_started_at": updated if running else None,
        "started_time": None,
        "ended_time": None,
        "is_running": running,
        "billable": billable,
        "budgeted": False,
        "billable_rate": 100.0 if billable else None,
        "cost_rate": 50.0,
        "created_at": updated,
        "updated_at": updated,
        "user": {"id": 1782959 + len(person), "name": person},
        "client": {"id": 5735774 + len(client), "name": client, "currency": "EUR"},
        "project": {"id": 14307913 + len(project), "name": project, "code": project[:2].upper()},
        "task": {"id": 8083365 + len(task), "name": task},
        "user_assignment": {"id": 125068553, "is_project_manager": False, "is_active": True},
        "task_assignment": {"id": 155502709, "billable": billable, "is_active": True},
        "invoice": None,
        "external_reference": None,
    }


class HarvestAccount:
    """Time entries paged as the API pages them: per_page, page, links.next, updated_since."""

    def __init__(self, base_url: str) -> None:
        self.base_url, self.entries, self.requests, self.seen = base_url, {}, 0, []

    def put(self, item: dict) -> None:
        self.entries[item["id"]] = item

    def handle(self, request: Request) -> Response:
        self.requests += 1
        self.seen.append(dict(request.args))
        if (
            request.headers.get("Harvest-Account-Id") != ACCOUNT
            or request.headers.get("Authorization") != f"Bearer {TOKEN}"
        ):
            body = {"error": "invalid_token", "error_description": "The access token is invalid"}
            return Response(json.dumps(body), status=401, content_type="application/json")
        since = request.args.get("updated_since")
        chosen = [
            e for e in sorted(self.entries.values(), key=lambda e: (e["spent_date"], e["id"]))
            if not since or datetime.fromisoformat(e["updated_at"]) >= datetime.fromisoformat(since)
        ]  # fmt: skip
        per_page, page = 2, int(request.args.get("page", 1))
        pages = max(1, -(-len(chosen) // per_page))
        part = chosen[(page - 1) * per_page : page * per_page]

        def link(number):
            query = f"page={number}&per_page={per_page}" + (
                f"&updated_since={since}" if since else ""
            )
            return f"{self.base_url}{PATH}?{query}"

        body = {
            "time_entries": part,
            "per_page": per_page,
            "total_pages": pages,
            "total_entries": len(chosen),
            "next_page": page + 1 if page < pages else None,
            "previous_page": page - 1 if page > 1 else None,
            "page": page,
            "links": {
                "first": link(1),
                "next": link(page + 1) if page < pages else None,
                "previous": link(page - 1) if page > 1 else None,
                "last": link(pages),
            },
        }
        return Response(json.dumps(body), content_type="application/json")


@pytest.fixture
def account(httpserver):
    harvest = HarvestAccount(httpserver.url_for("").rstrip("/"))
    harvest.put(entry(11, "2026-11-02", "Alice Martin", "Acme", "Managed services", "Support",
                      "Printer driver", 1.5, True, "2026-11-02T17:00:00Z"))  # fmt: skip
    harvest.put(entry(12, "2026-11-02", "Bruno Petit", "Globex", "Managed services", "Support",
                      "VPN", 2.25, True, "2026-11-02T18:00:00Z"))  # fmt: skip
    harvest.put(entry(13, "2026-11-03", "Alice Martin", "Acme", "Internal", "Meeting",
                      "Daily call", 0.25, False, "2026-11-03T09:15:00Z"))  # fmt: skip
    harvest.put(entry(14, "2026-11-03", "Bruno Petit", "Globex", "Managed services", "Support",
                      "Still typing", 0.4, True, "2026-11-03T10:00:00Z", running=True))  # fmt: skip
    httpserver.expect_request(PATH).respond_with_handler(harvest.handle)
    return harvest


@pytest.fixture
def connected(tmp_path, httpserver, monkeypatch, capsys):
    monkeypatch.setenv("HARVEST_TOKEN", TOKEN)
    monkeypatch.setattr(http, "BACKOFF_SECONDS", 0.01)
    path = tmp_path / "okam.duckdb"
    code, _, err = run(
        capsys, "connections", "add", "hours", "--type", "harvest",
        "--base-url", httpserver.url_for("/"), "--account-id", ACCOUNT,
        "--secret-env", "HARVEST_TOKEN", "--db", str(path),
    )  # fmt: skip
    assert code == 0, err
    return path


def test_sync_gives_the_hours_per_person_of_the_csv_export(account, connected, tmp_path, capsys):
    code, out, err = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"], out[0]["rows_loaded"], account.requests) == (0, "loaded", 3, 2)
    exported = tmp_path / "harvest.csv"
    exported.write_text(EXPORT_CSV, encoding="utf-8")
    other = tmp_path / "export.duckdb"
    assert run(capsys, "import", str(exported), "--preset", "harvest", "--db", str(other))[0] == 0
    expected = [("Alice Martin", 1.75), ("Bruno Petit", 2.25)]  # the running timer is left out
    assert query(connected, HOURS_BY_PERSON) == query(other, HOURS_BY_PERSON) == expected
    same = "select work_date, consultant, client, project, task, hours, is_billable, description"
    same += " from time_entries order by all"
    assert query(connected, same) == query(other, same)


def test_second_sync_reads_changes_since_the_cursor_without_duplicates(account, connected, capsys):
    run(capsys, "sync", "--db", str(connected))
    account.requests, account.seen = 0, []
    edited = entry(12, "2026-11-02", "Bruno Petit", "Globex", "Managed services", "Support",
                   "VPN", 3.0, True, "2026-11-04T08:00:00Z")  # fmt: skip
    stopped = entry(14, "2026-11-03", "Bruno Petit", "Globex", "Managed services", "Support",
                    "Finished", 0.5, True, "2026-11-04T08:30:00Z")  # fmt: skip
    account.put(edited)
    account.put(stopped)
    code, out, _ = run(capsys, "sync", "hours", "--db", str(connected))
    # the edge entry (updated at the cursor) comes back too and is skipped: 3 entries, 2 pages
    assert (code, out[0]["status"], out[0]["rows_loaded"], account.requests) == (0, "loaded", 2, 2)
    assert account.seen[0]["updated_since"] == "2026-11-03T09:15:00Z"
    assert query(connected, HOURS_BY_PERSON) == [("Alice Martin", 1.75), ("Bruno Petit", 3.5)]
    assert query(connected, "select count(*) from time_entries") == [(4,)]
    code, out, _ = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"], out[0]["rows_loaded"]) == (0, "unchanged", 0)
    assert query(connected, "select count(*) from imports") == [(2,)]


def test_wrong_token_fails_and_token_is_nowhere(account, connected, monkeypatch, capsys):
    monkeypatch.setenv("HARVEST_TOKEN", TOKEN + "-wrong")
    code, out, err = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"], out[0]["rows_loaded"]) == (1, "failed", 0)
    assert out[0]["errors"][0].startswith("Harvest refused the credentials (HTTP 401")
    assert query(connected, "select count(*) from time_entries") == [(0,)]
    token_nowhere(connected, json.dumps(out), err)


def test_account_id_is_required(tmp_path, httpserver, monkeypatch, capsys):
    monkeypatch.setenv("HARVEST_TOKEN", TOKEN)
    path = str(tmp_path / "okam.duckdb")
    run(capsys, "connections", "add", "h", "--type", "harvest", "--base-url",
        httpserver.url_for("/"), "--secret-env", "HARVEST_TOKEN", "--db", path)  # fmt: skip
    code, out, _ = run(capsys, "sync", "--db", path)
    assert (code, out[0]["errors"]) == (
        1,
        ["A Harvest connection needs its account id (--account-id)."],
    )


def test_a_server_error_then_success_is_retried(
    account, connected, httpserver, capsys, monkeypatch
):
    monkeypatch.setattr(http, "BACKOFF_SECONDS", 0.01)
    failures = iter([Response("Service Unavailable", status=503)])
    httpserver.clear()
    httpserver.expect_request(PATH).respond_with_handler(
        lambda request: next(failures, None) or account.handle(request)
    )
    code, out, _ = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"], out[0]["rows_loaded"], out[0]["requests"]) == (
        0,
        "loaded",
        3,
        3,
    )
