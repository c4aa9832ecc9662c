"""`okam connections`, `okam sync` across connections, secrets, URLs and a sync killed mid-way."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from connector_support import TOKEN, query, run, token_nowhere
from fake_zendesk import PATH, ZendeskAccount, metric_set, ticket

from okam_analytics import db
from okam_analytics.connectors import base, commands, http

ROOT = Path(__file__).resolve().parents[1]


def add(capsys, path, name, url, *extra):
    return run(capsys, "connections", "add", name, "--type", "zendesk", "--base-url", url,
               "--user", "a@example.com", "--secret-env", "ZENDESK_TOKEN", "--db", str(path),
               *extra)  # fmt: skip


@pytest.fixture
def account(httpserver, monkeypatch):
    monkeypatch.setenv("ZENDESK_TOKEN", TOKEN)
    zendesk = ZendeskAccount(base_url=httpserver.url_for("").rstrip("/"))
    zendesk.users = [{"id": 501, "name": "Alice Martin"}]
    zendesk.organizations = [{"id": 71, "name": "Acme"}]
    for number in (1, 2, 3):
        zendesk.change(
            ticket(number, f"Ticket {number}", "open", "normal", f"2026-11-0{number}T08:00:00Z",
                   f"2026-11-0{number}T08:00:00Z", 501, None, 71, 9001),
            metric_set(number, (None, None), (None, None), 0, None),
        )  # fmt: skip
    httpserver.expect_request(PATH).respond_with_handler(zendesk.handle)
    return zendesk


@pytest.mark.parametrize(
    "url, problem",
    [
        ("http://zendesk.example.com", "plain http: use https"),
        ("ftp://example.com", "is not an http(s) address"),
        ("example.com", "is not an http(s) address"),
    ],
)
def test_add_refuses_unsafe_or_unreadable_addresses(tmp_path, capsys, url, problem):
    code, out, err = add(capsys, tmp_path / "x.duckdb", "a", url)
    assert (code, out) == (2, []) and problem in err and "Traceback" not in err


@pytest.mark.parametrize(
    "url, kept",
    [
        ("https://acme.zendesk.com/", "https://acme.zendesk.com"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://localhost:9/api", "http://localhost:9/api"),
        ("http://[::1]:9", "http://[::1]:9"),
    ],
)
def test_add_keeps_https_and_loopback_http(url, kept):
    assert http.check_base_url(url) == kept


def test_add_list_remove_never_show_a_token(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ZENDESK_TOKEN", TOKEN)
    path = tmp_path / "okam.duckdb"
    code, out, _ = add(capsys, path, "helpdesk", "https://acme.zendesk.com", "--option", "x=1")
    assert (code, out[0]["added"], out[0]["secret_env"]) == (0, True, "ZENDESK_TOKEN")
    assert add(capsys, path, "helpdesk", "https://acme.zendesk.com")[:2] == (1, [])
    code, listed, _ = run(capsys, "connections", "list", "--db", str(path))
    assert [
        (c["name"], c["type"], c["base_url"], c["options"], c["last_status"]) for c in listed
    ] == [
        (
            "helpdesk",
            "zendesk",
            "https://acme.zendesk.com",
            {"user": "a@example.com", "x": "1"},
            None,
        )
    ]
    token_nowhere(path, json.dumps(listed))
    assert run(capsys, "connections", "remove", "helpdesk", "--db", str(path))[0] == 0
    assert run(capsys, "connections", "list", "--db", str(path))[1] == []
    code, _, err = run(capsys, "connections", "remove", "helpdesk", "--db", str(path))
    assert code == 1 and "There is no connection named 'helpdesk'" in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["sync", "--since", "yesterday"], "--since"),
        (["sync", "--every", "often"], "--every 'often' is not a period"),
        (["sync", "nope"], "no connection named nope"),
        (["connections", "add", "a", "--type", "fax", "--base-url", "https://x.example"], "fax"),
        (
            [
                "connections",
                "add",
                "a",
                "--type",
                "zendesk",
                "--base-url",
                "https://x.example",
                "--option",
                "novalue",
            ],
            "not KEY=VALUE",
        ),  # fmt: skip
        (["connections", "frobnicate"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2_without_traceback(tmp_path, capsys, argv, message):
    code, out, err = run(capsys, *argv, "--db", str(tmp_path / "x.duckdb"))
    assert (code, out) == (2, []) and message in err and "Traceback" not in err


@pytest.mark.parametrize("text, seconds", [("30m", 1800), ("2h", 7200), ("90s", 90), ("1 m", 60)])
def test_every_periods(text, seconds):
    assert commands.parse_every(text) == seconds


def test_one_failing_connection_does_not_stop_the_others(account, tmp_path, httpserver, capsys):
    path = tmp_path / "okam.duckdb"
    add(capsys, path, "a-broken", httpserver.url_for("/broken"))
    add(capsys, path, "b-good", httpserver.url_for("/"))
    httpserver.expect_request("/broken" + PATH).respond_with_data("{}", status=403)
    code, out, _ = run(capsys, "sync", "--db", str(path))
    assert code == 1
    assert [(o["connection"], o["status"], o["rows_loaded"]) for o in out] == [
        ("a-broken", "failed", 0), ("b-good", "loaded", 3),
    ]  # fmt: skip


def test_missing_token_is_named_and_loads_nothing(
    account, tmp_path, httpserver, capsys, monkeypatch
):
    monkeypatch.delenv("ZENDESK_TOKEN")
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here
    path = tmp_path / "okam.duckdb"
    add(capsys, path, "helpdesk", httpserver.url_for("/"))
    code, out, _ = run(capsys, "sync", "--db", str(path))
    assert (code, out[0]["errors"]) == (1, [
        "No token: set the environment variable ZENDESK_TOKEN"
        " (or ZENDESK_TOKEN in .streamlit/secrets.toml)."
    ])  # fmt: skip
    assert account.requests == 0


def test_token_from_streamlit_secrets(tmp_path, monkeypatch):
    monkeypatch.delenv("OKAM_X_TOKEN", raising=False)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'OKAM_X_TOKEN = "{TOKEN}"\n', encoding="utf-8")
    assert base.read_secret("OKAM_X_TOKEN", secrets) == TOKEN
    monkeypatch.setenv("OKAM_X_TOKEN", "from-env")
    assert base.read_secret("OKAM_X_TOKEN", secrets) == "from-env"


def test_retry_after_beyond_the_limit_fails_without_waiting(account, tmp_path, httpserver, capsys):
    path = tmp_path / "okam.duckdb"
    add(capsys, path, "helpdesk", httpserver.url_for("/"))
    httpserver.clear()
    httpserver.expect_request(PATH).respond_with_data(
        "", status=429, headers={"Retry-After": "3600"}
    )
    started = time.monotonic()
    code, out, _ = run(capsys, "sync", "--db", str(path))
    assert time.monotonic() - started < 5
    assert (code, out[0]["errors"]) == (1, ["the API asks to wait 3600 s (rate limit); try later."])


def test_watermark_skips_readings_already_loaded_at_the_edge():
    mark = base.Watermark.load(None, edge_seconds=60)
    mark.note("A", "2026-11-03T09:00:00Z")
    mark.note("B", "2026-11-03T09:14:30Z")
    mark.note("C", "2026-11-03T09:15:00Z")
    again = base.Watermark.load(mark.dump(), edge_seconds=60)
    assert (again.at, sorted(again.seen)) == ("2026-11-03T09:15:00Z", ["B", "C"])
    assert not again.is_new("C", "2026-11-03T09:15:00.000+0000")
    assert again.is_new("C", "2026-11-03T09:20:00Z") and again.is_new("D", "2026-11-03T09:15:00Z")


def test_sync_killed_mid_way_keeps_the_previous_state_and_resumes(
    account, tmp_path, httpserver, capsys
):
    path = tmp_path / "okam.duckdb"
    add(capsys, path, "helpdesk", httpserver.url_for("/"))
    assert run(capsys, "sync", "--db", str(path))[0] == 0
    before = query(
        path, "select (select count(*) from tickets), (select max(import_id) from imports)"
    )
    cursor = query(path, "select cursor from connections")
    for number in (4, 5, 6):  # three new tickets: two pages, the second one hangs
        account.change(
            ticket(number, f"Ticket {number}", "open", "low", "2026-11-06T08:00:00Z",
                   "2026-11-06T08:00:00Z", 501, None, 71, 9001),
            metric_set(number, (None, None), (None, None), 0, None),
        )  # fmt: skip
    reached, release = threading.Event(), threading.Event()
    answer = account.handle

    def hang_on_second_page(request):
        if account.requests >= 1 and not release.is_set():
            reached.set()
            release.wait(30)
        return answer(request)

    httpserver.clear()
    httpserver.expect_request(PATH).respond_with_handler(hang_on_second_page)
    account.requests = 0
    env = os.environ | {"PYTHONPATH": str(ROOT), "ZENDESK_TOKEN": TOKEN}
    child = subprocess.Popen(
        [sys.executable, "-m", "okam_analytics", "sync", "--db", str(path)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert reached.wait(60), child.communicate(timeout=5)
    child.send_signal(signal.SIGKILL)
    child.wait(30)
    release.set()
    assert (
        query(path, "select (select count(*) from tickets), (select max(import_id) from imports)")
        == before
    )
    assert query(path, "select cursor from connections") == cursor
    account.requests = 0
    code, out, _ = run(capsys, "sync", "--db", str(path))
    assert (code, out[0]["rows_loaded"], account.requests) == (0, 3, 2)
    assert query(path, "select count(*), count(distinct ticket_id) from tickets") == [(6, 6)]


def test_every_runs_rounds_a_period_apart_from_their_starts():
    waits, results = [], iter([True, False, True])
    ok = commands.sync_forever(lambda: next(results), 1800, rounds=3, sleep=waits.append)
    assert ok is True and len(waits) == 2 and all(1799 < w <= 1800 for w in waits)


@pytest.mark.parametrize(
    "link",
    ["https://elsewhere.example/api/v2/tickets?page=2", "http://acme.zendesk.com/api?page=2"],
)
def test_next_page_links_to_another_address_are_refused(link):
    api = http.Api("https://acme.zendesk.com", "Zendesk")
    try:
        with pytest.raises(http.SyncError, match="next-page link to another address"):
            api.url(link)
        assert (
            api.url("https://acme.zendesk.com/api?page=2") == "https://acme.zendesk.com/api?page=2"
        )
    finally:
        api.close()


def test_an_address_made_plain_http_afterwards_gets_no_request(account, tmp_path, capsys):
    path = tmp_path / "okam.duckdb"
    add(capsys, path, "helpdesk", "https://acme.zendesk.com")
    con = db.connect(path)
    con.execute("update connections set base_url = 'http://acme.zendesk.com'")
    con.close()
    code, out, _ = run(capsys, "sync", "--db", str(path))
    assert (code, out[0]["requests"]) == (1, 0)
    assert "plain http: use https" in out[0]["errors"][0]
