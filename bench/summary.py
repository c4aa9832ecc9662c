"""Targets of the performance issue, the printed table, the machine, and the markdown block of
docs/performance.md, all from the results dictionary that run.py writes to results.json."""

from __future__ import annotations

import math
import os
import platform
import re
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

REPORTS = ["redundancy", "workload", "escalations"]
# the vendor layouts (GLPI, Harvest), then the generic ones (bench/datasets.py GENERIC_FILES)
FILES = [
    "tickets", "timesheets", "generic_tickets_iso", "generic_tickets_us",
    "generic_timesheets_iso", "generic_timesheets_fr",
]  # fmt: skip
IMPORT_RATIO_MAX = 3.0
REPORT_COLD_MAX = 1.0
PANDAS_SPEEDUP_MIN = 5.0
REFERENCE_RATIO_MAX = 2.0
PAGE_WARM_MAX = 0.5
RSS_MAX_MB = 2048.0
SCALING_EXPONENT_MAX = 1.1  # linear, with room for timer noise on a shared machine
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def machine() -> dict[str, Any]:
    """Where the numbers come from: cores, memory, CPU, versions, date, commit, load."""
    import duckdb
    import pandas
    import streamlit

    cpu = "unknown"
    if Path("/proc/cpuinfo").is_file():
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = found.group(1).strip() if found else cpu
    memory_gb = None
    if Path("/proc/meminfo").is_file():
        found = re.search(r"MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text())
        memory_gb = round(int(found.group(1)) / 1024 / 1024, 1) if found else None
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "memory_gb": memory_gb,
        "cpu": cpu,
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pandas.__version__,
        "streamlit": streamlit.__version__,
        "date": datetime.now().isoformat(timespec="seconds"),
        "commit": _git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
    }


