"""Load a UTF-8 CSV file into the `raw_rows` table with DuckDB's read_csv, set-wise.

Columns are `c1..cN` (text, trimmed, empty = NULL) plus `__line`, the physical line where
each record starts in the file. Structural problems become ImportRefused naming the line.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from okam_analytics.ingest.encoding import TextFile, iter_chunks
from okam_analytics.ingest.refused import ImportRefused
from okam_analytics.ingest.sniff import DELIMITER_NAMES, CsvLayout
from okam_analytics.ingest.table import BLANK, TABLE

MAX_LINE_BYTES = 16 * 1024 * 1024
_TRIMMED = " \t\r\n"
# (null_padding, parallel): DuckDB's parallel scanner cannot pad short rows of a file that
# has quoted line breaks, and its single-threaded scanner silently swallows an unclosed quote
# at the end of a file, so the safer settings come first and the last one is double-checked.
_ATTEMPTS = ((False, True), (True, True), (True, False))
_REJECT_REASONS = {
    "TOO MANY COLUMNS": "has more cells than the header ({width} columns); a value probably "
    "contains an unquoted {delimiter}",
    "UNQUOTED VALUE": "has a quote that is never closed or is followed by other text",
    "LINE SIZE OVER MAXIMUM": "is longer than 16 MB (probably a quote that is never closed)",
    "INVALID ENCODING": "holds bytes that are not valid text",
    "INVALID UNICODE": "holds bytes that are not valid text",
}


class UnreadableCsv(ImportRefused):
    """DuckDB's reader stopped on the file (not a row-level reject)."""


class InvalidText(ImportRefused):
    """A value the reader parsed holds bytes that are not UTF-8."""


_INVALID_TEXT = ("INVALID ENCODING", "INVALID UNICODE")


def _read_csv(width: int, pad: bool, parallel: bool, rejects: bool) -> str:
    """The read_csv call; every option explicit so DuckDB guesses nothing."""
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, width + 1))
    return (
        "read_csv($path, delim = $delim, quote = '\"', escape = '\"', header = false, "
        f"auto_detect = false, skip = $skip, columns = {{{columns}}}, "
        f"null_padding = {str(pad).lower()}, parallel = {str(parallel).lower()}, "
        f"{'store_rejects = true' if rejects else 'ignore_errors = true'}, "
        f"max_line_size = {MAX_LINE_BYTES})"
    )


def _params(text: TextFile, layout: CsvLayout) -> dict:
    return {"path": str(text.path), "delim": layout.delimiter, "skip": layout.skip_records}


def line_at(text: TextFile, position: int) -> int:
    """1-based line of a byte position of the UTF-8 file (positions come from DuckDB rejects)."""
    newline, seen, lines = text.newline.encode(), 0, 1
    for chunk in iter_chunks(text.path):
        if seen + len(chunk) >= position:
            return lines + chunk[: max(position - seen, 0)].count(newline)
        seen, lines = seen + len(chunk), lines + chunk.count(newline)
    return lines


def _check_row_cap(
    con: duckdb.DuckDBPyConnection, text: TextFile, layout: CsvLayout, cap: int
) -> None:
    """Refuse files over the cap; lines bound the records, DuckDB counts only when needed."""
    if text.content_lines - layout.data_start_line + 1 <= cap:
        return
    scan = _read_csv(layout.width, pad=True, parallel=False, rejects=False)
    (count,) = con.execute(f"select count(*) from {scan}", _params(text, layout)).fetchall()[0]
    if count > cap:
        raise ImportRefused(
            f"The file has more than {cap:,} rows, the most one import takes; "
            "export a shorter period."
        )


def _first_reject(con: duckdb.DuckDBPyConnection, pad: bool) -> tuple[str, int] | None:
    """The earliest structural error DuckDB set aside; short rows only count when not padding."""
    rows = con.execute(
        "select error_type, line_byte_position from reject_errors "
        "where $pad or error_type <> 'MISSING COLUMNS' order by line_byte_position limit 1",
        {"pad": pad},
    ).fetchall()
    if rows:
        return rows[0]
    (short,) = con.execute("select count(*) from reject_errors").fetchall()[0]
    return ("MISSING COLUMNS", -1) if short else None


