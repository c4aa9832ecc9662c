"""Collapsing an event-log export (one row per update) to tickets and ticket events."""

from __future__ import annotations

from datetime import datetime

import pytest

from okam_analytics.ingest import event_log

PRESET = {
    "columns": {
        "event_at": "sys_updated_at",
        "reassignment_count": "reassignment_count",
        "reopen_count": "reopen_count",
    },
    "event_log": {"initial_status": ["New"]},
}

AUDIT_COLUMNS = (
    "ticket_id varchar, event_at timestamp, status varchar, status_raw varchar,"
    " assignee varchar, team varchar, priority varchar, priority_raw varchar, client varchar,"
    " created_at timestamp, resolved_at timestamp, closed_at timestamp,"
    " reassignment_count integer, reopen_count integer, source_sla_met boolean, __line bigint"
)

# INC1: assigned while still New, reassigned, resolved, reopened, resolved again, closed.
# INC2: lines out of time order, no created_at column, still waiting on the user.
# INC3: an event stamped before the ticket's creation.
AUDIT = [
    ("INC1", "2024-03-04 09:00", "open", "New", None, "Desk", "P3", "3 - Moderate", "Loc 1",
     "2024-03-04 08:55", None, None, 0, 0, True, 2),
    ("INC1", "2024-03-04 09:20", "open", "New", "Alice", "Desk", "P3", "3 - Moderate", "Loc 1",
     "2024-03-04 08:55", None, None, 0, 0, True, 3),
    ("INC1", "2024-03-04 10:00", "open", "Active", "Bob", "Network", "P2", "2 - High", "Loc 1",
     "2024-03-04 08:55", None, None, 2, 0, True, 4),
    ("INC1", "2024-03-04 11:00", "resolved", "Resolved", "Bob", "Network", "P2", "2 - High",
     "Loc 1", "2024-03-04 08:55", None, None, 2, 0, True, 5),
    ("INC1", "2024-03-04 12:00", "open", "Active", "Bob", "Network", "P2", "2 - High", "Loc 1",
     "2024-03-04 08:55", None, None, 2, 1, True, 6),
    ("INC1", "2024-03-04 13:00", "resolved", "Resolved", "Bob", "Network", "P2", "2 - High",
     "Loc 1", "2024-03-04 08:55", None, None, 2, 1, False, 7),
    ("INC1", "2024-03-04 14:00", "closed", "Closed", "Bob", "Network", "P2", "2 - High", "Loc 1",
     "2024-03-04 08:55", None, None, 2, 1, False, 8),
    ("INC2", "2024-03-05 11:00", "pending", "Awaiting User Info", "Carol", "Desk", "P4",
     "4 - Low", "Loc 2", None, None, None, None, None, None, 9),
    ("INC2", "2024-03-05 10:00", "open", "NEW ", None, "Desk", "P4", "4 - Low", "Loc 2",
     None, None, None, None, None, None, 10),
    ("INC2", "2024-03-05 10:00", "open", "Active", None, "Desk", "P4", "4 - Low", "Loc 2",
     None, None, None, None, None, None, 11),
    ("INC3", "2024-03-06 08:50", "open", "Active", "Dave", "Desk", "P1", "1 - Critical",
     "Loc 3", "2024-03-06 09:00", None, None, 0, 0, True, 12),
    ("INC3", "2024-03-06 09:30", "resolved", "Resolved", "Dave", "Desk", "P1", "1 - Critical",
     "Loc 3", "2024-03-06 09:00", "2024-03-06 09:25", None, 0, 0, True, 13),
]  # fmt: skip


def make_canonical(con, columns: str, rows: list[tuple]) -> None:
    """The `canonical` staging table as the ingest core hands it over."""
    con.execute(f"create table canonical ({columns})")
    marks = ", ".join("?" for _ in rows[0])
    con.executemany(f"insert into canonical values ({marks})", rows)


def tickets_by_id(con) -> dict[str, dict]:
    cursor = con.execute("select * from collapsed_tickets order by ticket_id")
    names = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


@pytest.fixture
def collapsed(con):
    make_canonical(con, AUDIT_COLUMNS, AUDIT)
    warnings = event_log.collapse(con, "canonical", PRESET)
    return tickets_by_id(con), warnings


def test_one_ticket_per_id_with_the_ticket_versions_columns(con, collapsed):
    tickets, _ = collapsed
    assert sorted(tickets) == ["INC1", "INC2", "INC3"]
    names = [r[0] for r in con.execute("describe collapsed_tickets").fetchall()]
    schema = [r[0] for r in con.execute("describe ticket_versions").fetchall()]
    assert names == [c for c in schema if c not in ("source", "import_id")] + ["__line"]


