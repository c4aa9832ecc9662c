"""Zendesk sync against a local server shaped like the incremental ticket export."""

from __future__ import annotations

import json

import pytest
from connector_support import TICKET_FIGURES, TOKEN, query, run, token_nowhere
from fake_zendesk import PATH, ZendeskAccount, metric_set, ticket
from werkzeug import Response

from okam_analytics import db
from okam_analytics.connectors import http

# The same three tickets as Zendesk's CSV export writes them: the account's time zone
# (Europe/Paris, UTC+1 in November), title-case words, empty cells for dates not reached.
EXPORT_CSV = """\
Id,Requester id,Organization,Subject,Ticket type,Group,Assignee,Status,Priority,Created at,\
Updated at,Solved at,Reopens,First reply time in minutes,\
First reply time in minutes within business hours,Full resolution time in minutes,\
Full resolution time in minutes within business hours
1,9001,Acme,Printer offline,Incident,Service Desk,Alice Martin,Solved,Normal,\
2026-11-02 09:00:00,2026-11-02 11:30:00,2026-11-02 11:30:00,0,15,15,150,150
2,9001,Globex,VPN down,Incident,Infrastructure,Bruno Petit,Open,Urgent,\
2026-11-03 14:00:00,2026-11-03 14:20:00,,0,20,20,,
3,9001,Acme,New laptop,Incident,Service Desk,Alice Martin,Solved,Low,\
2026-11-04 10:00:00,2026-11-05 10:00:00,2026-11-05 10:00:00,1,60,60,1440,540
"""
COMPARED = (
    "select ticket_id, client, title, category, priority, priority_raw, status, status_raw,"
    " assignee, team, created_at, first_response_at, resolved_at, closed_at, reopen_count,"
    " source_resolution_minutes, source_resolution_business_minutes, source_response_minutes,"
    " source from tickets order by ticket_id"
)


def data_version_of(path) -> str:
    con = db.connect(path)
    try:
        return db.data_version(con)
    finally:
        con.close()


@pytest.fixture
def account(httpserver):
    zendesk = ZendeskAccount(base_url=httpserver.url_for("").rstrip("/"))
    zendesk.users = [
        {"id": 501, "name": "Alice Martin", "role": "agent"},
        {"id": 502, "name": "Bruno Petit", "role": "agent"},
        {"id": 9001, "name": "Client Contact", "role": "end-user"},
    ]
    zendesk.groups = [{"id": 31, "name": "Service Desk"}, {"id": 32, "name": "Infrastructure"}]
    zendesk.organizations = [{"id": 71, "name": "Acme"}, {"id": 72, "name": "Globex"}]
    zendesk.change(
        ticket(1, "Printer offline", "solved", "normal", "2026-11-02T08:00:00Z",
               "2026-11-02T10:30:00Z", 501, 31, 71, 9001),
        metric_set(1, (15, 15), (150, 150), 0, "2026-11-02T10:30:00Z"),
    )  # fmt: skip
    zendesk.change(
        ticket(2, "VPN down", "open", "urgent", "2026-11-03T13:00:00Z",
               "2026-11-03T13:20:00Z", 502, 32, 72, 9001),
        metric_set(2, (20, 20), (None, None), 0, None),
    )  # fmt: skip
    zendesk.change(
        ticket(3, "New laptop", "solved", "low", "2026-11-04T09:00:00Z",
               "2026-11-05T09:00:00Z", 501, 31, 71, 9001),
        metric_set(3, (60, 60), (1440, 540), 1, "2026-11-05T09:00:00Z"),
    )  # fmt: skip
    httpserver.expect_request(PATH).respond_with_handler(zendesk.handle)
    return zendesk


@pytest.fixture
def connected(tmp_path, httpserver, monkeypatch, capsys):
    monkeypatch.setenv("ZENDESK_TOKEN", TOKEN)
    monkeypatch.setattr(http, "BACKOFF_SECONDS", 0.01)
    path = tmp_path / "okam.duckdb"
    code, _, err = run(
        capsys, "connections", "add", "helpdesk", "--type", "zendesk",
        "--base-url", httpserver.url_for("/"), "--user", "agent@example.com",
        "--secret-env", "ZENDESK_TOKEN", "--db", str(path),
    )  # fmt: skip
    assert code == 0, err
    return path


def test_sync_gives_the_figures_of_the_csv_export(account, connected, tmp_path, capsys):
    code, out, err = run(capsys, "sync", "--db", str(connected))
    assert (code, err) == (0, "")
    assert [
        (o["connection"], o["type"], o["status"], o["rows_loaded"], o["errors"]) for o in out
    ] == [("helpdesk", "zendesk", "loaded", 3, [])]
    assert account.requests == 2  # two pages of two, end_of_stream on the second
    exported = tmp_path / "export.csv"
    exported.write_text(EXPORT_CSV, encoding="utf-8")
    other = tmp_path / "export.duckdb"
    code, loaded, _ = run(
        capsys, "import", str(exported), "--preset", "zendesk", "--db", str(other)
    )
    assert (code, loaded[0]["rows_loaded"]) == (0, 3)
    assert query(connected, TICKET_FIGURES) == query(other, TICKET_FIGURES) == [(3, 2, 1590, 1590)]
    assert query(connected, COMPARED) == query(other, COMPARED)


