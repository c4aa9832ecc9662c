"""Tempo sync against a local server shaped like Tempo API v4 (and Jira for the names)."""

from __future__ import annotations

import base64
import json
from datetime import datetime

import pytest
from connector_support import TOKEN, next_second, query, run, token_nowhere
from werkzeug import Request, Response

from okam_analytics.connectors import http, tempo

JIRA_TOKEN = "jira-T0KEN-also-secret-11aa"
HOURS_BY_PERSON = "select consultant, sum(hours) from time_entries group by 1 order by 1"
# The same worklogs as the worklogs report export writes them (Tempo Cloud, CSV).
EXPORT_CSV = """\
Issue Key,Issue summary,Hours,Work date,Username,Full name,Period,Account Key,Account Name,\
Account Lead,Account Category,Account Customer,Activity,Component,Version Name,Issue Type,\
Issue Status,Project Key,Project Name,Work Description,Parent Key,Reporter,External Hours,\
Billed Hours,Team
SUP-12,Printer offline,1.5,2026-11-02 09:00,712020:aa11,Alice Martin,Nov 2026,ACME,\
Acme support,,,Acme,,,,Incident,Done,SUP,Service desk,Printer driver,,,0,1.5,
SUP-14,VPN drops,2.25,2026-11-02 14:00,712020:bb22,Bruno Petit,Nov 2026,GLOBEX,\
Globex support,,,Globex,,,,Incident,Done,SUP,Service desk,VPN,,,0,2.25,
OPS-3,Daily call,0.25,2026-11-03 09:15,712020:aa11,Alice Martin,Nov 2026,INT,Internal,,,,\
,,,Task,Done,OPS,Operations,Daily call,,,0,0,
"""
ACCOUNT_LIST = [
    {"self": "", "key": "ACME", "id": 1, "name": "Acme support", "status": "OPEN",
     "global": False, "lead": {"self": "", "accountId": "712020:aa11"},
     "customer": {"self": "", "key": "ACME", "id": 11, "name": "Acme"}},
    {"self": "", "key": "GLOBEX", "id": 2, "name": "Globex support", "status": "OPEN",
     "global": False, "lead": {"self": "", "accountId": "712020:bb22"},
     "customer": {"self": "", "key": "GLOBEX", "id": 12, "name": "Globex"}},
    {"self": "", "key": "INT", "id": 3, "name": "Internal", "status": "OPEN", "global": True,
     "lead": {"self": "", "accountId": "712020:aa11"}},
]  # fmt: skip
PEOPLE = {"712020:aa11": "Alice Martin", "712020:bb22": "Bruno Petit"}
ISSUES = {"10012": ("SUP-12", "Service desk"), "10014": ("SUP-14", "Service desk"),
          "10203": ("OPS-3", "Operations")}  # fmt: skip


def worklog(number, issue, person, day, time, seconds, billable, text, account, updated):
    """A worklog as GET /4/worklogs documents it."""
    base = "https://api.tempo.io/4"
    return {
        "self": f"{base}/worklogs/{number}",
        "tempoWorklogId": number,
        "issue": {"self": f"https://okam.atlassian.net/rest/api/2/issue/{issue}", "id": issue},
        "timeSpentSeconds": seconds,
        "billableSeconds": billable,
        "startDate": day,
        "startTime": time,
        "startDateTimeUtc": f"{day}T{time}Z",
        "description": text,
        "createdAt": updated,
        "updatedAt": updated,
        "author": {"self": f"https://okam.atlassian.net/rest/api/2/user?accountId={person}",
                   "accountId": person},
        "attributes": {"self": f"{base}/worklogs/{number}/work-attribute-values",
                       "values": [{"key": "_Account_", "value": account}]},
    }  # fmt: skip


