"""GLPI sync against a local server shaped like apirest.php (sessions, ranges, sub-items)."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from connector_support import TOKEN, query, run, token_nowhere
from werkzeug import Request, Response

APP_TOKEN = "app-T0KEN-also-secret-77"
API = "/apirest.php"
SESSION = "83af7e620c83a50a18d3eac2f6ed05a3ca0bea62"


def ticket(number, name, entity, status, priority, opened, modified, solved=None, closed=None,
           taken_seconds=0):  # fmt: skip
    """A Ticket as getItems returns it with expand_dropdowns=true (the fields we read, and more)."""
    return {
        "id": number, "entities_id": entity, "name": name, "date": opened, "closedate": closed,
        "solvedate": solved, "takeintoaccountdate": None, "date_mod": modified,
        "users_id_lastupdater": "glpi", "status": status, "users_id_recipient": "glpi",
        "requesttypes_id": "Helpdesk", "content": "&#60;p&#62;Details&#60;/p&#62;", "urgency": 3,
        "impact": 3, "priority": priority, "itilcategories_id": "Matériel > Imprimante",
        "type": 1, "global_validation": 1, "slas_id_ttr": 0, "slas_id_tto": 0,
        "time_to_resolve": None, "time_to_own": None, "locations_id": 0, "validation_percent": 0,
        "actiontime": 0, "begin_waiting_date": None, "waiting_duration": 0,
        "close_delay_stat": 0, "solve_delay_stat": 0,
        "takeintoaccount_delay_stat": taken_seconds, "is_deleted": 0, "date_creation": opened,
        "links": [{"rel": "Entity", "href": "https://glpi.example.com/apirest.php/Entity/1"}],
    }  # fmt: skip


class GlpiServer:
    def __init__(self):
        self.tickets, self.actors, self.groups, self.tasks = {}, {}, {}, {}
        self.requests, self.killed, self.ranges = 0, 0, []

    def authorised(self, request: Request) -> bool:
        return request.headers.get("App-Token") == APP_TOKEN and (
            request.headers.get("Session-Token") == SESSION
        )

    def refuse(self) -> Response:
        body = ["ERROR_SESSION_TOKEN_INVALID", "session_token semble incorrect"]
        return Response(json.dumps(body), status=401, content_type="application/json")

    def handle(self, request: Request) -> Response:
        self.requests += 1
        path = request.path[len(API) :]
        if path == "/initSession":
            if request.headers.get("Authorization") != f"user_token {TOKEN}" or (
                request.headers.get("App-Token") != APP_TOKEN
            ):
                body = [
                    "ERROR_GLPI_LOGIN_USER_TOKEN",
                    f"parameter user_token {TOKEN} seems invalid",
                ]
                return Response(json.dumps(body), status=401, content_type="application/json")
            return Response(json.dumps({"session_token": SESSION}), content_type="application/json")
        if not self.authorised(request):
            return self.refuse()
        if path == "/killSession":
            self.killed += 1
            return Response(json.dumps(True), content_type="application/json")
        if path == "/Ticket":
            return self.ticket_range(request)
        number, itemtype = re.match(r"/Ticket/(\d+)/(\w+)", path).groups()
        items = {"Ticket_User": self.actors, "Group_Ticket": self.groups,
                 "TicketTask": self.tasks}[itemtype].get(int(number), [])  # fmt: skip
        return Response(json.dumps(items), content_type="application/json")

    def ticket_range(self, request: Request) -> Response:
        assert (request.args["sort"], request.args["order"]) == ("date_mod", "DESC")
        ordered = sorted(self.tickets.values(), key=lambda t: t["date_mod"], reverse=True)
        low, high = (int(n) for n in request.args["range"].split("-"))
        self.ranges.append(request.args["range"])
        part = ordered[low : high + 1]
        headers = {"Content-Range": f"{low}-{low + len(part) - 1}/{len(ordered)}",
                   "Accept-Range": "Ticket 1000"}  # fmt: skip
        status = 206 if len(part) < len(ordered) else 200
        return Response(json.dumps(part), status=status, headers=headers,
                        content_type="application/json")  # fmt: skip


def actor(number, user, kind):
    return {"id": number, "tickets_id": 0, "users_id": user, "type": kind, "use_notification": 1,
            "alternative_email": ""}  # fmt: skip


def task(number, ticket_id, tech, begin, seconds, text):
    """A TicketTask as the API returns it (actiontime in seconds)."""
    return {"id": number, "uuid": f"uuid-{number}", "tickets_id": ticket_id,
            "taskcategories_id": 0, "date": begin, "users_id": tech, "users_id_editor": 0,
            "content": text, "is_private": 0, "actiontime": seconds, "begin": begin,
            "end": None, "state": 2, "users_id_tech": tech, "groups_id_tech": 0,
            "date_mod": begin, "date_creation": begin, "tasktemplates_id": 0,
            "timeline_position": 1, "sourceitems_id": 0, "sourceof_items_id": 0}  # fmt: skip


@pytest.fixture
def server(httpserver, monkeypatch):
    glpi = GlpiServer()
    root = "Entité racine > "
    glpi.tickets[101] = ticket(101, "Imprimante HS", root + "Acme", 5, 3, "2026-11-02 09:00:00",
                               "2026-11-02 12:00:00", solved="2026-11-02 12:00:00",
                               taken_seconds=1800)  # fmt: skip
    glpi.tickets[102] = ticket(102, "VPN coupé", root + "Globex", 2, 5, "2026-11-03 14:00:00",
                               "2026-11-03 15:00:00")  # fmt: skip
    glpi.actors[101] = [actor(1, "Client Contact", 1), actor(2, "Alice Martin", 2)]
    glpi.actors[102] = [actor(3, "Bruno Petit", 2)]
    glpi.groups[101] = [{"id": 1, "tickets_id": 101, "groups_id": "Support N1", "type": 2}]
    glpi.tasks[101] = [task(7, 101, "Alice Martin", "2026-11-02 10:00:00", 5400, "Pilote"),
                       task(8, 101, "Alice Martin", "2026-11-02 11:00:00", 0, "Note")]  # fmt: skip
    glpi.tasks[102] = [task(9, 102, "Bruno Petit", "2026-11-03 14:30:00", 2700, "Diagnostic")]
    httpserver.expect_request(re.compile(f"^{API}/.*")).respond_with_handler(glpi.handle)
    monkeypatch.setenv("GLPI_TOKEN", TOKEN)
    monkeypatch.setenv("GLPI_APP_TOKEN", APP_TOKEN)
    return glpi


@pytest.fixture
def connected(tmp_path, httpserver, capsys):
    path = tmp_path / "okam.duckdb"
    code, _, err = run(
        capsys, "connections", "add", "glpi", "--type", "glpi", "--base-url",
        httpserver.url_for(API), "--secret-env", "GLPI_TOKEN",
        "--option", "app_token_env=GLPI_APP_TOKEN", "--db", str(path),
    )  # fmt: skip
    assert code == 0, err
    return path


def test_sync_loads_tickets_actors_and_task_time(server, connected, capsys):
    code, out, err = run(capsys, "sync", "--db", str(connected))
    assert (code, err, out[0]["status"], out[0]["rows_loaded"]) == (0, "", "loaded", 4)
    assert (server.killed, server.ranges) == (1, ["0-49"])
    assert query(
        connected,
        "select ticket_id, client, title, status, priority, assignee, team, created_at,"
        " first_response_at, resolved_at from tickets order by 1",
    ) == [
        ("101", "Acme", "Imprimante HS", "resolved", "P3", "Alice Martin", "Support N1",
         datetime(2026, 11, 2, 9), datetime(2026, 11, 2, 9, 30), datetime(2026, 11, 2, 12)),
        ("102", "Globex", "VPN coupé", "open", "P1", "Bruno Petit", None,
         datetime(2026, 11, 3, 14), None, None),
    ]  # fmt: skip
    assert query(
        connected, "select consultant, client, ticket_id, hours from time_entries order by 1"
    ) == [("Alice Martin", "Acme", "101", 1.5), ("Bruno Petit", "Globex", "102", 0.75)]


def test_later_sync_stops_at_the_cursor(server, connected, capsys):
    run(capsys, "sync", "--db", str(connected))
    server.requests = 0
    server.tickets[102] |= {"status": 5, "solvedate": "2026-11-04 09:00:00",
                            "date_mod": "2026-11-04 09:00:00"}  # fmt: skip
    code, out, _ = run(capsys, "sync", "--db", str(connected))
    # initSession, one range, 102's actors, groups and tasks, killSession
    assert (code, out[0]["status"], out[0]["rows_loaded"], server.requests) == (0, "loaded", 2, 6)
    assert query(connected, "select ticket_id, status from tickets order by 1") == [
        ("101", "resolved"), ("102", "resolved"),
    ]  # fmt: skip
    assert query(connected, "select count(*), sum(hours) from time_entries") == [(2, 2.25)]
    code, out, _ = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"]) == (0, "unchanged")


def test_wrong_user_token_fails_and_leaks_neither_token(server, connected, monkeypatch, capsys):
    monkeypatch.setenv("GLPI_TOKEN", "wrong")
    code, out, err = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"]) == (1, "failed")
    assert out[0]["errors"][0].startswith(
        "GLPI refused the credentials (HTTP 401 on /apirest.php/initSession)"
    )
    token_nowhere(connected, json.dumps(out), err)
    assert APP_TOKEN not in json.dumps(out) + err


def test_missing_app_token_option_is_named(tmp_path, httpserver, capsys, monkeypatch):
    monkeypatch.setenv("GLPI_TOKEN", TOKEN)
    path = str(tmp_path / "okam.duckdb")
    run(capsys, "connections", "add", "g", "--type", "glpi", "--base-url",
        httpserver.url_for(API), "--secret-env", "GLPI_TOKEN", "--db", path)  # fmt: skip
    code, out, _ = run(capsys, "sync", "--db", path)
    assert (code, out[0]["errors"]) == (
        1, ["A GLPI connection needs --option app_token_env=VARIABLE (its App-Token)."],
    )  # fmt: skip


def test_malformed_ticket_range_loads_nothing_and_closes_the_session(
    server, connected, httpserver, capsys
):
    answer = server.handle

    def broken(request):
        if request.path.endswith("/Ticket"):
            server.requests += 1
            return Response('[{"id": 101, "name": "Imprim', content_type="application/json")
        return answer(request)

    httpserver.clear()
    httpserver.expect_request(re.compile(f"^{API}/.*")).respond_with_handler(broken)
    code, out, _ = run(capsys, "sync", "--db", str(connected))
    assert (code, out[0]["status"], server.killed) == (1, "failed", 1)
    assert out[0]["errors"] == [
        "GLPI answered /apirest.php/Ticket with a body that is not JSON; nothing was loaded."
    ]
    assert query(
        connected, "select (select count(*) from imports), (select count(*) from tickets)"
    ) == [(0, 0)]