def _refusal(text: TextFile, layout: CsvLayout, error_type: str, position: int) -> ImportRefused:
    line = line_at(text, position)
    reason = _REJECT_REASONS.get(error_type, "could not be read ({error_type})").format(
        width=len(layout.header_cells),
        delimiter=DELIMITER_NAMES[layout.delimiter],
        error_type=error_type.lower(),
    )
    refused = InvalidText if error_type in _INVALID_TEXT else ImportRefused
    return refused(f"Line {line} {reason}.")


def trimmed(column: str) -> str:
    """Trim spaces, tabs and line breaks. The guard (empty, or a first or last character below
    '!') is two cheap comparisons, and skips the copy for the many clean values."""
    return (
        f"case when {column} < '!' or {column}[-1] < '!' "
        f"then nullif(trim({column}, '{_TRIMMED}'), '') else {column} end as {column}"
    )


def _blank(column: str) -> str:
    """True when the raw cell is empty after the trim."""
    return f"coalesce(trim({column}, '{_TRIMMED}'), '') = ''"


def _projection(width: int, keep: set[int] | None) -> str:
    """Trimmed kept columns; with a selection, BLANK flags rows empty in every column."""
    if keep is None:
        return ", ".join(trimmed(f"c{i}") for i in range(1, width + 1))
    kept = [trimmed(f"c{i}") for i in range(1, width + 1) if i in keep]
    cells = [f"c{i}" for i in range(1, width + 1)]
    first = f"coalesce({', '.join(cells)})"
    every = " and ".join(_blank(cell) for cell in cells)
    # Only rows whose first non-null cell starts blank need the cell-by-cell test: the
    # unused columns are parsed but, for almost every row, never trimmed.
    blank = f"case when {first} is null then true when {first} < '!' then {every} else false end"
    return ", ".join([*kept, f"{blank} as {BLANK}"])


def _load(
    con: duckdb.DuckDBPyConnection, text: TextFile, layout: CsvLayout, keep: set[int] | None
) -> tuple[bool, bool]:
    """Create the table; returns the (null_padding, parallel) settings that read it."""
    trimmed = _projection(layout.width, keep)
    for pad, parallel in _ATTEMPTS:
        con.execute("drop table if exists reject_errors; drop table if exists reject_scans")
        scan = _read_csv(layout.width, pad, parallel, rejects=True)
        try:
            con.execute(
                f"create or replace table {TABLE} as select {trimmed} from {scan}",
                _params(text, layout),
            )
        except duckdb.Error as exc:
            if "parallel=false" in str(exc):
                continue
            first = str(exc).splitlines()[0]
            raise UnreadableCsv(f"The file could not be read as CSV: {first}") from None
        reject = _first_reject(con, pad)
        if reject is None:
            return pad, parallel
        if reject[0] != "MISSING COLUMNS":
            raise _refusal(text, layout, *reject)
    raise AssertionError("the last read_csv attempt pads short rows")


def blank_lines(text: TextFile, after: int) -> np.ndarray:
    """Line numbers (> after) of the empty lines DuckDB skips, found with numpy per chunk."""
    newline = ord(text.newline)
    ends, returns, offset = [], [], 0
    for chunk in iter_chunks(text.path):
        array = np.frombuffer(chunk, dtype=np.uint8)
        ends.append(np.flatnonzero(array == newline) + offset)
        if newline == 10:
            returns.append(np.flatnonzero(array == 13) + offset)
        offset += len(chunk)
    ends_at = np.concatenate(ends) if ends else np.zeros(0, dtype=np.int64)
    gap = np.diff(ends_at)
    blank = gap == 1
    if returns:
        blank |= (gap == 2) & np.isin(ends_at[:-1] + 1, np.concatenate(returns))
    lines = np.flatnonzero(blank) + 2  # the newline at index i ends line i + 1
    return lines[lines > after]


def _spans(width: int, newline: str) -> str:
    """Per record: line breaks inside its values, and empty lines among them."""
    nl = f"chr({ord(newline)})"
    breaks, empties = [], []
    for i in range(1, width + 1):
        parts = f"string_split(c{i}, {nl})"
        breaks.append(f"coalesce(length(c{i}) - length(replace(c{i}, {nl}, '')), 0)")
        empties.append(
            f"coalesce(len(list_filter(list_slice({parts}, 2, len({parts}) - 1), "
            "lambda part: part in ('', chr(13)))), 0)"
        )
    return f"{' + '.join(breaks)} as n, {' + '.join(empties)} as nb"


