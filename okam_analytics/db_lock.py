"""Several processes on one database file (docs/architecture.md).

DuckDB lets one process write a file or several read it. A writer first takes the file's gate
(an advisory lock on `<database>.gate`), so that the app stops starting new reads and lets go of
the file; it then waits, a bounded time, until it can open the file for writing. Readers open the
file read-only and retry, a bounded time, while a writer holds it.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

try:
    import fcntl
except ImportError:  # Windows: no gate; DuckDB's own lock and the retries still apply
    fcntl = None

T = TypeVar("T")
# seconds: well above the longest write measured (58 s for a re-import of 500,000 entries on two
# cores shared with 20 other busy processes; docs/performance.md)
DEFAULT_WAIT = 300.0
POLL = 0.05


class LockTimeout(RuntimeError):
    """The file stayed held by another program for the whole wait."""


def lock_wait() -> float:
    """How long to wait for the database file: $OKAM_DB_WAIT seconds, else 300."""
    try:
        return max(0.0, float(os.environ.get("OKAM_DB_WAIT", DEFAULT_WAIT)))
    except ValueError:
        return DEFAULT_WAIT


def gate_path(database: str | os.PathLike) -> Path:
    """The gate file beside a database file."""
    return Path(f"{database}.gate")


def _open_gate(database: str | os.PathLike) -> int:
    return os.open(gate_path(database), os.O_RDWR | os.O_CREAT, 0o644)


def writer_waiting(database: str | os.PathLike) -> bool:
    """Whether a writer holds the gate (it waits for, or is opening, the file)."""
    if fcntl is None or not gate_path(database).exists():
        return False
    fd = _open_gate(database)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


@contextmanager
def gate(database: str | os.PathLike, deadline: float) -> Iterator[None]:
    """Hold the gate (one writer at a time), waiting until the deadline (LockTimeout)."""
    if fcntl is None:
        yield
        return
    fd = _open_gate(database)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout("another program is writing") from None
                time.sleep(POLL)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def wait_for_writers(database: str | os.PathLike, deadline: float) -> None:
    """Let a waiting writer go first (so readers cannot starve it), until the deadline."""
    while writer_waiting(database) and time.monotonic() < deadline:
        time.sleep(POLL)


def retry(attempt: Callable[[], T], is_busy: Callable[[Exception], bool], deadline: float) -> T:
    """attempt() until it succeeds, while it fails as busy and the deadline is not passed."""
    while True:
        try:
            return attempt()
        except Exception as exc:
            if not is_busy(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(POLL)


def holder(message: str) -> str | None:
    """The program named by DuckDB's lock error ('... (PID 1234)'): its command line, pid."""
    found = re.search(r"PID (\d+)", message)
    if not found:
        return None
    pid = found.group(1)
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        # file names without their folders: short, and no private path in a page's message
        command = " ".join(os.path.basename(w.decode(errors="replace")) for w in words if w)
    except OSError:
        command = ""
    return f"{_short(command)} (pid {pid})" if command else f"pid {pid}"


def _short(command: str) -> str:
    """`python -m okam_analytics import x.csv` -> `okam import x.csv`; `streamlit run app.py`."""
    for marker, name in (("-m okam_analytics", "okam"), ("streamlit run", "streamlit run")):
        if marker in command:
            return f"{name}{command.split(marker, 1)[1]}"[:160]
    return command[:160]
