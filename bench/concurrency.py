"""The app serving while `okam import` writes the same database file from another process.

    python bench/concurrency.py                          # 1/10 of the large data, 3 imports
    python bench/concurrency.py --rounds 2 --out /tmp/c.json

Builds a database from the benchmark's GLPI and Harvest exports (bench/datasets.py), starts
`streamlit run app.py` headless on a free port with OKAM_DB pointing at it, and loads the app's
pages one after another in Chromium (/usr/bin/chromium through Playwright, a new session per
load). Meanwhile `python -m okam_analytics import` loads the timesheet export again in another
process (a different file each round: one line left out). Reports page errors, page load times
outside and during the imports, each import's time alone (no app) and while pages load, and the
delay from an import's end (its commit) to the first page load that shows it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import datasets
from playwright.sync_api import sync_playwright

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(REPO), str(REPO / "tests" / "e2e")]
from conftest import CHROMIUM_FLAGS, free_port, stop  # noqa: E402  (the e2e tests' server helpers)

from okam_analytics.i18n import translate  # noqa: E402

BUSY = translate("ui.db_busy", "en")
PAGES = ["overview", "knowledge", "workload", "escalations", "client", "import"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
FRAME = '[data-testid="stSidebar"] [data-testid="stDateInput"]'
PAGE_TIMEOUT_MS = 180_000
GIVE_UP_AFTER = 10  # loads of the Import page after an import before calling it not visible
VALUES = "inputs => inputs.map(i => i.value)"


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--fraction", type=float, default=0.1, help="share of the large data")
    p.add_argument("--rounds", type=int, default=3, help="imports while the pages load")
    p.add_argument("--quiet-loads", type=int, default=6, help="page loads with no import")
    p.add_argument("--workdir", default="/tmp/okam_concurrency", help="data and database")
    p.add_argument("--out", default=str(BENCH / "concurrency.json"), help="the JSON results")
    return p.parse_args(argv)


def okam(*args: str, env: dict | None = None) -> subprocess.Popen:
    """`python -m okam_analytics ARGS` in its own process."""
    full = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    command = [sys.executable, "-m", "okam_analytics", *args]
    return subprocess.Popen(command, cwd=REPO, env=full, stdout=subprocess.PIPE, text=True)


def variant(source: Path, folder: Path, n: int) -> Path:
    """The export without its data line n: another file (another sha256), the same layout."""
    target = folder / f"{source.stem}_v{n}.csv"
    if not target.exists():
        with open(source, encoding="utf-8") as read, open(target, "w", encoding="utf-8") as out:
            for i, line in enumerate(read):
                if i != n + 1:
                    out.write(line)
    return target


def timed_import(db_path: Path, export: Path) -> dict:
    """One `okam import` in another process: its wall time, end time and outcome."""
    started = time.monotonic()
    child = okam("import", str(export), "--db", str(db_path))
    out, _ = child.communicate(timeout=1800)
    ended = time.monotonic()
    outcome = json.loads(out.splitlines()[-1]) if out.strip() else {}
    return {"started": started, "ended": ended, "seconds": ended - started,
            "code": child.returncode, "import_id": outcome.get("import_id"),
            "status": outcome.get("status")}  # fmt: skip


def prepare(args: argparse.Namespace) -> tuple[Path, Path, dict]:
    """The exports, and a database holding both (rebuilt on every run)."""
    work = Path(args.workdir)
    files = datasets.write_datasets(work / "data", "large", [args.fraction])[args.fraction]
    db_path = work / "served.duckdb"
    for leftover in work.glob("served.duckdb*"):
        leftover.unlink()
    build = okam("import", files["tickets_file"], files["timesheets_file"], "--db", str(db_path))
    build.communicate(timeout=1800)
    assert build.returncode == 0, "the database could not be built"
    return db_path, Path(files["timesheets_file"]), files


def start_app(db_path: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` headless on a free port, serving db_path."""
    port = free_port()
    env = {**os.environ, "OKAM_DB": str(db_path), "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.fileWatcherType", "none"]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"streamlit did not start: {log.read_text()[-2000:]}")


