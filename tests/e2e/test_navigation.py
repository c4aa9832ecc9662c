"""The app shell in a real browser: navigation titles, every page renders, filters live in the URL."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

PAGES = [  # navigation title, url path
    ("Today", "today"),
    ("Overview", "overview"),
    ("Knowledge", "knowledge"),
    ("Workload", "workload"),
    ("Escalations", "escalations"),
    ("Client", "client"),
    ("Coverage", "coverage"),
    ("Import", "import"),
    ("Settings", "settings"),
]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
EXCEPTION = '[data-testid="stException"]'
NAV = '[data-testid="stSidebarNav"]'
DATE_INPUTS = '[data-testid="stSidebar"] [data-testid="stDateInput"]'


def wait_idle(page: Page) -> None:
    """Wait until the script run is over and the page is drawn."""
    page.wait_for_selector(IDLE, timeout=120_000)


def open_app(page: Page, path: str) -> None:
    """Open a URL and wait for app.py's frame (its sidebar filters), then for the run to end."""
    page.goto(path)
    # The first request of a server loads the sample data, which takes a while on a busy machine.
    expect(page.locator(DATE_INPUTS)).to_have_count(2, timeout=120_000)
    wait_idle(page)


def full_screenshot(page: Page, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its main block, so grow the window to fit it."""
    size = page.viewport_size
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    wait_idle(page)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def nav_titles(page: Page) -> list[str]:
    # A link's text is its material icon's name (a font ligature), then its title.
    texts = page.locator(f"{NAV} a").all_inner_texts()
    return [[line.strip() for line in text.splitlines() if line.strip()][-1] for text in texts]


def as_of_input(page: Page):
    """The sidebar's as-of date field (its hidden input holds the ISO value)."""
    return page.locator(DATE_INPUTS).filter(has_text=re.compile("As of|Situation au"))


def set_as_of(page: Page, day: str) -> None:
    # The field is a row of year/month/day spin buttons; typing digits moves through them and
    # Escape closes the calendar, which commits the value.
    as_of_input(page).locator('[role="spinbutton"][data-type="year"]').click()
    page.keyboard.type(day.replace("-", ""))
    page.keyboard.press("Escape")


def test_sidebar_shows_navigation_titles_not_file_names(page: Page) -> None:
    open_app(page, "/")
    assert nav_titles(page) == [title for title, _ in PAGES]


def test_every_page_renders_without_exception(page: Page, screenshots: Path) -> None:
    open_app(page, "/")
    for title, url_path in PAGES:
        page.locator(NAV).get_by_role("link", name=title, exact=True).click()
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
        wait_idle(page)
        assert page.locator(EXCEPTION).count() == 0, f"exception on {title}"
        if url_path != "today":  # the default page lives at "/"
            assert urlsplit(page.url).path == f"/{url_path}"
        # The filters follow the manager from page to page in the URL.
        expect(page).to_have_url(re.compile(r"[?&]asof=\d{4}-\d\d-\d\d"))
        full_screenshot(page, screenshots / f"{url_path}.png")


def test_filter_change_is_in_the_url_and_the_url_restores_it(page: Page, browser: Browser) -> None:
    open_app(page, "/workload")
    before = query(page.url)
    set_as_of(page, "2025-06-30")
    expect(page).to_have_url(re.compile(r"[?&]asof=2025-06-30"))
    page.locator('[data-testid="stSidebar"]').get_by_text("Français").click()
    expect(page).to_have_url(re.compile(r"[?&]lang=fr"))
    wait_idle(page)
    assert query(page.url) != before
    shared_url = page.url
    # The sidebar's copy-link box holds exactly the address of this view.
    link = page.locator('[data-testid="stSidebar"] [data-testid="stCode"]')
    assert link.inner_text().strip() == shared_url

    fresh = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    open_app(fresh, shared_url)
    expect(fresh.get_by_role("heading", name="Charge de travail", exact=True)).to_be_visible()
    expect(as_of_input(fresh).locator('input[type="date"]')).to_have_value("2025-06-30")
    assert query(fresh.url)["asof"] == ["2025-06-30"]
    assert "Charge de travail" in nav_titles(fresh)
    fresh.context.close()


def test_invalid_date_in_url_shows_a_warning_not_an_exception(page: Page) -> None:
    open_app(page, "/knowledge?asof=2025-02-30&lang=en")
    expect(page.locator('[data-testid="stAlertContentWarning"]').first).to_contain_text("asof")
    assert page.locator(EXCEPTION).count() == 0
    assert query(page.url)["asof"] != ["2025-02-30"]


def test_sample_data_is_loaded_and_flagged(page: Page) -> None:
    sample = Path(__file__).resolve().parents[2] / "data" / "sample"
    if not [p for p in sample.glob("*") if p.suffix in (".csv", ".xlsx")]:
        pytest.skip("data/sample/ holds no exports yet")
    open_app(page, "/")
    expect(page.get_by_text("Sample data: import your own exports")).to_be_visible()


def test_deep_link_as_first_request_gets_the_frame(page: Page, fresh_app_server: str) -> None:
    # The first script run of a new server goes through okam_analytics.ui's pages/ folder guard.
    open_app(page, f"{fresh_app_server}/workload")
    assert nav_titles(page) == [title for title, _ in PAGES]
    expect(page.get_by_role("heading", name="Workload", exact=True)).to_be_visible()
    assert urlsplit(page.url).path == "/workload"
