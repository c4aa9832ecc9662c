"""The Escalations and Settings pages under Streamlit's AppTest, on the sample data.

The sample is loaded once per module through the ingest service; each test works on its own
copy of that database, so a save in one test never leaks into another.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from okam_analytics import db, directory, settings
from okam_analytics.ingest import service
from okam_analytics.metrics import escalations
from okam_analytics.metrics.period import Period, resolve
from okam_analytics.sample import write_sample

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "data" / "sample"
ESCALATIONS, SETTINGS = "pages/escalations.py", "pages/settings.py"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    """The sample exports (data/sample, else freshly generated) loaded into one database."""
    files = sorted(p for p in BUNDLED.glob("*") if p.suffix in (".csv", ".xlsx"))
    if not files:
        files = write_sample(tmp_path_factory.mktemp("sample"))
    path = tmp_path_factory.mktemp("db") / "sample.duckdb"
    con = db.connect(path)
    for file in files:
        result = service.load(con, service.inspect(file.read_bytes(), file.name), True)
        assert result.status == "loaded", result.errors
    # a second spelling of one consultant, as a second export might write it
    con.execute(
        "update time_entry_versions set consultant = 'Julien Marchant'"
        " where consultant = 'Julien Marchand' and month(work_date) = 3"
    )
    service.refresh_current(con)
    con.close()
    return path


@pytest.fixture
def app_db(sample_db, tmp_path, monkeypatch) -> Path:
    """This test's copy of the sample database, served by the app."""
    original = PagesManager.__init__

    def init(self, *args, **kwargs):  # see test_app_shell.navigation_v2
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
    path = tmp_path / "app.duckdb"
    shutil.copy(sample_db, path)
    monkeypatch.setenv("OKAM_DB", str(path))
    monkeypatch.setenv("OKAM_SAMPLE_DIR", str(tmp_path / "no-sample"))
    return path