class TempoCloud:
    """Worklogs with offset/limit and metadata.next, accounts, and Jira's user and search."""

    def __init__(self, base_url: str) -> None:
        self.base_url, self.worklogs, self.requests, self.seen = base_url, {}, 0, []

    def put(self, item: dict) -> None:
        self.worklogs[item["tempoWorklogId"]] = item

    def refused(self, request: Request) -> Response | None:
        self.requests += 1
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            body = {"errors": [{"message": "The authentication token is invalid or expired."}]}
            return Response(json.dumps(body), status=401, content_type="application/json")
        return None

    def listing(self, path: str, items: list, args) -> Response:
        offset, limit = int(args.get("offset", 0)), int(args.get("limit", 50))
        part = items[offset : offset + limit]
        metadata = {"count": len(part), "offset": offset, "limit": limit}
        if offset + limit < len(items):
            rest = "&".join(f"{k}={v}" for k, v in args.items() if k not in ("offset", "limit"))
            metadata["next"] = f"{self.base_url}{path}?offset={offset + limit}&limit={limit}"
            metadata["next"] += f"&{rest}" if rest else ""
        body = {"self": f"{self.base_url}{path}", "metadata": metadata, "results": part}
        return Response(json.dumps(body), content_type="application/json")

    def worklog_list(self, request: Request) -> Response:
        if refusal := self.refused(request):
            return refusal
        self.seen.append(dict(request.args))
        since = request.args.get("updatedFrom")
        chosen = [
            w for w in sorted(self.worklogs.values(), key=lambda w: w["tempoWorklogId"])
            if not since or datetime.fromisoformat(w["updatedAt"]) >= datetime.fromisoformat(since)
        ]  # fmt: skip
        return self.listing("/4/worklogs", chosen, request.args)

    def accounts(self, request: Request) -> Response:
        return self.refused(request) or self.listing("/4/accounts", ACCOUNT_LIST, request.args)

    def jira_user(self, request: Request) -> Response:
        self.requests += 1
        expected = "Basic " + base64.b64encode(f"pm@okam.example:{JIRA_TOKEN}".encode()).decode()
        assert request.headers.get("Authorization") == expected
        account = request.args["accountId"]
        body = {"accountId": account, "accountType": "atlassian", "active": True,
                "displayName": PEOPLE[account], "timeZone": "Europe/Paris"}  # fmt: skip
        return Response(json.dumps(body), content_type="application/json")

    def jira_search(self, request: Request) -> Response:
        self.requests += 1
        ids = request.args["jql"].removeprefix("id in (").removesuffix(")").split(",")
        issues = [{"expand": "", "id": i, "self": "", "key": ISSUES[i][0],
                   "fields": {"project": {"id": "1", "key": ISSUES[i][0].split("-")[0],
                                          "name": ISSUES[i][1]}}} for i in ids]  # fmt: skip
        body = {"issues": issues, "isLast": True}
        return Response(json.dumps(body), content_type="application/json")


@pytest.fixture
def cloud(httpserver, monkeypatch):
    monkeypatch.setattr(tempo, "LIMIT", 2)
    fake = TempoCloud(httpserver.url_for("").rstrip("/"))
    fake.put(
        worklog(
            901,
            10012,
            "712020:aa11",
            "2026-11-02",
            "09:00:00",
            5400,
            5400,
            "Printer driver",
            "ACME",
            "2026-11-02T10:31:00Z",
        )
    )
    fake.put(
        worklog(
            902,
            10014,
            "712020:bb22",
            "2026-11-02",
            "14:00:00",
            8100,
            8100,
            "VPN",
            "GLOBEX",
            "2026-11-02T16:16:00Z",
        )
    )
    fake.put(
        worklog(
            903,
            10203,
            "712020:aa11",
            "2026-11-03",
            "09:15:00",
            900,
            0,
            "Daily call",
            "INT",
            "2026-11-03T09:31:00Z",
        )
    )
    # fmt: skip
    httpserver.expect_request("/4/worklogs").respond_with_handler(fake.worklog_list)
    httpserver.expect_request("/4/accounts").respond_with_handler(fake.accounts)
    httpserver.expect_request("/rest/api/3/user").respond_with_handler(fake.jira_user)
    httpserver.expect_request("/rest/api/3/search/jql").respond_with_handler(fake.jira_search)
    return fake


@pytest.fixture
def connected(tmp_path, httpserver, monkeypatch, capsys):
    monkeypatch.setenv("TEMPO_TOKEN", TOKEN)
    monkeypatch.setenv("JIRA_TOKEN", JIRA_TOKEN)
    monkeypatch.setattr(http, "BACKOFF_SECONDS", 0.01)
    path = tmp_path / "okam.duckdb"
    code, _, err = run(
        capsys, "connections", "add", "tempo", "--type", "tempo",
        "--base-url", httpserver.url_for("/"), "--secret-env", "TEMPO_TOKEN",
        "--option", f"jira_url={httpserver.url_for('/')}", "--option", "jira_user=pm@okam.example",
        "--option", "jira_token_env=JIRA_TOKEN", "--db", str(path),
    )  # fmt: skip
    assert code == 0, err
    return path


