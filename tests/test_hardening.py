"""Hardening (SPEC 8): server settings, DuckDB connections that touch no other file, and
uploaded text that always shows as text (tables, options, chart labels), never as markup."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from okam_analytics import db
from okam_analytics.ingest import service
from okam_analytics.ingest.read import read_export
from okam_analytics.ui import data

REPO = Path(__file__).resolve().parents[1]
ESCAPES = [  # what SQL run on a connection could use to reach files, extensions or the network
    "select * from read_csv('/etc/passwd')",
    "select * from read_text('/etc/passwd')",
    "select * from glob('/etc/*')",
    "copy (select 1) to '{tmp}/out.csv'",
    "attach '{tmp}/other.duckdb' as other",
    "export database '{tmp}/export'",
    "install httpfs",
    "load httpfs",
    "set enable_external_access = true",
]


def refused(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> list[str]:
    """The ESCAPES the connection refuses."""
    answers = []
    for sql in ESCAPES:
        try:
            con.execute(sql.format(tmp=tmp_path))
        except (duckdb.PermissionException, duckdb.InvalidInputException):
            answers.append(sql)
    return answers


# --- server settings ---------------------------------------------------------------------


def test_streamlit_config_keeps_xsrf_on_caps_uploads_and_hides_error_details():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] == service.MAX_UPLOAD_MB
    assert config["client"]["showErrorDetails"] in (False, "none")
    assert "enableCORS" not in config["server"]  # XSRF protection needs CORS protection on


# --- DuckDB connections ------------------------------------------------------------------


def test_app_connection_reaches_no_file_and_has_limits(tmp_path):
    con = db.connect(tmp_path / "app.duckdb")
    assert refused(con, tmp_path) == ESCAPES
    assert refused(con.cursor(), tmp_path) == ESCAPES
    settings = con.execute(
        "select current_setting('threads'), current_setting('memory_limit'),"
        " current_setting('enable_external_access')"
    ).fetchall()
    assert settings == [(db.DEFAULT_THREADS, "1.8 GiB", False)]  # 2 GB
    assert not list(tmp_path.glob("out.csv")) and not (tmp_path / "export").exists()
    con.close()
    reader = db.connect(tmp_path / "app.duckdb", read_only=True)
    assert refused(reader, tmp_path) == ESCAPES
    reader.close()


def test_the_apps_cached_connection_is_the_locked_one(tmp_path, monkeypatch):
    monkeypatch.setenv("OKAM_DB", str(tmp_path / "ui.duckdb"))
    cursor = data.cursor()
    with pytest.raises(duckdb.PermissionException):
        cursor.execute("select * from read_csv('/etc/passwd')")
    cursor.close()


def test_import_still_works_through_the_locked_connection(tmp_path):
    con = db.connect(tmp_path / "app.duckdb")
    data_ = b"Date;Consultant;Client;Hours\n05/01/2026;Ana;Client A;7,5\n"
    assert service.load(con, service.inspect(data_, "hours.csv")).status == "loaded"
    assert con.execute("select hours from time_entries").fetchall() == [(7.5,)]
    con.close()


def test_reader_connection_reads_its_own_file_and_nothing_else(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "hours.csv").write_bytes(b"Date;Who;Hours\n05/01/2026;Ana;1\n")
    (folder / "secret.csv").write_bytes(b"password\nhunter2\n")
    raw = read_export(folder / "hours.csv", "hours.csv")
    assert raw.rows_read == 1
    for sql in (
        f"select * from read_csv('{folder / 'secret.csv'}')",
        "select * from read_csv('/etc/passwd')",
        f"copy raw_rows to '{folder / 'out.csv'}'",
    ):
        with pytest.raises(duckdb.PermissionException):
            raw.con.execute(sql)
    raw.close()
    uploaded = read_export(b"Date;Who;Hours\n05/01/2026;Ana;1\n", "hours.csv")
    with pytest.raises(duckdb.PermissionException):
        uploaded.con.execute(f"select * from read_csv('{folder / 'hours.csv'}')")
    uploaded.close()


# --- uploaded text is text ---------------------------------------------------------------

TITLE = "<script>alert(1)</script>"
CLIENT = '<a href="javascript:alert(1)">Acme</a>'
PERSON = "<img src=x onerror=alert(1)>"
HOSTILE = (TITLE, CLIENT, PERSON)


def quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    """A breached P1 ticket titled with a script, for a client whose name is a javascript:
    link, assigned to a consultant whose name is an image tag; and that consultant's hours."""
    path = tmp_path_factory.mktemp("hostile") / "app.duckdb"
    con = db.connect(path)
    tickets = (
        "Ticket ID;Title;Client;Priority;Status;Assignee;Created;Resolved\n"
        f"666;{TITLE};{quoted(CLIENT)};P1;Resolved;{PERSON};05/01/2026 09:00;05/01/2026 19:00\n"
        f"667;Mail;{quoted(CLIENT)};P2;Open;{PERSON};06/01/2026 09:00;\n"
    )
    hours = "Date;Consultant;Client;Hours\n" + "".join(
        f"{day:02d}/01/2026;{PERSON};{quoted(CLIENT)};6\n" for day in range(5, 10)
    )
    for text, name in ((tickets, "tickets.csv"), (hours, "hours.csv")):
        assert service.load(con, service.inspect(text.encode(), name)).status == "loaded"
    con.close()
    return path


