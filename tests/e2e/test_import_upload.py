"""The Import page in a real browser: upload a small GLPI export, see the detection, load it."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
UPLOAD_INPUT = '[data-testid="stFileUploader"] input[type="file"]'
# The file name carries markup: the page must show it as text.
FILE_NAME = "janvier <b>2026</b>.csv"
GLPI = (
    "ID;Titre;Entité;Statut;Date d'ouverture;Date de résolution;Priorité;Attribué à - Technicien\n"
    "101;Imprimante;Root > Acme;Clos;05-01-2026 09:00;05-01-2026 11:00;Haute;Léa Fontaine\n"
    "102;VPN;Root > Globex;Nouveau;06-01-2026 10:30;;Moyenne;Yann Le Goff\n"
    "103;Messagerie;Root > Acme;Résolu;07-01-2026 08:15;07-01-2026 09:00;Basse;Léa Fontaine\n"
).encode()


def wait_idle(page: Page) -> None:
    page.wait_for_selector(IDLE, timeout=120_000)


def grid_cells(page: Page, header: str) -> list[str]:
    """The cell texts of the table with that column header (the grid keeps them for a11y)."""
    # the grid's table is off-screen (not in the accessibility tree): match its cells by CSS
    header_cell = page.locator('[role="columnheader"]', has_text=re.compile(f"^{header}$"))
    grid = page.locator('[data-testid="stDataFrame"]').filter(has=header_cell)
    cells = grid.locator('[role="gridcell"]')
    expect(cells.first).to_be_attached()  # the grid draws its cells after the script run
    return cells.all_text_contents()


def test_upload_shows_the_detection_and_loads(
    page: Page, fresh_app_server: str, screenshots: Path
) -> None:
    page.goto(fresh_app_server)
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible(timeout=120_000)
    wait_idle(page)
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Import").click()
    expect(page.locator(UPLOAD_INPUT)).to_be_attached()
    wait_idle(page)
    page.locator(UPLOAD_INPUT).set_input_files(
        files=[{"name": FILE_NAME, "mimeType": "text/csv", "buffer": GLPI}]
    )
    summary = page.locator('[data-testid="stExpander"] summary')
    expect(summary).to_contain_text(f"{FILE_NAME} · GLPI tickets, 3 rows")
    wait_idle(page)
    detection = grid_cells(page, "Encoding")
    assert detection == ["tickets", "GLPI", "utf-8", ";", "–", "1", "DD-MM-YYYY hh:mm", "3",
                         "2026-01-05 – 2026-01-07"]  # fmt: skip
    expect(page.get_by_text("All 3 rows are valid.")).to_be_attached()

    page.get_by_role("button", name="Load this file").click()
    expect(page.get_by_text(f"{FILE_NAME}: loaded as import #1, 3 rows")).to_be_visible()
    wait_idle(page)
    expect(page.get_by_text("This file is already imported (import #1")).to_be_visible()
    page.screenshot(path=str(screenshots / "import-loaded.png"), full_page=True)
    history = grid_cells(page, "Imported at")
    assert history[:6] == ["1", "tickets", "GLPI", FILE_NAME, "3", "0"]
    assert page.locator("b", has_text="2026").count() == 0  # the name never became markup
