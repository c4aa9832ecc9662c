"""Worklog cells as time entries: Jira's repeated `Log Work` columns, each cell
"comment;date;author;seconds", become one row per cell (set-wise, in SQL).

The comment may itself hold semicolons, so the cell is read from the right: the last three
parts are the seconds, the author and the date, everything before them is the comment. A cell
of another shape still makes a row, which validation rejects with its line (missing hours).
"""

from __future__ import annotations

import duckdb

from okam_analytics.ingest.map import Source
from okam_analytics.ingest.normalise import quote

TABLE = "worklog_rows"
# a part's SQL over the cell's parts `p` (a list of the cell split on ';')
PART_SQL = {
    "comment": "nullif(trim(array_to_string(list_slice(p, 1, len(p) - 3), ';')), '')",
    "date": "nullif(trim(p[-3]), '')",
    "author": "nullif(trim(p[-2]), '')",
    # seconds as decimal hours, as text: the hours field parses it like any other
    "hours": "printf('%.9f', try_cast(trim(p[-1]) as double) / 3600)",
}


def has_worklog(sources: dict[str, Source]) -> bool:
    """Whether some field reads a worklog part."""
    return any(source.part for source in sources.values())


def explode(
    con: duckdb.DuckDBPyConnection, table: str, sources: dict[str, Source]
) -> tuple[str, dict[str, Source]]:
    """Table worklog_rows: one row per non-empty worklog cell (its record's __line kept) with
    a column per part; the sources with each worklog field reading its part's column."""
    cells = next(source.columns for source in sources.values() if source.part)
    kept = sorted({c for s in sources.values() if not s.part for c in s.columns} - set(cells))
    parts = sorted({s.part for s in sources.values() if s.part})
    items = ", ".join(f"{PART_SQL[part]} as {quote('__worklog_' + part)}" for part in parts)
    passed = "".join(f"{quote(c)}, " for c in kept)
    cell_list = ", ".join(quote(c) for c in cells)
    con.execute(
        f"""
        create or replace table {TABLE} as
        with cells as (
            select __line, {passed}unnest([{cell_list}]) as cell from {quote(table)}
        ),
        split as (
            select *, string_split(cell, ';') as p from cells where cell is not null
        )
        select __line, {passed}{items} from split order by __line
        """
    )
    con.execute(f"drop table {quote(table)}")
    rebuilt = {
        field: Source([f"__worklog_{source.part}"], None, source.label) if source.part else source
        for field, source in sources.items()
    }
    return TABLE, rebuilt
