"""client_view.client_summary on a small hand-built database: every figure computed by hand, and
another client's tickets and hours never counted."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from client_data import PERIOD, fill  # tests/client_data.py

from okam_analytics import settings
from okam_analytics.steering import format as client_format
from okam_analytics.steering import view as client_view


@pytest.fixture
def summary(con) -> client_view.ClientSummary:
    fill(con)
    return client_view.client_summary(con, settings.load(con), "Acme", *PERIOD)


def test_period_figures(summary) -> None:
    f = summary.figures
    assert summary.as_of_date == date(2026, 2, 28)  # the period's end: data goes on to March
    assert (f["tickets_opened"], f["tickets_resolved"], f["backlog"]) == (5, 5, 1)
    assert f["tickets_responded"] == 5
    assert f["response_p50_hours"] == pytest.approx(1.0)  # of 1, 2, 0.5, 3, 0.5
    assert f["resolution_p50_hours"] == pytest.approx(24.0)  # of 24, 504, 5, 336, 6
    assert (f["hours"], f["billable_hours"], f["consultants"]) == (20.0, 16.0, 2)
    assert (f["contract_hours"], f["contract_use"]) == (pytest.approx(20.0), pytest.approx(1.0))
    assert (f["escalations"], f["escalations_breached"]) == (2, 1)
    assert (f["response_compliance"], f["resolution_compliance"]) == (1.0, 0.5)
    assert (f["open_breached"], f["no_response_data"]) == (0, 0)
    assert (f["knowers"], f["knowledge_status"], f["knowing_consultants"]) == (1, "single", 2)


def test_monthly_figures(summary) -> None:
    m = summary.monthly
    assert [d.strftime("%Y-%m") for d in m["month_on"]] == ["2026-01", "2026-02"]
    expected = {
        "tickets_opened": [3, 2],
        "tickets_resolved": [3, 2],
        "backlog": [1, 1],
        "response_p50_hours": [1.0, 1.75],
        "resolution_p50_hours": [24.0, 171.0],
        "escalations": [1, 1],
        "escalations_breached": [0, 1],
        "response_compliance": [1.0, 1.0],
        "resolution_compliance": [1.0, 0.0],
        "hours": [12.0, 8.0],
        "billable_hours": [8.0, 8.0],
        "contract_hours": [10.0, 10.0],
        "contract_use": [1.2, 0.8],
    }
    for name, values in expected.items():
        assert m[name].tolist() == pytest.approx(values), name


def test_month_over_month(summary) -> None:
    rows = summary.comparison.set_index("measure")
    assert summary.months == ["2026-01", "2026-02"]
    assert rows.loc["tickets_opened"].tolist() == [3, 2, -1]
    assert rows.loc["resolution_compliance"].tolist() == [1.0, 0.0, -1.0]
    assert rows.loc["hours"].tolist() == [12.0, 8.0, -4.0]
    assert rows.loc["resolution_p50_hours", "change"] == pytest.approx(147.0)


def test_breaches_list_this_client_only_with_names_per_privacy(summary) -> None:
    b = summary.breaches
    assert b[["ticket_id", "title", "priority", "assignee", "state"]].values.tolist() == [
        ["A5", '=HYPERLINK("http://x")', "P1", "J. M.", "breached"]
    ]
    assert b["overrun_hours"].tolist() == [2.0]


@pytest.mark.parametrize(
    ("mode", "assignee", "names"),
    [
        ("full", "Julien Marchand", ["Julien Marchand", "Léa Fontaine"]),
        ("initials", "J. M.", ["J. M.", "L. F."]),
        ("hidden", "—", ["#1", "#2"]),
    ],
)
def test_privacy_modes(con, mode, assignee, names) -> None:
    fill(con)
    settings.save(con, "privacy.consultant_names", mode)
    summary = client_view.client_summary(con, settings.load(con), "Acme", *PERIOD)
    assert summary.breaches["assignee"].tolist() == [assignee]
    assert summary.knowledge["consultant"].tolist() == names
    assert summary.knowledge["is_knower"].tolist() == [True, False]
    assert set(summary.knowledge["client"]) == {"Acme"}


def test_same_initials_stay_two_rows(con) -> None:
    con.executemany(
        "insert into time_entries (source, entry_key, consultant, client, work_date, hours,"
        " import_id) values ('h', ?, ?, 'Acme', '2026-02-20', ?, 1)",
        [("e1", "Jean Martin", 9.0), ("e2", "Julie Moreau", 8.0)],
    )
    summary = client_view.client_summary(con, settings.load(con), "Acme", *PERIOD)
    assert summary.knowledge["consultant"].tolist() == ["J. M.", "J. M. (2)"]


def test_partial_months_prorate_the_contract(con) -> None:
    fill(con)
    summary = client_view.client_summary(
        con, settings.load(con), "Acme", date(2026, 1, 16), date(2026, 2, 14)
    )
    assert summary.monthly["contract_hours"].tolist() == pytest.approx([10 * 16 / 31, 10 * 14 / 28])
    assert summary.monthly["tickets_opened"].tolist() == [1, 1]  # A2 (A6 is before the 16th); A3
    assert summary.monthly["backlog"].tolist() == [1, 1]  # A2 at Jan 31; A3 on Feb 14
    assert summary.figures["contract_hours"] == pytest.approx(10 * 16 / 31 + 5)


def test_a_client_without_data_or_contract(con) -> None:
    fill(con)
    summary = client_view.client_summary(con, settings.load(con), "Nobody", *PERIOD)
    f = summary.figures
    assert (f["tickets_opened"], f["backlog"], f["hours"], f["escalations"]) == (0, 0, 0.0, 0)
    assert f["contract_hours"] is None and f["response_compliance"] is None
    assert summary.breaches.empty and summary.knowledge.empty
    assert summary.monthly["tickets_opened"].tolist() == [0, 0]


def test_one_month_has_nothing_to_compare(con) -> None:
    fill(con)
    summary = client_view.client_summary(
        con, settings.load(con), "Acme", date(2026, 2, 1), date(2026, 2, 28)
    )
    rows = summary.comparison.set_index("measure")
    assert rows.loc["tickets_opened"].tolist()[1] == 2
    assert pd.isna(rows.loc["tickets_opened", "previous"])
    assert pd.isna(rows.loc["tickets_opened", "change"])


@pytest.mark.parametrize(
    ("lang", "values", "hours_note", "knowers_note"),
    [
        ("en", ["5", "5", "1", "2", "100.0%", "50.0%", "20.0 h", "1"],
         "of 20.0 h in the contract (100.0%)", "Single knower"),
        # French: narrow no-break space before %, no-break space before a unit
        ("fr", ["5", "5", "1", "2", "100,0\u202f%", "50,0\u202f%", "20,0\u00a0h", "1"],
         "sur 20,0\u00a0h au contrat (100,0\u202f%)", "Un seul connaisseur"),
    ],
)  # fmt: skip
def test_headline_tiles(summary, lang, values, hours_note, knowers_note) -> None:
    tiles = client_format.headline(summary, lang)
    assert [tile.value for tile in tiles] == values
    assert (tiles[-2].note, tiles[-1].note) == (hours_note, knowers_note)


@pytest.mark.parametrize(
    ("kind", "value", "lang", "signed", "shown"),
    [
        ("count", 1234, "en", False, "1,234"),
        ("count", 1234, "fr", False, "1\u202f234"),
        ("hours", 1234.56, "fr", False, "1\u202f234,6\u00a0h"),
        ("percent", 0.875, "en", False, "87.5%"),
        ("percent", 0.25, "en", True, "+25.0 pt"),
        ("hours", -4.0, "en", True, "-4.0 h"),
        ("count", None, "en", False, "–"),
        ("percent", float("nan"), "fr", False, "–"),
    ],
)
def test_formatted(kind, value, lang, signed, shown) -> None:
    assert client_format.formatted(kind, value, lang, signed) == shown
