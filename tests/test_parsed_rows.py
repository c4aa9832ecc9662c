"""import_parsed_rows: rows a connector already parsed go through map, normalise, validate, load."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pyarrow as pa

from okam_analytics.ingest.parsed_rows import import_parsed_rows

ZENDESK_ROWS = {
    "Id": ["101", "102", " 103 "],
    "Subject": ["Printer", "VPN", "Mail"],
    "Organization": ["Acme", "Globex", ""],
    "Priority": ["Urgent", "Normal", "Low"],
    "Status": ["Open", "Solved", "Pending"],
    "Created at": ["2025-03-13 18:08:55", "2025-03-14 09:00:00", "2025-03-15 10:30:00"],
    "Solved at": ["1900-01-01 00:00:00", "2025-03-14 11:00:00", ""],
    "Requester id": ["7", "8", "9"],
}


def test_dataframe_rows_load_with_the_preset(con):
    plan, result = import_parsed_rows(
        con, pd.DataFrame(ZENDESK_ROWS), "tickets", "zendesk", "zendesk-api 2025-03"
    )
    assert (result.status, result.rows_read, result.rows_loaded) == ("loaded", 3, 3)
    assert plan.preset == "zendesk" and plan.private is None  # closed after the load
    rows = con.execute(
        "select ticket_id, client, priority, status, created_at, resolved_at"
        " from tickets order by ticket_id"
    ).fetchall()
    assert rows == [
        ("101", "Acme", "P1", "open", datetime(2025, 3, 13, 18, 8, 55), None),
        ("102", "Globex", "P3", "resolved", datetime(2025, 3, 14, 9), datetime(2025, 3, 14, 11)),
        ("103", None, "P4", "pending", datetime(2025, 3, 15, 10, 30), None),
    ]
    (label,) = con.execute("select file_name from imports").fetchall()[0]
    assert label == "zendesk-api 2025-03"


def test_the_same_rows_twice_are_unchanged_and_arrow_tables_are_taken(con):
    table = pa.Table.from_pandas(pd.DataFrame(ZENDESK_ROWS), preserve_index=False)
    first = import_parsed_rows(con, table, "tickets", "zendesk", "feed")[1]
    again = import_parsed_rows(con, table, "tickets", "zendesk", "feed")[1]
    assert (first.status, again.status, again.import_id) == ("loaded", "unchanged", 1)


def test_a_bad_row_is_rejected_naming_its_row_number(con):
    frame = pd.DataFrame(ZENDESK_ROWS)
    frame.loc[1, "Created at"] = "someday"
    plan, result = import_parsed_rows(con, frame, "tickets", "zendesk", "feed")
    assert result.status == "refused" and result.rows_rejected == 1
    assert result.errors[0] == "line 2: Created at: unparseable or impossible date ('someday')"
    plan, result = import_parsed_rows(con, frame, "tickets", "zendesk", "feed", accept_rejects=True)
    assert (result.status, result.rows_loaded) == ("loaded", 2)


def test_missing_required_column_is_refused_naming_the_field(con):
    frame = pd.DataFrame(ZENDESK_ROWS).drop(columns=["Created at"])
    plan, result = import_parsed_rows(con, frame, "tickets", "zendesk", "feed")
    assert result.status == "refused"
    assert result.errors[0].startswith(
        "No column found for the required tickets field(s): created_at"
    )
    assert con.execute("select count(*) from imports").fetchall()[0][0] == 0


def test_no_rows_is_refused(con):
    frame = pd.DataFrame({name: [] for name in ZENDESK_ROWS})
    result = import_parsed_rows(con, frame, "tickets", "zendesk", "feed")[1]
    assert (result.status, result.errors) == ("refused", ["There are no rows to import."])
