"""Overview, Knowledge and Workload pages under AppTest on the sample data: the headline figures
equal the metrics functions' results, the filters change them, the URL restores them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from okam_analytics import db, sample, settings, views
from okam_analytics.metrics import escalations, knowledge, workload
from okam_analytics.metrics.period import Period
from okam_analytics.ui import data

pytestmark = pytest.mark.slow  # loads the sample exports once (about 20 s)

REPO = Path(__file__).resolve().parents[1]
LATEST = date(2026, 10, 31)  # the sample's last day: the default as-of
EARLIER = date(2026, 3, 31)
TEAM = "Infra & Réseau"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> tuple[Path, Path]:
    """A database holding the bundled sample exports (generated when data/sample is empty)."""
    tmp = tmp_path_factory.mktemp("pages")
    folder = data.sample_dir()
    if not data.sample_files(folder):
        folder = tmp / "sample"
        sample.write_sample(folder, "small")
    path = tmp / "pages.duckdb"
    con = db.connect(path)
    problems = data.load_sample_files(con, folder)
    con.close()
    assert problems == []
    return path, folder


def use_database(monkeypatch, path: Path, sample_folder: Path) -> None:
    """Point the app at path; start AppTest runs in st.navigation mode (see test_app_shell.py)."""
    monkeypatch.setenv("OKAM_DB", str(path))
    monkeypatch.setenv("OKAM_SAMPLE_DIR", str(sample_folder))
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture
def con(sample_db, monkeypatch):
    """The app's own cached connection to the sample database (AppTest runs in this process)."""
    use_database(monkeypatch, *sample_db)
    return data.cursor()


def run_page(page: str, **query: str | list[str]) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def tiles(at: AppTest) -> dict[str, str]:
    return {tile.label: tile.value for tile in at.metric}


def table_with(at: AppTest, header: str) -> pd.DataFrame:
    """The first table of the page that has a column named header."""
    return next(t.value for t in at.dataframe if header in t.value.columns)


def active_counts(con, as_of: date) -> dict[str, str]:
    frame = knowledge.redundancy_by_client(con, settings.load(con), as_of)
    statuses = frame.loc[frame["activity"] == "active", "status"]
    return {
        label: str((statuses == status).sum())
        for status, label in [
            ("covered", "Covered"),
            ("single", "Single knower"),
            ("uncovered", "Uncovered"),
        ]
    }


def call_counts(con, as_of: date, consultants: list[str] | None = None) -> pd.Series:
    call = workload.daily_call(con, settings.load(con), as_of)
    if consultants is not None:
        call = call[call["consultant"].isin(consultants)]
    return call["status"].value_counts()


def test_overview_tiles_equal_the_metrics(con) -> None:
    at = run_page("pages/overview.py")
    shown = tiles(at)
    assert {k: shown[k] for k in ("Covered", "Single knower", "Uncovered")} == active_counts(
        con, LATEST
    )
    assert shown["Overloaded this week"] == str(call_counts(con, LATEST).get("overloaded", 0))
    span = Period(LATEST, date(2026, 10, 2), LATEST)
    sla = escalations.escalation_compliance(con, settings.load(con), span).sum(numeric_only=True)
    met, breached = sla["resolution_met"], sla["resolution_breached"]
    assert shown["Resolution SLA met (30 days)"] == f"{met / (met + breached):.0%}"
    met, breached = sla["response_met"], sla["response_breached"]
    assert shown["Response SLA met (30 days)"] == f"{met / (met + breached):.0%}"
    assert shown["Open and past target"] == str(int(sla["open_breached"]))
    assert table_with(at, "Source")["Source"].tolist() == ["glpi", "harvest"]
    assert any("Sample data" in box.value for box in at.info)


def test_overview_as_of_in_the_url_sets_the_filter_and_the_figures(con) -> None:
    at = run_page("pages/overview.py", asof=EARLIER.isoformat())
    assert at.date_input(key="sidebar_as_of").value == EARLIER
    shown = tiles(at)
    expected = active_counts(con, EARLIER)
    assert {k: shown[k] for k in expected} == expected
    assert expected != active_counts(con, LATEST)  # the as-of date really moves the figures


def test_overview_team_filter_narrows_the_workload(con) -> None:
    at = run_page("pages/overview.py", team=TEAM)
    assert at.multiselect(key="sidebar_teams").value == [TEAM]
    members = views.team_members(con, [TEAM])
    expected = call_counts(con, LATEST, members).get("overloaded", 0)
    assert tiles(at)["Overloaded this week"] == str(expected)
    assert expected != call_counts(con, LATEST).get("overloaded", 0)


def test_changing_the_as_of_widget_changes_the_figures(con) -> None:
    at = run_page("pages/overview.py")
    at.date_input(key="sidebar_as_of").set_value(EARLIER).run()
    assert tiles(at)["Uncovered"] == active_counts(con, EARLIER)["Uncovered"]
    assert at.query_params["asof"] == EARLIER.isoformat()


