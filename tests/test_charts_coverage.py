"""Coverage figures and tables: bands, order, bar lengths, texts in both languages."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from okam_analytics.charts import coverage as charts


def runway() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "client": ["Long", "Soon", "Single", "Watch", "None"],
            "status": ["covered", "covered", "single", "covered", "uncovered"],
            "knowers": [3, 2, 1, 2, 0],
            "covered_until": [date(2027, 1, 1), date(2026, 7, 30), None, date(2026, 9, 28), None],
            "days_left": pd.array([185, 30, None, 90, None], dtype="Int64"),
        }
    )


@pytest.mark.parametrize(
    ("days", "band"), [(None, "below"), (0, "soon"), (30, "soon"), (31, "watch"), (90, "watch"),
                       (91, "long")]
)  # fmt: skip
def test_runway_band(days, band):
    assert charts.runway_band(pd.NA if days is None else days) == band


def test_rows_shortest_runway_first_below_target_by_knowers():
    assert charts.runway_rows(runway())["client"].tolist() == [
        "None", "Single", "Soon", "Watch", "Long",
    ]  # fmt: skip


def test_chart_bars_are_days_left_and_a_sliver_below_target():
    fig = charts.runway_chart(runway(), 365, "fr")
    lengths = {y: x for trace in fig.data for x, y in zip(trace.x, trace.y, strict=True)}
    assert lengths == {"None": 3.65, "Single": 3.65, "Soon": 30.0, "Watch": 90.0, "Long": 185.0}
    assert [trace.name for trace in fig.data] == [
        "Sous la cible aujourd'hui", "Sous 30 jours", "Sous 90 jours", "Au-delà de 90 jours",
    ]  # fmt: skip
    assert fig.layout.xaxis.title.text == "Jours couverts sans nouveau travail"
    assert fig.data[1].hovertext[0] == (
        "Soon<br>Couvert jusqu'au : 30/07/2026 (30 jours)<br>Connaisseurs aujourd'hui : 2"
    )


def test_empty_runway_says_so():
    fig = charts.runway_chart(runway().head(0), 365, "en")
    assert fig.layout.annotations[0].text == "No data for these filters."


def test_plan_table_text_with_dashes_and_reasons():
    plan = pd.DataFrame(
        [("X", "L2", "Bob", 7.5, 0.9375, None), ("Y", None, None, None, None, "over_budget")],
        columns=["client", "learner", "trainer", "hours", "hours_per_week", "reason"],
    )
    assert charts.plan_table(plan, "en").values.tolist() == [
        ["X", "L2", "Bob", "7.5", "0.9", "–"],
        ["Y", "–", "–", "–", "–", "Every candidate needs more hours than their budget"],
    ]
