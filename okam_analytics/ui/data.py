"""The app's reads and writes of the database, results cached by data version, the bundled
sample data. Another process may import meanwhile: see okam_analytics/ui/serving.py."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from okam_analytics import db, settings
from okam_analytics.ui.serving import RunCursor, SharedReader

T = TypeVar("T")
SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"
APP_SCRIPT = Path(__file__).resolve().parents[2] / "app.py"
SAMPLE_SUFFIXES = (".csv", ".xlsx")
Message = tuple[str, dict[str, Any]]  # (text key, values) translated by the caller
RUN_VERSION_KEY = "_data_version_this_run"
_this_run = threading.local()  # in_app: this thread's script run started in app.py


def database_key() -> str:
    """The absolute path of the database this process serves ($OKAM_DB or data/okam.duckdb)."""
    return str(db.database_path().resolve())


@st.cache_resource(show_spinner=False)
def _reader(path: str) -> SharedReader:
    return SharedReader(path)


def reader() -> SharedReader:
    """The process's hold on the database file it serves."""
    return _reader(database_key())


def connection() -> duckdb.DuckDBPyConnection:
    """The process-wide read-only connection; use cursor() for queries, never this object
    across threads (and never keep it: it is closed whenever a writer waits)."""
    return reader().live()


def require_app() -> None:
    """Run every page through app.py. Until a first run has called st.navigation, Streamlit
    treats a project with a pages/ folder as an old-style multipage app and runs a requested
    page alone (sessions arriving together at a fresh server): leave that mode, run again."""
    ctx = get_script_run_ctx()
    if ctx is None or ctx.fragment_ids_this_run:  # outside a run, or a fragment's own rerun
        return
    if Path(ctx.main_script_path).resolve() == APP_SCRIPT and not getattr(_this_run, "in_app", 0):
        PagesManager.uses_pages_directory = False
        st.rerun()


def cursor() -> RunCursor:
    """A read-only cursor of the shared connection (DuckDB connections are not thread-safe,
    cursors are); it follows the connection when a write in this process reopens it."""
    require_app()
    return RunCursor(reader())


def begin_run() -> None:
    """The script run starts reading (app.py); writers wait until end_run, and a writer that
    was already waiting goes first."""
    _this_run.in_app = True
    reader().begin_run()


def end_run() -> None:
    """The script run has finished reading: a waiting writer may take the file."""
    _this_run.in_app = False
    reader().end_run()


@contextmanager
def writing() -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection for one of the app's own writes (import, undo, settings, the
    sample): one at a time, after the other runs of this process, waiting for other programs."""
    with reader().writing() as con:
        yield con


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_call(_func: Callable, func_key: str, db_key: str, version: str, args, kwargs) -> Any:
    with closing(cursor()) as con:
        return _func(con, *args, **dict(kwargs))


def forget_version() -> None:
    """Read the data version again at the next cached call: at the start of a run (app.py),
    and after a write in the middle of one."""
    st.session_state.pop(RUN_VERSION_KEY, None)


def run_version() -> str:
    """The data version, read once per script run (a page makes a dozen cached calls); read
    every time outside a run (tests, scripts), where no rerun would ever refresh it."""
    in_run = get_script_run_ctx(suppress_warning=True) is not None
    version = st.session_state.get(RUN_VERSION_KEY) if in_run else None
    if version is None:
        with closing(cursor()) as con:
            version = db.data_version(con)
        if in_run:
            st.session_state[RUN_VERSION_KEY] = version
    return version


def cached_call(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """func(con, *args, **kwargs), cached until an import, an undo or a settings change."""
    key = f"{func.__module__}.{func.__qualname__}"
    version = run_version()
    return _cached_call(func, key, database_key(), version, args, tuple(sorted(kwargs.items())))


def invalidate() -> None:
    """Drop every cached result (after an edit data_version does not see, e.g. a capacity)."""
    _cached_call.clear()
    forget_version()


def sample_dir() -> Path:
    """The folder of bundled sample exports ($OKAM_SAMPLE_DIR overrides data/sample)."""
    return Path(os.environ.get("OKAM_SAMPLE_DIR") or SAMPLE_DIR)


def sample_files(folder: Path) -> list[Path]:
    """The sample exports of a folder, in name order (tickets and timesheets alike)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in SAMPLE_SUFFIXES)


def load_sample_files(con: duckdb.DuckDBPyConnection, folder: Path) -> list[Message]:
    """Import every sample export of folder through the ingest service; problems as messages."""
    files = sample_files(folder)
    if not files:
        return [("ui.sample_missing", {"folder": str(folder)})]
    try:
        from okam_analytics.ingest import service
    except ImportError:
        return [("ui.sample_no_service", {})]
    problems: list[Message] = []
    for path in files:
        try:
            plan = service.inspect(path.read_bytes(), path.name)
            result = service.load(con, plan, accept_rejects=True)
            reasons = result.errors if result.status == "refused" else []
        except Exception as exc:  # the sample is a convenience: one bad file must not stop the app
            reasons = [str(exc)]
        if reasons:
            problems.append(("ui.sample_failed", {"file": path.name, "reason": "; ".join(reasons)}))
    mark_sample_company(con)
    return problems


def mark_sample_company(con: duckdb.DuckDBPyConnection) -> None:
    """The sample books internal time to its own company: not a client to know."""
    from okam_analytics.sample_data import INTERNAL_CLIENT

    if not settings.load(con)["knowledge"]["internal_clients"]:
        settings.save(con, "knowledge.internal_clients", [INTERNAL_CLIENT])


def import_counts(con: duckdb.DuckDBPyConnection, hashes: list[str] | None = None) -> dict:
    """count_imports (ever), count_active, count_active_sample (sha256 among hashes)."""
    row = db.query_df(con, "import_counts", sample_hashes=hashes or []).iloc[0]
    return {name: int(value) for name, value in row.items()}


def import_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many imports the database has ever recorded (active or undone)."""
    return int(import_counts(con)["count_imports"])


@st.cache_resource(show_spinner=False)
def _load_sample_once(db_key: str, folder: str) -> tuple[Message, ...]:
    with writing() as con:
        if import_count(con):
            return ()
        return tuple(load_sample_files(con, Path(folder)))


def ensure_sample(con: duckdb.DuckDBPyConnection) -> list[Message]:
    """Load the sample once into a database that never had an import; problems as messages."""
    # "Never imported" rather than "no active import": a manager who undid the sample keeps it undone.
    if import_count(con):
        return []
    with reader().paused():  # sessions arriving together wait for one load, not for each other
        problems = list(_load_sample_once(database_key(), str(sample_dir())))
    if import_count(con):  # loaded: this run may have read the empty database's version
        forget_version()
    return problems


@st.cache_data(show_spinner=False)
def _sample_hashes(folder: str, stamp: tuple) -> list[str]:
    return [hashlib.sha256(Path(folder, name).read_bytes()).hexdigest() for name, *_ in stamp]


def sample_hashes(folder: Path) -> list[str]:
    """The sha256 of each sample export (cached while the files are unchanged)."""
    stamp = tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sample_files(folder))
    return _sample_hashes(str(folder), stamp)


def is_sample_only(con: duckdb.DuckDBPyConnection) -> bool:
    """True when there are active imports and every one of them is a bundled sample file."""
    counts = import_counts(con, sample_hashes(sample_dir()))
    return 0 < counts["count_active"] == counts["count_active_sample"]
