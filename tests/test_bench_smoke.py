"""The benchmark's smoke run (bench/run.py --smoke): it runs to the end on the small sample and
writes every measured key, and the report, the reference query and the pandas baseline agree, so
the benchmark cannot rot between the large runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
IMPORT_KEYS = {
    "seconds", "inspect_seconds", "load_seconds", "status", "rows_read", "rows_loaded",
    "rows_rejected", "rss_mb", "raw_seconds", "raw_rss_mb", "ratio",
}  # fmt: skip
REPORT_KEYS = {
    "setup_seconds", "cold_seconds", "cold_total_seconds", "warm_seconds", "rows", "rss_mb",
    "reference_cold_seconds", "reference_warm_seconds", "reference_rss_mb",
    "pandas_seconds", "pandas_load_seconds", "pandas_compute_seconds", "pandas_rss_mb",
    "vs_reference", "pandas_speedup", "agrees_with_reference", "agrees_with_pandas",
}  # fmt: skip
PAGES = {
    "today", "overview", "knowledge", "workload", "escalations", "client", "coverage", "import",
    "settings",
}  # fmt: skip
SCALING = {
    "import_tickets", "import_timesheets", "report_redundancy_cold", "report_workload_cold",
    "report_escalations_cold", "reference_redundancy_cold", "pandas_escalations",
}  # fmt: skip


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict:
    """The JSON of one smoke run in a temporary work folder."""
    work = tmp_path_factory.mktemp("bench")
    out = work / "results.json"
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--smoke", "--workdir", str(work), "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(out.read_text())


def test_every_fraction_measures_imports_and_reports(results) -> None:
    assert set(results["runs"]) == {"0.500", "1.000"}
    for run in results["runs"].values():
        for kind in ("tickets", "timesheets"):
            step = run["import"][kind]
            assert set(step) >= IMPORT_KEYS, IMPORT_KEYS - set(step)
            assert step["status"] == "loaded" and step["rows_rejected"] == 0
            assert step["raw_error"] is None and step["seconds"] > 0 and step["raw_seconds"] > 0
        assert set(run["reports"]) == {"redundancy", "workload", "escalations"}
        for report in run["reports"].values():
            assert set(report) >= REPORT_KEYS, REPORT_KEYS - set(report)
            assert report["cold_seconds"] > 0 and report["pandas_seconds"] > 0


def test_reference_and_pandas_compute_the_same_tables(results) -> None:
    for run in results["runs"].values():
        for name, report in run["reports"].items():
            assert report["rows"] > 0, name
            assert report["agrees_with_reference"]["matches"], (name, report)
            assert report["agrees_with_pandas"]["matches"], (name, report)


def test_pages_memory_scaling_and_targets_are_reported(results) -> None:
    pages = results["pages"]["pages"]
    assert set(pages) == PAGES
    assert all(p["errors"] == [] and p["warm_seconds"] > 0 for p in pages.values())
    assert results["peak_rss_mb"]["app"] > 0
    assert set(results["scaling"]) >= SCALING
    assert all(len(s["points"]) == 2 for s in results["scaling"].values())
    names = {t["target"] for t in results["targets"]}
    assert "peak RSS of the app's steps (MB)" in names
    assert "page workload: warm rerun seconds" in names
    assert {"nproc", "memory_gb", "cpu", "python", "duckdb", "date"} <= set(results["machine"])
