"""`okam report coverage` and `okam report coverage-plan` (SPEC 4.4, 7) on a small database."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest

from okam_analytics import cli, db

A = date(2026, 6, 30)


@pytest.fixture
def database(tmp_path):
    """Acme: Ana 10 h and Bob 20 h on A (runway 46 days). Beta: Bob 20 h only; Cy (internal
    hours Mon-Thu of the 4 weeks before A, 10 h a week of 40) can learn it."""
    path = tmp_path / "cli.duckdb"
    con = db.connect(path)
    rows = [("Ana", "Acme", A, 10), ("Bob", "Acme", A, 20), ("Bob", "Beta", A, 20)]
    rows += [("Cy", "Okam", date(2026, 6, 1) + timedelta(weeks=w), 10) for w in range(4)]
    for consultant, client, day, hours in rows:
        con.execute(
            "insert into time_entries (source, entry_key, work_date, consultant, client, hours,"
            " is_absence, import_id) values ('t', gen_random_uuid()::varchar, ?, ?, ?, ?, false, 1)",
            [day, consultant, client, hours],
        )
    con.close()
    settings = tmp_path / "s.json"
    settings.write_text(json.dumps({"knowledge": {"internal_clients": ["Okam"]}}))
    return str(path), str(settings)


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_report_coverage_json(database, capsys):
    path, settings = database
    code, out, _ = run(capsys, "report", "coverage", "--db", path, "--as-of", "2026-06-30",
                       "--settings", settings)  # fmt: skip
    assert code == 0
    assert json.loads(out) == [
        {"client": "Acme", "status": "covered", "knowers": 2, "covered_until": "2026-08-15",
         "days_left": 46},
        {"client": "Beta", "status": "single", "knowers": 1, "covered_until": None,
         "days_left": None},
    ]  # fmt: skip


def test_report_coverage_plan_csv(database, capsys):
    # W = 1: Cy needs 7.5 h on Beta (floor: 7 / 0.9758 = 7.17); budget 0.25 * 40 = 10 h.
    # Acme is not in the plan: Ana still holds 10 * 0.5^(7/90) = 9.47 at E.
    path, settings = database
    argv = ["report", "coverage-plan", "--db", path, "--as-of", "2026-06-30", "--settings",
            settings, "--format", "csv", "--weeks", "1"]  # fmt: skip
    code, out, _ = run(capsys, *argv, "--budget", "0.25")
    assert code == 0
    assert list(csv.reader(io.StringIO(out))) == [
        ["client", "learner", "trainer", "hours", "hours_per_week", "reason"],
        ["Beta", "Cy", "Bob", "7.5", "7.5", ""],
    ]
    # 10 % of 40 h is 4 h: the slot stays empty, and says why
    code, out, _ = run(capsys, *argv)
    assert list(csv.reader(io.StringIO(out)))[1] == ["Beta", "", "", "", "", "over_budget"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "coverage", "--weeks", "4"], "only apply to report coverage-plan"),
        (["report", "coverage-plan", "--weeks", "0"], "at least 1 week"),
        (["report", "coverage-plan", "--budget", "-0.1"], "cannot be negative"),
    ],
)
def test_bad_plan_options_are_refused(database, capsys, argv, message):
    code, out, err = run(capsys, *argv, "--db", database[0])
    assert (code, out) == (1, "") and message in err
