"""The steering PDF: it opens, has the expected pages, and its figures are client_summary's as
client_format writes them for the Client page (text extracted with pypdf)."""

from __future__ import annotations

import io
from datetime import date, datetime
from types import SimpleNamespace

import pytest
from client_data import CANARY, PERIOD, fill
from pypdf import PdfReader

from okam_analytics import settings
from okam_analytics.steering import actions
from okam_analytics.steering import format as client_format
from okam_analytics.steering import pdf as steering_pdf
from okam_analytics.steering import pdf_layout as report_layout
from okam_analytics.steering import view as client_view

PAGE_TITLES = {
    "en": ["Steering report", "Key figures", "Month by month", "Tickets and response times",
           "Escalations and SLA", "Hours against the contract", "Knowledge coverage"],
    "fr": ["Rapport de pilotage", "Chiffres clés", "Mois par mois", "Tickets et délais",
           "Escalades et SLA", "Heures au regard du contrat", "Couverture des connaissances"],
}  # fmt: skip
GENERATED = date(2026, 3, 2)


@pytest.fixture
def summary(con) -> client_view.ClientSummary:
    fill(con)
    return client_view.client_summary(con, settings.load(con), "Acme", *PERIOD)


def pages_of(data: bytes) -> list[str]:
    assert data.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def spaced(text: str) -> str:
    """Text with its no-break spaces as plain ones (pypdf reads some table cells' that way)."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_pages_and_title_page(summary, lang) -> None:
    pages = pages_of(steering_pdf.build_pdf(summary, lang, generated_on=GENERATED))
    assert [lines(text)[0] for text in pages] == PAGE_TITLES[lang]
    title = lines(pages[0])
    assert title[1] == "Acme"
    assert client_format.period_text(summary, lang) in pages[0]
    assert client_format.generated_text(GENERATED, lang) in title


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_figures_equal_the_client_page(summary, lang) -> None:
    pages = pages_of(steering_pdf.build_pdf(summary, lang, generated_on=GENERATED))
    figures = lines(pages[1])
    for tile in client_format.headline(summary, lang):
        at = figures.index(tile.label)
        assert figures[at + 1] == tile.value, tile.label
    comparison = client_format.comparison_table(summary, lang)
    for row in comparison.itertuples(index=False):
        assert spaced(" ".join(row)) in map(spaced, figures)
    monthly = [spaced(line) for line in lines(pages[2])]
    for row in client_format.monthly_table(summary, lang).itertuples(index=False):
        assert spaced(" ".join(row)) in monthly


def test_hand_computed_figures_in_the_pdf(summary) -> None:
    pages = pages_of(steering_pdf.build_pdf(summary, "en", generated_on=GENERATED))
    figures = lines(pages[1])
    assert figures[figures.index("Tickets opened") + 1] == "5"
    assert figures[figures.index("Resolution within SLA") + 1] == "50.0%"
    assert "of 20.0 h in the contract (100.0%)" in figures
    assert "Opened 3 2 -1" in figures
    assert "Feb 2026 2 2 1 1 1 100.0% 0.0% 1.8 h 171.0 h 8.0 h 10.0 h" in lines(pages[2])
    escalations = pages[4]
    assert 'A5 =HYPERLINK("http://x") P1 J. M. 2026-02-16 08:00 Breached 2.0 h' in escalations
    assert "J. M. " in pages[6] and "L. F. " in pages[6]
    assert "Julien" not in "".join(pages)  # initials by default


def test_no_other_client_in_the_pdf(summary) -> None:
    text = "".join(pages_of(steering_pdf.build_pdf(summary, "en")))
    assert CANARY not in text and "Zyxwv" not in text


def test_core_font_fallback_without_a_ttf(summary, monkeypatch) -> None:
    monkeypatch.setattr(report_layout, "font_files", lambda: None)
    pages = pages_of(steering_pdf.build_pdf(summary, "fr", generated_on=GENERATED))
    assert [lines(text)[0] for text in pages] == PAGE_TITLES["fr"]  # accents are latin-1
    assert "Période : 01/01/2026 - 28/02/2026" in pages[0]  # the en dash is not


def run_args(tmp_path, client: str) -> SimpleNamespace:
    return SimpleNamespace(
        client=client, date_from="2026-01-01", date_to="2026-02-28",
        out=str(tmp_path / "report.pdf"), lang="en", db=str(tmp_path / "test.duckdb"),
    )  # fmt: skip


def test_run_pdf_refuses_an_unknown_client(con, tmp_path, capsys) -> None:
    fill(con)
    con.close()
    assert steering_pdf.run_pdf(run_args(tmp_path, "Nobody")) == 1
    assert "No client named 'Nobody'" in capsys.readouterr().err
    assert not (tmp_path / "report.pdf").exists()


@pytest.mark.slow
def test_run_pdf_with_charts(con, tmp_path) -> None:
    """The command line with kaleido and chromium: every chart page carries its image."""
    fill(con)
    con.close()
    assert steering_pdf.run_pdf(run_args(tmp_path, "Acme")) == 0
    reader = PdfReader(tmp_path / "report.pdf")
    titles = [lines(page.extract_text())[0] for page in reader.pages]
    assert titles == PAGE_TITLES["en"] + ["Action items"]  # the command line adds the review
    assert [len(page.images) for page in reader.pages] == [0, 0, 0, 2, 1, 1, 1, 0]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["Action items", "Open action items", "Action Owner Due",
                "Renew the firewall licence J. M. 2026-03-15",
                "Action items done since 2026-01-01",
                "No action item was closed since the period began."]),
        ("fr", ["Plan d'actions", "Actions ouvertes", "Action à mener Responsable Échéance",
                "Renew the firewall licence J. M. 15/03/2026",
                "Actions terminées depuis le 01/01/2026",
                "Aucune action terminée depuis le début de la période."]),
    ],
)  # fmt: skip
def test_the_action_items_page(con, lang, expected) -> None:
    fill(con)
    actions.add(con, "Acme", "Renew the firewall licence", date(2026, 3, 15), "Julien Marchand",
                datetime(2026, 2, 1, 9))  # fmt: skip
    old = actions.add(con, "Acme", "Old promise", None, None, datetime(2025, 11, 2))
    actions.mark_done(con, old["id"], datetime(2025, 12, 1))
    actions.add(con, CANARY, "Canary plan", None, None, datetime(2026, 1, 9))
    summary = client_view.client_summary(con, settings.load(con), "Acme", *PERIOD)
    review = actions.review(con, "Acme", PERIOD[0])
    pages = pages_of(steering_pdf.build_pdf(summary, lang, generated_on=GENERATED, review=review))
    assert len(pages) == len(PAGE_TITLES[lang]) + 1
    assert [" ".join(line.split()) for line in lines(spaced(pages[-1]))][:-1] == expected  # footer
    assert "Canary" not in "".join(pages)
