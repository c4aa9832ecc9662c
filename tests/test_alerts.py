"""okam alerts (SPEC 11): at-risk and breached escalations posted once per state to a real
webhook receiver (pytest-httpserver) and a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import json

import delivery_data
import mail_server
import pytest
from werkzeug import Response

from okam_analytics import cli, db, settings

FIRST = {("a1", "at_risk"), ("a2", "breached"), ("a3", "breached"), ("a4", "at_risk"),
         ("b1", "at_risk"), ("b2", "breached"), ("b3", "breached"), ("b4", "at_risk")}  # fmt: skip


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "alerts.duckdb"
    con = db.connect(path)
    delivery_data.load(con)
    settings.save(con, "delivery.starttls", False)  # the test server speaks plain SMTP
    settings.save(con, "delivery.base_url", "https://okam.example")
    con.close()
    return str(path)


@pytest.fixture
def smtp():
    controller, inbox = mail_server.start()
    yield controller, inbox
    controller.stop()


def alerts(database, *extra, now="2026-03-10T10:00") -> int:
    return cli.main(["alerts", "--db", database, "--now", now, *extra])


def posted(httpserver) -> list[dict]:
    return [json.loads(request.get_data()) for request, _ in httpserver.log]


def sent_rows(database) -> set[tuple[str, str]]:
    con = db.connect(database)
    rows = con.execute("select ticket_id, state from sent_alerts").fetchall()
    con.close()
    return set(rows)


def test_first_run_posts_every_ticket_at_risk_or_breached_in_one_payload(database, httpserver):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    assert alerts(database, "--webhook", httpserver.url_for("/hook")) == 0
    [body] = posted(httpserver)
    assert {(a["ticket"], a["state"]) for a in body["alerts"]} == FIRST
    assert len(body["text"].splitlines()) == 1 + len(FIRST)  # Slack-compatible text
    a1 = next(a for a in body["alerts"] if a["ticket"] == "a1")
    assert a1 | {"link": None} == a1 | {
        "client": "Acme", "priority": "P1", "target": "response", "clock": "24x7",
        "consumed_share": 0.75, "minutes_left": 15.0, "time_left": "15m", "overdue": None,
        "link": None,
    }  # fmt: skip
    assert (
        a1["link"]
        == "https://okam.example/escalations?client=Acme&asof=2026-03-10&ticket=helpdesk%3Aa1"
    )
    b2 = next(a for a in body["alerts"] if a["ticket"] == "b2")
    assert (b2["minutes_left"], b2["overdue"], b2["time_left"]) == (-540.0, "9h 00m", None)
    assert sent_rows(database) == FIRST


def test_a_second_run_in_the_same_state_posts_nothing(database, httpserver, capsys):
    httpserver.expect_request("/hook").respond_with_data("ok")
    url = httpserver.url_for("/hook")
    assert alerts(database, "--webhook", url) == 0
    assert alerts(database, "--webhook", url) == 0
    assert len(httpserver.log) == 1
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["new_alerts"] == 0


def test_a_later_run_posts_only_the_tickets_whose_state_changed(database, httpserver):
    httpserver.expect_request("/hook").respond_with_data("ok")
    url = httpserver.url_for("/hook")
    assert alerts(database, "--webhook", url) == 0
    # 10:20: a1 age 65 > 60 (breached); a5 199/240 = 0.83 (at risk); b1 110/120 stays at risk
    assert alerts(database, "--webhook", url, now="2026-03-10T10:20") == 0
    later = posted(httpserver)[1]
    assert {(a["ticket"], a["state"]) for a in later["alerts"]} == {
        ("a1", "breached"),
        ("a5", "at_risk"),
    }


def test_alerts_by_email_one_message_with_text_and_html(database, smtp):
    controller, inbox = smtp
    code = alerts(database, "--recipient", "lead@okam.example", "--smtp-host", "127.0.0.1",
                  "--smtp-port", str(controller.port))  # fmt: skip
    assert code == 0
    [msg] = inbox.messages
    assert msg["To"] == "lead@okam.example"
    assert msg["Subject"] == "Okam SLA alerts: 8"
    text, html = mail_server.text_of(msg, "plain"), mail_server.text_of(msg, "html")
    for ticket, _ in FIRST:
        assert f" {ticket} " in text and f">{ticket}</a>" in html
    assert "a5" not in text and "c1" not in text


def test_a_refused_webhook_is_an_error_and_nothing_is_marked(database, httpserver, capsys):
    httpserver.expect_request("/hook").respond_with_response(Response("no", status=500))
    assert alerts(database, "--webhook", httpserver.url_for("/hook")) == 1
    assert "refused the alerts (HTTP 500)" in capsys.readouterr().err
    assert sent_rows(database) == set()


def test_an_smtp_failure_is_an_error_and_nothing_is_marked(database, smtp, httpserver, capsys):
    controller, inbox = smtp
    inbox.refuse.add("lead@okam.example")
    httpserver.expect_request("/hook").respond_with_data("ok")
    code = alerts(database, "--webhook", httpserver.url_for("/hook"), "--recipient",
                  "lead@okam.example", "--smtp-host", "127.0.0.1", "--smtp-port",
                  str(controller.port))  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err
    assert f"127.0.0.1:{controller.port}" in err and "550" in err
    assert "No alert was marked as sent" in err
    assert sent_rows(database) == set() and inbox.messages == []


def test_an_unreachable_smtp_server_is_a_clear_error(database, capsys):
    port = mail_server.free_port()  # nothing listens there
    code = alerts(database, "--recipient", "lead@okam.example", "--smtp-host", "127.0.0.1",
                  "--smtp-port", str(port))  # fmt: skip
    assert code == 1
    assert f"Could not send e-mail through 127.0.0.1:{port}" in capsys.readouterr().err
    assert sent_rows(database) == set()


def test_starttls_on_a_server_without_it_says_how_to_turn_it_off(database, smtp, capsys):
    controller, _ = smtp
    con = db.connect(database)
    settings.save(con, "delivery.starttls", True)
    con.close()
    code = alerts(database, "--recipient", "lead@okam.example", "--smtp-host", "127.0.0.1",
                  "--smtp-port", str(controller.port))  # fmt: skip
    assert code == 1
    assert "delivery.starttls" in capsys.readouterr().err


def test_dry_run_writes_the_email_and_the_payload_and_marks_them_sent(database, tmp_path):
    out = tmp_path / "out"
    code = alerts(database, "--recipient", "lead@okam.example", "--webhook",
                  "http://127.0.0.1:9/never-called", "--dry-run", str(out))  # fmt: skip
    assert code == 0
    [eml] = list(out.glob("*.eml"))
    assert b"Subject: Okam SLA alerts: 8" in eml.read_bytes()
    [payload] = list(out.glob("*.json"))
    body = json.loads(payload.read_text(encoding="utf-8"))
    assert {(a["ticket"], a["state"]) for a in body["alerts"]} == FIRST
    assert sent_rows(database) == FIRST


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["--now", "2026-03-10T10:00"], 2, "--webhook URL and/or --recipient"),
        (["--now", "tomorrow", "--webhook", "http://127.0.0.1:9/x"], 1, "--now must be a time"),
    ],
)
def test_bad_arguments_are_named(database, capsys, argv, code, message):
    assert cli.main(["alerts", "--db", database, *argv]) == code
    assert message in capsys.readouterr().err


def test_data_in_the_slack_text_cannot_become_a_link_or_a_mention(con):
    delivery_data.load(con, [("x1", "R&D <!channel>", "P1", "open", "Ann Lee",
                              "2026-03-10 08:00", None, None, 0)])  # fmt: skip
    from okam_analytics.delivery import alerts as delivery_alerts

    frame = delivery_alerts.new_alerts(con, settings.load(con), delivery_data.NOW)
    items = delivery_alerts.alert_items(frame, "https://okam.example", delivery_data.NOW, "en")
    text = delivery_alerts.payload(items, delivery_data.NOW, "en")["text"]
    assert "R&amp;D &lt;!channel&gt;" in text and "<!channel>" not in text
    assert items[0]["client"] == "R&D <!channel>"  # the structured list keeps the data as is
