"""Chart and table builders: figure types, traces, colours by status, labels per language."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from okam_analytics import charts
from okam_analytics.charts import STATUS_COLOURS, tables
from okam_analytics.charts import knowledge as knowledge_charts
from okam_analytics.charts import workload as workload_charts

SCORES = pd.DataFrame(
    {  # client, consultant, K, share, knower
        "client": ["Acme", "Acme", "Globex", "Initech"],
        "consultant": ["Ana", "Ben", "Ana", "Ben"],
        "knowledge": [100.0, 10.0, 1.0, 50.0],
        "share": [100 / 110, 10 / 110, 1.0, 1.0],
        "is_knower": [True, True, False, True],
    }
)
WEEKS = pd.DataFrame(
    {  # two consultants, two weeks
        "consultant": ["Ana", "Ana", "Ben", "Ben"],
        "team": ["Net", "Net", "Cloud", "Cloud"],
        "week_start": [date(2026, 1, 5), date(2026, 1, 12)] * 2,
        "worked_hours": [48.0, 36.0, 20.0, 30.0],
        "absence_hours": [0.0, 0.0, 8.0, 0.0],
        "capacity_hours": [40.0, 40.0, 32.0, 40.0],
        "utilisation": [1.2, 0.9, 0.625, 0.75],
        "overtime_hours": [8.0, 0.0, 0.0, 0.0],
        "overloaded": [True, False, False, False],
    }
)
CALL = pd.DataFrame(
    {
        "consultant": ["Ana", "Ben", "Cleo", "Dan"],
        "utilisation_to_date": [1.3, 0.95, 0.5, None],
        "worked_hours_to_date": [26.0, 19.0, 10.0, 0.0],
        "capacity_to_date": [20.0, 20.0, 20.0, None],
        "current_streak": [2, 0, 0, 0],
        "open_tickets": [3, 1, 0, 0],
        "status": ["overloaded", "busy", "available", "absent"],
    }
)


def test_status_colours_are_shared_and_distinct_where_it_matters() -> None:
    knowledge = [STATUS_COLOURS[s] for s in ("covered", "thin", "single", "uncovered", "dormant")]
    sla = [STATUS_COLOURS[s] for s in ("met", "breached", "open_breached")]
    assert len(set(knowledge)) == 5 and len(set(sla)) == 3
    assert STATUS_COLOURS["uncovered"] == STATUS_COLOURS["overloaded"] == STATUS_COLOURS["breached"]
    assert charts.status_colour("nonsense") == charts.OTHER_COLOUR
    assert charts.status_tint("covered", 0.5) == "rgba(26, 152, 80, 0.5)"


@pytest.mark.parametrize(
    ("status", "lang", "label"),
    [
        ("single", "en", "Single knower"),
        ("single", "fr", "Un seul connaisseur"),
        ("overloaded", "fr", "Surchargé"),
    ],
)
def test_status_labels_are_translated(status: str, lang: str, label: str) -> None:
    assert charts.status_label(status, lang) == label


def test_knowledge_heatmap_rows_in_given_order_with_knower_marks() -> None:
    fig = knowledge_charts.knowledge_heatmap(SCORES, ["Initech", "Acme"], "en")
    heat, cells = fig.data
    assert isinstance(heat, go.Heatmap) and isinstance(cells, go.Scatter)
    assert list(heat.y) == ["Initech", "Acme"]
    assert list(heat.x) == ["Ana", "Ben"]  # by total K of the shown clients: 100 vs 60
    assert heat.z[1][0] == pytest.approx(2.0)  # log10(100)
    assert pd.isna(heat.z[0][0])  # Ana has no K about Initech
    assert [list(row) for row in heat.text] == [["", "●"], ["●", "●"]]
    assert len(cells.x) == 3  # one clickable point per known cell; Globex not shown
    assert fig.layout.xaxis.title.text == "Consultant"


def test_knowledge_heatmap_without_data_says_so_in_french() -> None:
    fig = knowledge_charts.knowledge_heatmap(SCORES, ["Nobody"], "fr")
    assert not fig.data
    assert fig.layout.annotations[0].text == "Aucune donnée pour ces filtres."


def test_top_clients_by_recent_activity() -> None:
    redundancy = pd.DataFrame({"client": ["A", "B", "C"], "evidence_hours_90d": [5.0, 50.0, 5.0]})
    assert knowledge_charts.top_clients(redundancy, 2) == ["B", "A"]


def test_trend_stacks_statuses_seen_with_their_colours() -> None:
    trend = pd.DataFrame(
        {
            "month_end": [date(2026, 1, 31), date(2026, 2, 28)],
            "covered": [3, 2],
            "thin": [0, 0],
            "single": [1, 1],
            "uncovered": [0, 1],
        }
    )
    fig = knowledge_charts.redundancy_trend_chart(trend, "en")
    assert [bar.name for bar in fig.data] == ["Covered", "Single knower", "Uncovered"]
    assert [bar.marker.color for bar in fig.data] == [
        STATUS_COLOURS["covered"],
        STATUS_COLOURS["single"],
        STATUS_COLOURS["uncovered"],
    ]
    assert list(fig.data[0].x) == ["2026-01-31", "2026-02-28"]
    assert fig.layout.barmode == "stack"


def test_client_bars_colour_knowers() -> None:
    fig = knowledge_charts.client_knowledge_bars(SCORES, "Acme", 7.0, "en")
    (bars,) = fig.data
    assert list(bars.y) == ["Ben", "Ana"]  # smallest first: the largest ends on top
    assert list(bars.marker.color) == [STATUS_COLOURS["covered"]] * 2
    assert fig.layout.shapes[0].x0 == 7.0


def test_utilisation_heatmap_centred_on_capacity_with_overloaded_outlined() -> None:
    fig = workload_charts.utilisation_heatmap(WEEKS, 1.1, "en")
    heat, overloaded, cells = fig.data
    assert (heat.zmin + heat.zmax) / 2 == pytest.approx(1.0)
    assert list(heat.y) == ["Ana", "Ben"]
    assert heat.z[0][0] == pytest.approx(1.2)
    assert list(overloaded.y) == ["Ana"] and len(overloaded.x) == 1
    assert overloaded.name == "Overloaded week (> 110%)"
    assert len(cells.x) == 4


def test_consultant_weeks_bars_coloured_by_status_against_contract_hours() -> None:
    fig = workload_charts.consultant_weeks(WEEKS[WEEKS["consultant"] == "Ana"], 0.9, "en")
    absence, worked, contract = fig.data
    assert list(worked.marker.color) == [STATUS_COLOURS["overloaded"], STATUS_COLOURS["busy"]]
    assert list(contract.y) == [40.0, 40.0]
    ben = workload_charts.consultant_weeks(WEEKS[WEEKS["consultant"] == "Ben"], 0.9, "en")
    assert list(ben.data[2].y) == [40.0, 40.0]  # capacity 32 + absence 8
    assert list(ben.data[1].marker.color) == [STATUS_COLOURS["available"]] * 2


def test_daily_call_chart_one_trace_per_status() -> None:
    fig = workload_charts.daily_call_chart(CALL, 0.9, 1.1, "en")
    assert [bar.name for bar in fig.data] == ["Overloaded", "Busy", "Available", "Absent"]
    assert [bar.marker.color for bar in fig.data] == [
        STATUS_COLOURS[s] for s in ("overloaded", "busy", "available", "absent")
    ]
    assert [shape.x0 for shape in fig.layout.shapes] == [0.9, 1.1]
    assert list(fig.data[3].x) == [0]  # no capacity: drawn at zero, not dropped


def test_redundancy_rows_worst_first_and_tinted() -> None:
    redundancy = pd.DataFrame(
        {
            "client": ["A", "B", "C", "D"],
            "knowers": [2, 1, 0, 1],
            "knower_names": [["x", "y"], ["x"], [], ["y"]],
            "absence_factor": [1, 1, 0, 1],
            "status": ["covered", "single", "uncovered", "single"],
            "activity": ["active", "active", "active", "dormant"],
            "last_activity_on": [date(2026, 1, 1)] * 4,
            "evidence_hours_90d": [10.0, 5.0, 1.0, 0.0],
        }
    )
    rows = tables.redundancy_rows(redundancy)
    assert rows["client"].tolist() == ["C", "B", "A", "D"]
    styler = tables.redundancy_table(rows, "fr")
    html = styler.to_html()
    assert list(styler.data.columns[:3]) == ["Client", "Statut", "Connaisseurs"]
    assert styler.data["Statut"].tolist()[0] == "Non couvert"
    assert charts.status_tint("uncovered") in html
    assert styler.data["Qui"].tolist() == [tables.MISSING, "x", "x, y", "y"]  # not "None"


def test_at_risk_table_adds_absence_columns_only_when_asked() -> None:
    at_risk = pd.DataFrame(
        {
            "client": ["A"],
            "status": ["covered"],
            "knowers": [2],
            "knower_names": [["x", "y"]],
            "status_if_absent": ["single"],
            "knowers_if_absent": [1],
            "successors": [["z"]],
            "evidence_hours_90d": [3.0],
        }
    )
    plain = tables.at_risk_table(at_risk, "en").data
    assert "Status if absent" not in plain.columns
    with_absence = tables.at_risk_table(at_risk, "en", with_absence=True).data
    assert with_absence.loc[0, "Status if absent"] == "Single knower"
    assert with_absence.loc[0, "Suggested successors"] == "z"


def test_names_from_the_data_never_become_plotly_markup() -> None:
    name = '<a href="http://x">Acme</a> & Co'
    scores = SCORES.assign(client=SCORES["client"].replace("Acme", name))
    fig = knowledge_charts.knowledge_heatmap(scores, [name], "en")
    assert list(fig.data[0].y) == ['&lt;a href="http://x"&gt;Acme&lt;/a&gt; &amp; Co']
    assert charts.clicked([{"y": fig.data[1].y[0], "x": "Ana"}]) == name  # back as in the data
    assert charts.clicked([]) is None
    call = CALL.assign(consultant=CALL["consultant"].replace("Ana", "<b>Ana</b>"))
    bars = workload_charts.daily_call_chart(call, 0.9, 1.1, "en")
    assert list(bars.data[0].y) == ["&lt;b&gt;Ana&lt;/b&gt;"]
