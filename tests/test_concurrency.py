"""Several managers at once: one read-only connection per app process, a cursor per session,
imports in turn; `okam import` from another process while the app serves the same file; and a
program that keeps the file longer than the wait gets a message naming it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
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
WAIT = "0.5"  # seconds a test waits for a held file before the message


@pytest.fixture
def held(tmp_path, monkeypatch):
    """A database file another program holds open for writing, and never lets go of."""
    path = tmp_path / "held.duckdb"
    script = tmp_path / "hold.py"
    script.write_text(HOLDER)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, str(script), str(path)], cwd=REPO, env=env, stdout=subprocess.PIPE
    )
    monkeypatch.setenv("OKAM_DB_WAIT", WAIT)
    try:
        assert child.stdout.readline() == b"open\n"
        yield path, f"{Path(sys.executable).name} hold.py held.duckdb (pid {child.pid})"
    finally:
        child.kill()
        child.wait(timeout=30)


def test_second_process_waits_then_gets_a_message_naming_the_holder(held):
    path, holder = held
    for read_only in (False, True):
        started = time.monotonic()
        with pytest.raises(db.DatabaseBusy) as caught:
            db.connect(path, read_only=read_only)
        assert time.monotonic() - started >= float(WAIT)
        assert str(caught.value) == (
            f"The database {path} is in use by {holder}, which did not let go of it within"
            f" {WAIT} s; try again when it has finished."
        )


def test_cli_reports_a_busy_database_without_a_traceback(held, tmp_path, capsys):
    path, holder = held
    export = tmp_path / "hours.csv"
    export.write_bytes(hours_file(0))
    for argv in (["import", str(export)], ["imports"], ["undo", "1"]):
        code = main([*argv, "--db", str(path)])
        out, err = capsys.readouterr()
        assert (code, out) == (1, "")
        assert err == (
            f"okam: The database {path} is in use by {holder}, which did not let go of it within"
            f" {WAIT} s; try again when it has finished.\n"
        )


@pytest.mark.parametrize("query", [{"lang": "en"}, {}], ids=["lang in the URL", "no lang"])
def test_app_says_the_database_is_busy_only_after_the_wait(held, monkeypatch, navigation_v2, query):
    monkeypatch.setenv("OKAM_DB", str(held[0]))
    data._reader.clear()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=30)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    assert [box.value for box in at.error] == [t("ui.db_busy")]


def test_one_read_connection_per_process_and_a_cursor_per_use(tmp_path, monkeypatch):
    monkeypatch.setenv("OKAM_DB", str(tmp_path / "app.duckdb"))
    first, second = data.connection(), data.connection()
    assert first is second
    cursors = [data.cursor(), data.cursor()]
    assert cursors[0] is not cursors[1]
    with pytest.raises(duckdb.InvalidInputException, match="read-only mode"):
        cursors[0].execute("insert into settings values ('ui.language', '\"fr\"')")
    with data.writing() as writer:  # the app's own write: the reader is closed meanwhile
        writer.execute("insert into settings values ('ui.language', '\"fr\"')")
    assert cursors[1].execute("select value from settings").fetchall() == [('"fr"',)]
    assert data.connection() is not first  # reopened after the write, read-only again
    for cursor in cursors:
        cursor.close()


def served_app(db_path: Path) -> AppTest:
    """The Import page of the app serving db_path, as a manager's browser session holds it."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("pages/import.py").run()
    assert not at.exception
    return at


def imported_files(at: AppTest) -> list[str]:
    """The file names of the Import page's history table, newest first."""
    history = next(d.value for d in at.dataframe if list(d.value.columns)[:1] == ["Import"])
    return history["File"].tolist()


