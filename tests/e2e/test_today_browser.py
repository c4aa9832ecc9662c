"""The Today page in a real browser: the default page shows its four blocks on the sample data
in English and in French, and an open Today page shows new data without being reloaded."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from test_navigation import EXCEPTION, full_screenshot, open_app, wait_idle

METRIC = '[data-testid="stMetric"]'
GRID = '[data-testid="stDataFrame"]'
UPLOAD_INPUT = '[data-testid="stFileUploader"] input[type="file"]'
# One GLPI ticket: P1 ("Très haute"), new, opened Mon 5 January 2026 09:00, never answered.
GLPI = (
    "ID;Titre;Entité;Statut;Date d'ouverture;Date de résolution;Priorité;Attribué à - Technicien\n"
    "901;Serveur arrêté;Root > Acme;Nouveau;05-01-2026 09:00;;Très haute;Léa Fontaine\n"
).encode()


@pytest.mark.parametrize(
    ("lang", "title", "headings", "breached"),
    [
        ("en", "Today",
         ["Do not solicit (overloaded)", "Has room", "Open escalations against their SLA",
          "Who knows the client and has room", "Coverage ending within 30 days"],
         "Escalations breached"),
        ("fr", "Aujourd'hui",
         ["À ne pas solliciter (en surcharge)", "Disponibles", "Escalades ouvertes face à leur SLA",
          "Qui connaît le client et est disponible", "Couvertures qui s'achèvent dans les 30 jours"],
         "Escalades hors délai"),
    ],
)  # fmt: skip
def test_the_default_page_shows_the_four_blocks_on_the_sample(
    page: Page, screenshots: Path, lang, title, headings, breached
) -> None:
    open_app(page, f"/?lang={lang}")
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    for heading in headings:
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.locator(METRIC)).to_have_count(5)
    # the sample's last day has three open escalations, all past their SLA
    tile = page.locator(METRIC).filter(has_text=breached)
    expect(tile.locator('[data-testid="stMetricValue"]')).to_have_text("3")
    expect(page.locator(GRID)).to_have_count(4)  # the coverage block has no client ending
    assert page.locator(EXCEPTION).count() == 0
    wait_idle(page)
    full_screenshot(page, screenshots / f"today-{lang}.png")


def test_an_open_today_page_shows_new_data_by_itself(page: Page, fresh_app_server: str) -> None:
    open_app(page, f"{fresh_app_server}/today?asof=2026-01-06&lang=en")
    breached = page.locator(METRIC).filter(has_text="Escalations breached")
    # a list: exactly one such tile (a rerun briefly shows the old tiles beside the new)
    expect(breached.locator('[data-testid="stMetricValue"]')).to_have_text(["0"])

    importer = page.context.new_page()
    open_app(importer, f"{fresh_app_server}/import")
    importer.locator(UPLOAD_INPUT).set_input_files(
        files=[{"name": "p1.csv", "mimeType": "text/csv", "buffer": GLPI}]
    )
    importer.get_by_role("button", name="Load this file").click()
    expect(importer.get_by_text("p1.csv: loaded as import #1, 1 rows")).to_be_visible()

    # no reload of the Today page: its watcher sees the new data version and reruns it
    value = breached.locator('[data-testid="stMetricValue"]')
    expect(value).to_have_text(["1"], timeout=120_000)
    # the grid keeps its cells off the accessibility tree: match them by CSS
    cell = page.locator(f'{GRID} [role="gridcell"]').filter(has_text="901")
    expect(cell.first).to_be_attached()