def open_page(page: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def grid(at: AppTest, key: str):
    """The table (st.dataframe or st.data_editor) with that key."""
    return next(table for table in at.dataframe if table.key == key)


def tiles(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def expected_tiles(path: Path, span: Period | None = None, client: str | None = None) -> dict:
    """The tiles as the metrics functions give them (per priority, or one client's row)."""
    con = db.connect(path)
    cfg = settings.load(con)
    span = span or resolve(con)
    by = "client" if client else "priority"
    rows = escalations.escalation_compliance(con, cfg, span, by)
    con.close()
    if client:
        rows = rows[rows["client"] == client]
    sums = rows.sum(numeric_only=True)
    return {
        "Escalated tickets": str(int(sums["tickets"])),
        "Response within SLA": percent(
            sums["response_met"] / (sums["response_met"] + sums["response_breached"])
        ),
        "Resolution within SLA": percent(
            sums["resolution_met"] / (sums["resolution_met"] + sums["resolution_breached"])
        ),
        "Open and breached": str(int(sums["open_breached"])),
        "No response data": str(int(sums["no_response_data"])),
    }


def stored(path: Path, sql: str) -> list[tuple]:
    con = db.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_escalations_page_shows_the_metrics(app_db) -> None:
    at = open_page(ESCALATIONS)
    assert [t.value for t in at.title] == ["Escalations"]
    assert tiles(at) == expected_tiles(app_db)
    assert int(tiles(at)["Escalated tickets"]) > 100
    assert [s.value for s in at.subheader] == [
        "Compliance by month",
        "Response and resolution times by priority",
        "Breaches",
        "Open escalations by age",
        "By client",
        "By consultant, beside their utilisation",
        "Agreement with the source's SLA flag",
    ]
    breach_grid = grid(at, "escalations_breach_table").value
    assert len(breach_grid) > 0 and set(breach_grid["SLA state"]) <= {"Breached", "Open, breached"}


def test_a_client_filter_changes_the_figures(app_db) -> None:
    at = open_page(ESCALATIONS)
    everyone = tiles(at)
    at.sidebar.multiselect(key="sidebar_clients").select("Transports Rhône-Alpes").run()
    assert not at.exception
    one_client = tiles(at)
    assert one_client != everyone
    assert one_client == expected_tiles(app_db, client="Transports Rhône-Alpes")
    assert at.query_params["client"] == "Transports Rhône-Alpes"


def test_query_parameters_restore_the_filters(app_db) -> None:
    query = {"from": "2026-02-01", "to": "2026-03-31", "asof": "2026-04-30",
             "client": "Transports Rhône-Alpes", "lang": "fr"}  # fmt: skip
    at = open_page(ESCALATIONS, query)
    assert [t.value for t in at.title] == ["Escalades"]
    assert at.sidebar.date_input(key="sidebar_period").value == (
        date(2026, 2, 1),
        date(2026, 3, 31),
    )
    assert at.sidebar.multiselect(key="sidebar_clients").value == ["Transports Rhône-Alpes"]
    span = Period(date(2026, 4, 30), date(2026, 2, 1), date(2026, 3, 31))
    expected = expected_tiles(app_db, span, "Transports Rhône-Alpes")
    assert at.metric[0].value == expected["Escalated tickets"]
    french = expected["Response within SLA"].replace(".", ",").replace("%", "\u202f%")
    assert at.metric[1].value == french


def test_an_sla_target_saved_in_settings_changes_the_escalations_page(app_db) -> None:
    before = tiles(open_page(ESCALATIONS))
    at = open_page(SETTINGS)
    at.session_state["settings_escalation_sla"] = {
        "edited_rows": {0: {"response_minutes": 15}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="settings_escalation_save").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["Saved. Every page now uses these values."]
    con = db.connect(app_db)
    assert settings.load(con)["escalation"]["sla"]["P1"]["response_minutes"] == 15
    con.close()
    at.switch_page(ESCALATIONS).run()
    after = tiles(at)
    assert after["Response within SLA"] != before["Response within SLA"]
    assert after == expected_tiles(app_db)


def test_knower_floor_is_saved_and_reset(app_db) -> None:
    at = open_page(SETTINGS)
    at.number_input(key="settings_knowledge_knower_floor").set_value(12.5)
    at.button(key="settings_knowledge_save").click().run()
    assert not at.error
    key = "knowledge.knower_floor"
    assert stored(app_db, f"select value from settings where key = '{key}'") == [("12.5",)]
    at.button(key="settings_knowledge_reset").click().run()
    assert stored(app_db, "select count(*) from settings where key like 'knowledge.%'") == [(0,)]
    assert at.number_input(key="settings_knowledge_knower_floor").value == 7.0


def test_a_share_is_edited_as_a_percentage_and_stored_as_a_fraction(app_db) -> None:
    at = open_page(SETTINGS)
    busy = at.number_input(key="settings_workload_busy_threshold")
    assert (busy.label, busy.value) == ("Busy from (utilisation) (%)", 90.0)
    busy.set_value(80.0)
    at.button(key="settings_workload_save").click().run()
    assert not at.error
    key = "workload.busy_threshold"
    assert stored(app_db, f"select value from settings where key = '{key}'") == [("0.8",)]
    assert at.number_input(key="settings_workload_busy_threshold").value == 80.0


def test_coverage_plan_settings_are_edited_with_the_knowledge_ones(app_db) -> None:
    at = open_page(SETTINGS)
    at.number_input(key="settings_coverage_plan_weeks").set_value(6)
    budget = at.number_input(key="settings_coverage_budget_share")
    assert (budget.label, budget.value) == ("Cross-training budget (%)", 10.0)
    budget.set_value(15.0)
    at.button(key="settings_knowledge_save").click().run()
    assert not at.error
    assert stored(app_db, "select key, value from settings where key like 'coverage.%'"
                          " order by key") == [("coverage.budget_share", "0.15"),
                                               ("coverage.plan_weeks", "6")]  # fmt: skip
    at.button(key="settings_knowledge_reset").click().run()
    assert stored(app_db, "select count(*) from settings where key like 'coverage.%'") == [(0,)]


@pytest.mark.parametrize(
    ("widget", "value", "message"),
    [
        ("number_input:settings_knowledge_knower_floor", -1.0, "must be at least 0"),
        ("number_input:settings_knowledge_min_share", 150.0, "(%) must be between 0 and 100"),
        ("text_input:settings_calendar_windows_mon", "9h-18h", "'9h-18h' is not an opening window"),
        ("text_area:settings_calendar_extra_holidays", "2026-02-30", "'2026-02-30' is not a date"),
    ],
)
def test_an_invalid_value_shows_an_error_and_stores_nothing(app_db, widget, value, message):
    kind, key = widget.split(":")
    at = open_page(SETTINGS)
    getattr(at, kind)(key=key).set_value(value)
    section = key.split("_")[1]
    at.button(key=f"settings_{section}_save").click().run()
    assert not at.exception
    assert any(message in box.value.replace("\\", "") for box in at.error)
    assert stored(app_db, "select count(*) from settings") == [(0,)]


def test_a_consultant_capacity_edit_persists(app_db) -> None:
    at = open_page(SETTINGS)
    names = grid(at, "settings_consultants").value["consultant"].tolist()
    row = names.index("Sarah Benali")
    at.session_state["settings_consultants"] = {
        "edited_rows": {row: {"weekly_capacity_hours": 32.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="settings_consultants_save").click().run()
    assert not at.exception and not at.error
    assert stored(
        app_db, "select weekly_capacity_hours from consultants where consultant = 'Sarah Benali'"
    ) == [(32.0,)]
    shown = grid(at, "settings_consultants").value.set_index("consultant")
    assert shown.loc["Sarah Benali", "weekly_capacity_hours"] == 32.0


def test_an_alias_merges_two_spellings(app_db) -> None:
    count = "select count(*) from time_entries where consultant = $name"
    assert stored(app_db, count.replace("$name", "'Julien Marchant'"))[0][0] > 0
    total = stored(
        app_db,
        "select round(sum(hours), 6) from time_entries where consultant in"
        " ('Julien Marchand', 'Julien Marchant')",
    )
    at = open_page(SETTINGS)
    at.session_state["settings_aliases"] = {
        "edited_rows": {},
        "added_rows": [{"alias": "Julien Marchant", "consultant": "Julien Marchand"}],
        "deleted_rows": [],
    }
    at.button(key="settings_aliases_save").click().run()
    assert not at.exception and not at.error
    assert stored(app_db, count.replace("$name", "'Julien Marchant'")) == [(0,)]
    merged = "select round(sum(hours), 6) from time_entries where consultant = 'Julien Marchand'"
    assert stored(app_db, merged) == total
    con = db.connect(app_db)
    assert "Julien Marchant" not in set(directory.consultants(con)["consultant"])
    con.close()
    assert grid(at, "settings_aliases").value.values.tolist() == [
        ["Julien Marchant", "Julien Marchand"]
    ]


def test_holiday_country_and_region_are_saved(app_db) -> None:
    at = open_page(SETTINGS)
    region = at.selectbox(key="settings_calendar_holiday_subdivision")
    assert "Alsace (6AE)" in region.options and "Genève (GE)" not in region.options
    at.selectbox(key="settings_calendar_holiday_country").set_value("CH").run()
    assert "Genève (GE)" in at.selectbox(key="settings_calendar_holiday_subdivision").options
    at.selectbox(key="settings_calendar_holiday_subdivision").set_value("GE").run()
    at.text_input(key="settings_calendar_windows_sat").set_value("09:00-12:00")
    at.button(key="settings_calendar_save").click().run()
    assert not at.exception and not at.error
    con = db.connect(app_db)
    calendar = settings.load(con)["calendar"]
    con.close()
    assert (calendar["holiday_country"], calendar["holiday_subdivision"]) == ("CH", "GE")
    assert calendar["windows"]["sat"] == [["09:00", "12:00"]]
    assert calendar["windows"]["mon"] == [["09:00", "18:00"]]
