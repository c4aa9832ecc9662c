"""Several managers at once: one connection per process, a cursor per session, imports in turn;
and a second process that wants the database file for writing gets a friendly message."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from okam_analytics import db
from okam_analytics.cli import main
from okam_analytics.ingest import load as loader
from okam_analytics.ingest import service
from okam_analytics.ui import data
from okam_analytics.ui.text import t

REPO = Path(__file__).resolve().parents[1]
READERS, FILES, ROWS = 20, 3, 3_000
COUNTS = (
    "select (select count(*) from imports where kind = 'tickets'), (select count(*) from tickets),"
    " (select count(*) from imports where kind = 'timesheets'), (select count(*) from time_entries)"
)


def ticket_file(n: int) -> bytes:
    """ROWS new tickets (ids n*ROWS ...), so each import adds exactly ROWS current tickets."""
    lines = [
        f"T{n * ROWS + i};{1 + i % 28:02d}/01/2026 09:00;Client {i % 9};Ana" for i in range(ROWS)
    ]
    return ("Ticket ID;Created;Client;Assignee\n" + "\n".join(lines) + "\n").encode()


def hours_file(n: int) -> bytes:
    """ROWS new time entries (their notes differ from every other file's)."""
    lines = [f"{1 + i % 28:02d}/01/2026;Bob;Client {i % 9};1,5;f{n} e{i}" for i in range(ROWS)]
    return ("Date;Consultant;Client;Hours;Notes\n" + "\n".join(lines) + "\n").encode()


@pytest.mark.slow
def test_readers_see_whole_imports_while_two_importers_take_turns(tmp_path, monkeypatch):
    con = db.connect(tmp_path / "shared.duckdb")
    plans = {
        "tickets": [service.inspect(ticket_file(n), f"t{n}.csv") for n in range(FILES)],
        "timesheets": [service.inspect(hours_file(n), f"h{n}.csv") for n in range(FILES)],
    }
    in_flight, most, lock = [0], [0], threading.Lock()
    write_import = loader.write_import

    def counted(*args, **kwargs):
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        try:
            time.sleep(0.05)  # widen the window in which a second writer could slip in
            return write_import(*args, **kwargs)
        finally:
            with lock:
                in_flight[0] -= 1

    monkeypatch.setattr(loader, "write_import", counted)
    errors: list[BaseException] = []
    seen: set[tuple] = set()
    done = threading.Event()
    started = threading.Barrier(READERS + 1)

    def reader() -> None:
        cursor = con.cursor()  # one cursor per session, as data.cursor() gives each page run
        try:
            started.wait()
            while True:
                finished = done.is_set()
                seen.add(cursor.execute(COUNTS).fetchall()[0])
                if finished:
                    return
        except BaseException as exc:  # noqa: BLE001 - any error fails the test below
            errors.append(exc)
        finally:
            cursor.close()

    def importer(kind: str) -> None:
        cursor = con.cursor()
        try:
            for plan in plans[kind]:
                assert service.load(cursor, plan).status == "loaded"
                time.sleep(0.02)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            cursor.close()

    readers = [threading.Thread(target=reader) for _ in range(READERS)]
    importers = [threading.Thread(target=importer, args=(k,)) for k in plans]
    for thread in readers:
        thread.start()
    started.wait()
    for thread in importers:
        thread.start()
    for thread in importers:
        thread.join(timeout=120)
    done.set()
    for thread in readers:
        thread.join(timeout=60)
    assert errors == []
    assert most[0] == 1  # never two imports at once
    # every observation is a whole number of imports of each kind, with exactly their rows
    assert all(
        tickets == ROWS * t_n and entries == ROWS * h_n for t_n, tickets, h_n, entries in seen
    )
    assert (0, 0, 0, 0) in seen and (FILES, FILES * ROWS, FILES, FILES * ROWS) in seen
    print(f"{len(seen)} distinct states seen by {READERS} readers")
    con.close()


HOLDER = """
import sys, time
from okam_analytics import db
con = db.connect(sys.argv[1])
print("open", flush=True)
time.sleep(120)
"""


@pytest.fixture
def held(tmp_path):
    """A database file another process holds open for writing."""
    path = tmp_path / "held.duckdb"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], cwd=REPO, env=env, stdout=subprocess.PIPE
    )
    try:
        assert child.stdout.readline() == b"open\n"
        yield path
    finally:
        child.kill()
        child.wait(timeout=30)


def test_second_process_gets_a_friendly_message(held):
    for read_only in (False, True):
        with pytest.raises(db.DatabaseBusy) as caught:
            db.connect(held, read_only=read_only)
        assert str(caught.value) == (
            f"The database {held} is in use by another program; close it and try again."
        )


def test_cli_reports_a_busy_database_without_a_traceback(held, tmp_path, capsys):
    export = tmp_path / "hours.csv"
    export.write_bytes(hours_file(0))
    for argv in (["import", str(export)], ["imports"], ["undo", "1"]):
        code = main([*argv, "--db", str(held)])
        out, err = capsys.readouterr()
        assert (code, out) == (1, "")
        assert (
            err
            == f"okam: The database {held} is in use by another program; close it and try again.\n"
        )


@pytest.mark.parametrize(
    "query",
    [
        {"lang": "en"},
        {},
    ],
    ids=["lang in the URL", "no lang in the URL"],
)
def test_app_says_the_database_is_busy(held, monkeypatch, navigation_v2, query):
    monkeypatch.setenv("OKAM_DB", str(held))
    data._connection.clear()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=30)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    assert [box.value for box in at.error] == [t("ui.db_busy")]


def test_one_connection_per_process_and_a_cursor_per_use(tmp_path, monkeypatch):
    monkeypatch.setenv("OKAM_DB", str(tmp_path / "app.duckdb"))
    first, second = data.connection(), data.connection()
    assert first is second
    cursors = [data.cursor(), data.cursor()]
    assert cursors[0] is not cursors[1] and first not in cursors
    assert data.import_lock() is data.import_lock()
    for cursor in cursors:
        cursor.close()
