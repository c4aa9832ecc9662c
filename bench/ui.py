"""What a manager waits for: the browser benchmark and the session load test on one database,
their targets, and their markdown block in docs/performance.md (between the bench-ui markers)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import appserver
import browser
import sessions

SESSION_PAGES = ["overview", "knowledge", "workload", "escalations", "client", "import"]
SESSION_COUNTS = (6, 20)
FIRST_CONTENT_MAX, COMPLETE_MAX, FILTER_MAX, FRESH_MAX = 1.5, 3.0, 1.0, 5.0
SESSIONS_WARM_MAX, SESSIONS_COLD_MAX = 3.0, 6.0
BEGIN, END = "<!-- bench-ui:begin -->", "<!-- bench-ui:end -->"


def session_load(db: Path, work: Path, counts: tuple[int, ...] = SESSION_COUNTS) -> dict:
    """Per count: a fresh server, that many sessions at once (cold), then again (warm)."""
    out: dict[str, Any] = {}
    for count in counts:
        with appserver.running_app(db, work / f"sessions-{count}.log") as url:
            cold = sessions.load(url, SESSION_PAGES, count)
            warm = sessions.load(url, SESSION_PAGES, count)
        out[str(count)] = {"cold": cold, "warm": warm}
    return out


def measure(
    db_path: str, workdir: str, run_browser: bool, run_sessions: bool, pages: list | None = None
) -> dict:
    """The chosen UI measurements on a private copy of the database (pages: the browser's)."""
    work = Path(workdir)
    result: dict[str, Any] = {"database": db_path, "load_average_start": os.getloadavg()}
    if run_browser:
        result["browser"] = browser.run(db_path, str(work / "browser"), pages)
    if run_sessions:
        db = appserver.copy_database(Path(db_path), work / "sessions" / "sessions.duckdb")
        result["sessions"] = session_load(db, work / "sessions")
    result["load_average_end"] = os.getloadavg()
    return result


def _v(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, int | float) else "-"


def _mark(value: Any, limit: float) -> str:
    if not isinstance(value, int | float):
        return "-"
    return f"{value:.2f}" if value <= limit else f"**{value:.2f}**"


def browser_table(label: str, b: dict[str, Any]) -> list[str]:
    """Seconds per page and situation; bold where a target is missed."""
    lines = [f"| {label} page | server start: first content / complete | after an import: "
             "first content / complete | warm visit complete | team filter: complete | "
             "largest figure KB |", "|---|---|---|---|---|---|"]  # fmt: skip
    for page, start in b["server_start"].items():
        change = b["after_data_change"].get(page, {})
        warm = b["warm_visit"].get(page, {})
        pick = b["after_filter_change"].get(page, {})
        sizes = start.get("figure_bytes", []) + change.get("figure_bytes", [])
        lines.append(
            f"| {page} | {_mark(start.get('first_content_s'), FIRST_CONTENT_MAX)} / "
            f"{_mark(start.get('complete_s'), COMPLETE_MAX)} | "
            f"{_mark(change.get('first_content_s'), FIRST_CONTENT_MAX)} / "
            f"{_mark(change.get('complete_s'), COMPLETE_MAX)} | {_v(warm.get('complete_s'))} | "
            f"{_mark(pick.get('complete_s'), FILTER_MAX)} | {max(sizes, default=0) / 1024:.0f} |"
        )
    fresh = b["fresh_install"]
    lines.append(f"| fresh install (first page) | {_mark(fresh.get('first_content_s'), FRESH_MAX)}"
                 f" / {_v(fresh.get('complete_s'))} | | | | |")  # fmt: skip
    return lines


def sessions_table(label: str, s: dict[str, Any]) -> list[str]:
    """The first, median and last finished run of N sessions at once."""
    lines = [f"| {label} sessions at once | caches | first s | median s | last s | slowest page |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for count, both in s.items():
        for kind, limit in (("cold", SESSIONS_COLD_MAX), ("warm", SESSIONS_WARM_MAX)):
            r = both[kind]
            slowest = max(r["by_page"], key=r["by_page"].get)
            lines.append(f"| {count} | {kind} | {_v(r['first_seconds'])} | "
                         f"{_v(r['median_seconds'])} | {_mark(r['last_seconds'], limit)} | "
                         f"{slowest} |")  # fmt: skip
    return lines


def tables(ui: dict[str, Any]) -> str:
    """Every UI table of every measured fraction."""
    lines: list[str] = []
    for fraction, r in sorted(ui.items(), key=lambda kv: float(kv[0])):
        label = f"{float(fraction):g}x:"
        load = [round(x, 1) for x in r.get("load_average_start", [])]
        lines += ["", f"Scale {fraction} ({r['database']}), load average at the start {load}:", ""]
        if "browser" in r:
            lines += browser_table(label, r["browser"])
            big = r["browser"].get("largest_figure") or {}
            lines += ["", f"Largest Plotly figure sent: {big.get('bytes', 0) / 1024:.0f} KB "
                      f"({big.get('page', '-')}).", ""]  # fmt: skip
        if "sessions" in r:
            lines += sessions_table(label, r["sessions"])
    return "\n".join(lines)


def write_docs(ui: dict[str, Any], path: Path, machine_line: str) -> None:
    """Replace the bench-ui block of the docs page."""
    block = f"{BEGIN}\n_Generated by `python bench/run.py --ui-only` on {machine_line}_\n"
    block += f"{tables(ui)}\n{END}"
    text = path.read_text(encoding="utf-8")
    if BEGIN not in text:
        text = text.rstrip() + f"\n\n{BEGIN}\n{END}\n"
    start, end = text.index(BEGIN), text.index(END) + len(END)
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")
