"""Saved cross-training plans and their progress (SPEC 4.4): hours logged since the plan's day,
the learner's K at the as-of day against the floor."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from okam_analytics import db, settings
from okam_analytics.metrics import coverage_progress

A = date(2026, 6, 30)
LATER = date(2026, 7, 7)


def add_entry(con, consultant, client, day, hours, absence=False):
    con.execute(
        "insert into time_entries (source, entry_key, work_date, consultant, client, hours,"
        " is_billable, is_absence, import_id) values ('t', gen_random_uuid()::varchar,"
        " ?, ?, ?, ?, true, ?, 1)",
        [day, consultant, client, hours, absence],
    )


def plan(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["client", "learner", "trainer", "hours", "hours_per_week",
                                       "reason"])  # fmt: skip


def test_progress_counts_hours_after_the_plan_day_up_to_as_of(con):
    add_entry(con, "Bob", "X", A, 20)
    add_entry(con, "L2", "X", A, 2)  # on the plan's day: before the plan
    add_entry(con, "L2", "X", date(2026, 7, 1), 3)
    add_entry(con, "L2", "X", date(2026, 7, 2), 4)
    add_entry(con, "L2", "X", date(2026, 7, 3), 5, absence=True)  # an absence is no progress
    add_entry(con, "L2", "X", date(2026, 7, 9), 1)  # after the as-of day
    add_entry(con, "L2", "Y", date(2026, 7, 1), 6)  # another client
    saved = plan(("X", "L2", "Bob", 7.5, 7.5, None), ("Y", None, None, None, None, "over_budget"))
    assert coverage_progress.save_plan(con, saved, A, 1) == 1
    assert coverage_progress.saved_plan_days(con) == [A]
    got = coverage_progress.plan_progress(con, settings.defaults(), A, LATER)
    row = got.iloc[0]
    assert (row.client, row.learner, row.trainer, row.planned_hours, row.logged_hours) == (
        "X", "L2", "Bob", 7.5, 7.0,
    )  # fmt: skip
    # 2 * 0.5^(7/90) + 3 * 0.5^(6/90) + 4 * 0.5^(5/90) = 8.6085: above the floor of 7
    assert row.knowledge == pytest.approx(8.608452, abs=1e-6)
    assert (row.knower_floor, bool(row.is_knower), row.plan_end_on) == (7.0, True, LATER)


def test_saving_again_on_the_same_day_replaces_the_plan(con):
    coverage_progress.save_plan(con, plan(("X", "L1", None, 5.5, 5.5, None)), A, 1)
    coverage_progress.save_plan(con, plan(("Y", "L2", "Bob", 11.0, 1.375, None)), A, 8)
    got = coverage_progress.plan_progress(con, settings.defaults(), A, LATER)
    assert got[["client", "learner", "logged_hours", "knowledge"]].values.tolist() == [
        ["Y", "L2", 0.0, 0.0]
    ]
    assert got["plan_end_on"].tolist() == [date(2026, 8, 25)]


@pytest.mark.parametrize("read_only", [False, True])
def test_a_file_from_before_coverage_is_migrated(tmp_path, read_only):
    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    old.execute(db.sql_text("schema"))
    old.execute("drop table coverage_plan_assignments")
    old.execute("alter table clients drop column target_knowers")
    old.execute(
        "insert into clients (client, contract_hours_per_month, sla_tier) values ('Acme', 10, 'gold')"
    )
    old.close()
    con = db.connect(path, read_only=read_only)
    assert con.execute(
        "select client, contract_hours_per_month, sla_tier, target_knowers from clients"
    ).fetchall() == [("Acme", 10.0, "gold", None)]
    assert coverage_progress.saved_plan_days(con) == []
    con.close()