def _git(*args: str) -> str:
    try:
        out = subprocess.run(
            ["git", *args], capture_output=True, text=True, check=True, timeout=10,
            cwd=Path(__file__).resolve().parents[1],
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


def exponent(points: list[list[float]]) -> float | None:
    """Growth exponent b of seconds ~ rows^b between the smallest and largest run."""
    usable = [(n, s) for n, s in points if n and s]
    if len(usable) < 2:
        return None
    (n0, s0), (n1, s1) = min(usable), max(usable)
    return round(math.log(s1 / s0) / math.log(n1 / n0), 2) if n1 > n0 else None


def scaling(runs: dict[str, Any]) -> dict[str, Any]:
    """Seconds against rows at each fraction, and the growth exponent of each series."""
    series: dict[str, list[list[float]]] = {}
    for run in runs.values():
        rows = run["rows"]
        for kind in FILES:
            n, i = rows["tickets" if "tickets" in kind else "time_entries"], run["import"][kind]
            series.setdefault(f"import_{kind}", []).append([n, i.get("seconds")])
            series.setdefault(f"import_{kind}_cpu", []).append([n, i.get("cpu_seconds")])
        total = rows["tickets"] + rows["time_entries"]
        for name in REPORTS:
            r = run["reports"][name]
            series.setdefault(f"report_{name}_cold", []).append([total, r.get("cold_seconds")])
            series.setdefault(f"report_{name}_cold_cpu", []).append(
                [total, r.get("cold_cpu_seconds")]
            )
            series.setdefault(f"reference_{name}_cold", []).append(
                [total, r.get("reference_cold_seconds")]
            )
            series.setdefault(f"pandas_{name}", []).append([total, r.get("pandas_seconds")])
    return {k: {"points": v, "exponent": exponent(v)} for k, v in series.items()}


def _target(name: str, value: Any, limit: float, kind: str, detail: str = "") -> dict[str, Any]:
    holds = None
    if isinstance(value, int | float):
        holds = value <= limit if kind == "max" else value >= limit
    return {"target": name, "value": value, "limit": limit, "kind": kind, "holds": holds,
            "detail": detail}  # fmt: skip


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target of the issue, evaluated on the largest run (and across runs for scaling)."""
    largest = results["runs"][max(results["runs"], key=float)]
    out = []
    for kind in FILES:
        i = largest["import"][kind]
        out.append(_target(f"import {kind}: x DuckDB raw load", i.get("ratio"),
                           IMPORT_RATIO_MAX, "max",
                           f"{_s(i.get('seconds'))} vs {_s(i.get('raw_seconds'))}"))  # fmt: skip
    for name in REPORTS:
        r = largest["reports"][name]
        out.append(_target(f"report {name}: cold seconds", r.get("cold_total_seconds"),
                           REPORT_COLD_MAX, "max", "setup + first run, fresh process"))  # fmt: skip
        out.append(_target(f"report {name}: speed-up over pandas", r.get("pandas_speedup"),
                           PANDAS_SPEEDUP_MIN, "min",
                           f"pandas {_s(r.get('pandas_seconds'))}"))  # fmt: skip
        out.append(_target(f"report {name}: x reference query", r.get("vs_reference"),
                           REFERENCE_RATIO_MAX, "max",
                           f"reference {_s(r.get('reference_cold_seconds'))}"))  # fmt: skip
    if "pages" in results and "pages" not in results["pages"]:  # the step itself failed
        error = results["pages"].get("error", "no result")[-200:]
        out.append(_target("pages ran under AppTest", None, PAGE_WARM_MAX, "max", error))
    for page, p in (results.get("pages") or {}).get("pages", {}).items():
        out.append(_target(f"page {page}: warm rerun seconds", p.get("warm_seconds"),
                           PAGE_WARM_MAX, "max", "; ".join(p.get("errors") or [])))  # fmt: skip
    out.append(_target("peak RSS of the app's steps (MB)", results["peak_rss_mb"].get("app"),
                       RSS_MAX_MB, "max", results["peak_rss_mb"].get("app_step", "")))  # fmt: skip
    for key, s in results["scaling"].items():
        if key.startswith(("import_", "report_")):
            out.append(_target(f"growth exponent {key}", s["exponent"], SCALING_EXPONENT_MAX,
                               "max", "seconds ~ rows^b, smallest to largest run"))  # fmt: skip
    return out


def _s(value: Any) -> str:
    return f"{value:.2f} s" if isinstance(value, int | float) else "-"


def _f(value: Any, digits: int = 2) -> str:
    if isinstance(value, bool) or value is None:
        return {True: "yes", False: "NO", None: "-"}[value]
    return f"{value:.{digits}f}" if isinstance(value, int | float) else str(value)


def tables(results: dict[str, Any]) -> str:
    """The results as markdown tables (also printed by run.py)."""
    lines = ["| fraction | tickets | time entries | step | seconds | reference | ratio | RSS MB |",
             "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for fraction, run in sorted(results["runs"].items(), key=lambda kv: float(kv[0])):
        rows = run["rows"]
        head = f"| {fraction} | {rows['tickets']:,} | {rows['time_entries']:,} "
        for kind in FILES:
            i = run["import"][kind]
            lines.append(
                head
                + f"| import {kind} (CPU) | {_f(i.get('seconds'))} ({_f(i.get('cpu_seconds'))})"
                f" | raw {_f(i.get('raw_seconds'))} ({_f(i.get('raw_cpu_seconds'))}) | "
                f"{_f(i.get('ratio'))} ({_f(i.get('cpu_ratio'))}) | {_f(i.get('rss_mb'), 0)} |"
            )
        for name in REPORTS:
            r = run["reports"][name]
            lines.append(head + f"| report {name} cold (warm) | {_f(r.get('cold_seconds'))} "
                         f"({_f(r.get('warm_seconds'))}) | SQL {_f(r.get('reference_cold_seconds'))}"
                         f" / pandas {_f(r.get('pandas_seconds'))} | {_f(r.get('vs_reference'))}"
                         f" / {_f(r.get('pandas_speedup'), 1)}x | {_f(r.get('rss_mb'), 0)} |")  # fmt: skip
    pages = (results.get("pages") or {}).get("pages", {})
    if pages:
        lines += ["", "| page | first run s | warm rerun s |", "|---|---|---|"]
        lines += [f"| {k} | {_f(p.get('first_seconds'))} | {_f(p.get('warm_seconds'))} |"
                  for k, p in pages.items()]  # fmt: skip
    lines += ["", "| target | value | limit | holds | detail |", "|---|---|---|---|---|"]
    for t in results["targets"]:
        sign = "<=" if t["kind"] == "max" else ">="
        lines.append(f"| {t['target']} | {_f(t['value'])} | {sign} {t['limit']} | "
                     f"{_f(t['holds'])} | {t['detail']} |")  # fmt: skip
    return "\n".join(lines)


def machine_line(m: dict[str, Any]) -> str:
    """One sentence naming the machine and the versions."""
    return (
        f"{m['nproc']} cores, {m['memory_gb']} GB RAM, {m['cpu']}; Python {m['python']}, "
        f"DuckDB {m['duckdb']}, pandas {m['pandas']}, Streamlit {m['streamlit']}; "
        f"{m['date']}, commit {m['commit']}{' (with uncommitted changes)' if m['uncommitted_changes'] else ''}; "
        f"load average {m['load_average_start']} at the start."
    )


def write_docs(results: dict[str, Any], path: Path) -> None:
    """Replace the generated block of the docs page (between the bench markers) with the tables."""
    block = (
        f"{BEGIN}\n_Generated by `python bench/run.py` on {machine_line(results['machine'])} "
        f"Whole run: {results['total_seconds']:.0f} s._\n\n{tables(results)}\n{END}"
    )
    text = path.read_text(encoding="utf-8") if path.is_file() else f"{BEGIN}\n{END}\n"
    if BEGIN not in text:
        text = text.rstrip() + f"\n\n{BEGIN}\n{END}\n"
    start, end = text.index(BEGIN), text.index(END) + len(END)
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")
