"""Bounded page payloads and the background cache warming (docs/performance.md): the Workload
heat map draws the busiest consultants by default and every one on demand; the warming thread
and its sign-in bypass exist only inside a real server."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from okam_analytics import db
from okam_analytics.charts import workload as charts

REPO = Path(__file__).resolve().parents[1]
# consultant, hours a day on 2026-03-02 .. 2026-03-06 (a 40 h week): 60 h, 48 h, 20 h, 10 h
DAILY_HOURS = {"Ana Busy": 12.0, "Bob Full": 9.6, "Cy Calm": 4.0, "Di Light": 2.0}


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        (2, ["Bea", "Abe"]),  # Bea and Abe have 3 overloaded weeks; Bea's utilisation is higher
        (3, ["Bea", "Abe", "Cal"]),
        (9, ["Bea", "Abe", "Cal", "Dee", "Eve"]),  # Eve: no utilisation (no capacity) comes last
    ],
)
def test_busiest_consultants_most_overloaded_weeks_then_utilisation(limit, expected) -> None:
    summary = pd.DataFrame(
        {
            "consultant": ["Abe", "Bea", "Cal", "Dee", "Eve"],
            "overloaded_weeks": [3, 3, 1, 0, 0],
            "utilisation": [1.20, 1.35, 0.90, 0.95, None],
        }
    )
    assert charts.busiest_consultants(summary, limit) == expected


@pytest.fixture
def four_consultants(tmp_path, monkeypatch) -> Path:
    """A database of four consultants, one week of hours each; the app pointed at it."""
    path = tmp_path / "speed.duckdb"
    con = db.connect(path)
    rows = [
        (name, f"2026-03-0{day}", hours)
        for name, hours in DAILY_HOURS.items()
        for day in range(2, 7)
    ]
    con.executemany(
        "insert into time_entries (source, entry_key, consultant, client, work_date, hours,"
        " is_billable, is_absence, import_id)"
        " values ('harvest', md5(random()::varchar), ?, 'Acme', ?::date, ?, true, false, 1)",
        rows,
    )
    con.close()
    monkeypatch.setenv("OKAM_DB", str(path))
    monkeypatch.setenv("OKAM_SAMPLE_DIR", str(tmp_path / "no-sample"))
    monkeypatch.delenv("OKAM_PASSWORD", raising=False)
    return path


def heatmap_rows(at: AppTest) -> list[str]:
    """The consultants (rows) of the Workload heat map."""
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith("workload_heatmap"))
    return list(json.loads(chart.proto.spec)["data"][0]["y"])


def test_workload_heatmap_shows_the_busiest_until_asked_for_all(
    four_consultants, navigation_v2, monkeypatch
) -> None:
    monkeypatch.setattr(charts, "HEATMAP_ROWS", 2)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params["from"], at.query_params["to"] = "2026-03-02", "2026-03-08"
    at.query_params["asof"] = "2026-03-08"
    at.switch_page("pages/workload.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert heatmap_rows(at) == ["Ana Busy", "Bob Full"]  # 150 % and 120 % of 40 h
    assert "The 2 consultants with the most overloaded weeks, of 4." in [
        c.value for c in at.caption
    ]
    at.toggle(key="workload_heatmap_all").set_value(True).run()
    assert heatmap_rows(at) == ["Ana Busy", "Bob Full", "Cy Calm", "Di Light"]


def test_warming_stays_off_under_apptest(four_consultants, navigation_v2) -> None:
    # AppTest has no server to connect to: no thread starts, and no session is a warm one
    at = AppTest.from_string(
        "import streamlit as st\n"
        "from okam_analytics.ui import warm\n"
        "st.write(f'{warm.serving()} {warm.is_warm_session()}')\n"
    )
    at.run()
    assert [m.value for m in at.markdown] == ["False False"]


def test_ui_tables_bold_every_missed_target() -> None:
    import sys

    sys.path.insert(0, str(REPO / "bench"))
    import ui  # bench/ui.py

    visit = {"first_content_s": 1.2, "complete_s": 3.5, "figure_bytes": [2048, 10240]}
    browser = {
        "server_start": {"workload": visit},
        "after_data_change": {"workload": {"first_content_s": 1.6, "complete_s": 2.0}},
        "warm_visit": {"workload": {"complete_s": 0.4}},
        "after_filter_change": {"workload": {"error": "TimeoutError"}},
        "fresh_install": {"first_content_s": 4.0, "complete_s": 4.5},
        "largest_figure": {"bytes": 10240, "page": "workload"},
    }
    wave = {"first_seconds": 1.0, "median_seconds": 2.0, "last_seconds": 3.5,
            "by_page": {"workload": 3.5, "client": 1.0}}  # fmt: skip
    text = ui.tables(
        {
            "1.000": {
                "database": "x",
                "browser": browser,
                "sessions": {"20": {"cold": wave, "warm": wave}},
            }
        }
    )
    assert "| workload | 1.20 / **3.50** | **1.60** / 2.00 | 0.40 | - | 10 |" in text
    assert "| fresh install (first page) | 4.00 / 4.50 | | | | |" in text
    assert "| 20 | cold | 1.00 | 2.00 | 3.50 | workload |" in text  # within 6 s cold
    assert "| 20 | warm | 1.00 | 2.00 | **3.50** | workload |" in text  # over 3 s warm
    assert "Largest Plotly figure sent: 10 KB (workload)." in text