def test_second_sync_reads_only_changes_and_third_changes_nothing(account, connected, capsys):
    run(capsys, "sync", "--db", str(connected))
    account.requests = 0
    account.change(
        ticket(2, "VPN down", "solved", "urgent", "2026-11-03T13:00:00Z",
               "2026-11-06T15:00:00Z", 502, 32, 72, 9001),
        metric_set(2, (20, 20), (4440, 1500), 0, "2026-11-06T15:00:00Z"),
    )  # fmt: skip
    account.change(
        ticket(4, "Mailbox full", "new", "high", "2026-11-06T16:00:00Z",
               "2026-11-06T16:00:00Z", None, 31, 72, 9001),
        metric_set(4, (None, None), (None, None), 0, None),
    )  # fmt: skip
    code, out, _ = run(capsys, "sync", "helpdesk", "--db", str(connected))
    assert (code, out[0]["status"], out[0]["rows_loaded"], account.requests) == (0, "loaded", 2, 1)
    assert query(connected, TICKET_FIGURES) == [(4, 3, 6030, 6030)]
    assert query(connected, "select ticket_id, status from tickets order by 1") == [
        ("1", "resolved"), ("2", "resolved"), ("3", "resolved"), ("4", "open"),
    ]  # fmt: skip
    version = query(connected, "select max(import_id), count(*) from imports")
    data_version = data_version_of(connected)
    account.requests = 0
    code, out, _ = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"], out[0]["import_id"], account.requests) == (
        0,
        "unchanged",
        None,
        1,
    )
    assert query(connected, "select max(import_id), count(*) from imports") == version == [(2, 2)]
    assert data_version_of(connected) == data_version


def test_sync_is_an_import_that_can_be_undone(account, connected, capsys):
    run(capsys, "sync", "--db", str(connected))
    code, listed, _ = run(capsys, "imports", "--db", str(connected))
    assert [(r["import_id"], r["preset"], r["file_name"]) for r in listed] == [
        (1, "zendesk", "zendesk sync helpdesk (zendesk).csv")
    ]
    assert run(capsys, "undo", "1", "--db", str(connected))[0] == 0
    assert query(connected, "select count(*) from tickets") == [(0,)]


def test_rate_limit_and_server_error_are_retried(account, connected, httpserver, capsys):
    httpserver.clear()
    answers = iter([
        Response("slow down", status=429, headers={"Retry-After": "1"}),
        Response("oops", status=503),
    ])  # fmt: skip

    def handler(request):
        return next(answers, None) or account.handle(request)

    httpserver.expect_request(PATH).respond_with_handler(handler)
    code, out, _ = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"], out[0]["rows_loaded"], out[0]["requests"]) == (
        0,
        "loaded",
        3,
        4,
    )


def test_wrong_token_fails_clearly_and_leaks_nothing(connected, httpserver, capsys):
    echo = json.dumps({"error": "Couldn't authenticate you", "token": TOKEN})
    httpserver.expect_request(PATH).respond_with_data(echo, status=401)
    code, out, err = run(capsys, "sync", "--db", str(connected))
    assert code == 1 and out[0]["status"] == "failed" and out[0]["rows_loaded"] == 0
    assert "Zendesk refused the credentials (HTTP 401" in out[0]["errors"][0]
    assert query(connected, "select count(*) from imports") == [(0,)]
    _, listed, _ = run(capsys, "connections", "list", "--db", str(connected))
    assert listed[0]["last_status"] == "failed"
    token_nowhere(connected, json.dumps(out), err, json.dumps(listed))


def test_malformed_json_fails_and_loads_nothing(connected, httpserver, capsys):
    httpserver.expect_request(PATH).respond_with_data(
        '{"tickets": [', content_type="application/json"
    )
    code, out, _ = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"]) == (1, "failed")
    assert "not JSON" in out[0]["errors"][0]
    assert query(
        connected, "select (select count(*) from imports), (select count(*) from tickets)"
    ) == [(0, 0)]


def test_persistent_server_error_gives_up_after_bounded_attempts(connected, httpserver, capsys):
    httpserver.expect_request(PATH).respond_with_data("down", status=502)
    code, out, _ = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["requests"]) == (1, http.MAX_ATTEMPTS)
    assert out[0]["errors"] == [f"Zendesk: HTTP 502 on {PATH} after {http.MAX_ATTEMPTS} attempts."]
