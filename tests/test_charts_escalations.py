"""Escalation figures and tables: what each trace carries, colours, labels, empty cases."""

from __future__ import annotations

import pandas as pd

from okam_analytics.charts import STATUS_COLOURS
from okam_analytics.charts import escalation_tables as tables
from okam_analytics.charts import escalations as charts

BY_MONTH = pd.DataFrame(
    {
        "month": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-02-01", "2026-02-01"]),
        "priority": ["P1", "P2", "P1", "P2"],
        "tickets": [4, 10, 5, 8],
        "response_met": [3, 9, 5, 8],
        "response_breached": [1, 1, 0, 0],
        "response_compliance": [0.75, 0.9, 1.0, 1.0],
        "resolution_met": [2, 10, 4, 6],
        "resolution_breached": [2, 0, 1, 2],
        "resolution_compliance": [0.5, 1.0, 0.8, 0.75],
    }
)


def test_compliance_by_month_one_line_per_priority_and_measure() -> None:
    fig = charts.compliance_by_month(BY_MONTH)
    assert [(t.name, t.xaxis) for t in fig.data] == [
        ("P1", "x"),
        ("P2", "x"),
        ("P1", "x2"),
        ("P2", "x2"),
    ]
    resolution_p1 = fig.data[2]
    assert list(resolution_p1.y) == [0.5, 0.8]
    assert list(resolution_p1.customdata[1]) == ["2026-02", "P1", 4, 1, 5]
    assert resolution_p1.line.color == charts.PRIORITY_COLOURS["P1"]
    assert [t.showlegend for t in fig.data] == [True, True, False, False]
    assert fig.layout.yaxis.tickformat == ".0%"
    assert fig.layout.yaxis.title.text == "Within SLA"
    assert [a.text for a in fig.layout.annotations] == ["Response", "Resolution"]


def test_french_labels() -> None:
    fig = charts.compliance_by_month(BY_MONTH, "fr")
    assert [a.text for a in fig.layout.annotations] == ["Prise en charge", "Résolution"]
    assert fig.layout.yaxis.title.text == "Dans le SLA"


def test_empty_frames_give_a_figure_that_says_so() -> None:
    assert charts.compliance_by_month(BY_MONTH.iloc[0:0]).layout.annotations[0].text == (
        "No data for these filters."
    )
    empty_open = pd.DataFrame(columns=["age_bucket", "state"])
    assert "No escalation open" in charts.open_by_age(empty_open).layout.annotations[0].text


STATS = pd.DataFrame(
    {
        "priority": ["P1", "P2", "P1", "P2"],
        "measure": ["resolution", "resolution", "response", "response"],
        "clock": ["24x7", "business", "24x7", "business"],
        "tickets": [3, 5, 3, 5],
        "p10": [1.0, 2.0, 0.1, 0.2],
        "q1": [1.5, 3.0, 0.2, 0.4],
        "median": [2.0, 4.0, 0.25, 0.75],
        "q3": [3.0, 5.0, 0.4, 1.0],
        "p90": [3.5, 7.0, 0.6, 1.6],
        "max": [19.5, 20.0, 2.8, 5.9],
        "target_hours": [4.0, 8.0, 1.0, 2.0],
    }
)


def test_time_distributions_boxes_from_percentiles_and_targets() -> None:
    fig = charts.time_distributions(STATS)
    boxes = [t for t in fig.data if t.type == "box"]
    targets = [t for t in fig.data if t.type == "scatter"]
    assert [(b.name, b.xaxis, b.median[0]) for b in boxes] == [
        ("P1", "x", 0.25),
        ("P2", "x", 0.75),
        ("P1", "x2", 2.0),
        ("P2", "x2", 4.0),
    ]
    assert (boxes[0].lowerfence[0], boxes[0].upperfence[0]) == (0.1, 0.6)
    assert "around the clock" in boxes[0].hovertext[0]
    assert "business hours" in boxes[1].hovertext[0]
    assert [list(t.y) for t in targets] == [[1.0, 2.0], [4.0, 8.0]]
    assert targets[0].marker.color == charts.TARGET_MARK
    assert fig.layout.yaxis.title.text == "Hours"


OPEN = pd.DataFrame(
    {
        "age_bucket": ["7-30 days", "1-3 days", "1-3 days", "< 1 day"],
        "state": ["open_breached", "open_breached", "open_within", "open_within"],
    }
)


def test_open_by_age_stacks_states_in_bucket_order() -> None:
    fig = charts.open_by_age(OPEN)
    assert [t.name for t in fig.data] == ["Open, within target", "Open, breached"]
    within, breached = fig.data
    assert list(within.x) == ["under 1 day", "1 to 3 days", "3 to 7 days", "7 to 30 days",
                              "30 days or more"]  # fmt: skip
    assert list(within.y) == [1, 1, 0, 0, 0]
    assert list(breached.y) == [0, 1, 0, 1, 0]
    assert list(breached.customdata) == list(charts.AGE_BUCKETS)
    assert breached.marker.color == STATUS_COLOURS["open_breached"]
    assert fig.layout.barmode == "stack"