@pytest.fixture
def app_db(hostile_db, monkeypatch, navigation_v2) -> Path:
    monkeypatch.setenv("OKAM_DB", str(hostile_db))
    monkeypatch.setenv("OKAM_SAMPLE_DIR", str(hostile_db.parent / "no-sample"))
    return hostile_db


def elements(node):
    """Every element of an AppTest tree, depth first."""
    for child in (getattr(node, "children", None) or {}).values():
        yield child
        yield from elements(child)


def open_page(script: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page(script).run()
    assert not at.exception
    return at


def shown_as_text(at: AppTest) -> set[str]:
    """Uploaded values found verbatim in tables and widget options (which show plain text)."""
    found = set()
    for element in elements(at._tree):
        if element.type == "dataframe":
            found |= {v for v in element.value.to_numpy().ravel() if v in HOSTILE}
        if element.type in ("selectbox", "multiselect"):
            found |= {option for option in element.options if option in HOSTILE}
    return found


def strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def chart_texts(at: AppTest) -> list[str]:
    """The texts plotly renders (with its own markup) in the page's charts: labels, names,
    hover values, and customdata when a hover template shows it."""
    texts = []
    for element in elements(at._tree):
        if element.type != "plotly_chart":
            continue
        figure = json.loads(element.proto.spec)
        for trace in figure.get("data", []):
            shown = ["x", "y", "z", "text", "hovertext", "labels", "name"]
            if "customdata" in str(trace.get("hovertemplate", "")):
                shown.append("customdata")
            texts += [s for key in shown for s in strings(trace.get(key))]
        layout = figure.get("layout", {})
        texts += strings([layout.get("annotations"), layout.get("title")])
        texts += [s for key, axis in layout.items() if "axis" in key for s in strings(axis)]
    return texts


PAGES = {
    "pages/overview.py": {CLIENT},
    "pages/knowledge.py": {CLIENT, PERSON},
    "pages/workload.py": {PERSON},
    "pages/escalations.py": {CLIENT, PERSON},
    "pages/client.py": {CLIENT, TITLE},
}


@pytest.mark.slow
@pytest.mark.parametrize(("script", "expected"), PAGES.items(), ids=list(PAGES))
def test_uploaded_markup_shows_as_literal_text(app_db, script, expected):
    at = open_page(script)
    tree = list(elements(at._tree))
    assert not [e for e in tree if getattr(e.proto, "allow_html", False)]  # no unsafe_allow_html
    assert not [e for e in tree if e.type == "html"]  # no st.html
    assert shown_as_text(at) >= expected


@pytest.mark.slow
@pytest.mark.parametrize(
    "script",
    [
        "pages/knowledge.py",
        "pages/workload.py",
        "pages/escalations.py",
    ],
)
def test_chart_labels_carry_no_live_markup(app_db, script):
    texts = chart_texts(open_page(script))
    hostile = [text for text in texts if "alert(1)" in text]
    assert hostile  # the page charts the uploaded names ...
    assert [text for text in hostile if "<" in text] == []  # ... escaped (&lt;), never as tags


@pytest.mark.slow
def test_ticket_detail_shows_the_title_as_text(app_db):
    def detail() -> None:
        from okam_analytics.ui import escalations_view

        escalations_view.ticket_detail("generic_tickets", "666", "en")

    at = AppTest.from_function(detail, default_timeout=60).run()
    assert not at.exception
    assert shown_as_text(at) == {TITLE, CLIENT, PERSON}  # title, client and assignee fields
    assert not [e for e in elements(at._tree) if getattr(e.proto, "allow_html", False)]
