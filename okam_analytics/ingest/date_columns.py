"""Date columns in SQL: their formats inferred from a sample of the raw table (dates.py), and
the expression parsing a column once with its format."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import duckdb

from okam_analytics import db
from okam_analytics.ingest import dates
from okam_analytics.ingest.map import Source
from okam_analytics.ingest.presets import Preset
from okam_analytics.ingest.table import quote

if TYPE_CHECKING:
    from okam_analytics.ingest.normalise import Params

MAIN_DATES = ("created_at", "event_at", "work_date", "started_at")  # the format imports record
SAMPLE_ROWS = 5000  # values per date column the format is inferred from, across the file
AMBIGUOUS = (
    "day and month cannot be told apart (no day above 12 in the values sampled);"
    " read as {order}: check a few dates"
)


def infer_formats(
    con: duckdb.DuckDBPyConnection,
    table: str,
    date_cleans: dict[str, str],
    preset: Preset,
    day_first: bool,
    params: Params,
) -> dict[str, dates.DateFormat]:
    """Each date field's format, inferred from one sample of values spread over the file."""
    if not date_cleans:
        return {}
    picked = ", ".join(f"{e} as d{i}" for i, e in enumerate(date_cleans.values()))
    sql = (
        f"select {picked} from {quote(table)}"
        f" using sample reservoir({SAMPLE_ROWS} rows) repeatable (7)"
    )
    rows = db.run_sql(con, sql, **params.values).fetchall()
    samples = {name: [row[i] for row in rows] for i, name in enumerate(date_cleans)}
    # a generic preset's list is no preference: it does not settle the day/month order
    return dates.infer_columns(samples, preset.date_formats, day_first, not preset.is_generic)


def date_expr(r: str, fmt: dates.DateFormat, params: Params) -> str:
    """SQL parsing the text r with the column's format (ISO: a cast), once per value."""
    iso = f"try_cast({r} as timestamp)"
    if not fmt.formats:
        return iso
    text = r
    if fmt.month_names:  # the month word becomes its number, by a lookup in two lists
        sep = re.escape(fmt.separator)
        pattern = params.bind(rf"^(\d{{1,2}}){sep}([^{sep}]+){sep}(.*)$")
        words, numbers = params.bind(list(dates.MONTHS)), params.bind(list(dates.MONTHS.values()))
        word = f"rtrim(lower(regexp_extract({r}, {pattern}, 2)), '.')"
        month = f"list_extract({numbers}, list_position({words}, {word}))"
        text = (
            f"concat(regexp_extract({r}, {pattern}, 1), '/', {month}, '/',"
            f" regexp_extract({r}, {pattern}, 3))"
        )
    parsed = f"try_strptime({text}, {params.bind(list(fmt.formats))})"
    if fmt.iso_first:
        return f"coalesce({iso}, {parsed})"
    return f"coalesce({parsed}, {iso})" if fmt.iso_after else parsed


def ambiguity_findings(
    formats: dict[str, dates.DateFormat], sources: dict[str, Source]
) -> list[tuple]:
    """A warning per date column whose day/month order neither values nor preset settled."""
    found = []
    for name, fmt in formats.items():
        if fmt.warn:
            order = f"{'day/month' if fmt.day_first else 'month/day'} ({fmt.label})"
            found.append((None, sources[name].label, None, AMBIGUOUS.format(order=order)))
    return found