def test_sync_gives_the_hours_per_person_of_the_csv_export(cloud, connected, tmp_path, capsys):
    code, out, err = run(capsys, "sync", "--db", str(connected))
    # worklogs on 2 pages, accounts on 2, two Jira users, one Jira search
    assert (code, out[0]["status"], out[0]["rows_loaded"], cloud.requests) == (0, "loaded", 3, 7)
    exported = tmp_path / "tempo.csv"
    exported.write_text(EXPORT_CSV, encoding="utf-8")
    other = tmp_path / "export.duckdb"
    assert run(capsys, "import", str(exported), "--preset", "tempo", "--db", str(other))[0] == 0
    expected = [("Alice Martin", 1.75), ("Bruno Petit", 2.25)]
    assert query(connected, HOURS_BY_PERSON) == query(other, HOURS_BY_PERSON) == expected
    same = "select work_date, consultant, client, project, ticket_id, hours, is_billable,"
    same += " description from time_entries order by all"
    assert query(connected, same) == query(other, same)
    # the client is the Tempo account's customer; the internal account has none, as in the CSV
    assert query(connected, "select distinct client from time_entries order by 1") == [
        ("Acme",), ("Globex",), (None,)
    ]  # fmt: skip


def test_second_sync_reads_changes_since_the_cursor(cloud, connected, capsys):
    run(capsys, "sync", "--db", str(connected))
    cloud.requests, cloud.seen = 0, []
    cloud.put(worklog(902, 10014, "712020:bb22", "2026-11-02", "14:00:00", 10800, 10800,
                      "VPN", "GLOBEX", "2026-11-04T08:00:00Z"))  # fmt: skip
    next_second()
    code, out, _ = run(capsys, "sync", "tempo", "--db", str(connected))
    # worklogs (2 on one page: the edge one skipped), accounts (2 pages), 1 Jira user, 1 search
    assert (code, out[0]["status"], out[0]["rows_loaded"], cloud.requests) == (0, "loaded", 1, 5)
    assert cloud.seen[0]["updatedFrom"] == "2026-11-03T09:31:00Z"
    assert query(connected, HOURS_BY_PERSON) == [("Alice Martin", 1.75), ("Bruno Petit", 3.0)]
    cloud.requests = 0
    code, out, _ = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"], cloud.requests) == (0, "unchanged", 1)


def test_without_jira_the_account_id_stands_for_the_person(cloud, tmp_path, httpserver,
                                                          monkeypatch, capsys):  # fmt: skip
    monkeypatch.setenv("TEMPO_TOKEN", TOKEN)
    path = tmp_path / "okam.duckdb"
    run(capsys, "connections", "add", "t", "--type", "tempo", "--base-url",
        httpserver.url_for("/"), "--secret-env", "TEMPO_TOKEN", "--db", str(path))  # fmt: skip
    code, out, _ = run(capsys, "sync", "--db", str(path))
    assert (code, out[0]["rows_loaded"], cloud.requests) == (0, 3, 4)
    assert query(path, HOURS_BY_PERSON) == [("712020:aa11", 1.75), ("712020:bb22", 2.25)]
    assert query(path, "select ticket_id from time_entries order by 1") == [
        ("10012",), ("10014",), ("10203",)
    ]  # fmt: skip


def test_wrong_token_fails_and_token_is_nowhere(cloud, connected, monkeypatch, capsys):
    monkeypatch.setenv("TEMPO_TOKEN", TOKEN + "-wrong")
    code, out, err = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"], out[0]["rows_loaded"]) == (1, "failed", 0)
    assert out[0]["errors"][0].startswith("Tempo refused the credentials (HTTP 401")
    assert query(connected, "select count(*) from time_entries") == [(0,)]
    token_nowhere(connected, json.dumps(out), err)
    assert JIRA_TOKEN.encode() not in connected.read_bytes()


def test_connection_test_reads_one_worklog(cloud, connected, capsys):
    code, out, _ = run(capsys, "connections", "test", "tempo", "--db", str(connected))
    assert (code, out[0]["ok"], out[0]["message"]) == (
        0,
        True,
        "worklogs readable (1 on the first page)",
    )