def test_knowledge_tiles_and_at_risk_list(con) -> None:
    at = run_page("pages/knowledge.py")
    shown = tiles(at)
    cfg = settings.load(con)
    assert {k: shown[k] for k in ("Covered", "Single knower", "Uncovered")} == active_counts(
        con, LATEST
    )
    assert shown["Truck factor"] == str(knowledge.truck_factor(con, cfg, LATEST)[0])
    clients = knowledge.redundancy_by_client(con, cfg, LATEST)
    at_risk = clients[(clients["activity"] == "active") & clients["status"].isin(views.AT_RISK)]
    expected = at_risk.sort_values("evidence_hours_90d", ascending=False)["client"].tolist()
    assert table_with(at, "Suggested successors")["Client"].tolist() == expected
    assert len(table_with(at, "Absence factor")) == len(clients)


def test_what_if_absence_adds_the_clients_that_lose_coverage(con) -> None:
    at = run_page("pages/knowledge.py")
    before = table_with(at, "Suggested successors")["Client"].tolist()
    at.multiselect(key="knowledge_absent").select("Inès Carpentier").run()
    after = table_with(at, "Suggested successors")
    fallen = knowledge.what_if_absent(con, settings.load(con), LATEST, ["Inès Carpentier"])
    assert set(fallen["client"]) <= set(after["Client"])
    assert set(after["Client"]) - set(before) == set(fallen["client"]) - set(before) != set()
    assert "Status if absent" in after.columns


def test_knowledge_picker_and_client_come_back_from_the_url(con) -> None:
    client = "Cabinet Lefèvre Avocats"
    at = run_page("pages/knowledge.py", knowledge_absent="Karim Haddad", knowledge_client=client)
    assert at.multiselect(key="knowledge_absent").value == ["Karim Haddad"]
    assert at.selectbox(key="knowledge_client").value == client
    helpers = workload.who_can_help(con, settings.load(con), LATEST, client)
    assert table_with(at, "Role")["Consultant"].tolist() == helpers["consultant"].tolist()


def test_knowledge_client_filter_narrows_the_tables(con) -> None:
    chosen = ["Optique Lemoine", "Boulangeries Martin"]
    at = run_page("pages/knowledge.py", client=chosen)
    assert sorted(table_with(at, "Absence factor")["Client"]) == sorted(chosen)
    assert tiles(at)["Single knower"] == "1" and tiles(at)["Covered"] == "1"


def test_workload_tiles_equal_the_metrics(con) -> None:
    at = run_page("pages/workload.py")
    shown = tiles(at)
    counts = call_counts(con, LATEST)
    for status, label in [
        ("overloaded", "Overloaded now"),
        ("busy", "Busy now"),
        ("available", "Available now"),
    ]:
        assert shown[label] == str(counts.get(status, 0))
    summary = workload.workload_summary(
        con, settings.load(con), Period(LATEST, date(2025, 11, 1), LATEST)
    )
    assert shown["Overloaded weeks (period)"] == str(summary["overloaded_weeks"].sum())
    assert (
        table_with(at, "Overloaded weeks")["Consultant"].tolist() == summary["consultant"].tolist()
    )


def test_workload_period_and_team_from_the_url(con) -> None:
    start, end = date(2026, 6, 1), date(2026, 8, 31)
    at = run_page(
        "pages/workload.py", team=TEAM, **{"from": start.isoformat(), "to": end.isoformat()}
    )
    assert at.date_input(key="sidebar_period").value == (start, end)
    members = views.team_members(con, [TEAM])
    summary = workload.workload_summary(con, settings.load(con), Period(LATEST, start, end))
    summary = summary[summary["consultant"].isin(members)]
    assert table_with(at, "Overloaded weeks")["Consultant"].tolist() == members
    assert tiles(at)["Overloaded weeks (period)"] == str(summary["overloaded_weeks"].sum())


def test_workload_consultant_comes_back_from_the_url(con) -> None:
    at = run_page("pages/workload.py", workload_consultant="Kevin Brunet")
    assert at.selectbox(key="workload_consultant").value == "Kevin Brunet"
    at.selectbox(key="workload_consultant").select("Sarah Benali").run()
    assert not at.exception


@pytest.mark.parametrize(
    ("page", "title"),
    [
        ("pages/overview.py", "Vue d'ensemble"),
        ("pages/knowledge.py", "Connaissances"),
        ("pages/workload.py", "Charge de travail"),
    ],
)
def test_pages_in_french(con, page: str, title: str) -> None:
    at = run_page(page, lang="fr")
    assert [t.value for t in at.title] == [title]
    assert all(tile.label for tile in at.metric)


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/knowledge.py", "pages/workload.py"])
def test_pages_on_an_empty_database(tmp_path, monkeypatch, page: str) -> None:
    use_database(monkeypatch, tmp_path / "empty.duckdb", tmp_path / "no-sample")
    at = run_page(page)
    assert all(tile.value in ("0", "–") for tile in at.metric)
