"""Kimai sync against a local server shaped like GET /api/timesheets (full=true)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from connector_support import TOKEN, next_second, query, run, token_nowhere
from werkzeug import Request, Response

from okam_analytics.connectors import http, kimai

PATH = "/api/timesheets"
HOURS_BY_PERSON = "select consultant, sum(hours) from time_entries group by 1 order by 1"
# The same finished records as Kimai's CSV export writes them (English headers, H:MM).
EXPORT_CSV = """\
Date,From,To,Duration,Currency,Rate,User,Customer,Project,Activity,Description,Exported,\
Billable,Tags
2026-11-02,09:00,10:30,1:30,EUR,150.00,Alice Martin,Acme,Managed services,Support,\
Printer driver,No,Yes,
2026-11-02,14:00,16:15,2:15,EUR,225.00,Bruno Petit,Globex,Managed services,Support,VPN,No,Yes,
2026-11-03,09:15,09:30,0:15,EUR,0.00,Alice Martin,Acme,Internal,Meeting,Daily call,No,No,
"""
USERS = {
    "alice": {"apiToken": True, "initials": "AM", "alias": "Alice Martin", "title": None,
              "avatar": None, "id": 1, "username": "alice", "accountNumber": None,
              "enabled": True, "color": None},
    "bruno": {"apiToken": True, "initials": "BP", "alias": "Bruno Petit", "title": None,
              "avatar": None, "id": 2, "username": "bruno", "accountNumber": None,
              "enabled": True, "color": None},
}  # fmt: skip
CUSTOMERS = {
    name: {"name": name, "number": None, "comment": None, "visible": True, "billable": True,
           "currency": "EUR", "metaFields": [], "teams": [], "id": n, "color": None}
    for n, name in enumerate(["Acme", "Globex"], 1)
}  # fmt: skip


def sheet(number, user, customer, project, activity, text, begin, end, seconds, billable, modified):
    """A timesheet as GET /api/timesheets?full=true documents it; `modified` stays server side."""
    return {
        "activity": {"parent": None, "project": None, "name": activity, "comment": None,
                     "visible": True, "billable": True, "metaFields": [], "teams": [],
                     "id": 10 + len(activity), "color": None},
        "project": {"parent": customer, "customer": CUSTOMERS[customer], "name": project,
                    "start": None, "end": None, "comment": None, "visible": True,
                    "billable": True, "metaFields": [], "teams": [], "globalActivities": True,
                    "number": None, "id": 20 + len(project), "color": None},
        "user": USERS[user],
        "tags": [],
        "id": number,
        "begin": begin,
        "end": end,
        "duration": seconds,
        "description": text,
        "rate": 100.0 * seconds / 3600 if billable else 0.0,
        "internalRate": 50.0 * seconds / 3600,
        "fixedRate": None,
        "hourlyRate": 100.0,
        "exported": False,
        "billable": billable,
        "metaFields": [],
        "_modified": modified,
    }  # fmt: skip


class KimaiServer:
    """Timesheets of the token's user, or of all with user=all; X-Total-Pages paging."""

    def __init__(self) -> None:
        self.sheets, self.requests, self.seen = {}, 0, []

    def put(self, item: dict) -> None:
        self.sheets[item["id"]] = item

    def handle(self, request: Request) -> Response:
        self.requests += 1
        self.seen.append(dict(request.args))
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            body = {"code": 401, "message": "Invalid credentials"}
            return Response(json.dumps(body), status=401, content_type="application/json")
        args = request.args
        chosen = [
            s for s in sorted(self.sheets.values(), key=lambda s: s["begin"], reverse=True)
            if (args.get("user") == "all" or s["user"]["username"] == "alice")
            and (not args.get("modified_after") or s["_modified"] > args["modified_after"])
            and (not args.get("begin") or s["begin"][:19] >= args["begin"])
        ]  # fmt: skip
        page, size = int(args.get("page", 1)), int(args.get("size", 50))
        pages = max(1, -(-len(chosen) // size))
        if page > pages:
            return Response(json.dumps({"code": 404, "message": "Not Found"}), status=404)
        part = [{k: v for k, v in s.items() if k != "_modified"}
                for s in chosen[(page - 1) * size : page * size]]  # fmt: skip
        headers = {"X-Page": str(page), "X-Total-Count": str(len(chosen)),
                   "X-Total-Pages": str(pages), "X-Per-Page": str(size)}  # fmt: skip
        return Response(json.dumps(part), headers=headers, content_type="application/json")


@pytest.fixture
def server(httpserver, monkeypatch):
    monkeypatch.setattr(kimai, "PAGE_SIZE", 2)
    monkeypatch.setattr(kimai, "now", lambda: datetime(2026, 11, 4, 11, 0, tzinfo=UTC))
    fake = KimaiServer()
    fake.put(
        sheet(
            501,
            "alice",
            "Acme",
            "Managed services",
            "Support",
            "Printer driver",
            "2026-11-02T09:00:00+0100",
            "2026-11-02T10:30:00+0100",
            5400,
            True,
            "2026-11-02T10:31:00",
        )
    )
    fake.put(
        sheet(
            502,
            "bruno",
            "Globex",
            "Managed services",
            "Support",
            "VPN",
            "2026-11-02T14:00:00+0100",
            "2026-11-02T16:15:00+0100",
            8100,
            True,
            "2026-11-02T16:16:00",
        )
    )
    fake.put(
        sheet(
            503,
            "alice",
            "Acme",
            "Internal",
            "Meeting",
            "Daily call",
            "2026-11-03T09:15:00+0100",
            "2026-11-03T09:30:00+0100",
            900,
            False,
            "2026-11-03T09:31:00",
        )
    )
    fake.put(
        sheet(
            504,
            "bruno",
            "Globex",
            "Managed services",
            "Support",
            "Still running",
            "2026-11-04T10:00:00+0100",
            None,
            0,
            True,
            "2026-11-04T10:00:00",
        )
    )
    # fmt: skip
    httpserver.expect_request(PATH).respond_with_handler(fake.handle)
    return fake


@pytest.fixture
def connected(tmp_path, httpserver, monkeypatch, capsys):
    monkeypatch.setenv("KIMAI_TOKEN", TOKEN)
    monkeypatch.setattr(http, "BACKOFF_SECONDS", 0.01)
    path = tmp_path / "okam.duckdb"
    code, _, err = run(
        capsys, "connections", "add", "kimai", "--type", "kimai",
        "--base-url", httpserver.url_for("/"), "--secret-env", "KIMAI_TOKEN", "--db", str(path),
    )  # fmt: skip
    assert code == 0, err
    return path


def test_sync_gives_the_hours_per_person_of_the_csv_export(server, connected, tmp_path, capsys):
    code, out, err = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"], out[0]["rows_loaded"], server.requests) == (0, "loaded", 3, 2)
    assert server.seen[0] == {"user": "all", "full": "true", "size": "2", "page": "1"}
    exported = tmp_path / "kimai.csv"
    exported.write_text(EXPORT_CSV, encoding="utf-8")
    other = tmp_path / "export.duckdb"
    assert run(capsys, "import", str(exported), "--preset", "kimai", "--db", str(other))[0] == 0
    expected = [("Alice Martin", 1.75), ("Bruno Petit", 2.25)]  # the running record left out
    assert query(connected, HOURS_BY_PERSON) == query(other, HOURS_BY_PERSON) == expected
    same = "select work_date, started_at, consultant, client, project, task, hours, is_billable,"
    same += " description from time_entries order by all"
    assert query(connected, same) == query(other, same)


def test_second_sync_reads_only_modified_records(server, connected, monkeypatch, capsys):
    run(capsys, "sync", "--db", str(connected))
    server.requests, server.seen = 0, []
    server.put(
        sheet(
            502,
            "bruno",
            "Globex",
            "Managed services",
            "Support",
            "VPN",
            "2026-11-02T14:00:00+0100",
            "2026-11-02T17:00:00+0100",
            10800,
            True,
            "2026-11-04T14:00:00",
        )
    )
    server.put(
        sheet(
            504,
            "bruno",
            "Globex",
            "Managed services",
            "Support",
            "Finished",
            "2026-11-04T10:00:00+0100",
            "2026-11-04T10:30:00+0100",
            1800,
            True,
            "2026-11-04T14:05:00",
        )
    )
    # fmt: skip
    next_second()
    code, out, _ = run(capsys, "sync", "kimai", "--db", str(connected))
    assert (code, out[0]["status"], out[0]["rows_loaded"], server.requests) == (0, "loaded", 2, 1)
    # the first sync started at 11:00 UTC, 12:00 in Paris, less the 2-minute edge
    assert server.seen[0]["modified_after"] == "2026-11-04T11:58:00"
    assert query(connected, HOURS_BY_PERSON) == [("Alice Martin", 1.75), ("Bruno Petit", 3.5)]
    assert query(connected, "select count(*) from time_entries") == [(4,)]


def test_since_reads_from_that_day(server, connected, capsys):
    code, out, _ = run(capsys, "sync", "--since", "2026-11-03", "--db", str(connected))
    assert (code, out[0]["rows_loaded"]) == (0, 1)
    assert server.seen[0]["begin"] == "2026-11-03T00:00:00"


def test_wrong_token_fails_and_token_is_nowhere(server, connected, monkeypatch, capsys):
    monkeypatch.setenv("KIMAI_TOKEN", TOKEN + "-wrong")
    code, out, err = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"], out[0]["rows_loaded"]) == (1, "failed", 0)
    assert out[0]["errors"][0].startswith("Kimai refused the credentials (HTTP 401")
    assert query(connected, "select count(*) from time_entries") == [(0,)]
    token_nowhere(connected, json.dumps(out), err)


def test_older_header_pair_when_a_user_is_given(tmp_path, httpserver, monkeypatch, capsys):
    monkeypatch.setenv("KIMAI_TOKEN", TOKEN)
    seen = []

    def handle(request: Request) -> Response:
        seen.append((request.headers.get("X-AUTH-USER"), request.headers.get("X-AUTH-TOKEN")))
        return Response("[]", headers={"X-Total-Pages": "1"}, content_type="application/json")

    httpserver.expect_request(PATH).respond_with_handler(handle)
    path = str(tmp_path / "okam.duckdb")
    run(capsys, "connections", "add", "k", "--type", "kimai", "--base-url",
        httpserver.url_for("/"), "--user", "admin", "--secret-env", "KIMAI_TOKEN",
        "--db", path)  # fmt: skip
    code, out, _ = run(capsys, "sync", "--db", path)
    assert (code, out[0]["status"], seen) == (0, "unchanged", [("admin", TOKEN)])


def test_connection_test_names_the_user(server, connected, httpserver, capsys):
    httpserver.expect_request("/api/users/me").respond_with_json(USERS["alice"])
    code, out, _ = run(capsys, "connections", "test", "kimai", "--db", str(connected))
    assert (code, out[0]["ok"], out[0]["message"]) == (0, True, "authenticated as Alice Martin")
