"""The Client page in a real browser: an action item added on the page appears in its list, and
the "PowerPoint" download is a deck python-pptx opens, with native charts and that action."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import Page, expect
from pptx import Presentation

CLIENT = "Pharmacie Dubois"  # a sample client
ACTION = "Review the backup plan with the pharmacist"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
METRIC = '[data-testid="stMetric"]'


def open_client_page(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/client?client={quote(CLIENT)}")
    # The first request of a server loads the sample data, which takes a while on a busy machine.
    expect(page.locator(METRIC)).to_have_count(8, timeout=180_000)
    page.wait_for_selector(IDLE, timeout=120_000)


def test_an_action_added_on_the_page_is_listed_and_in_the_deck(
    page: Page, base_url: str, screenshots: Path
) -> None:
    open_client_page(page, base_url)
    expect(page.get_by_role("heading", name=CLIENT)).to_be_visible()
    page.get_by_label("New action").fill(ACTION)
    page.get_by_label("Owner (optional)").fill("Léa Fontaine")
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_text("Action item added.")).to_be_visible()
    page.wait_for_selector(IDLE, timeout=120_000)
    # the list (a data grid drawn on a canvas) and the pick list of open items both carry it
    grid = page.locator('[data-testid="stDataFrame"]').filter(has_text="Owner").last
    expect(grid).to_contain_text(ACTION)
    page.get_by_label("Actions to mark done").click()
    expect(page.get_by_role("option", name=ACTION)).to_have_count(1)
    page.keyboard.press("Escape")
    page.screenshot(path=str(screenshots / "client_actions.png"))

    button = page.get_by_role("button", name="Download the PowerPoint deck")
    expect(button).to_be_visible()
    with page.expect_download(timeout=180_000) as download:
        button.click()
    assert download.value.suggested_filename.endswith(".pptx")
    deck = Presentation(io.BytesIO(Path(download.value.path()).read_bytes()))
    slides = list(deck.slides)
    assert len(slides) >= 6
    text = "\n".join(
        shape.text_frame.text for slide in slides for shape in slide.shapes if shape.has_text_frame
    )
    cells = "\n".join(
        cell.text
        for slide in slides
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
        for cell in row.cells
    )
    assert CLIENT in text and "Executive summary" in text
    assert ACTION in cells
    charts = [shape.chart for slide in slides for shape in slide.shapes if shape.has_chart]
    assert len(charts) >= 2 and all(len(chart.plots[0].categories) for chart in charts)
