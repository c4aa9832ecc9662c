"""The app's hold on the database file: one read-only connection per process, shared by the
script runs, let go of whenever a writer (another process, or the app's own import or
settings save) waits for the file (docs/architecture.md)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb

from okam_analytics import db, db_lock

WATCH_EVERY = 0.1  # seconds between two looks at the gate while no run reads


class SharedReader:
    """The process's read-only connection to one database file, and the runs that use it."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.con: duckdb.DuckDBPyConnection | None = None
        self.generation = 0  # bumped at every change of connection: cursors are renewed
        self.runs: dict[int, int] = {}  # thread -> script runs between begin_run and end_run
        self.writer: int | None = None  # the thread of the app's own write, while it writes
        self.cond = threading.Condition()
        threading.Thread(target=self._watch, name="okam-db-watch", daemon=True).start()

    def live(self) -> duckdb.DuckDBPyConnection:
        """The open connection, opened (after any write of this process) if closed; the
        writing thread gets its read-write one, so that it reads what it has just written."""
        me = threading.get_ident()
        with self.cond:
            if self.writer == me:
                return self.con
            if me not in self.runs:  # a run already under way finishes before any write
                self.cond.wait_for(lambda: self.writer is None)
            if self.con is None:
                self.con = db.connect(self.path, read_only=True)
                self.generation += 1
            return self.con

    def begin_run(self) -> None:
        """A script run starts reading; a writer waiting for the file goes first."""
        deadline = time.monotonic() + db_lock.lock_wait()
        db_lock.wait_for_writers(self.path, deadline)
        me = threading.get_ident()
        with self.cond:
            self.cond.wait_for(lambda: self.writer is None)
            self.runs[me] = self.runs.get(me, 0) + 1

    def end_run(self) -> None:
        """A script run has finished reading."""
        me = threading.get_ident()
        with self.cond:
            self.runs[me] -= 1
            if not self.runs[me]:
                del self.runs[me]
            self.cond.notify_all()
            if not self.runs and db_lock.writer_waiting(self.path):
                self._close()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """The caller's run reads nothing for a while (it waits on another session's write,
        e.g. the sample load): a writer need not wait for it meanwhile."""
        me = threading.get_ident()
        with self.cond:
            own = self.runs.pop(me, 0)
            self.cond.notify_all()
        try:
            yield
        finally:
            with self.cond:
                self.cond.wait_for(lambda: self.writer is None)
                if own:
                    self.runs[me] = own

    @contextmanager
    def writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection once no other run of this process reads (the caller's own
        run may): the shared one is closed meanwhile, and other writers wait for the file."""
        me = threading.get_ident()
        with self.cond:
            own = self.runs.pop(me, 0)  # the caller's run reads nothing while it waits to write
            self.cond.notify_all()
            self.cond.wait_for(lambda: self.writer is None)
            self.writer = me
            self.cond.wait_for(lambda: not self.runs)
            self._close()
        try:
            con = db.connect(self.path)
            with self.cond:
                self.con, self.generation = con, self.generation + 1
            try:
                yield con
            finally:
                with self.cond:
                    self._close()
        finally:
            with self.cond:
                self.writer = None
                if own:
                    self.runs[me] = own
                self.cond.notify_all()

    def _close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
            self.generation += 1

    def _watch(self) -> None:
        while True:
            time.sleep(WATCH_EVERY)
            if self.con is None or self.runs or self.writer is not None:
                continue
            if db_lock.writer_waiting(self.path):
                with self.cond:
                    if not self.runs and self.writer is None:
                        self._close()


class RunCursor:
    """A cursor of the shared connection that follows it across a reopening, so that a page's
    `con` still reads after the app's own write in the middle of its run."""

    def __init__(self, reader: SharedReader) -> None:
        self._reader = reader
        self._cursor: duckdb.DuckDBPyConnection | None = None
        self._generation = -1

    def _current(self) -> duckdb.DuckDBPyConnection:
        con = self._reader.live()
        if self._cursor is None or self._generation != self._reader.generation:
            self._cursor = con.cursor()
            self._generation = self._reader.generation
        return self._cursor

    def __getattr__(self, name: str) -> Any:
        return getattr(self._current(), name)

    def close(self) -> None:
        """Close the cursor (the shared connection stays open)."""
        if self._cursor is not None and self._generation == self._reader.generation:
            self._cursor.close()
        self._cursor = None

    def __enter__(self) -> RunCursor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
