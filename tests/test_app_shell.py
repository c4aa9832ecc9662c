"""The app shell under Streamlit's AppTest: navigation, shared filters <-> URL, sample data flag."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from okam_analytics import db, i18n
from okam_analytics.metrics.period import Period
from okam_analytics.ui import data, render, state
from okam_analytics.ui.serving import RunCursor

REPO = Path(__file__).resolve().parents[1]
PAGES = [  # file, English title, French title
    ("pages/today.py", "Today", "Aujourd'hui"),
    ("pages/overview.py", "Overview", "Vue d'ensemble"),
    ("pages/knowledge.py", "Knowledge", "Connaissances"),
    ("pages/workload.py", "Workload", "Charge de travail"),
    ("pages/escalations.py", "Escalations", "Escalades"),
    ("pages/client.py", "Client", "Client"),
    ("pages/coverage.py", "Coverage", "Couverture"),
    ("pages/import.py", "Import", "Import"),
    ("pages/settings.py", "Settings", "Paramètres"),
]
TICKETS = [  # ticket_id, client, team, created_at
    ("T1", "Acme", "Network", "2026-01-05 09:00:00"),
    ("T2", "Globex", "Cloud", "2026-01-12 14:30:00"),
    ("T3", "Initech", "Network", "2026-01-20 10:00:00"),
]


@pytest.fixture
def app_db(tmp_path, monkeypatch, navigation_v2) -> Path:
    """A database with three tickets (clients Acme, Globex, Initech; teams Network, Cloud)."""
    path = tmp_path / "app.duckdb"
    con = db.connect(path)
    con.executemany(
        "insert into tickets (source, ticket_id, client, team, created_at, import_id)"
        " values ('glpi', ?, ?, ?, ?::timestamp, 1)",
        TICKETS,
    )
    con.close()
    monkeypatch.setenv("OKAM_DB", str(path))
    monkeypatch.setenv("OKAM_SAMPLE_DIR", str(tmp_path / "no-sample"))
    return path


def run_app(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=30)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def test_app_runs_on_an_empty_database(tmp_path, monkeypatch, navigation_v2) -> None:
    monkeypatch.setenv("OKAM_DB", str(tmp_path / "empty.duckdb"))
    monkeypatch.setenv("OKAM_SAMPLE_DIR", str(tmp_path / "no-sample"))
    at = run_app()
    assert not at.exception
    assert [t.value for t in at.title] == ["Today"]
    assert any("No sample data found" in box.value for box in at.info)
    assert set(at.query_params) == {"from", "to", "asof", "lang"}


def test_defaults_come_from_the_data(app_db) -> None:
    at = run_app()
    assert not at.exception
    assert at.query_params == {
        "from": "2025-01-21",
        "to": "2026-01-20",
        "asof": "2026-01-20",
        "lang": "en",
    }
    assert at.sidebar.multiselect(key="sidebar_clients").options == ["Acme", "Globex", "Initech"]
    assert at.sidebar.multiselect(key="sidebar_teams").options == ["Cloud", "Network"]


def test_query_params_restore_the_filters(app_db) -> None:
    at = run_app(
        {
            "from": "2026-01-01",
            "to": "2026-01-31",
            "asof": "2026-01-15",
            "client": ["Globex", "Acme"],
            "team": "Network",
            "lang": "fr",
        }
    )
    assert not at.exception
    assert not at.warning
    assert at.sidebar.date_input(key="sidebar_period").value == (
        date(2026, 1, 1),
        date(2026, 1, 31),
    )
    assert at.sidebar.date_input(key="sidebar_as_of").value == date(2026, 1, 15)
    assert at.sidebar.multiselect(key="sidebar_clients").value == ["Globex", "Acme"]
    assert at.sidebar.multiselect(key="sidebar_teams").value == ["Network"]
    assert at.sidebar.radio(key="sidebar_lang").value == "fr"
    assert [t.value for t in at.title] == ["Aujourd'hui"]
    assert at.session_state[state.FILTERS_KEY] == state.Filters(
        date(2026, 1, 1),
        date(2026, 1, 31),
        date(2026, 1, 15),
        ["Globex", "Acme"],
        ["Network"],
        "fr",
    )
    assert at.query_params["client"] == ["Globex", "Acme"]


@pytest.mark.parametrize(
    ("query", "warning_part", "expected"),
    [
        ({"asof": "2025-02-30"}, "'asof'", {"asof": "2026-01-20"}),
        ({"from": "yesterday"}, "'from'", {"from": "2025-01-21"}),
        ({"to": "1900-01-01"}, "'to'", {"to": "2026-01-20"}),
        (
            {"from": "2026-02-01", "to": "2026-01-01"},
            "starts (2026-02-01) after it ends",
            {"from": "2025-01-21", "to": "2026-01-20"},
        ),
        ({"client": ["Acme", "Umbrella"]}, "Umbrella", {"client": "Acme"}),
        ({"team": "Nowhere"}, "Nowhere", {}),
        ({"lang": "de"}, "Unknown language", {"lang": "en"}),
    ],
)
def test_invalid_url_values_fall_back_with_a_warning(app_db, query, warning_part, expected) -> None:
    at = run_app(query)
    assert not at.exception
    assert [t.value for t in at.title] == ["Today"]
    warnings = " ".join(w.value.replace("\\", "") for w in at.warning)
    assert warning_part in warnings
    for key, value in expected.items():
        assert at.query_params[key] == value
    if "team" in query:
        assert "team" not in at.query_params


def test_url_text_in_a_warning_is_not_live_markdown(app_db) -> None:
    at = run_app({"client": "[click](http://evil.example)"})
    assert "\\[click\\]\\(http\\:" in at.warning[0].value


@pytest.mark.parametrize(("path", "english", "french"), PAGES)
def test_every_page_runs_inside_the_frame(app_db, path, english, french) -> None:
    at = run_app({"asof": "2026-01-10", "lang": "fr"})
    at.switch_page(path).run()
    assert not at.exception
    assert [t.value for t in at.title] == [french]
    # The sidebar filters survive the page switch, in the widgets and in the URL.
    assert at.sidebar.date_input(key="sidebar_as_of").value == date(2026, 1, 10)
    assert at.query_params["asof"] == "2026-01-10"
    assert at.sidebar.code[0].value.startswith("/")
    at.sidebar.radio(key="sidebar_lang").set_value("en").run()
    assert [t.value for t in at.title] == [english]


def test_widget_change_updates_the_url_and_the_copy_link(app_db) -> None:
    at = run_app()
    at.sidebar.multiselect(key="sidebar_clients").select("Initech").run()
    assert at.query_params["client"] == "Initech"
    assert "client=Initech" in at.sidebar.code[0].value


def test_share_token_hides_the_sidebar_and_client_names(app_db) -> None:
    at = run_app({"token": "anything"})
    assert not at.exception
    assert not at.sidebar.multiselect
    assert not at.sidebar.code
    assert [t.value for t in at.title] == ["Client"]


def test_parse_and_to_query_round_trip() -> None:
    options = state.FilterOptions(
        Period(date(2026, 1, 20), date(2025, 1, 21), date(2026, 1, 20)), ["A", "B"], ["N"]
    )
    filters = state.Filters(date(2026, 1, 1), date(2026, 1, 31), date(2026, 1, 15), ["B"], [], "fr")
    assert state.to_query(filters) == {
        "from": ["2026-01-01"],
        "to": ["2026-01-31"],
        "asof": ["2026-01-15"],
        "client": ["B"],
        "lang": ["fr"],
    }
    assert state.parse_query(state.to_query(filters), options, "en") == (filters, [])
    assert state.parse_query({}, options, "en") == (
        state.Filters(date(2025, 1, 21), date(2026, 1, 20), date(2026, 1, 20), [], [], "en"),
        [],
    )


def test_escape_markdown_disarms_links_and_shortens() -> None:
    assert render.escape_markdown("[a](b)") == "\\[a\\]\\(b\\)"
    assert render.escape_markdown("x" * 100) == "x" * 79 + "…"


def add_import(con, import_id: int, sha256: str, status: str = "active") -> None:
    """An imports row; through the app's write connection when con is the app's reader."""
    if isinstance(con, RunCursor):
        with data.writing() as writer:
            add_import(writer, import_id, sha256, status)
        return
    con.execute(
        "insert into imports (import_id, kind, sha256, status) values (?, 'tickets', ?, ?)",
        [import_id, sha256, status],
    )


def test_is_sample_only(tmp_path, monkeypatch) -> None:
    sample = tmp_path / "sample"
    sample.mkdir()
    (sample / "tickets.csv").write_bytes(b"ID,Title\n1,a\n")
    (sample / "notes.txt").write_bytes(b"not an export")
    monkeypatch.setenv("OKAM_DB", str(tmp_path / "flag.duckdb"))
    monkeypatch.setenv("OKAM_SAMPLE_DIR", str(sample))
    con = data.cursor()
    sample_sha = hashlib.sha256(b"ID,Title\n1,a\n").hexdigest()
    assert data.is_sample_only(con) is False  # nothing imported yet
    add_import(con, 1, sample_sha)
    assert data.is_sample_only(con) is True
    add_import(con, 2, "f" * 64, status="undone")
    assert data.is_sample_only(con) is True
    add_import(con, 3, "e" * 64)
    assert data.is_sample_only(con) is False
    assert data.import_counts(con, [sample_sha]) == {
        "count_imports": 3,
        "count_active": 2,
        "count_active_sample": 1,
    }


def test_cached_call_sees_a_new_import_at_once(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("OKAM_DB", str(tmp_path / "cache.duckdb"))
    con = data.cursor()
    assert data.cached_call(data.import_count) == 0
    add_import(con, 1, "a" * 64)
    assert data.cached_call(data.import_count) == 1


def test_a_run_reads_the_data_version_once_and_the_next_run_sees_new_data(
    app_db, monkeypatch
) -> None:
    reads = []
    original = db.data_version

    def counted(con):
        reads.append(1)
        return original(con)

    monkeypatch.setattr(db, "data_version", counted)
    at = run_app().switch_page("pages/escalations.py").run()
    assert not at.exception
    assert len(reads) == 2  # one per run (the first run, then the switched page)
    with db.connect(app_db) as con:
        add_import(con, 7, "b" * 64)
    assert at.session_state[data.RUN_VERSION_KEY].startswith("0-")
    at.run()
    assert len(reads) == 3
    assert at.session_state[data.RUN_VERSION_KEY].startswith("7-")
    assert data.run_version().startswith("7-")  # outside a run: read afresh


def test_the_run_that_loads_the_sample_caches_under_the_loaded_version(
    tmp_path, monkeypatch, navigation_v2
) -> None:
    # That run reads the version for its language before the load: it must read it again.
    sample = tmp_path / "sample"
    sample.mkdir()
    for name in ("zendesk.csv", "toggl.csv"):
        (sample / name).write_bytes((REPO / "tests" / "fixtures" / "presets" / name).read_bytes())
    monkeypatch.setenv("OKAM_DB", str(tmp_path / "first.duckdb"))
    monkeypatch.setenv("OKAM_SAMPLE_DIR", str(sample))
    at = run_app()
    assert not at.exception
    with db.connect(tmp_path / "first.duckdb") as con:
        assert data.import_count(con) == 2
        assert at.session_state[data.RUN_VERSION_KEY] == db.data_version(con)


def test_missing_sample_folder_is_a_message(tmp_path) -> None:
    con = db.connect(tmp_path / "s.duckdb")
    assert data.load_sample_files(con, tmp_path / "none") == [
        ("ui.sample_missing", {"folder": str(tmp_path / "none")})
    ]


@pytest.mark.slow
def test_sample_data_loads_once_into_an_empty_database(tmp_path, monkeypatch) -> None:
    pytest.importorskip("okam_analytics.ingest.service")
    files = data.sample_files(data.SAMPLE_DIR)
    if not files:
        pytest.skip("data/sample/ holds no exports yet")
    monkeypatch.setenv("OKAM_DB", str(tmp_path / "sample.duckdb"))
    con = data.cursor()
    assert data.ensure_sample(con) == []
    assert data.import_counts(con)["count_active"] == len(files)
    assert data.is_sample_only(con) is True
    assert data.ensure_sample(con) == []  # a second call loads nothing more
    assert data.import_count(con) == len(files)


def test_only_the_ui_layer_imports_streamlit() -> None:
    package = REPO / "okam_analytics"
    offenders = [
        str(path.relative_to(REPO))
        for path in package.rglob("*.py")
        if "ui" not in path.relative_to(package).parts[:1]
        and re.search(r"^\s*(import|from)\s+streamlit\b", path.read_text(), re.MULTILINE)
    ]
    assert offenders == []


def test_both_catalogues_have_the_same_keys_and_the_shell_keys() -> None:
    english, french = i18n.catalogue("en"), i18n.catalogue("fr")
    assert sorted(set(english) ^ set(french)) == []
    shell = ["app.py", *(f"okam_analytics/ui/{m}.py" for m in ("data", "render", "state", "text"))]
    used = set()
    for name in shell:
        used |= set(re.findall(r'"((?:nav|sidebar|url|ui)\.[a-z_.]+)"', (REPO / name).read_text()))
    assert {"nav.today", "nav.overview"} <= used
    assert sorted(key for key in used if key not in english) == []
