"""Manager access under AppTest: password gate, OIDC sign-in screen, open access notice; a share
link opens its Client view without signing in and reaches nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
from client_data import PERIOD, fill
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from okam_analytics import db
from okam_analytics.steering import share
from okam_analytics.ui import auth

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery staple"
SECRET = "auth-test-secret-0123456789"


@pytest.fixture(scope="module")
def auth_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("auth") / "auth.duckdb"
    con = db.connect(path)
    fill(con)
    con.execute("insert into imports (import_id, kind, sha256) values (1, 'tickets', 'a')")
    con.close()
    return path


@pytest.fixture
def app(auth_db, tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("OKAM_DB", str(auth_db))
    monkeypatch.setenv("OKAM_SAMPLE_DIR", str(tmp_path / "no-sample"))
    monkeypatch.setenv(share.SECRET_ENV, SECRET)
    monkeypatch.delenv(auth.PASSWORD_ENV, raising=False)
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
    return AppTest.from_file(str(REPO / "app.py"), default_timeout=60)


def shows_data(at: AppTest) -> bool:
    return bool(at.metric or at.dataframe or at.sidebar.multiselect or at.get("plotly_chart"))


def test_open_access_says_so(app) -> None:
    at = app.run()
    assert not at.exception
    assert any("Open access (local use)" in box.value for box in at.sidebar.info)
    assert [t.value for t in at.title] == ["Today"]


def test_password_gate(app, monkeypatch) -> None:
    monkeypatch.setenv(auth.PASSWORD_ENV, PASSWORD)
    app.switch_page("pages/client.py")
    at = app.run()
    assert [t.value for t in at.title] == ["Okam Analytics: sign in"]
    assert not shows_data(at) and not at.sidebar.info
    at.text_input(key="auth_password").input("wrong")  # a form: sent with its submit button
    at.button[0].click().run()
    assert "Wrong password." in [e.value for e in at.error]
    assert not shows_data(at)
    at.text_input(key="auth_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Client"]  # the page asked for, after sign-in
    assert at.sidebar.multiselect and at.metric
    at.sidebar.button(key="auth_sign_out").click().run()
    assert [t.value for t in at.title] == ["Okam Analytics: sign in"]


def test_password_from_secrets_wins(app, monkeypatch) -> None:
    monkeypatch.setenv(auth.PASSWORD_ENV, "from-the-environment")
    app.secrets["password"] = PASSWORD
    at = app.run()
    at.text_input(key="auth_password").input("from-the-environment")
    at.button[0].click().run()
    assert "Wrong password." in [e.value for e in at.error]
    at.text_input(key="auth_password").input(PASSWORD)
    at.button[0].click().run()
    assert [t.value for t in at.title] == ["Today"]


def test_oidc_configured_shows_the_sign_in_button(app) -> None:
    app.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback"}
    at = app.run()
    assert [t.value for t in at.title] == ["Okam Analytics: sign in"]
    assert [b.label for b in at.button] == ["Sign in with your account"]
    assert not shows_data(at)


def test_a_share_link_needs_no_sign_in_and_reaches_nothing_else(app, monkeypatch) -> None:
    monkeypatch.setenv(auth.PASSWORD_ENV, PASSWORD)
    app.query_params[share.TOKEN_PARAM] = share.mint("Acme", *PERIOD, 7, SECRET)
    app.switch_page("pages/client.py")
    at = app.run()
    assert not at.exception and not at.text_input
    assert [h.value for h in at.header] == ["Acme"] and len(at.metric) == 8
    assert not at.sidebar.children
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/settings.py")  # not even registered in a shared session
    elsewhere = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    elsewhere.query_params[share.TOKEN_PARAM] = app.query_params[share.TOKEN_PARAM]
    elsewhere.switch_page("pages/settings.py").run()
    assert not elsewhere.exception and not elsewhere.text_input and not shows_data(elsewhere)
    assert "This link cannot be opened" in elsewhere.error[0].value


def test_password_matches_is_exact() -> None:
    assert auth.password_matches(PASSWORD, PASSWORD)
    assert not auth.password_matches(PASSWORD + " ", PASSWORD)
    assert not auth.password_matches("", PASSWORD)