def cli_import(db_path: Path, export: Path) -> subprocess.Popen:
    """`python -m okam_analytics import` in another process."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "okam_analytics", "import", str(export), "--db", str(db_path)]
    return subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


@pytest.fixture
def served_db(tmp_path, monkeypatch, navigation_v2) -> Path:
    """A database with one timesheet import (first.csv), served by the app."""
    path = tmp_path / "served.duckdb"
    con = db.connect(path)
    assert service.load(con, service.inspect(hours_file(0), "first.csv")).status == "loaded"
    con.close()
    monkeypatch.setenv("OKAM_DB", str(path))
    monkeypatch.setenv("OKAM_SAMPLE_DIR", str(tmp_path / "no-sample"))
    return path


def test_cli_import_succeeds_while_the_app_holds_the_database(served_db, tmp_path):
    at = served_app(served_db)
    assert imported_files(at) == ["first.csv"]
    assert data.reader().con is not None  # the app holds the file between runs
    export = tmp_path / "second.csv"
    export.write_bytes(hours_file(1))
    child = cli_import(served_db, export)
    out, err = child.communicate(timeout=120)
    assert (child.returncode, err) == (0, b"")
    assert json.loads(out)["status"] == "loaded"
    at.run()  # the next run after the commit shows the new import
    assert not at.exception and not at.error
    assert imported_files(at) == ["second.csv", "first.csv"]


BIG_ROWS = 150_000  # an import of a few seconds, so that pages run while it reads and writes


def test_pages_serve_while_another_process_imports(served_db, tmp_path):
    export = tmp_path / "big.csv"
    with open(export, "w", encoding="utf-8") as out:
        out.write("Date;Consultant;Client;Hours;Notes\n")
        out.writelines(
            f"{1 + i % 28:02d}/02/2026;Cleo;Client {i % 9};2;n{i}\n" for i in range(BIG_ROWS)
        )
    at = served_app(served_db)
    child = cli_import(served_db, export)
    runs_during = 0
    while child.poll() is None:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error  # never "the database is busy"
        runs_during += child.poll() is None
    out, err = child.communicate(timeout=120)
    assert (child.returncode, err) == (0, b"")
    assert runs_during >= 1
    at.run()
    assert imported_files(at) == ["big.csv", "first.csv"]
    assert dict(grid_row(at, "big.csv")) == {"Rows loaded": BIG_ROWS, "Status": "active"}


def grid_row(at: AppTest, file_name: str) -> dict:
    """Rows loaded and status of one file in the Import page's history."""
    history = next(d.value for d in at.dataframe if list(d.value.columns)[:1] == ["Import"])
    row = history[history["File"] == file_name].iloc[0]
    return {"Rows loaded": int(row["Rows loaded"]), "Status": row["Status"]}


def test_okam_sync_succeeds_while_the_app_serves_and_the_next_run_shows_it(
    served_db, tmp_path, httpserver
):
    """SPEC 10: `okam sync` in another process while the app holds the same file; the app's
    next run after the commit lists the sync as an import, with no busy page."""
    from connector_support import TOKEN
    from test_connector_harvest import ACCOUNT, PATH, HarvestAccount, entry

    harvest = HarvestAccount(httpserver.url_for("").rstrip("/"))
    harvest.put(entry(21, "2026-02-03", "Alice Martin", "Acme", "Managed services", "Support",
                      "Printer driver", 1.5, True, "2026-02-03T17:00:00Z"))  # fmt: skip
    httpserver.expect_request(PATH).respond_with_handler(harvest.handle)
    env = {**os.environ, "PYTHONPATH": str(REPO), "HARVEST_TOKEN": TOKEN}
    okam = [sys.executable, "-m", "okam_analytics"]
    add = okam + ["connections", "add", "hours", "--type", "harvest", "--base-url",
                  httpserver.url_for("/"), "--account-id", ACCOUNT, "--secret-env",
                  "HARVEST_TOKEN", "--db", str(served_db)]  # fmt: skip
    at = served_app(served_db)
    assert data.reader().con is not None  # the app holds the file between runs
    for command in (add, okam + ["sync", "--db", str(served_db)]):
        child = subprocess.run(command, cwd=REPO, env=env, capture_output=True, timeout=120)
        assert (child.returncode, child.stderr) == (0, b""), child.stdout
    assert json.loads(child.stdout)["status"] == "loaded"
    at.run()
    assert not at.exception and not at.error
    assert len(imported_files(at)) == 2  # first.csv and the sync
    with data.writing() as con:  # read what the app reads, through its own connection
        assert con.execute(
            "select consultant, hours from time_entries where client = 'Acme'"
        ).fetchall() == [("Alice Martin", 1.5)]
