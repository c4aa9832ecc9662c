"""Pages in a real browser (Debian's chromium under Playwright): what a manager waits for.

For each analysis page: time to first content (the first metric tile or drawn chart) and to
complete (the script finished, no spinner, every Plotly chart drawn), on its first visit after
a server start, on its first visit after an import changed the data version, and after a
filter change (a team picked in the sidebar). The Plotly figures are read off the websocket
(ForwardMsg deltas) to give each one's JSON size. The fresh install (empty database, the
sample loads on the first request) is timed on its first page.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import appserver
from playwright.sync_api import Browser, Page, sync_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]  # as tests/e2e/conftest.py
PAGES = ["overview", "knowledge", "workload", "escalations", "client"]
TIMEOUT_S = 90
FRESH_TIMEOUT_S = 600  # the sample's workbook is parsed first
POLL_S = 0.025
FIRST_CONTENT_JS = """() => !!document.querySelector(
  '[data-testid="stMain"] [data-testid="stMetric"], [data-testid="stMain"] .js-plotly-plot .main-svg')"""
COMPLETE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSpinner"], [data-testid="stSkeleton"]')) return false;
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return charts.every(c => c.querySelector('.main-svg'));
}"""


class Wire:
    """What the server sent a page: finished script runs and the Plotly figure sizes."""

    def __init__(self, page: Page) -> None:
        self.finished = 0
        self.figures: list[int] = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload: bytes | str) -> None:
        if isinstance(payload, str):
            return
        message = ForwardMsg()
        message.ParseFromString(payload)
        kind = message.WhichOneof("type")
        if kind == "script_finished":
            self.finished += 1
        elif kind == "delta" and message.delta.new_element.WhichOneof("type") == "plotly_chart":
            self.figures.append(len(message.delta.new_element.plotly_chart.spec.encode()))


def _until(page: Page, started: float, check: Callable[[], bool], limit: float = 0) -> float:
    while time.perf_counter() - started < (limit or TIMEOUT_S):
        if check():
            return time.perf_counter() - started
        page.wait_for_timeout(POLL_S * 1000)
    raise TimeoutError("the page did not get there in time")


def _timed(page: Page, wire: Wire, action: Callable[[], Any], first: bool,
           limit: float = 0) -> dict[str, Any]:  # fmt: skip
    """Run action (a navigation or a click) and time first content and completion; a page
    that never gets there is reported as an error, and the benchmark goes on."""
    wire.figures.clear()
    runs = wire.finished
    started = time.perf_counter()
    result: dict[str, Any] = {}
    try:
        action()
        if first:
            shown = lambda: page.evaluate(FIRST_CONTENT_JS)  # noqa: E731
            result["first_content_s"] = _until(page, started, shown, limit)
        done = lambda: wire.finished > runs and page.evaluate(COMPLETE_JS)  # noqa: E731
        result["complete_s"] = _until(page, started, done, limit)
    except Exception as exc:  # a timeout or a dead server: say so in the results
        result["error"] = f"{type(exc).__name__}: {exc}"[:300]
    result["figure_bytes"] = list(wire.figures)
    return result


def visit(
    browser: Browser, url: str, first: bool = True, limit: float = 0
) -> tuple[Page, Wire, dict[str, Any]]:
    """A new session (browser context) opening url; the page stays open for more steps."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    wire = Wire(page)
    result = _timed(page, wire, lambda: page.goto(url, wait_until="commit"), first, limit)
    return page, wire, result


def pick_team(page: Page, wire: Wire) -> dict[str, Any]:
    """Pick the first team in the sidebar's team filter; time until the page is complete."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').nth(1)
    box.locator("input").click()
    option = page.locator('[role="option"]').filter(has_not_text="Select all").first
    option.wait_for()
    result = _timed(page, wire, option.click, first=False)
    page.keyboard.press("Escape")
    return result


def import_small_file(browser: Browser, url: str, serial: int) -> None:
    """Load a three-ticket GLPI export through the Import page: the data version changes."""
    page, _, _ = visit(browser, f"{url}/import", first=False)
    rows = "\n".join(
        f"{9_000_000 + serial * 10 + i};Bench {serial};Root > Bench;Clos;05-01-2026 09:00;"
        f"05-01-2026 11:00;Haute;Bench Consultant"
        for i in range(3)
    )
    header = ("ID;Titre;Entité;Statut;Date d'ouverture;Date de résolution;Priorité;"
              "Attribué à - Technicien\n")  # fmt: skip
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[
            {
                "name": f"bench{serial}.csv",
                "mimeType": "text/csv",
                "buffer": (header + rows + "\n").encode(),
            }
        ]  # fmt: skip
    )
    page.get_by_role("button", name="Load this file").click(timeout=TIMEOUT_S * 1000)
    page.get_by_text("loaded as import").first.wait_for(timeout=TIMEOUT_S * 1000)
    page.context.close()


def _close(page: Page) -> None:
    page.context.close()


def server_start(browser: Browser, db: Path, work: Path, pages: list[str]) -> dict[str, Any]:
    """Each page as the first request after a server start (caches empty, modules fresh)."""
    out: dict[str, Any] = {}
    for name in pages:
        with appserver.running_app(db, work / f"server-start-{name}.log") as url:
            page, _, out[name] = visit(browser, f"{url}/{name}")
            _close(page)
    return out


def data_change_and_filters(browser: Browser, db: Path, work: Path, pages: list[str]) -> dict:
    """On one server: every page warm, then per page an import and its first visit, then a
    team picked on that page."""
    changed: dict[str, Any] = {}
    filtered: dict[str, Any] = {}
    warm: dict[str, Any] = {}
    with appserver.running_app(db, work / "data-change.log") as url:
        for name in pages:  # warm every page once, then time a warm visit
            _close(visit(browser, f"{url}/{name}")[0])
            page, _, warm[name] = visit(browser, f"{url}/{name}")
            _close(page)
        for serial, name in enumerate(pages, start=1):
            import_small_file(browser, url, serial)
            page, wire, changed[name] = visit(browser, f"{url}/{name}")
            try:
                filtered[name] = pick_team(page, wire)
            except Exception as exc:  # no team filter to pick: reported, the run goes on
                filtered[name] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
            _close(page)
    return {"warm_visit": warm, "after_data_change": changed, "after_filter_change": filtered}


def fresh_install(browser: Browser, work: Path, sample: Path) -> dict[str, Any]:
    """An empty database: the first page, the sample loading first."""
    db = work / "fresh.duckdb"
    for stale in (db, db.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    with appserver.running_app(db, work / "fresh.log", sample_dir=sample) as url:
        page, _, result = visit(browser, url, limit=FRESH_TIMEOUT_S)
        _close(page)
    return result


def run(db_path: str, workdir: str, pages: list[str] | None = None) -> dict[str, Any]:
    """The whole browser benchmark on a copy of the database."""
    work = Path(workdir)
    db = appserver.copy_database(Path(db_path), work / "browser.duckdb")
    pages = pages or PAGES
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        result = {"server_start": server_start(browser, db, work, pages)}
        result |= data_change_and_filters(browser, db, work, pages)
        result["fresh_install"] = fresh_install(browser, work, appserver.REPO / "data" / "sample")
        browser.close()
    sizes = [(b, n) for part in ("server_start", "after_data_change") for n, r in result[part].items() for b in r["figure_bytes"]]  # fmt: skip
    result["largest_figure"] = (
        dict(zip(("bytes", "page"), max(sizes), strict=True)) if sizes else {}
    )
    return result
