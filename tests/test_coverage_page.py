"""The Coverage page under AppTest on the sample data: the runway chart and the plan table are
the metrics' results, the controls change the plan, a saved plan shows its progress, French too."""

from __future__ import annotations

import html
import json
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from okam_analytics import db, sample, settings
from okam_analytics.metrics import coverage, coverage_plan, knowledge
from okam_analytics.ui import data

pytestmark = pytest.mark.slow  # loads the sample exports once (about 20 s)

REPO = Path(__file__).resolve().parents[1]
LATEST = date(2026, 10, 31)  # the sample's last day: the default as-of


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("coverage")
    folder = data.sample_dir()
    if not data.sample_files(folder):
        folder = tmp / "sample"
        sample.write_sample(folder, "small")
    path = tmp / "coverage.duckdb"
    con = db.connect(path)
    assert data.load_sample_files(con, folder) == []
    con.close()
    return path, folder


@pytest.fixture
def app(sample_db, monkeypatch, navigation_v2):
    monkeypatch.setenv("OKAM_DB", str(sample_db[0]))
    monkeypatch.setenv("OKAM_SAMPLE_DIR", str(sample_db[1]))
    return sample_db


@pytest.fixture
def expected(app):
    """The runway and the default plan as the metrics compute them (on the app's connection:
    AppTest runs in this process)."""
    con = data.cursor()
    cfg = settings.load(con)
    runway = coverage.coverage_runway(con, cfg, LATEST)
    plan = coverage_plan.coverage_plan(con, cfg, LATEST)
    four_weeks = coverage_plan.coverage_plan(con, cfg, LATEST, weeks=4, budget_share=0.2)
    return runway, plan, four_weeks


def open_page(lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.query_params["lang"] = lang
    at.switch_page("pages/coverage.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def bars(at: AppTest) -> dict[str, float]:
    """Client -> bar length of the runway chart."""
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    return {
        html.unescape(y): x  # names reach plotly escaped (charts.plain)
        for trace in figure["data"]
        for x, y in zip(trace["x"], trace["y"], strict=True)
    }


def test_runway_chart_and_plan_are_the_metrics(app, expected):
    runway, plan, _ = expected
    at = open_page()
    assert [m.value for m in at.metric] == [
        str(runway["days_left"].isna().sum()),
        str(int((runway["days_left"] <= 30).sum())),
        str(len(runway)),
    ]
    covered = runway.dropna(subset=["days_left"])
    shown = bars(at)
    assert {c: shown[c] for c in covered["client"]} == dict(
        zip(covered["client"], covered["days_left"].astype(float), strict=True)
    )
    grid = at.dataframe[1].value  # the plan (the runway table is the first grid)
    assert grid.columns.tolist() == [
        "Client", "Learner", "Trainer", "Hours", "Hours per week", "Why not filled",
    ]  # fmt: skip
    assert grid["Client"].tolist() == plan["client"].tolist()
    assert grid["Learner"].tolist() == plan["learner"].fillna("–").tolist()


def test_horizon_and_budget_controls_change_the_plan_and_saved_plan_progress(app, expected):
    _, _, four_weeks = expected
    at = open_page()
    at.number_input(key="coverage_weeks").set_value(4)
    at.number_input(key="coverage_budget").set_value(20).run()
    assert not at.exception
    grid = at.dataframe[1].value
    assert grid["Learner"].tolist() == four_weeks["learner"].fillna("–").tolist()
    filled, slots = four_weeks["learner"].notna().sum(), len(four_weeks)
    assert any(c.value.startswith(f"{filled} of {slots} needed learners") for c in at.caption)
    at.button(key="coverage_save").click().run()
    assigned = four_weeks["learner"].notna().sum()
    assert [s.value for s in at.success] == [f"{assigned} assignments saved for 2026-10-31."]
    progress = at.dataframe[2].value
    assert progress["Learner"].tolist() == four_weeks["learner"].dropna().tolist()
    assert set(progress["Hours logged since"]) == {0.0}  # nothing logged after the as-of day


def test_french_page(app):
    at = open_page("fr")
    assert at.title[0].value == "Couverture"
    assert [s.value for s in at.subheader][:2] == [
        "Autonomie : combien de temps la couverture tient sans nouveau travail",
        "Plan de formation croisée",
    ]
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert figure["layout"]["xaxis"]["title"]["text"] == "Jours couverts sans nouveau travail"
    assert "Apprenant" in at.dataframe[1].value.columns


@pytest.mark.parametrize(("weeks", "budget_share"), [(8, 0.1), (12, 0.3), (2, 0.5)])
def test_logging_the_plan_brings_each_fully_staffed_client_to_target(app, weeks, budget_share):
    """On the sample: insert the plan's hours as time entries (equal parts on the horizon's
    working days); at E every client whose slots are all filled has its target of knowers."""
    con = data.cursor()
    cfg = settings.load(con)
    plan = coverage_plan.coverage_plan(con, cfg, LATEST, weeks, budget_share)
    span = coverage_plan.horizon(cfg, LATEST, weeks)
    staffed = plan.groupby("client")["learner"].apply(lambda s: s.notna().all())
    assert staffed.any()
    with data.writing() as writer:  # the app reads through a read-only connection
        writer.begin()
        try:
            for row in plan.dropna(subset=["learner"]).itertuples():
                writer.executemany(
                    "insert into time_entries (source, entry_key, work_date, consultant, client,"
                    " hours, is_absence, import_id) values ('plan', ?, ?, ?, ?, ?, false, 0)",
                    [(f"{row.client}|{row.learner}|{day}", day, row.learner, row.client,
                      row.hours / len(span.working_days)) for day in span.working_days],
                )  # fmt: skip
            after = knowledge.redundancy_by_client(writer, cfg, span.end_date).set_index("client")
        finally:
            writer.rollback()
    clients = staffed[staffed].index
    assert (after.loc[clients, "knowers"] >= 2).all(), after.loc[clients, "knowers"]
