"""The delivery tables at the end of schema.sql migrate onto database files made before them."""

from __future__ import annotations

import pytest

from okam_analytics import db


@pytest.mark.parametrize("read_only", [False, True])
def test_a_file_without_contacts_or_sent_alerts_gains_them(tmp_path, read_only):
    path = tmp_path / "old.duckdb"
    con = db.connect(path)
    con.execute("insert into clients (client, sla_tier) values ('Acme', 'gold')")
    con.execute("alter table clients drop column contacts")
    con.execute("drop table sent_alerts")
    assert not db.is_migrated(con)
    con.close()
    con = db.connect(path, read_only=read_only)
    assert db.is_migrated(con)
    assert con.execute("select client, sla_tier, contacts from clients").fetchall() == [
        ("Acme", "gold", None)
    ]
    assert con.execute("select count(*) from sent_alerts").fetchall() == [(0,)]
    con.close()
