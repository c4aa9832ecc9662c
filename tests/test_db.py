"""db.connect: migration on connect, also for read-only opens of an older file."""

from __future__ import annotations

from okam_analytics import db


def test_read_only_open_of_an_older_file_migrates_it_first(tmp_path):
    path = tmp_path / "old.duckdb"
    con = db.connect(path)
    # a file written before the roster macro and the saved mappings existed
    con.execute("drop macro table consultant_roster")
    con.execute("drop table saved_mappings")
    con.close()

    reader = db.connect(path, read_only=True)
    assert db.is_migrated(reader)
    assert reader.execute("select count(*) from consultant_roster(40.0)").fetchall() == [(0,)]
    reader.close()


def test_named_parameters_are_bound_by_whole_name():
    con = db.connect(":memory:")
    assert db.run_sql(con, "select $p1, $p10", p1=1, p10=2, p2=3).fetchall() == [(1, 2)]