def test_states_by_client_most_breaches_first_with_a_limit() -> None:
    counts = pd.DataFrame(
        {
            "client": ["A", "A", "B", "B", "C"],
            "state": ["met", "breached", "met", "open_breached", "met"],
            "tickets": [10, 1, 2, 3, 40],
        }
    )
    fig = charts.states_by_client(counts, limit=2)
    met = next(t for t in fig.data if t.name == "Met")
    assert list(met.y) == ["B", "A"]
    assert list(met.x) == [2, 10]
    assert {t.name for t in fig.data} == {"Met", "Breached", "Open, breached"}


WEEKS = pd.DataFrame(
    {
        "consultant": ["Ann", "Bob", "Cid", "Dan"],
        "week_start": pd.to_datetime(["2026-01-05"] * 4),
        "escalations": [2, 0, 1, 3],
        "breached_escalations": [1, 0, 0, 0],
        "worked_hours": [48.0, 30.0, None, 36.0],
        "capacity_hours": [40.0, 40.0, None, 40.0],
        "utilisation": [1.2, 0.75, None, 0.9],
        "load_status": ["overloaded", "available", "no_timesheet", "busy"],
    }
)


def test_pressure_scatter_shows_weeks_with_escalations_and_a_known_load() -> None:
    fig = charts.pressure_scatter(WEEKS, 0.9, 1.1)
    assert [(t.name, list(t.x), list(t.y)) for t in fig.data] == [
        ("Overloaded week", [1.2], [2]),
        ("Busy week", [0.9], [3]),
    ]
    assert (fig.data[0].text[0], fig.data[0].hovertext[0]) == ("Ann", "2026-01-05")
    assert [s.x0 for s in fig.layout.shapes] == [0.9, 1.1]
    assert fig.layout.xaxis.title.text == "Assignee's utilisation that week"


def test_breach_table_in_hours_worst_first_columns() -> None:
    breaches = pd.DataFrame(
        {
            "source": ["glpi"],
            "ticket_id": ["42"],
            "client": ["Acme"],
            "priority": ["P2"],
            "assignee": ["Ann"],
            "created_at": pd.to_datetime(["2026-01-05 17:00"]),
            "state": ["breached"],
            "clock": ["business"],
            "response_clock_minutes": [150.0],
            "response_target_minutes": [120.0],
            "resolution_clock_minutes": [300.0],
            "resolution_target_minutes": [480.0],
            "overrun_minutes": [30.0],
        }
    )
    styler = tables.breach_table(breaches)
    assert list(styler.data.columns) == [
        "Created", "Ticket", "Client", "Priority", "Assignee", "SLA state", "Overrun (h)", "Clock",
        "Response (h)", "Response target (h)", "Resolution (h)", "Resolution target (h)",
    ]  # fmt: skip
    row = styler.data.iloc[0]
    assert (row["SLA state"], row["Overrun (h)"], row["Response (h)"], row["Clock"]) == (
        "Breached", 0.5, 2.5, "business hours",
    )  # fmt: skip
    html = styler.to_html()
    assert "2026-01-05 17:00" in html


def test_ticket_fields_are_text() -> None:
    detail = pd.DataFrame(
        [{name: None for name in tables.TICKET_FIELDS}
         | {"ticket_id": "42", "title": "<b>Server down</b>",
            "created_at": pd.Timestamp("2026-01-05 17:00"), "reopen_count": 2}]
    )  # fmt: skip
    fields = tables.ticket_fields(detail, "fr")
    assert list(fields.columns) == ["Champ", "Valeur"]
    values = dict(zip(fields["Champ"], fields["Valeur"], strict=True))
    assert values["Titre"] == "<b>Server down</b>"  # shown as text by st.dataframe
    assert values["Créé le"] == "05/01/2026 17:00"
    assert values["Réouvertures"] == "2"
    assert values["Résolu le"] == "–"


def test_agreement_table_names_the_overall_row() -> None:
    agreement = pd.DataFrame(
        {
            "priority": ["P1", "all"],
            "compared": [4, 4],
            "agree": [3, 3],
            "agreement": [0.75, 0.75],
            "ours_met_source_breached": [1, 1],
            "ours_breached_source_met": [0, 0],
        }
    )
    assert tables.agreement_table(agreement).data["Priority"].tolist() == ["P1", "All priorities"]


def test_french_numbers_use_a_decimal_comma() -> None:
    assert charts.compliance_by_month(BY_MONTH, "fr").layout.separators == ",\u202f"
    assert charts.compliance_by_month(BY_MONTH).layout.separators == ".,"
    assert charts.count_step(4) == 1 and charts.count_step(40) == 7


def test_client_table_is_text_in_the_page_language_least_compliant_first() -> None:
    by_client = pd.DataFrame(
        {
            "client": ["Acme", "Zeta"],
            "tickets": [1200, 3],
            "response_compliance": [0.5, None],
            "resolution_compliance": [0.9, 0.25],
            "open_breached": [2.0, None],
            "resolution_p90_minutes": [90.0, 30.0],
        }
    )
    shown = tables.client_table(by_client, "fr")
    assert shown.to_dict("list") == {
        "Client": ["Zeta", "Acme"],
        "Escalades": ["3", "1\u202f200"],
        "Prise en charge dans le SLA": ["–", "50\u202f%"],
        "Résolution dans le SLA": ["25\u202f%", "90\u202f%"],
        "Ouverts hors délai": ["–", "2"],
        "Résolution p90 (h)": ["0,5", "1,5"],
    }
