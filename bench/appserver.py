"""`streamlit run app.py` on a free local port, for the browser and session benchmarks."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The checkout whose app is served: this one, or another (e.g. main) for a before/after run.
APP_DIR = Path(os.environ.get("BENCH_APP_DIR") or REPO)
STARTUP_TIMEOUT_S = 90


def free_port() -> int:
    """A TCP port nothing listens on, on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_database(source: Path, target: Path) -> Path:
    """A private copy of a benchmark database (the runs write to it: imports, settings)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in (target, target.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


def _wait_healthy(url: str, process: subprocess.Popen, log: Path) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < STARTUP_TIMEOUT_S:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"streamlit not healthy after {STARTUP_TIMEOUT_S} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


@contextmanager
def running_app(db_path: Path, log: Path, sample_dir: Path | None = None) -> Iterator[str]:
    """The app serving db_path (open access) until the block ends; yields its base URL."""
    env = {k: v for k, v in os.environ.items() if k != "OKAM_PASSWORD"}
    env["OKAM_DB"] = str(db_path)
    env["OKAM_SAMPLE_DIR"] = str(sample_dir or db_path.parent / "no-sample")
    env["PYTHONPATH"] = str(APP_DIR)
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.fileWatcherType", "none",
               "--browser.gatherUsageStats", "false"]  # fmt: skip
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=APP_DIR, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        yield url
    finally:
        _stop(process)
