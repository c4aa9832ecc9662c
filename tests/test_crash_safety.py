"""A process killed with SIGKILL during an import: on reopen, the old state or the new, never a mix;
and the app serving the same file meanwhile goes on serving the old state, or the new.

Each scenario runs the import in a child Python that the test kills; the database it leaves is
then reopened and compared, table by table, with the state before the import and the state a
completed import gives.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from okam_analytics import db
from okam_analytics.ingest import service

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
ROWS = 200_000  # more than a row group: DuckDB writes uncommitted rows to the file early

CHILD = """
import pathlib, sys, time
from okam_analytics import db
from okam_analytics.ingest import load as loader, service

database, export, marker, mode = sys.argv[1:]
con = db.connect(database)
con.execute("set checkpoint_threshold = '10GB'")  # nothing reaches the file but by the WAL
plan = service.inspect(pathlib.Path(export), "big.csv")
assert plan.refused is None, plan.refused


def signal_then_wait(message):
    pathlib.Path(marker).write_text(message)
    time.sleep(120)


if mode == "in_transaction":  # stop after every row is written, before the commit
    write_names = loader.write_names

    def stalled(*args, **kwargs):
        write_names(*args, **kwargs)
        signal_then_wait("written, not committed")

    loader.write_names = stalled
if mode == "anytime":
    pathlib.Path(marker).write_text("loading")
result = service.load(con, plan)
assert result.status == "loaded", result.errors
if mode == "committed":
    signal_then_wait("committed")
con.close()
"""


def snapshot(path: Path) -> dict[str, tuple]:
    """Row count and a hash of the sorted rows of every table (import times left out)."""
    con = db.connect(path)
    try:
        tables = con.execute(
            "select table_name from information_schema.tables"
            " where table_schema = 'main' and table_type = 'BASE TABLE' order by 1"
        ).fetchall()
        found = {}
        for (name,) in tables:
            rows = f"(select * exclude (imported_at) from {name})" if name == "imports" else name
            found[name] = con.execute(
                f"select count(*), md5(coalesce(string_agg(t::varchar, chr(10)"
                f" order by t::varchar), '')) from {rows} t"
            ).fetchall()[0]
        return found
    finally:
        con.close()


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    """A timesheet export of ROWS entries."""
    path = tmp_path_factory.mktemp("export") / "hours.csv"
    with open(path, "w", encoding="utf-8") as out:
        out.write("Date;Consultant;Client;Project;Task;Hours;Notes\n")
        out.writelines(
            f"{1 + i % 28:02d}/01/2026;Consultant {i % 40};Client {i % 25};Run;Task {i % 7};"
            f"{1 + i % 8},5;note {i}\n"
            for i in range(ROWS)
        )
    return path


@pytest.fixture(scope="module")
def states(tmp_path_factory, export) -> dict[str, object]:
    """The database before the import (one earlier import), and the snapshots before and after."""
    folder = tmp_path_factory.mktemp("states")
    before = folder / "before.duckdb"
    con = db.connect(before)
    data = b"Date;Consultant;Client;Hours\n05/01/2026;Ana;Client A;7,5\n"
    assert service.load(con, service.inspect(data, "small.csv")).status == "loaded"
    con.close()
    after = Path(shutil.copy(before, folder / "after.duckdb"))
    done = run_child(after, export, folder / "done", "complete")
    assert done.wait(timeout=120) == 0
    return {"path": before, "before": snapshot(before), "after": snapshot(after)}


def run_child(database: Path, export: Path, marker: Path, mode: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(database), str(export), str(marker), mode],
        cwd=REPO, env=env, stderr=subprocess.PIPE,
    )  # fmt: skip


def wait_for(marker: Path, child: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if child.poll() is not None:
            raise AssertionError(child.stderr.read().decode())
        assert time.monotonic() < deadline, "the child never reached the point to kill it at"
        time.sleep(0.02)


def kill(child: subprocess.Popen) -> None:
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL


def kill_if_running(child: subprocess.Popen) -> None:
    """Kill a writer that may be finishing: it may exit between the check and the kill."""
    if child.poll() is None:
        os.kill(child.pid, signal.SIGKILL)
    assert child.wait(timeout=30) in (0, -signal.SIGKILL)


def test_kill_inside_the_transaction_leaves_the_old_state(states, export, tmp_path):
    database = Path(shutil.copy(states["path"], tmp_path / "okam.duckdb"))
    size = database.stat().st_size
    child = run_child(database, export, tmp_path / "marker", "in_transaction")
    wait_for(tmp_path / "marker", child)
    grown = database.stat().st_size - size, Path(f"{database}.wal").stat().st_size
    print(f"killed with the file grown by {grown[0]:,} bytes, a WAL of {grown[1]:,} bytes")
    kill(child)
    assert snapshot(database) == states["before"]
    assert states["after"] != states["before"]  # the import would have changed something


def test_committed_import_survives_a_kill_before_any_checkpoint(states, export, tmp_path):
    database = Path(shutil.copy(states["path"], tmp_path / "okam.duckdb"))
    child = run_child(database, export, tmp_path / "marker", "committed")
    wait_for(tmp_path / "marker", child)
    wal = Path(f"{database}.wal")
    assert wal.exists() and wal.stat().st_size > 0  # the commit is in the log only
    kill(child)
    assert snapshot(database) == states["after"]


@pytest.mark.parametrize("fraction", [0.1, 0.35, 0.6, 0.85, 1.1])
def test_kill_at_any_moment_leaves_the_old_or_the_new_state(states, export, tmp_path, fraction):
    database = Path(shutil.copy(states["path"], tmp_path / "okam.duckdb"))
    child = run_child(database, export, tmp_path / "marker", "anytime")
    wait_for(tmp_path / "marker", child)
    time.sleep(fraction * 1.0)  # a load of this file takes about a second
    kill_if_running(child)
    found = snapshot(database)
    print(f"killed at {fraction:.2f} s: {'old' if found == states['before'] else 'new'} state")
    assert found in (states["before"], states["after"])


@pytest.mark.parametrize(
    ("mode", "files"),
    [("in_transaction", ["small.csv"]), ("committed", ["big.csv", "small.csv"])],
    ids=["killed before its commit", "killed after its commit"],
)
def test_app_keeps_serving_after_a_writer_is_killed(
    states, export, tmp_path, monkeypatch, navigation_v2, mode, files
):
    database = Path(shutil.copy(states["path"], tmp_path / "okam.duckdb"))
    monkeypatch.setenv("OKAM_DB", str(database))
    monkeypatch.setenv("OKAM_SAMPLE_DIR", str(tmp_path / "no-sample"))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("pages/import.py").run()
    assert history_files(at) == ["small.csv"]
    # the writer waits at the gate until the app, which holds the file between runs, lets go
    child = run_child(database, export, tmp_path / "marker", mode)
    wait_for(tmp_path / "marker", child)
    kill(child)
    at.run()
    assert not at.exception and not at.error
    assert history_files(at) == files
    expected = states["before"] if mode == "in_transaction" else states["after"]
    assert snapshot(database) == expected


def history_files(at: AppTest) -> list[str]:
    """The file names of the Import page's history table, newest first."""
    history = next(d.value for d in at.dataframe if list(d.value.columns)[:1] == ["Import"])
    return history["File"].tolist()
