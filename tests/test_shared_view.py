"""Share links under AppTest: token source x URL extras. Every refused case shows a plain
refusal and no data; every valid case shows only its own client. A canary client with a
distinctive name must never appear in any element of another client's view."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from client_data import CANARY, CANARY_CONSULTANT, PERIOD, fill
from itsdangerous import URLSafeTimedSerializer
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from okam_analytics import db, settings
from okam_analytics.steering import share
from okam_analytics.ui import client_render

REPO = Path(__file__).resolve().parents[1]
SECRET = "shared-view-secret-0123456789"
OTHER_SECRET = "not-our-secret-0123456789"
CLIENT = "Acme"
REFUSAL = "This link cannot be opened"
ACME_ONLY = ("HYPERLINK",)  # Acme's breached ticket's title: only Acme's view shows it


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory) -> Path:
    """The Acme + canary database with full consultant names (a leak of a name would show);
    one per module, so the app's cached results serve every run."""
    path = tmp_path_factory.mktemp("shared") / "shared.duckdb"
    con = db.connect(path)
    fill(con)
    con.execute(
        "insert into imports (import_id, kind, sha256, status)"
        " values (1, 'tickets', 'a', 'active'), (2, 'timesheets', 'b', 'active')"
    )
    settings.save(con, "privacy.consultant_names", "full")
    con.close()
    return path


@pytest.fixture
def app_db(shared_db, tmp_path, monkeypatch) -> Path:
    """The app pointed at shared_db with the share secret set; AppTest runs in st.navigation
    mode (see test_app_shell.py)."""
    monkeypatch.setenv("OKAM_DB", str(shared_db))
    monkeypatch.setenv("OKAM_SAMPLE_DIR", str(tmp_path / "no-sample"))
    monkeypatch.setenv(share.SECRET_ENV, SECRET)
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
    return shared_db


def mint(client: str = CLIENT, secret: str = SECRET, days: int = 30) -> str:
    return share.mint(client, *PERIOD, days, secret)


def expired() -> str:
    """A 30-day link signed 31 days ago."""
    with mock.patch("time.time", return_value=time.time() - 31 * 86400):
        return mint()


def tampered_payload() -> str:
    """The canary's payload under Acme's signature."""
    # token = payload.timestamp.signature (a compressed payload itself starts with ".")
    canary_payload = mint(CANARY).rsplit(".", 2)[0]
    timestamp, signature = mint().rsplit(".", 2)[1:]
    return f"{canary_payload}.{timestamp}.{signature}"


def tampered_signature() -> str:
    # the signature's first character: its last one carries unused bits
    head, signature = mint().rsplit(".", 1)
    return f"{head}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"


def without_client() -> str:
    payload = {"f": PERIOD[0].isoformat(), "t": PERIOD[1].isoformat(), "d": 30}
    return URLSafeTimedSerializer(SECRET, salt=share.SALT).dumps(payload)


TOKENS = {
    "valid": mint,
    "tampered payload": tampered_payload,
    "tampered signature": tampered_signature,
    "expired": expired,
    "other secret": lambda: mint(secret=OTHER_SECRET),
    "missing client": without_client,
}
EXTRAS = ("none", "another client", "another page")


