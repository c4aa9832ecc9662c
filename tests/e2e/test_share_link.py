"""Share links in a real browser: a minted link shows its client's steering view and no menu;
a tampered one shows a plain refusal; the page never contains another client's name."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from okam_analytics.steering import share

REPO = Path(__file__).resolve().parents[2]
CLIENT = "Pharmacie Dubois"  # a sample client with a single knower
PERIOD = (date(2025, 11, 1), date(2026, 10, 31))  # the sample's year
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
METRIC = '[data-testid="stMetric"]'
NAV = '[data-testid="stSidebarNav"]'
REFUSAL = "This link cannot be opened"


def sample_clients() -> list[str]:
    """Every client of the sample ticket export (GLPI entity 'Okam Services > <client>')."""
    with (REPO / "data" / "sample" / "glpi_tickets.csv").open(encoding="utf-8-sig") as f:
        return sorted({row["Entité"].split(" > ")[-1] for row in csv.DictReader(f, delimiter=";")})


@pytest.fixture(scope="module")
def canaries() -> list[str]:
    """The other clients: none of their names may appear in CLIENT's shared view."""
    names = sample_clients()
    assert CLIENT in names and len(names) > 10
    return [name for name in names if name != CLIENT]


@pytest.fixture(scope="module")
def token(share_secret: str) -> str:
    return share.mint(CLIENT, *PERIOD, 7, share_secret)


def open_link(page: Page, base_url: str, path: str, token: str) -> None:
    page.goto(share.share_url(base_url, token).replace("/client?", f"/{path}?"))
    # The first request of a server loads the sample data, which takes a while on a busy machine.
    page.wait_for_selector(f"{METRIC}, [data-testid='stAlertContentError']", timeout=180_000)
    page.wait_for_selector(IDLE, timeout=120_000)


def page_text(page: Page) -> str:
    """What a viewer can read, and everything else the page holds (chart SVG, hidden nodes)."""
    return page.inner_text("body") + "\n" + page.content()


def test_a_minted_link_shows_only_its_client(
    page: Page, base_url: str, token: str, canaries: list[str], screenshots: Path
) -> None:
    open_link(page, base_url, "client", token)
    expect(page.locator(METRIC)).to_have_count(8)
    expect(page.get_by_role("heading", name=CLIENT)).to_be_visible()
    expect(page.locator(NAV)).to_have_count(0)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.get_by_text("Create share link")).to_have_count(0)
    text = page_text(page)
    assert [name for name in canaries if name in text] == []
    page.screenshot(path=str(screenshots / "share_link.png"))


@pytest.mark.parametrize(
    ("case", "path"), [("tampered", "client"), ("another page", "knowledge"), ("root", "")]
)
def test_a_tampered_link_or_another_page_is_refused(
    page: Page, base_url: str, token: str, canaries: list[str], case: str, path: str
) -> None:
    head, signature = token.rsplit(".", 1)  # change the signature's first character
    forged = f"{head}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"
    open_link(page, base_url, path, forged if case == "tampered" else token)
    expect(page.get_by_text(REFUSAL)).to_be_visible()
    expect(page.locator(METRIC)).to_have_count(0)
    expect(page.locator(NAV)).to_have_count(0)
    text = page_text(page)
    assert CLIENT not in text
    assert [name for name in canaries if name in text] == []


def test_the_pdf_download_has_the_figures_of_the_page(
    page: Page, base_url: str, token: str, canaries: list[str]
) -> None:
    open_link(page, base_url, "client", token)
    labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert len(labels) == len(values) == 8
    with page.expect_download(timeout=180_000) as download:  # charts: chromium via kaleido
        page.get_by_text("Download the PDF report").click()
    data = Path(download.value.path()).read_bytes()
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]
    assert CLIENT in pages[0] and len(pages) >= 7
    figures = [line.strip() for line in pages[1].splitlines()]
    for label, value in zip(labels, values, strict=True):
        assert figures[figures.index(label.strip()) + 1] == value.strip(), label
    text = "".join(pages)
    assert [name for name in canaries if name in text] == []
