"""Benchmark at MSP scale: import, reports, pages and memory against the performance targets.

    python bench/run.py                       # large: 1,000,000 tickets, 5,000,000 time entries
    python bench/run.py --scale 2 --skip-pages --out /tmp/r.json     # a quick look while developing
    python bench/run.py --smoke --workdir /tmp/x --out /tmp/x/r.json  # seconds; what the test runs
    python bench/run.py --ui-only --browser --sessions --fractions 0.1,1 --docs docs/performance.md

For each fraction of the data (by default 1/10, 1/3 and all of it) the GLPI ticket export and
the Harvest timesheet export are imported into a fresh database and loaded raw by DuckDB; then
each report runs cold and warm beside its hand-written DuckDB query and its pandas baseline, and
the three tables are checked to agree. The pages run under AppTest on the full database. Every
step runs in a fresh process (bench/steps.py) and reports its own timings and peak memory.
Prints a table, writes the JSON results, and with --docs the generated block of
docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import steps
import summary
import ui

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
STEP_TIMEOUT = 1800
SMOKE = {"scale": "small", "fractions": [0.5, 1.0], "reruns": 1}


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--scale", default="large", help="large (default) or a multiple N of small")
    p.add_argument("--fractions", default="0.1,0.333,1", help="shares of the data to run")
    p.add_argument("--out", default=str(BENCH / "results.json"), help="the JSON results")
    p.add_argument("--workdir", default="/tmp/okam_bench", help="data and databases go here")
    p.add_argument("--skip-pages", action="store_true", help="do not run the pages")
    p.add_argument("--smoke", action="store_true", help="tiny run, steps in-process (seconds)")
    p.add_argument("--docs", help="also rewrite the generated block of this markdown file")
    p.add_argument("--rerender", action="store_true",
                   help="measure nothing: recompute targets and tables from the --out JSON")  # fmt: skip
    p.add_argument("--max-apply", type=int, default=100_000,
                   help="pandas per-row business-time apply on at most this many tickets; "
                        "beyond, timed on a sample and extrapolated")  # fmt: skip
    p.add_argument("--browser", action="store_true", help="pages in chromium (bench/browser.py)")
    p.add_argument("--sessions", action="store_true", help="session load test (bench/sessions.py)")
    p.add_argument("--ui-only", action="store_true",
                   help="only --browser/--sessions, on the fractions' databases of an earlier run "
                        "(imported when missing); merged into the --out JSON")  # fmt: skip
    p.add_argument("--ui-pages", help="the browser's pages, comma-separated (default: all five)")
    args = p.parse_args(argv)
    args.fractions = sorted({float(f) for f in args.fractions.split(",")})
    args.reruns = steps.WARM_RUNS
    if args.smoke:
        args.scale, args.fractions = SMOKE["scale"], SMOKE["fractions"]
        args.reruns = SMOKE["reruns"]
    return args


class Runner:
    """Runs a step in a fresh process (or in this one for the smoke run) and returns its dict."""

    def __init__(self, isolate: bool) -> None:
        self.isolate = isolate
        self.env = {k: v for k, v in os.environ.items() if k != "OKAM_PASSWORD"}
        self.env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(REPO), os.environ.get("PYTHONPATH")])
        )

    def __call__(self, step: str, isolate: bool | None = None, **arguments: Any) -> dict[str, Any]:
        print(f"  {step} {json.dumps(arguments, default=str)[:110]}", flush=True)
        if not (self.isolate if isolate is None else isolate):
            try:
                return steps.run_step(step, arguments)
            except Exception as exc:  # one failed step is reported, the run goes on
                return {"error": f"{type(exc).__name__}: {exc}"}
        done = subprocess.run(
            [sys.executable, str(BENCH / "steps.py"), step, json.dumps(arguments, default=str)],
            capture_output=True, text=True, cwd=REPO, env=self.env, timeout=STEP_TIMEOUT,
        )  # fmt: skip
        lines = done.stdout.strip().splitlines()
        if done.returncode or not lines:
            return {"error": (done.stderr or done.stdout).strip()[-1500:]}
        return json.loads(lines[-1])


def agree(report: Path, other: Path) -> dict[str, Any]:
    """Whether another implementation's table equals the report's on their shared columns."""
    if not (report.is_file() and other.is_file()):
        return {"matches": False, "detail": "missing output"}
    a, b = pd.read_parquet(report), pd.read_parquet(other)
    columns = [c for c in b.columns if c in a.columns]
    if len(a) != len(b):
        return {"matches": False, "detail": f"{len(a)} rows against {len(b)}"}
    a, b = a[columns].reset_index(drop=True), b[columns].reset_index(drop=True)
    bad = {}
    for c in columns:
        x, y = a[c], b[c]
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            x, y = x.astype(float), y.astype(float)
            same = ((x - y).abs() <= 1e-6 * (1 + x.abs())) | (x.isna() & y.isna())
        else:
            same = x.astype(str) == y.astype(str)
        if not same.all():
            bad[c] = int((~same).sum())
    return {"matches": not bad, "columns": len(columns), "mismatched": bad}


def ratio(a: Any, b: Any) -> float | None:
    """a / b rounded, or None when either is missing."""
    ok = isinstance(a, int | float) and isinstance(b, int | float) and b > 0
    return round(a / b, 2) if ok else None


def run_fraction(run: Runner, files: dict, workdir: Path, fraction: float, args) -> dict:
    """Imports, raw loads and the three reports (with reference and pandas) on one fraction."""
    db_path = workdir / "db" / f"f{fraction:.3f}.duckdb"
    out_dir = workdir / "out" / f"f{fraction:.3f}"
    db_path.parent.mkdir(parents=True, exist_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in (db_path, db_path.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    result: dict[str, Any] = {
        "rows": {"tickets": files["tickets"], "time_entries": files["time_entries"]},
        "files": files, "database": str(db_path), "import": {}, "reports": {},
    }  # fmt: skip
    for kind in summary.FILES:
        file = files[f"{kind}_file"]
        # the generic files hold the same rows: each goes into a fresh database of its own
        into = (
            db_path
            if kind in ("tickets", "timesheets")
            else db_path.with_name(f"f{fraction:.3f}_{kind}.duckdb")
        )
        if into != db_path:
            for stale in (into, into.with_suffix(".duckdb.wal")):
                stale.unlink(missing_ok=True)
        imported = run("import", db_path=str(into), file=file)
        raw = run("raw_load", isolate=True, db_path=str(workdir / "db" / "raw.duckdb"), file=file)
        imported["raw_seconds"], imported["raw_rss_mb"] = raw.get("seconds"), raw.get("rss_mb")
        imported["raw_cpu_seconds"] = raw.get("cpu_seconds")
        imported["raw_error"] = raw.get("error")
        imported["ratio"] = ratio(imported.get("seconds"), raw.get("seconds"))
        imported["cpu_ratio"] = ratio(imported.get("cpu_seconds"), raw.get("cpu_seconds"))
        result["import"][kind] = imported
    for name in summary.REPORTS:
        outs = {k: out_dir / f"{name}_{k}.parquet" for k in ("report", "reference", "pandas")}
        for path in outs.values():
            path.unlink(missing_ok=True)
        r = run("report", db_path=str(db_path), name=name, out=str(outs["report"]))
        ref = run("reference", db_path=str(db_path), name=name, out=str(outs["reference"]))
        base = run("baseline", db_path=str(db_path), name=name, out=str(outs["pandas"]),
                   max_apply=args.max_apply)  # fmt: skip
        r |= {f"reference_{k}": v for k, v in ref.items()}
        r |= {f"pandas_{k}": v for k, v in base.items() if k != "seconds"}
        r["pandas_seconds"] = base.get("seconds")
        r["vs_reference"] = ratio(r.get("cold_seconds"), ref.get("cold_seconds"))
        r["vs_reference_warm"] = ratio(r.get("warm_seconds"), ref.get("warm_seconds"))
        r["pandas_speedup"] = ratio(base.get("seconds"), r.get("cold_seconds"))
        r["vs_reference_cpu"] = ratio(r.get("cold_cpu_seconds"), ref.get("cold_cpu_seconds"))
        r["pandas_speedup_cpu"] = ratio(base.get("cpu_seconds"), r.get("cold_cpu_seconds"))
        r["agrees_with_reference"] = agree(outs["report"], outs["reference"])
        r["agrees_with_pandas"] = agree(outs["report"], outs["pandas"])
        result["reports"][name] = r
    return result


def peak_rss(results: dict[str, Any]) -> dict[str, Any]:
    """The peak memory of the app's own steps (import, report, pages), and of the others."""
    app: list[tuple[float, str]] = []
    others: dict[str, float] = {"reference": 0.0, "pandas": 0.0, "raw_load": 0.0}
    for fraction, run in results["runs"].items():
        for kind, i in run["import"].items():
            app.append((i.get("rss_mb") or 0.0, f"import {kind} at {fraction}"))
            others["raw_load"] = max(others["raw_load"], i.get("raw_rss_mb") or 0.0)
        for name, r in run["reports"].items():
            app.append((r.get("rss_mb") or 0.0, f"report {name} at {fraction}"))
            others["reference"] = max(others["reference"], r.get("reference_rss_mb") or 0.0)
            others["pandas"] = max(others["pandas"], r.get("pandas_rss_mb") or 0.0)
    if results.get("pages"):
        app.append((results["pages"].get("rss_mb") or 0.0, "pages"))
    top = max(app)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"app": top[0], "app_step": top[1], **others, "children_max": round(children, 1)}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 0 when it ran to the end (targets may still miss: see the table)."""
    args = parse(argv)
    if args.rerender:
        return rerender(Path(args.out), args.docs)
    if args.ui_only:
        return ui_only(args)
    started = time.perf_counter()
    workdir = Path(args.workdir)
    run = Runner(isolate=not args.smoke)
    results: dict[str, Any] = {"machine": summary.machine(), "options": {
        "scale": str(args.scale), "fractions": args.fractions, "smoke": args.smoke,
        "workdir": str(workdir), "max_apply": args.max_apply,
    }}  # fmt: skip
    print(f"generating scale {args.scale} into {workdir}", flush=True)
    data = run("generate", root=str(workdir / "data" / str(args.scale)), scale=str(args.scale),
               fractions=args.fractions)  # fmt: skip
    if "error" in data:
        print(data["error"], file=sys.stderr)
        return 1
    results["datasets"] = data
    results["runs"] = {}
    for fraction in args.fractions:
        print(f"fraction {fraction}", flush=True)
        files = data["files"][f"{fraction:.3f}"]
        results["runs"][f"{fraction:.3f}"] = run_fraction(run, files, workdir, fraction, args)
    largest = results["runs"][f"{max(args.fractions):.3f}"]
    if not args.skip_pages:
        print("pages", flush=True)
        results["pages"] = run("pages", db_path=largest["database"], reruns=args.reruns)
    if args.browser or args.sessions:
        results["ui"] = {f"{f:.3f}": ui.measure(results["runs"][f"{f:.3f}"]["database"],
                                                 str(workdir / "ui" / f"f{f:.3f}"),
                                                 args.browser, args.sessions)
                         for f in args.fractions}  # fmt: skip
    results["peak_rss_mb"] = peak_rss(results)
    results["scaling"] = summary.scaling(results["runs"])
    results["targets"] = summary.targets(results)
    results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(_rounded(results), indent=1) + "\n", encoding="utf-8")
    print(summary.tables(results))
    print(f"\n{results['total_seconds']:.0f} s; results in {out}")
    if args.docs:
        summary.write_docs(results, Path(args.docs))
        if results.get("ui"):
            ui.write_docs(results["ui"], Path(args.docs), summary.machine_line(results["machine"]))
    return 0


def ui_only(args: argparse.Namespace) -> int:
    """The browser and session measurements alone, merged into the saved results."""
    workdir, out = Path(args.workdir), Path(args.out)
    results = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}
    run = Runner(isolate=True)
    data = run("generate", root=str(workdir / "data" / str(args.scale)), scale=str(args.scale),
               fractions=args.fractions)  # fmt: skip
    if "error" in data:
        print(data["error"], file=sys.stderr)
        return 1
    found = results.setdefault("ui", {})
    for fraction in args.fractions:
        db_path = workdir / "db" / f"f{fraction:.3f}.duckdb"
        if not db_path.is_file():
            files = data["files"][f"{fraction:.3f}"]
            db_path.parent.mkdir(parents=True, exist_ok=True)
            for kind in ("tickets_file", "timesheets_file"):
                run("import", db_path=str(db_path), file=files[kind])
        print(f"ui at {fraction}", flush=True)
        pages = args.ui_pages.split(",") if args.ui_pages else None
        found[f"{fraction:.3f}"] = ui.measure(str(db_path), str(workdir / "ui" / f"f{fraction:.3f}"),
                                              args.browser, args.sessions, pages)  # fmt: skip
    machine = summary.machine()
    results["ui_machine"] = machine | {"load_average_end": [round(x, 2) for x in os.getloadavg()]}
    out.write_text(json.dumps(_rounded(results), indent=1) + "\n", encoding="utf-8")
    print(ui.tables(found))
    if args.docs:
        ui.write_docs(found, Path(args.docs), summary.machine_line(machine))
    return 0


def rerender(out: Path, docs: str | None) -> int:
    """Targets, scaling and tables again from saved results (after a change of the summary)."""
    results = json.loads(out.read_text(encoding="utf-8"))
    results["scaling"] = summary.scaling(results["runs"])
    results["targets"] = summary.targets(results)
    out.write_text(json.dumps(_rounded(results), indent=1) + "\n", encoding="utf-8")
    print(summary.tables(results))
    if docs:
        summary.write_docs(results, Path(docs))
    return 0


def _rounded(value: Any) -> Any:
    """Floats to 4 decimals, all the way down (timings are not that precise anyway)."""
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {str(k): _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


if __name__ == "__main__":
    sys.exit(main())