def _number_lines(
    con: duckdb.DuckDBPyConnection, text: TextFile, layout: CsvLayout, pad: bool, parallel: bool
) -> None:
    """Set __line; exact unless a quoted value holds an empty line and blank lines also occur."""
    con.execute(f"alter table {TABLE} add column __line bigint")
    (rows,) = con.execute(f"select count(*) from {TABLE}").fetchall()[0]
    start = layout.data_start_line
    if start - 1 + rows == text.content_lines:  # one line per record: the common case
        con.execute(f"update {TABLE} set __line = rowid + $start", {"start": start})
        return
    scan = _read_csv(layout.width, pad, parallel, rejects=True)
    con.execute(
        f"create or replace temp table line_spans as select {_spans(layout.width, text.newline)} "
        f"from {scan}",
        _params(text, layout),
    )
    breaks, inner = con.execute("select sum(n), sum(nb) from line_spans").fetchall()[0]
    blanks = blank_lines(text, start - 1)
    blanks = blanks[blanks <= text.content_lines]
    con.register("blank_input", pa.table({"line": blanks if inner == 0 else blanks[:0]}))
    con.execute(
        "create or replace temp table blank_steps as select t, max(j) as j from ("
        "select line - row_number() over (order by line) + 1 as t, "
        "row_number() over (order by line) as j from blank_input) group by t"
    )
    con.unregister("blank_input")
    con.execute(SQL_LINE_NUMBERS.format(table=TABLE), {"start": start})
    if not parallel and start - 1 + rows + breaks + len(blanks) - inner != text.content_lines:
        (last,) = con.execute(f"select max(__line) from {TABLE}").fetchall()[0]
        raise ImportRefused(f"Line {last} has a quote that is never closed.")


# A record starts after the lines of the records before it, their inner line breaks and the
# blank lines skipped before it; the ASOF join counts those blank lines (see blank_steps).
SQL_LINE_NUMBERS = """
with spans as (
    select rowid as record,
        $start + rowid + coalesce(sum(n) over (order by rowid rows between unbounded preceding
            and 1 preceding), 0) as base_line
    from line_spans
),
final as (
    select spans.record, spans.base_line + coalesce(blank_steps.j, 0) as line
    from spans asof left join blank_steps on spans.base_line >= blank_steps.t
)
update {table} set __line = final.line from final where {table}.rowid = final.record
"""


def _drop_extra_cells(con: duckdb.DuckDBPyConnection, layout: CsvLayout) -> None:
    """Cells beyond the header are tolerated only when empty (a trailing delimiter)."""
    header = len(layout.header_cells)
    extras = [f"c{i}" for i in range(header + 1, layout.width + 1)]
    if not extras:
        return
    (line,) = con.execute(
        f"select min(__line) from {TABLE} where coalesce({', '.join(extras)}, NULL) is not null"
    ).fetchall()[0]
    if line is not None:
        raise ImportRefused(
            f"Line {line} has more cells than the header ({header} columns); a value probably "
            f"contains an unquoted {DELIMITER_NAMES[layout.delimiter]}."
        )
    for column in extras:
        con.execute(f"alter table {TABLE} drop column {column}")


def load_csv(
    con: duckdb.DuckDBPyConnection,
    text: TextFile,
    layout: CsvLayout,
    max_rows: int,
    keep: set[int] | None = None,
) -> None:
    """Fill `raw_rows` (c1..cN, __line) from the file; N is the header's width.

    keep: the 1-based columns to store (others are parsed for the checks, not stored); the
    table then also has BLANK, true for rows empty in every column. None stores them all.
    """
    _check_row_cap(con, text, layout, max_rows)
    if keep is not None:
        header = len(layout.header_cells)
        blank_headers = {
            i + 1
            for i, cell in enumerate(layout.header_cells)
            if not cell.strip().lstrip("\ufeff").strip()
        }
        keep = keep | blank_headers | set(range(header + 1, layout.width + 1))
    pad, parallel = _load(con, text, layout, keep)
    _number_lines(con, text, layout, pad, parallel)
    _drop_extra_cells(con, layout)
