"""One measured step of the benchmark, run in a fresh process so that "cold" means cold:

    python bench/steps.py STEP '{"json": "arguments"}'

prints one JSON line: the step's own timings (taken inside the process, so interpreter and
import start-up are excluded) and `rss_mb`, the process's peak resident memory. run.py calls
the same functions in-process for the smoke run.
"""

from __future__ import annotations

import json
import os
import re
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

WARM_RUNS = 3
REPO = Path(__file__).resolve().parents[1]


def app_pages() -> list[str]:
    """The page files app.py's navigation lists, in its order (e.g. "pages/overview.py")."""
    text = (REPO / "app.py").read_text(encoding="utf-8")
    return list(dict.fromkeys(re.findall(r"[\"'](pages/[\w-]+\.py)[\"']", text)))


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports kB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def import_file(db_path: str, file: str) -> dict[str, Any]:
    """Inspect and load one export into the database (validation, normalisation, dedup)."""
    from okam_analytics import db
    from okam_analytics.ingest import service

    con = db.connect(db_path)
    path = Path(file)
    started, cpu = time.perf_counter(), time.process_time()
    plan = service.inspect(path, path.name)
    inspected = time.perf_counter()
    result = service.load(con, plan, accept_rejects=True)
    finished, cpu = time.perf_counter(), time.process_time() - cpu
    if plan.private is not None:
        plan.private.close()
    con.close()
    return {
        "seconds": finished - started,
        "cpu_seconds": cpu,
        "inspect_seconds": inspected - started,
        "load_seconds": finished - inspected,
        "status": result.status,
        "preset": plan.preset,
        "rows_read": plan.rows_read,
        "rows_loaded": result.rows_loaded,
        "rows_rejected": plan.rows_rejected,
        "rows_warned": plan.rows_warned,
        "errors": result.errors[:3],
    }


def raw_load(db_path: str, file: str) -> dict[str, Any]:
    """DuckDB's own load of the file: `create table as select * from read_csv(...)`."""
    Path(db_path).unlink(missing_ok=True)
    con = duckdb.connect(db_path)
    started, cpu = time.perf_counter(), time.process_time()
    con.execute("create table raw as select * from read_csv($file)", {"file": file})
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rows = con.execute("select count(*) from raw").fetchone()[0]
    con.close()
    Path(db_path).unlink(missing_ok=True)
    return {"seconds": seconds, "cpu_seconds": cpu, "rows": rows}


def _timed(func) -> tuple[Any, float]:
    started = time.perf_counter()
    value = func()
    return value, time.perf_counter() - started


