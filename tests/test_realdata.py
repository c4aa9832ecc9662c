"""The real exports of ../shared/realdata import through the command line with the right preset.

Slow (the ServiceNow audit log has 141,712 events); skipped when the folder is absent.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.slow,
    pytest.mark.skipif(not REALDATA.is_dir(), reason="../shared/realdata is absent"),
]


def unpack(folder: Path) -> dict[str, Path]:
    """The three exports as a manager would import them: decompressed CSV files."""
    events = folder / "incident_event_log.csv"
    archive = zipfile.ZipFile(REALDATA / "servicenow_incident_event_log.zip")
    with archive, archive.open("incident_event_log.csv") as src, events.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    files = {"servicenow": events}
    for key, name in [
        ("zendesk", "zendesk_tickets_export.csv.gz"),
        ("excel_subset", "servicenow_incident_event_log_excel_subset.csv.gz"),
    ]:
        target = folder / name.removesuffix(".gz")
        with gzip.open(REALDATA / name) as src, target.open("wb") as dst:
            shutil.copyfileobj(src, dst)
        files[key] = target
    return files


def run_import(file: Path, database: Path) -> tuple[dict, float]:
    """`python -m okam_analytics import FILE --db DB --accept-rejects`: its JSON and seconds."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "okam_analytics", "import", str(file), "--db", str(database)]
        + ["--accept-rejects"],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=Path(__file__).resolve().parents[1],
    )
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1]), seconds


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """Each real file imported into its own database: key -> (JSON line, seconds, database)."""
    folder = tmp_path_factory.mktemp("realdata")
    found = {}
    for key, file in unpack(folder).items():
        database = folder / f"{key}.duckdb"
        report, seconds = run_import(file, database)
        print(f"\nimport {file.name}: {seconds:.1f} s")
        found[key] = (report, seconds, database)
    return found


def query(imported, key: str, sql: str) -> list[tuple]:
    with duckdb.connect(str(imported[key][2]), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.parametrize(
    ("key", "preset", "rows_read", "tickets", "events"),
    [
        ("servicenow", "servicenow_events", 141_712, 24_918, 141_712),
        ("excel_subset", "servicenow_events", 5_998, 890, 5_998),
        ("zendesk", "zendesk", 16_476, 16_476, 0),
    ],
)
def test_real_file_loads_with_its_preset(imported, key, preset, rows_read, tickets, events):
    report = imported[key][0]
    assert (report["status"], report["preset"], report["kind"]) == ("loaded", preset, "tickets")
    assert (report["rows_read"], report["rows_rejected"]) == (rows_read, 0)
    counts = query(
        imported,
        key,
        "select (select count(*) from tickets), (select count(distinct ticket_id) from tickets),"
        " (select count(*) from ticket_events)",
    )
    assert counts == [(tickets, tickets, events)]


@pytest.mark.parametrize(("key", "left_new"), [("servicenow", 24_918), ("excel_subset", 890)])
def test_every_incident_that_left_new_has_a_first_response(imported, key, left_new):
    # all incidents left New; three respond (in the log) before their creation: left empty
    responded, missing = query(
        imported,
        key,
        "select count(first_response_at), count(*) filter (where first_response_at is null)"
        " from tickets",
    )[0]
    warned = query(
        imported, key, "select count(*) from import_rejects where reason like '%precedes creation%'"
    )[0][0]
    assert (responded + missing, missing, warned) == (left_new, 3, 3)


def test_both_date_dialects_give_the_same_incident(imported):
    # INC0000045: opened 29/2/2016 01:16, resolved 29/2/2016 11:29, closed 5/3/2016 12:00
    sql = (
        "select created_at, first_response_at, resolved_at, closed_at, priority, status,"
        " client, team, source_sla_met from tickets where ticket_id = 'INC0000045'"
    )
    full, subset = query(imported, "servicenow", sql), query(imported, "excel_subset", sql)
    assert full == subset
    assert [str(v) for v in full[0][:4]] == [
        "2016-02-29 01:16:00",
        "2016-02-29 08:53:00",
        "2016-02-29 11:29:00",
        "2016-03-05 12:00:00",
    ]


def test_zendesk_never_solved_is_empty_and_minutes_are_kept(imported):
    counts = query(
        imported,
        "zendesk",
        "select count(resolved_at), count(source_resolution_minutes),"
        " count(source_response_minutes), count(*) filter (where priority = 'P1') from tickets",
    )
    # 2,067 tickets carry 1900-01-01 00:00:00 in Solved at; 182 are Urgent
    assert counts == [(14_409, 14_409, 12_760, 182)]
