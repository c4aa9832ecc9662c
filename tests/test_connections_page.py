"""The Settings page's Connections tab and the Overview's freshness, under AppTest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from connector_support import TOKEN, query, run
from fake_zendesk import PATH, ZendeskAccount, metric_set, ticket
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def app_db(tmp_path, monkeypatch, httpserver, capsys) -> Path:
    """An empty database served by the app, with one Zendesk connection to a local server."""
    original = PagesManager.__init__

    def init(self, *args, **kwargs):  # see conftest.navigation_v2
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
    path = tmp_path / "app.duckdb"
    monkeypatch.setenv("OKAM_DB", str(path))
    monkeypatch.setenv("OKAM_SAMPLE_DIR", str(tmp_path / "no-sample"))
    monkeypatch.setenv("ZENDESK_TOKEN", TOKEN)
    zendesk = ZendeskAccount(base_url=httpserver.url_for("").rstrip("/"))
    zendesk.organizations = [{"id": 71, "name": "Acme"}]
    for number in (1, 2):
        zendesk.change(
            ticket(number, f"Ticket {number}", "solved", "normal", "2026-11-02T08:00:00Z",
                   "2026-11-02T10:00:00Z", None, None, 71, 9001),
            metric_set(number, (5, 5), (120, 120), 0, "2026-11-02T10:00:00Z"),
        )  # fmt: skip
    httpserver.expect_request(PATH).respond_with_handler(zendesk.handle)
    code, _, err = run(
        capsys, "connections", "add", "helpdesk", "--type", "zendesk", "--base-url",
        httpserver.url_for("/"), "--user", "a@example.com", "--secret-env", "ZENDESK_TOKEN",
        "--db", str(path),
    )  # fmt: skip
    assert code == 0, err
    return path


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def grid(at: AppTest, first_column: str):
    """The table whose first column has that header (a styled table carries no key)."""
    return next(table.value for table in at.dataframe if table.value.columns[0] == first_column)


def shown_text(at: AppTest) -> str:
    """Every message, caption and table cell of the page, as one text."""
    texts = [str(e.value) for kind in (at.error, at.success, at.info, at.caption, at.markdown)
             for e in kind]  # fmt: skip
    return "\n".join(texts + [table.value.to_json(date_format="iso") for table in at.dataframe])


def test_sync_now_loads_and_the_table_and_overview_show_it(app_db):
    at = open_page("pages/settings.py")
    table = grid(at, "Name")
    assert list(table.columns) == [
        "Name",
        "Tool",
        "Address",
        "Last sync",
        "Result",
        "Rows loaded",
        "Error",
    ]
    assert table.iloc[0][["Name", "Tool", "Result"]].tolist() == ["helpdesk", "zendesk", "–"]
    at.button(key="settings_connections_sync").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["helpdesk: Loaded, 2 row(s) loaded."]
    assert query(app_db, "select count(*) from tickets") == [(2,)]
    row = grid(at, "Name").iloc[0]
    assert (row["Result"], row["Rows loaded"]) == ("Loaded", 2)
    overview = open_page("pages/overview.py")
    freshness = overview.dataframe[-1].value
    assert freshness[["Source", "API connections", "Last sync result"]].values.tolist() == [
        ["zendesk", "helpdesk", "Loaded"]
    ]


def test_failed_test_shows_the_reason_without_the_token(app_db, httpserver):
    httpserver.clear()
    httpserver.expect_request("/api/v2/users/me.json").respond_with_data(
        json.dumps({"error": TOKEN}), status=401
    )
    at = open_page("pages/settings.py")
    at.button(key="settings_connections_test").click().run()
    assert [e.value for e in at.error] == [
        "helpdesk: the test failed: Zendesk refused the credentials (HTTP 401 on"
        " /api/v2/users/me.json): check the token and its permissions; nothing was loaded."
    ]
    assert TOKEN not in shown_text(at)
    assert grid(at, "Name").iloc[0]["Result"] == "–"  # a test is not a sync
