"""Rows already parsed (by an API connector) imported like a file: map -> normalise ->
validate -> load, with no reading, sniffing or preset detection."""

from __future__ import annotations

import hashlib

import duckdb
import pandas as pd
import pyarrow as pa

from okam_analytics.ingest import csv_load, pipeline, read, service, table
from okam_analytics.ingest.service import ImportPlan, ImportResult


def _arrow(rows: pd.DataFrame | pa.Table) -> pa.Table:
    if isinstance(rows, pa.Table):
        return rows
    return pa.Table.from_pandas(rows, preserve_index=False)


def _digest(rows: pa.Table, kind: str, preset: str) -> str:
    """sha256 of the rows (Arrow IPC) and how they are read: the same feed is 'unchanged'."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, rows.schema) as writer:
        writer.write_table(rows)
    digest = hashlib.sha256(f"{kind}\x1f{preset}\x1f".encode())
    digest.update(sink.getvalue().to_pybytes())
    return digest.hexdigest()


def raw_from_rows(rows: pd.DataFrame | pa.Table, source: str, digest: str) -> read.RawTable:
    """The rows as a RawTable: text columns (trimmed, empty = NULL), __line = row number."""
    arrow = _arrow(rows)
    cells = [str(name) for name in arrow.column_names]
    width = len(cells)
    numbered = arrow.rename_columns([f"v{i}" for i in range(1, width + 1)])
    numbered = numbered.append_column("__line", pa.array(range(1, arrow.num_rows + 1), pa.int64()))
    con = read.private_connection()
    read.confine(con, [], [])  # rows arrive as an Arrow table: no file at all
    as_text = ", ".join(f"cast(v{i} as varchar) as c{i}" for i in range(1, width + 1))
    trimmed = ", ".join(csv_load.trimmed(f"c{i}") for i in range(1, width + 1))
    con.register("parsed_rows", numbered)
    con.execute(
        f"create table {table.TABLE} as select {trimmed}, __line"
        f" from (select {as_text}, __line from parsed_rows)"
    )
    con.unregister("parsed_rows")
    names, count = table.finish_table(con, cells, width)
    return read.RawTable(
        con=con, table=table.TABLE, headers=names.headers,
        duplicate_headers=names.duplicate_headers, blank_headers=names.blank_headers,
        encoding=None, delimiter=None, sheet=None, sheets=[], header_line=0, rows_read=count,
        sha256=digest, file_name=source, columns=names.columns,
    )  # fmt: skip


def import_parsed_rows(
    con: duckdb.DuckDBPyConnection,
    rows: pd.DataFrame | pa.Table,
    kind: str,
    preset: str,
    source: str,
    accept_rejects: bool = False,
) -> tuple[ImportPlan, ImportResult]:
    """Import rows a connector already parsed, as one import named `source`.

    rows: a DataFrame or Arrow table whose column names are the headers of the preset's
    export (e.g. Zendesk's "Id", "Requester"...), one row per ticket or time entry, values
    as the tool writes them (non-text values are read as their text: ISO for timestamps).
    kind and preset: how to read them (the preset is not detected); source: the label the
    import is listed under (its "file name"). Findings name the row number (1 = first row).
    The same rows fed twice give status 'unchanged'. The plan's private connection is closed.
    """
    plan = ImportPlan(file_name=source, kind=kind)
    arrow = _arrow(rows)
    if arrow.num_rows == 0:
        plan.refused = "There are no rows to import."
        return plan, service.load(con, plan)
    raw = raw_from_rows(arrow, source, _digest(arrow, kind, preset))
    detected = pipeline.detect(raw.headers, raw.duplicate_headers, kind, preset)
    mapped = pipeline.map_fields(detected, None)
    service.fill_from_mapped(plan, mapped)
    service.fill_from_raw(plan, raw)
    plan = service.inspect_raw(plan, raw, mapped)
    try:
        return plan, service.load(con, plan, accept_rejects=accept_rejects)
    finally:
        if plan.private is not None:
            plan.private.close()
            plan.private = None