def test_current_fields_come_from_the_last_event(collapsed):
    tickets, _ = collapsed
    inc1, inc2 = tickets["INC1"], tickets["INC2"]
    assert (inc1["status"], inc1["status_raw"], inc1["assignee"], inc1["team"]) == (
        "closed", "Closed", "Bob", "Network",
    )  # fmt: skip
    assert (inc1["priority"], inc1["source_sla_met"], inc1["__line"]) == ("P2", False, 8)
    # INC2's last event in time is line 9, although line 11 comes later in the file
    assert (inc2["status_raw"], inc2["assignee"], inc2["__line"]) == (
        "Awaiting User Info",
        "Carol",
        9,
    )


def test_first_response_is_first_assignment_or_first_change_out_of_new(collapsed):
    tickets, _ = collapsed
    # INC1: still New but assigned to Alice at 09:20
    assert tickets["INC1"]["first_response_at"] == datetime(2024, 3, 4, 9, 20)
    # INC2: line 11 leaves New at 10:00 (same minute as line 10, ordered by line)
    assert tickets["INC2"]["first_response_at"] == datetime(2024, 3, 5, 10, 0)


def test_created_at_is_the_column_else_the_first_event(collapsed):
    tickets, _ = collapsed
    assert tickets["INC1"]["created_at"] == datetime(2024, 3, 4, 8, 55)
    assert tickets["INC2"]["created_at"] == datetime(2024, 3, 5, 10, 0)


def test_response_before_creation_is_left_empty_with_a_warning(collapsed):
    tickets, warnings = collapsed
    assert tickets["INC3"]["first_response_at"] is None
    assert len(warnings) == 1
    line, column, value, reason = warnings[0]
    assert (line, column, value) == (12, "sys_updated_at", "2024-03-06 08:50:00")
    assert "precedes creation" in reason


def test_resolution_and_closure(collapsed):
    tickets, _ = collapsed
    # no resolved_at column: start of the final resolved run (13:00), not the first (11:00)
    assert tickets["INC1"]["resolved_at"] == datetime(2024, 3, 4, 13, 0)
    assert tickets["INC1"]["closed_at"] == datetime(2024, 3, 4, 14, 0)
    # the column of the last event wins over the event time
    assert tickets["INC3"]["resolved_at"] == datetime(2024, 3, 6, 9, 25)
    assert tickets["INC2"]["resolved_at"] is None
    assert tickets["INC2"]["closed_at"] is None


def test_counts_are_the_maximum_of_the_source_columns(collapsed):
    tickets, _ = collapsed
    # the source says 2 reassignments (it also counts group changes); one reopen
    assert (tickets["INC1"]["reassignment_count"], tickets["INC1"]["reopen_count"]) == (2, 1)
    assert (tickets["INC3"]["reassignment_count"], tickets["INC3"]["reopen_count"]) == (0, 0)


def test_one_event_row_per_line_in_time_order(con, collapsed):
    rows = con.execute(
        "select ticket_id, event_at, status_raw, assignee, team, priority, __line"
        " from collapsed_events where ticket_id = 'INC2'"
    ).fetchall()
    assert con.execute("select count(*) from collapsed_events").fetchone()[0] == 12
    assert [r[6] for r in rows] == [10, 11, 9]
    assert rows[2] == (
        "INC2", datetime(2024, 3, 5, 11, 0), "Awaiting User Info", "Carol", "Desk", "P4", 9,
    )  # fmt: skip


CHANGELOG_COLUMNS = (
    "ticket_id varchar, event_at timestamp, status varchar, status_raw varchar,"
    " assignee varchar, __line bigint"
)

# A change log without counts: Ann -> (unassigned) -> Ben -> Ann, resolved, reopened, done.
CHANGELOG = [
    ("JSM-7", "2024-05-11 15:26", "open", "Waiting for support", None, 2),
    ("JSM-7", "2024-05-11 15:40", "open", "Waiting for support", "Ann", 3),
    ("JSM-7", "2024-05-11 16:00", "open", "In Progress", None, 4),
    ("JSM-7", "2024-05-12 09:00", "open", "In Progress", "Ben", 5),
    ("JSM-7", "2024-05-12 10:00", "resolved", "Resolved", "Ann", 6),
    ("JSM-7", "2024-05-13 10:00", "open", "Reopened", "Ann", 7),
    ("JSM-7", "2024-05-13 11:00", "resolved", "Done", "Ann", 8),
]


def test_counts_and_initial_status_derived_when_the_source_has_none(con):
    make_canonical(con, CHANGELOG_COLUMNS, CHANGELOG)
    warnings = event_log.collapse(con, "canonical", {"columns": {}})
    ticket = tickets_by_id(con)["JSM-7"]
    assert warnings == []
    # Ann -> Ben -> Ann: two reassignments (the unassigned gap is not one); one reopen
    assert (ticket["reassignment_count"], ticket["reopen_count"]) == (2, 1)
    # no initial_status in the preset: the first status is the initial one
    assert ticket["first_response_at"] == datetime(2024, 5, 11, 15, 40)
    assert ticket["created_at"] == datetime(2024, 5, 11, 15, 26)
    assert ticket["resolved_at"] == datetime(2024, 5, 13, 11, 0)
    assert ticket["client"] is None
    assert ticket["escalation_level"] == 0
