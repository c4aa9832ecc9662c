"""The Coverage page in a real browser on the sample data: the runway chart and the plan, in
English and in French; the horizon control lives in the URL."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from test_navigation import full_screenshot, open_app, query, wait_idle

EXCEPTION = '[data-testid="stException"]'
CHART = '[data-testid="stPlotlyChart"]'
GRID = '[data-testid="stDataFrame"]'


def plan_grid(page: Page, *headers: str):
    """The grid that has these column headers (the grid's hidden accessible table)."""
    grid = page.locator(GRID)
    for header in headers:
        cell = page.locator('[role="columnheader"]', has_text=re.compile(f"^{header}$"))
        grid = grid.filter(has=cell)
    return grid


def runway_bars(page: Page):
    """The bars of the runway chart (one path per client)."""
    return page.locator(f"{CHART} .barlayer .point")


def test_runway_chart_and_plan_in_english_then_french(page: Page, screenshots: Path) -> None:
    open_app(page, "/coverage?lang=en")
    expect(page.get_by_role("heading", name="Coverage", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Runway: how long coverage lasts")).to_be_visible()
    expect(runway_bars(page).first).to_be_attached()
    assert runway_bars(page).count() >= 30  # the sample's active clients, one bar each
    expect(page.locator(f"{CHART} .xtitle")).to_have_text("Days covered without new work")
    expect(page.get_by_role("heading", name="Cross-training plan")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^\d+ of \d+ needed learners found"))).to_be_visible()
    expect(plan_grid(page, "Learner", "Trainer", "Hours per week")).to_have_count(1)
    assert page.locator(EXCEPTION).count() == 0
    full_screenshot(page, screenshots / "coverage-en.png")

    weeks = page.get_by_role("spinbutton", name="Horizon (weeks)")
    weeks.fill("4")
    weeks.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]coverage_weeks=4"))
    wait_idle(page)

    open_app(page, "/coverage?lang=fr&coverage_weeks=4")
    expect(page.get_by_role("heading", name="Couverture", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Plan de formation croisée")).to_be_visible()
    expect(page.get_by_role("spinbutton", name="Horizon (semaines)")).to_have_value("4")
    expect(runway_bars(page).first).to_be_attached()
    expect(page.locator(f"{CHART} .xtitle")).to_have_text("Jours couverts sans nouveau travail")
    expect(plan_grid(page, "Apprenant", "Formateur", "Heures par semaine")).to_have_count(1)
    expect(page.get_by_text(re.compile(r"^\d+ apprenants trouvés sur \d+"))).to_be_visible()
    assert query(page.url)["coverage_weeks"] == ["4"]
    assert page.locator(EXCEPTION).count() == 0
    full_screenshot(page, screenshots / "coverage-fr.png")