def _cpu_timed(func) -> tuple[Any, float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    value = func()
    return value, time.perf_counter() - started, time.process_time() - cpu


def start_up() -> float:
    """Import what the reports import lazily (the metrics modules, the holiday tables of every
    country): module loading is process start-up, excluded from the timings like the interpreter's.
    Returns the seconds it took."""
    started = time.perf_counter()
    import holidays.countries  # noqa: F401

    from okam_analytics.metrics import escalations, knowledge, workload  # noqa: F401

    return time.perf_counter() - started


def _context(db_path: str):
    from okam_analytics import db, settings
    from okam_analytics.metrics import period

    con = db.connect(db_path, read_only=True)
    cfg = settings.load(con)
    return con, cfg, period.resolve(con)


def report(db_path: str, name: str, out: str) -> dict[str, Any]:
    """`okam report NAME` on a fresh process: setup, the first (cold) run, then warm runs."""
    from okam_analytics.metrics import commands

    imports = start_up()
    (con, cfg, span), setup = _timed(lambda: _context(db_path))
    frame, cold, cold_cpu = _cpu_timed(lambda: commands.report_frame(con, name, cfg, span, None))
    warm = [_timed(lambda: commands.report_frame(con, name, cfg, span, None))[1]]
    warm += [_timed(lambda: commands.report_frame(con, name, cfg, span, None))[1]]
    warm += [_timed(lambda: commands.report_frame(con, name, cfg, span, None))[1]]
    con.close()
    frame.to_parquet(out)
    return {
        "start_up_seconds": imports,
        "setup_seconds": setup,
        "cold_seconds": cold,
        "cold_total_seconds": setup + cold,
        "cold_cpu_seconds": cold_cpu,
        "warm_seconds": statistics.median(warm),
        "rows": len(frame),
        "as_of": str(span.as_of_date),
    }


def reference(db_path: str, name: str, out: str) -> dict[str, Any]:
    """The hand-written DuckDB query of the same table, cold then warm."""
    import reference as ref

    start_up()
    (con, cfg, span), setup = _timed(lambda: _context(db_path))
    values = ref.params(name, cfg, span)
    frame, cold, cold_cpu = _cpu_timed(lambda: ref.run(con, name, values))
    warm = [_timed(lambda: ref.run(con, name, values))[1] for _ in range(WARM_RUNS)]
    con.close()
    frame.to_parquet(out)
    return {
        "cold_seconds": cold,
        "cold_cpu_seconds": cold_cpu,
        "warm_seconds": statistics.median(warm),
        "rows": len(frame),
    }


def baseline(db_path: str, name: str, out: str, max_apply: int) -> dict[str, Any]:
    """The pandas baseline: read the tables into pandas, then compute the same table."""
    import baselines

    (con, cfg, span), _ = _timed(lambda: _context(db_path))
    cpu = time.process_time()
    frames, load = baselines.timed_load(con, baselines.TABLES[name])
    con.close()
    started = time.perf_counter()
    extra: dict[str, Any] = {}
    if name == "redundancy":
        frame = baselines.redundancy(frames, cfg, span.as_of_date)
    elif name == "workload":
        frame = baselines.workload(frames, cfg, span)
    else:
        frame, extra = baselines.escalations(frames, cfg, span, max_apply)
    compute, cpu = time.perf_counter() - started, time.process_time() - cpu
    if extra.get("extrapolated"):  # the apply ran on a sample: count its full-size estimate
        compute += extra["apply_seconds"] - extra["apply_measured_seconds"] - extra["fill_seconds"]
        cpu += extra["apply_seconds"] - extra["apply_measured_seconds"] - extra["fill_seconds"]
    frame.to_parquet(out)
    return {
        "load_seconds": load,
        "compute_seconds": compute,
        "seconds": load + compute,
        "cpu_seconds": cpu,
    } | extra


def pages(db_path: str, reruns: int = WARM_RUNS) -> dict[str, Any]:
    """Every page under AppTest on the database: its first run, then warm reruns."""
    os.environ["OKAM_DB"] = db_path
    os.environ["OKAM_SAMPLE_DIR"] = str(Path(db_path).parent / "no-sample")
    os.environ.pop("OKAM_PASSWORD", None)  # open access: the pages, not the sign-in form
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    original = PagesManager.__init__

    def init(self, *args, **kwargs):  # st.navigation mode from the first run (test_app_shell.py)
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=600)
    _, start = _timed(at.run)
    result: dict[str, Any] = {"app_first_seconds": start, "pages": {}}
    for page in app_pages():
        name = Path(page).stem
        try:
            _, first = _timed(lambda page=page: at.switch_page(page).run())
            warm = [_timed(at.run)[1] for _ in range(reruns)]
        except Exception as exc:  # one broken page is reported, the others still run
            result["pages"][name] = {"errors": [f"{type(exc).__name__}: {exc}"[:300]]}
            continue
        result["pages"][name] = {
            "first_seconds": first,
            "warm_seconds": statistics.median(warm),
            "errors": [str(e.value)[:300] for e in at.exception],
        }
    PagesManager.__init__ = original
    return result


def generate(root: str, scale: str, fractions: list[float]) -> dict[str, Any]:
    """The exports of each fraction (generated, or reused when already written)."""
    import datasets

    started = time.perf_counter()
    files = datasets.write_datasets(Path(root), scale, fractions)
    return {
        "seconds": time.perf_counter() - started,
        "files": {f"{f:.3f}": entry for f, entry in files.items()},
    }


STEPS = {
    "generate": generate,
    "import": import_file,
    "raw_load": raw_load,
    "report": report,
    "reference": reference,
    "baseline": baseline,
    "pages": pages,
}


def run_step(step: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """One step's result plus the process CPU time it used (less sensitive than wall-clock time
    to other programs on the machine; DuckDB's threads add up) and the peak memory."""
    cpu = time.process_time()
    result = STEPS[step](**arguments)
    return result | {"step_cpu_seconds": time.process_time() - cpu, "rss_mb": rss_mb()}


def main(argv: list[str]) -> int:
    """Run one step and print its JSON line."""
    result = run_step(argv[0], json.loads(argv[1]))
    print(json.dumps(result, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main(sys.argv[1:]))
