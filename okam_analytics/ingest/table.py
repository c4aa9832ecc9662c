"""The `raw_rows` table both readers fill: give its columns the header names, drop empty rows."""

from __future__ import annotations

import secrets
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

TABLE = "raw_rows"
LINE = "__line"
BLANK = "__blank_row"  # set by a reader that stores only some columns: the row is empty in all


@dataclass
class Columns:
    """Header texts and the unique column names made from them."""

    headers: list[str]
    columns: list[str]
    duplicate_headers: list[str]
    blank_headers: int


def quote(name: str) -> str:
    """A column name as a DuckDB identifier (quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


def header_key(text: str) -> str:
    """How headers are compared: casefolded, accents stripped, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def column_names(cells: Sequence[str | None]) -> Columns:
    """Trimmed headers, blanks named column_<n>, repeats suffixed ' (2)' in the column names."""
    headers, named = [], []
    for position, cell in enumerate(cells, start=1):
        text = (cell or "").strip().lstrip("\ufeff").strip()
        if text:
            named.append(text)
        headers.append(text or f"column_{position}")
    keys = Counter(header_key(text) for text in named)
    duplicates: list[str] = []
    for text in named:
        if keys[header_key(text)] > 1 and header_key(text) not in map(header_key, duplicates):
            duplicates.append(text)
    # DuckDB column names are case-insensitive, so uniqueness is judged casefolded.
    used, columns = {LINE}, []
    for text in headers:
        name, repeat = text, 1
        while name.casefold() in used:
            repeat += 1
            name = f"{text} ({repeat})"
        used.add(name.casefold())
        columns.append(name)
    return Columns(headers, columns, duplicates, len(headers) - len(named))


def _stored(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the columns raw_rows holds (a reader may store only the mapped ones)."""
    return {row[0] for row in con.execute(f"describe {TABLE}").fetchall()}


def _drop_empty_trailing(
    con: duckdb.DuckDBPyConnection, cells: list[str | None], stored: set[str]
) -> list:
    """Columns at the right with no header and no value are export artefacts: drop them."""
    width, blank = len(cells), []
    while width - len(blank) > 1 and not (cells[width - len(blank) - 1] or "").strip():
        blank.append(f"c{width - len(blank)}")  # blank-headed columns are always stored
    if not blank:
        return cells
    values = con.execute(f"select {', '.join(f'count({c})' for c in blank)} from {TABLE}")
    counts = dict(zip(blank, values.fetchall()[0], strict=True))
    while f"c{width}" in counts and counts[f"c{width}"] == 0:
        con.execute(f"alter table {TABLE} drop column c{width}")
        stored.discard(f"c{width}")
        width -= 1
    return cells[:width]


def _rename(con: duckdb.DuckDBPyConnection, columns: list[str], stored: set[str]) -> None:
    pairs = [(f"c{i}", new) for i, new in enumerate(columns, start=1) if f"c{i}" in stored]
    internal = {f"c{i}" for i in range(1, len(columns) + 1)}
    if {c.casefold() for c in columns} & internal:
        # A header literally named like a loading column: move them all out of the way first.
        prefix = f"__{secrets.token_hex(4)}_"
        for old, _ in pairs:
            con.execute(f"alter table {TABLE} rename column {old} to {prefix}{old}")
        pairs = [(prefix + old, new) for old, new in pairs]
    for old, new in pairs:
        con.execute(f"alter table {TABLE} rename column {old} to {quote(new)}")


def finish_table(
    con: duckdb.DuckDBPyConnection, header_cells: Sequence[str | None], width: int
) -> tuple[Columns, int]:
    """Name the columns c1..c<width> of raw_rows after the header, drop empty rows; count rows."""
    stored = _stored(con)
    cells = _drop_empty_trailing(
        con, [*header_cells, *[None] * (width - len(header_cells))], stored
    )
    names = column_names(cells)
    if BLANK in stored:
        con.execute(f"delete from {TABLE} where {BLANK}")
        con.execute(f"alter table {TABLE} drop column {BLANK}")
    else:
        values = ", ".join(f"c{i}" for i in range(1, len(cells) + 1))
        con.execute(f"delete from {TABLE} where coalesce({values}, NULL) is null")
    _rename(con, names.columns, stored)
    (rows,) = con.execute(f"select count(*) from {TABLE}").fetchall()[0]
    return names, rows