def open_link(token: str, extra: str = "none", lang: str | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params[share.TOKEN_PARAM] = token
    if extra == "another client":
        at.query_params["client"] = CANARY
    if lang:
        at.query_params["lang"] = lang
    # the link's page is /client; any other page falls to the refusal
    at.switch_page("pages/knowledge.py" if extra == "another page" else "pages/client.py")
    return at.run()


def nodes(node) -> Iterator:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from nodes(child)


def everything_shown(at: AppTest) -> str:
    """The text of every element AppTest exposes: each element's protobuf (labels, options,
    values, markdown, metric values, chart JSON, dataframe bytes) and each dataframe's cells."""
    parts = []
    for node in nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
            parts.append(proto.SerializeToString().decode("utf-8", "replace"))
        if node.__class__.__name__ == "Dataframe":
            parts.append(node.value.to_csv())
    return "\n".join(parts)


def assert_refused(at: AppTest) -> None:
    assert not at.exception
    assert [e.value for e in at.error] and REFUSAL in at.error[0].value
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")
    assert not at.get("download_button") and not at.selectbox and not at.header
    shown = everything_shown(at)
    for name in (CLIENT, CANARY, "Zyxwv", *ACME_ONLY):
        assert name not in shown


def assert_only(at: AppTest, client: str, other: str, others_only: tuple[str, ...]) -> str:
    assert not at.exception and not at.error
    assert [h.value for h in at.header] == [client]
    assert len(at.metric) == 8 and at.dataframe and at.get("plotly_chart")
    assert not at.selectbox and not at.multiselect  # no client to choose, no filter
    assert not at.sidebar.children  # no menu, no filters, nothing listing clients
    shown = everything_shown(at)
    for name in (other, *others_only):
        assert name not in shown, name
    return shown


@pytest.mark.parametrize("extra", EXTRAS)
@pytest.mark.parametrize("source", list(TOKENS))
def test_token_source_by_url_extra(app_db, source: str, extra: str) -> None:
    at = open_link(TOKENS[source](), extra)
    if source == "valid" and extra == "none":
        shown = assert_only(at, CLIENT, CANARY, ("Zyxwv", CANARY_CONSULTANT))
        assert all(text in shown for text in ACME_ONLY)  # the walk does see titles
    else:
        assert_refused(at)


def test_the_canary_link_shows_only_the_canary(app_db) -> None:
    at = open_link(mint(CANARY))
    assert_only(at, CANARY, CLIENT, ACME_ONLY)
    assert CANARY_CONSULTANT in everything_shown(at)  # the walk does see names


def test_the_valid_view_shows_acme_figures_in_french(app_db) -> None:
    at = open_link(mint(), lang="fr")
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Tickets ouverts"] == "5"
    assert tiles["Résolution dans le SLA"] == "50,0\u202f%"
    assert "Julien Marchand" in everything_shown(at)  # privacy "full" in this database


def test_a_client_named_in_the_url_must_be_the_tokens(app_db) -> None:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params[share.TOKEN_PARAM] = mint()
    at.query_params["client"] = CLIENT
    assert_only(at.switch_page("pages/client.py").run(), CLIENT, CANARY, ("Zyxwv",))


def test_two_tokens_are_refused(app_db) -> None:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params[share.TOKEN_PARAM] = [mint(), mint(CANARY)]
    assert_refused(at.switch_page("pages/client.py").run())


def test_a_valid_link_at_the_app_root_is_refused(app_db) -> None:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params[share.TOKEN_PARAM] = mint()
    assert_refused(at.run())


def test_without_a_secret_on_the_server_every_link_is_refused(app_db, monkeypatch) -> None:
    token = mint()
    monkeypatch.delenv(share.SECRET_ENV)
    assert_refused(open_link(token))


def test_the_manager_view_has_the_share_box_and_needs_a_secret(app_db, monkeypatch) -> None:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.switch_page("pages/client.py").run()
    assert not at.exception
    assert at.selectbox(key="client_client").options == [CLIENT, CANARY]
    at.selectbox(key="client_client").select(CLIENT).run()
    at.button(key="client_share_create").click().run()
    [url] = [code.value for code in at.main.code]
    assert url.startswith("http://localhost:8501/client?token=") and url.endswith("&lang=en")
    scope = share.verify(url.split("token=")[1].split("&")[0], SECRET)
    assert scope == share.ShareScope(CLIENT, *at.session_state["sidebar__period"])
    monkeypatch.delenv(share.SECRET_ENV)
    at.button(key="client_share_create").click().run()
    assert "Share links need a secret" in at.error[0].value


@pytest.mark.parametrize(
    ("url", "root"),
    [
        ("http://host:8501/client", "http://host:8501"),
        ("http://host:8501/client/", "http://host:8501"),
        ("https://x.org/okam/client", "https://x.org/okam"),
        ("https://x.org/okam/", "https://x.org/okam"),
        (None, "http://localhost:8501"),
    ],
)
def test_app_root_of_the_page_url(url, root) -> None:
    assert client_render.app_root(url) == root
