"""Consultants, aliases and clients as the Settings page edits them (okam_analytics.directory)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from okam_analytics import db, directory

CONSULTANTS = [  # consultant, team, role, weekly_capacity_hours
    ("Julien Marchand", "Infra", "Engineer", None),
    ("Julien Marchant", None, None, 32.0),
    ("Sarah Benali", "Cloud", None, 40.0),
]
ENTRIES = [  # entry_key, consultant, hours
    ("e1", "Julien Marchand", 7.0),
    ("e2", "Julien Marchant", 3.5),
    ("e3", "Sarah Benali", 8.0),
]


@pytest.fixture
def people(con):
    """Three consultants (two spellings of Julien), their time entries of one active import,
    two clients."""
    con.executemany(
        "insert into consultants (consultant, team, role, weekly_capacity_hours)"
        " values (?, ?, ?, ?)",
        CONSULTANTS,
    )
    con.execute(
        "insert into imports (import_id, kind, sha256, period_end, status)"
        " values (1, 'timesheets', 'abc', '2026-01-31', 'active')"
    )
    con.executemany(
        "insert into time_entry_versions (source, entry_key, work_date, consultant, client,"
        " project, task, hours, import_id) values ('harvest', ?, '2026-01-05', ?, 'Acme',"
        " 'Support', 'Tickets', ?, 1)",
        ENTRIES,
    )
    con.execute("insert into time_entries select * from time_entry_versions")
    con.execute(
        "insert into clients (client, contract_hours_per_month, sla_tier)"
        " values ('Acme', null, null), ('Globex', 20, 'gold')"
    )
    return con


def hours_by_consultant(con) -> dict[str, float]:
    rows = con.execute(
        "select consultant, sum(hours) from time_entries group by 1 order by 1"
    ).fetchall()
    return dict(rows)


def test_tables_read_in_name_order(people) -> None:
    assert directory.consultants(people)["consultant"].tolist() == [
        "Julien Marchand",
        "Julien Marchant",
        "Sarah Benali",
    ]
    assert directory.clients(people).to_dict("records")[1] == {
        "client": "Globex",
        "contract_hours_per_month": 20.0,
        "sla_tier": "gold",
        "target_knowers": None,
        "contacts": None,
    }
    assert directory.aliases(people).empty


def test_capacity_and_dates_are_saved(people) -> None:
    edited = directory.consultants(people)
    edited.loc[2, "weekly_capacity_hours"] = 28.0
    edited.loc[2, "role"] = "  Architect "
    edited.loc[2, "active_from"] = pd.Timestamp("2026-02-01")
    assert directory.save_consultants(people, edited) == []
    row = people.execute("select * from consultants where consultant = 'Sarah Benali'").fetchall()
    assert row == [("Sarah Benali", "Cloud", "Architect", 28.0, date(2026, 2, 1), None)]


def test_a_new_consultant_can_be_added(people) -> None:
    edited = directory.consultants(people)
    added = pd.DataFrame([{"consultant": "Léa Fontaine", "weekly_capacity_hours": 32.0}])
    assert directory.save_consultants(people, pd.concat([edited, added])) == []
    assert len(directory.consultants(people)) == 4
    assert people.execute(
        "select team, weekly_capacity_hours from consultants where consultant = 'Léa Fontaine'"
    ).fetchall() == [(None, 32.0)]


@pytest.mark.parametrize(
    ("row", "column", "value", "problem"),
    [
        (2, "weekly_capacity_hours", -1.0, ("directory.error.range", {"name": "Sarah Benali", "value": -1.0, "high": 168})),
        (2, "weekly_capacity_hours", 169.0, ("directory.error.range", {"name": "Sarah Benali", "value": 169.0, "high": 168})),
        (2, "consultant", "Julien Marchand", ("directory.error.repeated_consultant", {"names": "Julien Marchand"})),
        (2, "consultant", "   ", ("directory.error.blank_consultant", {})),
        (2, "active_to", pd.Timestamp("2025-12-31"), ("directory.error.dates", {"name": "Sarah Benali"})),
    ],
)  # fmt: skip
def test_a_wrong_consultant_table_is_refused_whole(people, row, column, value, problem) -> None:
    edited = directory.consultants(people)
    edited.loc[0, "weekly_capacity_hours"] = 35.0  # a valid change that must not be written
    edited.loc[2, "active_from"] = pd.Timestamp("2026-01-01")
    edited.loc[row, column] = value
    problems = directory.save_consultants(people, edited)
    assert problem in problems
    assert directory.consultants(people)["weekly_capacity_hours"].tolist()[0] != 35.0


def test_renaming_a_consultant_is_refused(people) -> None:
    edited = directory.consultants(people)
    edited.loc[2, "consultant"] = "Sarah Benali-Martin"
    assert directory.save_consultants(people, edited) == [
        ("directory.error.renamed", {"names": "Sarah Benali"})
    ]


def test_an_alias_merges_two_spellings(people) -> None:
    frame = pd.DataFrame([{"alias": "Julien Marchant", "consultant": "Julien Marchand"}])
    assert directory.save_aliases(people, frame) == []
    assert hours_by_consultant(people) == {"Julien Marchand": 10.5, "Sarah Benali": 8.0}
    # the alias's row is gone; the capacity only it had moved to the consultant
    assert directory.consultants(people)[["consultant", "weekly_capacity_hours"]].to_dict(
        "records"
    ) == [
        {"consultant": "Julien Marchand", "weekly_capacity_hours": 32.0},
        {"consultant": "Sarah Benali", "weekly_capacity_hours": 40.0},
    ]
    assert directory.aliases(people).to_dict("records") == frame.to_dict("records")


def test_removing_an_alias_brings_the_spelling_back(people) -> None:
    frame = pd.DataFrame([{"alias": "Julien Marchant", "consultant": "Julien Marchand"}])
    directory.save_aliases(people, frame)
    assert directory.save_aliases(people, frame.iloc[0:0]) == []
    assert hours_by_consultant(people) == {
        "Julien Marchand": 7.0,
        "Julien Marchant": 3.5,
        "Sarah Benali": 8.0,
    }
    assert "Julien Marchant" in set(directory.consultants(people)["consultant"])


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ([("Julien Marchant", "Julien Marchant")], ("directory.error.alias_self", {"alias": "Julien Marchant"})),
        ([("Julien Marchant", None)], ("directory.error.alias_target", {"alias": "Julien Marchant"})),
        ([("Julien Marchant", "Nobody")], ("directory.error.alias_unknown", {"name": "Nobody"})),
        ([("J. Marchand", "Julien Marchant"), ("Julien Marchant", "Julien Marchand")],
         ("directory.error.alias_chain", {"name": "Julien Marchant"})),
        ([("Julien Marchant", "Julien Marchand"), ("Julien Marchant", "Sarah Benali")],
         ("directory.error.repeated_alias", {"names": "Julien Marchant"})),
        ([(None, "Sarah Benali")], ("directory.error.blank_alias", {})),
    ],
)  # fmt: skip
def test_a_wrong_alias_table_changes_nothing(people, rows, problem) -> None:
    frame = pd.DataFrame(rows, columns=["alias", "consultant"])
    assert problem in directory.save_aliases(people, frame)
    assert directory.aliases(people).empty
    assert "Julien Marchant" in hours_by_consultant(people)


def test_blank_alias_rows_are_ignored(people) -> None:
    frame = pd.DataFrame([(None, None), ("Julien Marchant", "Julien Marchand")])
    frame.columns = ["alias", "consultant"]
    assert directory.save_aliases(people, frame) == []
    assert len(directory.aliases(people)) == 1


def test_client_contract_hours_are_saved(people) -> None:
    edited = directory.clients(people)
    edited.loc[0, "contract_hours_per_month"] = 12.5
    edited.loc[0, "sla_tier"] = " silver "
    edited.loc[1, "contract_hours_per_month"] = None
    edited.loc[1, "target_knowers"] = 3
    assert directory.save_clients(people, edited) == []
    assert people.execute(
        "select client, contract_hours_per_month, sla_tier, target_knowers from clients"
        " order by client"
    ).fetchall() == [
        ("Acme", 12.5, "silver", None),
        ("Globex", None, "gold", 3),
    ]


@pytest.mark.parametrize("target", [0, 2.5, 21])
def test_client_knower_target_outside_1_to_20_is_refused(people, target) -> None:
    edited = directory.clients(people).astype({"target_knowers": float})
    edited.loc[0, "target_knowers"] = target
    assert directory.save_clients(people, edited) == [
        ("directory.error.target", {"name": "Acme", "value": target, "high": 20})
    ]
    assert people.execute("select count(target_knowers) from clients").fetchall() == [(0,)]


def test_negative_contract_hours_are_refused(people) -> None:
    edited = directory.clients(people)
    edited.loc[0, "contract_hours_per_month"] = -5
    edited.loc[1, "sla_tier"] = "bronze"
    assert directory.save_clients(people, edited) == [
        ("directory.error.range", {"name": "Acme", "value": -5.0, "high": 744})
    ]
    assert people.execute("select sla_tier from clients order by client").fetchall() == [
        (None,),
        ("gold",),
    ]


@pytest.mark.parametrize(
    "change",
    [
        "update consultants set weekly_capacity_hours = 30 where consultant = 'Sarah Benali'",
        "insert into consultant_aliases values ('J. M.', 'Julien Marchand')",
        "update clients set contract_hours_per_month = 8 where client = 'Acme'",
    ],
)
def test_an_edit_changes_the_data_version(people, change) -> None:
    before = db.data_version(people)
    people.execute(change)
    assert db.data_version(people) != before


def test_client_contacts_are_saved_as_lists_and_shown_as_text(people) -> None:
    edited = directory.clients(people)
    edited.loc[0, "contacts"] = " it@acme.example; boss@acme.example ,it@acme.example"
    assert directory.save_clients(people, edited) == []
    assert people.execute("select contacts from clients order by client").fetchall() == [
        (["it@acme.example", "boss@acme.example"],),
        (None,),
    ]
    assert directory.clients(people)["contacts"].tolist() == [
        "it@acme.example, boss@acme.example",
        None,
    ]


def test_a_contact_that_is_no_address_is_refused_and_nothing_saved(people) -> None:
    edited = directory.clients(people)
    edited.loc[0, "contacts"] = "it@acme.example, not-an-address"
    edited.loc[1, "sla_tier"] = "bronze"
    assert directory.save_clients(people, edited) == [
        ("directory.error.contact", {"name": "Acme", "value": "not-an-address"})
    ]
    assert people.execute("select sla_tier, contacts from clients order by client").fetchall() == [
        (None, None),
        ("gold", None),
    ]


@pytest.mark.parametrize(
    ("client", "contacts", "problems", "stored"),
    [
        ("Globex", ["a@globex.example"], [], ["a@globex.example"]),
        ("Globex", [], [], None),
        ("Initech", ["a@initech.example"],
         [("directory.error.unknown_client", {"name": "Initech"})], None),
        ("Globex", ["a@globex"], [("directory.error.contact", {"name": "Globex",
                                                               "value": "a@globex"})], None),
    ],
)  # fmt: skip
def test_set_contacts_of_one_client(people, client, contacts, problems, stored) -> None:
    assert directory.set_contacts(people, client, contacts) == problems
    row = people.execute("select contacts from clients where client = 'Globex'").fetchall()
    assert row == [(stored,)]