def load(page, url: str, name: str) -> dict:
    """Open one page in a new session; its load time and what went wrong, if anything."""
    started = time.monotonic()
    problem = None
    try:
        page.goto(f"{url}/{name}?lang=en", timeout=PAGE_TIMEOUT_MS)
        page.wait_for_selector(FRAME, timeout=PAGE_TIMEOUT_MS)
        page.wait_for_selector(IDLE, timeout=PAGE_TIMEOUT_MS)
        if page.locator('[data-testid="stException"]').count():
            problem = "exception"
        alerts = " ".join(page.locator('[data-testid="stAlert"]').all_inner_texts())
        if BUSY in alerts:
            problem = "database busy"
    except Exception as exc:  # a timeout is a page error too
        problem = f"{type(exc).__name__}: {str(exc)[:120]}"
    ended = time.monotonic()
    newest = None
    if name == "import" and problem is None:
        boxes = page.locator('[data-testid="stSelectbox"] input')  # "#7 · file.csv"
        ids = [
            int(v[1:].split(" ")[0]) for v in map(str, boxes.evaluate_all(VALUES)) if v[:1] == "#"
        ]
        newest = max(ids, default=None)
    return {"page": name, "started": started, "ended": ended, "seconds": ended - started,
            "problem": problem, "newest_import": newest}  # fmt: skip


def unseen(imports: list[dict], loads: list[dict]) -> dict | None:
    """The latest finished import that no page load ended since has shown yet."""
    if not imports:
        return None
    last = imports[-1]
    shown = [x for x in loads if x["newest_import"] is not None and x["started"] >= last["ended"]]
    if last["import_id"] is None or any(x["newest_import"] >= last["import_id"] for x in shown):
        return None
    if len(shown) >= GIVE_UP_AFTER:  # never shown: counted below as not visible
        return None
    return last


def browse_while_importing(page, url: str, db_path: Path, exports: list[Path]) -> tuple:
    """Pages loaded in turn while the exports are imported one after another in another
    process; after each import, the Import page until it shows the new import."""
    imports: list[dict] = []
    loads: list[dict] = []
    worker = threading.Thread(
        target=lambda: imports.extend(timed_import(db_path, e) for e in exports), daemon=True
    )
    worker.start()
    turn = 0
    while worker.is_alive() or unseen(imports, loads):
        waiting = unseen(imports, loads)
        name = "import" if waiting else PAGES[turn % len(PAGES)]
        turn += 0 if waiting else 1
        loads.append(load(page, url, name))
        if waiting and not unseen(imports, loads):
            waiting["visible_after"] = loads[-1]["ended"] - waiting["ended"]
    worker.join()
    return imports, loads


def during(load_: dict, imports: list[dict]) -> bool:
    """Whether a page load overlapped an import process."""
    return any(load_["started"] < i["ended"] and i["started"] < load_["ended"] for i in imports)


def spread(values: list[float]) -> dict:
    """n, median, 90th percentile and maximum, in seconds."""
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return {"n": len(values), "p50": round(statistics.median(values), 2),
            "p90": round(p90, 2), "max": round(ordered[-1], 2)}  # fmt: skip


def summarise(quiet: list, loads: list, alone: list, busy: list, files: dict) -> dict:
    """The figures the docs quote."""
    inside = [x for x in loads if during(x, busy)]
    outside = quiet + [x for x in loads if not during(x, busy)]
    return {
        "data": {k: files[k] for k in ("tickets", "time_entries", "timesheets_bytes")},
        "page_errors": [x for x in quiet + loads if x["problem"]],
        "page_loads_outside_imports": spread([x["seconds"] for x in outside]),
        "page_loads_during_imports": spread([x["seconds"] for x in inside]),
        "import_alone": spread([i["seconds"] for i in alone]),
        "import_while_pages_load": spread([i["seconds"] for i in busy]),
        "import_status": [i["status"] for i in alone + busy],
        "commit_to_visible": spread([i["visible_after"] for i in busy if "visible_after" in i]),
        "imports_never_visible": sum("visible_after" not in i for i in busy),
    }


def main(argv: list[str] | None = None) -> int:
    """Prepare, measure, print and write the results."""
    args = parse(argv)
    db_path, export, files = prepare(args)
    folder = Path(args.workdir)
    alone = [timed_import(db_path, variant(export, folder, 100 + n)) for n in range(2)]
    exports = [variant(export, folder, n) for n in range(args.rounds)]
    process, url = start_app(db_path, folder / "streamlit.log")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            for name in PAGES:  # first loads: caches and DuckDB's buffers warm up
                load(page, url, name)
            quiet = [load(page, url, PAGES[n % len(PAGES)]) for n in range(args.quiet_loads)]
            busy, loads = browse_while_importing(page, url, db_path, exports)
            browser.close()
    finally:
        stop(process)
    results = summarise(quiet, loads, alone, busy, files)
    results["raw"] = {"quiet": quiet, "loads": loads, "alone": alone, "imports": busy}
    Path(args.out).write_text(json.dumps(results, indent=1, default=str))
    print(json.dumps({k: v for k, v in results.items() if k != "raw"}, indent=1, default=str))
    return 0 if not results["page_errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
