"""Jira Cloud sync against a local server shaped like /rest/api/3/search/jql and /field."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from connector_support import TOKEN, query, run, token_nowhere
from werkzeug import Request, Response

from okam_analytics.connectors import store

SEARCH = "/rest/api/3/search/jql"
FIELDS = [
    {"id": "summary", "key": "summary", "name": "Summary", "custom": False},
    {"id": "status", "key": "status", "name": "Status", "custom": False},
    {"id": "customfield_10002", "key": "customfield_10002", "name": "Organizations",
     "custom": True, "schema": {"type": "array", "items": "sd-customerorganization",
                                "custom": "com.atlassian.servicedesk:sd-customer-organizations"}},
    {"id": "customfield_10010", "key": "customfield_10010", "name": "Request Type", "custom": True},
]  # fmt: skip


def person(name: str) -> dict:
    return {"accountId": f"5b10a2844c20165700ede{len(name)}", "displayName": name, "active": True}


def worklog(number: int, author: str, started: str, seconds: int, text: str) -> dict:
    """A worklog as the Jira Cloud platform REST API v3 documents it (comment in ADF)."""
    comment = {"type": "doc", "version": 1, "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": text}]}]}  # fmt: skip
    return {
        "self": f"https://example.atlassian.net/rest/api/3/issue/10010/worklog/{number}",
        "author": person(author), "updateAuthor": person(author), "comment": comment,
        "created": started, "updated": started, "started": started,
        "timeSpent": f"{seconds // 60}m", "timeSpentSeconds": seconds, "id": str(number),
        "issueId": "10010",
    }  # fmt: skip


def issue(key, number, summary, status, priority, assignee, created, updated, resolved,
          org, moves, logs, logs_total=None):  # fmt: skip
    """An issue of a search result with expand=changelog and the fields asked for."""
    histories = [
        {"id": str(100 + i), "author": person("Agent"), "created": at,
         "items": [{"field": "status", "fieldtype": "jira", "fieldId": "status",
                    "from": "1", "fromString": old, "to": "3", "toString": new}]}
        for i, (at, old, new) in enumerate(moves)
    ]  # fmt: skip
    return {
        "expand": "operations,versionedRepresentations,editmeta,changelog,renderedFields",
        "id": str(number),
        "self": f"https://example.atlassian.net/rest/api/3/issue/{number}",
        "key": key,
        "changelog": {"startAt": 0, "maxResults": len(histories), "total": len(histories),
                      "histories": histories},
        "fields": {
            "summary": summary,
            "issuetype": {"id": "10004", "name": "Incident", "subtask": False},
            "status": {"name": status, "id": "3",
                       "statusCategory": {"key": "indeterminate", "name": "In Progress"}},
            "priority": {"name": priority, "id": "3"},
            "assignee": person(assignee) if assignee else None,
            "created": created, "updated": updated, "resolutiondate": resolved,
            "project": {"id": "10000", "key": "SD", "name": "Service Desk"},
            "customfield_10002": [{"id": "1", "name": org}] if org else [],
            "worklog": {"startAt": 0, "maxResults": 20, "total": logs_total or len(logs),
                        "worklogs": logs},
        },
    }  # fmt: skip


class JiraSite:
    def __init__(self):
        self.issues, self.all_logs, self.requests, self.queries = {}, {}, 0, []

    def search(self, request: Request) -> Response:
        self.requests += 1
        jql = request.args["jql"]
        self.queries.append(jql)
        since = datetime.strptime(
            re.search(r'updated >= "([^"]+)"', jql).group(1), "%Y/%m/%d %H:%M"
        )
        since = since.replace(tzinfo=UTC)
        found = sorted(
            (i for i in self.issues.values()
             if datetime.fromisoformat(i["fields"]["updated"].replace("+0000", "+00:00")) >= since),
            key=lambda i: i["fields"]["updated"],
        )  # fmt: skip
        start = int(request.args.get("nextPageToken", "0"))
        size = min(int(request.args.get("maxResults", 50)), 2)
        body = {"issues": found[start : start + size], "isLast": start + size >= len(found)}
        if not body["isLast"]:
            body["nextPageToken"] = str(start + size)
        return Response(json.dumps(body), content_type="application/json")

    def worklogs(self, request: Request) -> Response:
        self.requests += 1
        number = request.path.split("/")[-2]
        logs = self.all_logs[number]
        body = {"startAt": 0, "maxResults": 5000, "total": len(logs), "worklogs": logs}
        return Response(json.dumps(body), content_type="application/json")


@pytest.fixture
def site(httpserver):
    jira = JiraSite()
    jira.issues["SD-1"] = issue(
        "SD-1", 10010, "Printer offline", "Resolved", "Medium", "Alice Martin",
        "2026-11-02T08:00:00.000+0000", "2026-11-02T11:00:00.000+0000",
        "2026-11-02T11:00:00.000+0000", "Acme",
        [("2026-11-02T08:45:00.000+0000", "Waiting for support", "In Progress"),
         ("2026-11-02T11:00:00.000+0000", "In Progress", "Resolved")],
        [worklog(1, "Alice Martin", "2026-11-02T09:00:00.000+0000", 5400, "Driver reinstalled")],
    )  # fmt: skip
    many = [worklog(20 + i, "Bruno Petit", "2026-11-03T14:00:00.000+0000", 1800, f"Part {i}")
            for i in range(3)]  # fmt: skip
    jira.all_logs["10011"] = many
    jira.issues["SD-2"] = issue(
        "SD-2", 10011, "VPN down", "Waiting for support", "Highest", "Bruno Petit",
        "2026-11-03T13:00:00.000+0000", "2026-11-03T15:30:00.000+0000", None, "Globex",
        [], many[:1], logs_total=3,
    )  # fmt: skip
    jira.issues["SD-3"] = issue(
        "SD-3", 10012, "New laptop", "Closed", "Low", None,
        "2026-11-04T09:00:00.000+0000", "2026-11-05T09:00:00.000+0000",
        "2026-11-05T09:00:00.000+0000", "Acme", [], [],
    )  # fmt: skip
    httpserver.expect_request("/rest/api/3/field").respond_with_json(FIELDS)
    httpserver.expect_request(SEARCH).respond_with_handler(jira.search)
    httpserver.expect_request(re.compile(r"/rest/api/3/issue/\d+/worklog")).respond_with_handler(
        jira.worklogs
    )
    httpserver.expect_request("/rest/api/3/myself").respond_with_json(person("Okam Robot"))
    return jira


@pytest.fixture
def connected(tmp_path, httpserver, monkeypatch, capsys):
    monkeypatch.setenv("JIRA_TOKEN", TOKEN)
    path = tmp_path / "okam.duckdb"
    code, _, err = run(
        capsys, "connections", "add", "jsm", "--type", "jira", "--base-url",
        httpserver.url_for("/"), "--user", "robot@example.com", "--secret-env", "JIRA_TOKEN",
        "--db", str(path),
    )  # fmt: skip
    assert code == 0, err
    return path


def test_sync_loads_issues_first_responses_and_worklogs(site, connected, capsys):
    code, out, err = run(capsys, "sync", "--db", str(connected))
    assert (code, err, out[0]["status"], out[0]["rows_loaded"]) == (0, "", "loaded", 7)
    # two search pages and SD-2's worklogs (3, of which 1 came inline); /field not counted
    assert site.requests == 3
    assert site.queries[0] == 'updated >= "1970/01/01 00:00" order by updated asc'
    tickets = query(
        connected,
        "select ticket_id, client, status, priority, assignee, created_at, first_response_at,"
        " resolved_at from tickets order by 1",
    )
    assert tickets == [  # Europe/Paris, UTC+1 in November
        ("SD-1", "Acme", "resolved", "P3", "Alice Martin", datetime(2026, 11, 2, 9),
         datetime(2026, 11, 2, 9, 45), datetime(2026, 11, 2, 12)),
        ("SD-2", "Globex", "open", "P1", "Bruno Petit", datetime(2026, 11, 3, 14), None, None),
        ("SD-3", "Acme", "closed", "P4", None, datetime(2026, 11, 4, 10), None,
         datetime(2026, 11, 5, 10)),
    ]  # fmt: skip
    entries = query(
        connected,
        "select consultant, client, ticket_id, sum(hours), count(*) from time_entries"
        " group by all order by 1",
    )
    assert entries == [
        ("Alice Martin", "Acme", "SD-1", 1.5, 1),
        ("Bruno Petit", "Globex", "SD-2", 1.5, 3),
    ]


def test_later_sync_queries_from_the_cursor_and_updates(site, connected, capsys):
    run(capsys, "sync", "--db", str(connected))
    site.requests, site.queries = 0, []
    changed = site.issues["SD-2"]
    changed["fields"]["status"]["name"] = "Resolved"
    changed["fields"]["updated"] = changed["fields"]["resolutiondate"] = (
        "2026-11-06T10:00:00.000+0000"
    )
    code, out, _ = run(capsys, "sync", "--db", str(connected))
    # one search page (SD-3 at the cursor's minute, skipped; SD-2) and SD-2's worklogs
    assert (code, out[0]["status"], site.requests) == (0, "loaded", 2)
    assert site.queries == ['updated >= "2026/11/05 09:00" order by updated asc']
    assert query(connected, "select ticket_id, status from tickets order by 1") == [
        ("SD-1", "resolved"), ("SD-2", "resolved"), ("SD-3", "closed"),
    ]  # fmt: skip
    assert query(connected, "select count(*), sum(hours) from time_entries") == [(4, 3.0)]
    imports = query(connected, "select count(*) from imports")
    code, out, _ = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"]) == (0, "unchanged")
    assert query(connected, "select count(*) from imports") == imports


def test_wrong_token_loads_nothing_and_hides_the_token(connected, httpserver, capsys):
    body = {"errorMessages": [f"Basic auth with token {TOKEN} failed"], "errors": {}}
    httpserver.expect_request("/rest/api/3/field").respond_with_json(body, status=401)
    code, out, err = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"]) == (1, "failed")
    assert out[0]["errors"] == [
        "Jira refused the credentials (HTTP 401 on /rest/api/3/field): check the token and its"
        " permissions; nothing was loaded."
    ]
    token_nowhere(connected, json.dumps(out), err)


def test_connection_test_names_the_user(site, connected, capsys):
    code, out, _ = run(capsys, "connections", "test", "jsm", "--db", str(connected))
    assert (code, out) == (
        0,
        [{"connection": "jsm", "ok": True, "message": "authenticated as Okam Robot"}],
    )


def test_a_failure_at_the_end_of_the_write_keeps_nothing(site, connected, monkeypatch, capsys):
    # fault injected at the last statement of the one transaction (tickets, worklogs, cursor)
    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(store, "record_synced", disk_full)
    code, out, _ = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"], out[0]["errors"]) == (
        1,
        "failed",
        ["OSError: No space left on device"],
    )
    counts = "select (select count(*) from imports), (select count(*) from tickets),"
    counts += " (select count(*) from time_entries), (select count(cursor) from connections)"
    assert query(connected, counts) == [(0, 0, 0, 0)]
    monkeypatch.undo()
    monkeypatch.setenv("JIRA_TOKEN", TOKEN)
    code, out, _ = run(capsys, "sync", "--db", str(connected))
    assert (code, len(out[0]["import_ids"])) == (0, 2)
    assert query(connected, counts) == [(2, 3, 4, 1)]


def test_rate_limit_on_a_search_page_is_waited_out(site, connected, httpserver, capsys):
    limited = iter([Response("", status=429, headers={"Retry-After": "1"})])
    httpserver.clear()
    httpserver.expect_request("/rest/api/3/field").respond_with_json(FIELDS)
    httpserver.expect_request(SEARCH).respond_with_handler(
        lambda request: next(limited, None) or site.search(request)
    )
    httpserver.expect_request(re.compile(r"/rest/api/3/issue/\d+/worklog")).respond_with_handler(
        site.worklogs
    )
    code, out, _ = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"], out[0]["rows_loaded"]) == (0, "loaded", 7)
