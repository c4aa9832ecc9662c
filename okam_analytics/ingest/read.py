"""Read a ticket or timesheet export (CSV or .xlsx; bytes or a path) into a private DuckDB table.

The first 64 KB are sniffed in Python (kind of file, encoding, delimiter, header row); the
bulk is read by DuckDB's read_csv, or streamed from openpyxl in batches for workbooks.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from okam_analytics.ingest import csv_load, encoding, sniff, table, xlsx
from okam_analytics.ingest.encoding import Source
from okam_analytics.ingest.refused import ImportRefused

__all__ = ["ImportRefused", "RawTable", "read_export"]

# Which headers to store: the header texts themselves, or a function of the header row that
# gives them (None: all). Chosen from the sniffed header before the bulk read.
ColumnChoice = list[str] | Callable[[list[str]], list[str] | None] | None

# One memory budget for an import process (2 GB): this private connection spills to its
# temp folder beyond 1 GB, the database connection gets load.IMPORT_MEMORY_LIMIT while it
# writes, and the Arrow slices in between stay small (load.CHUNK_LINES).
READ_MEMORY_LIMIT = "1GB"
_SPACE_AND_MARKS = b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n"


@dataclass
class RawTable:
    """An export as read: one text column per header plus __line, in a private connection."""

    con: duckdb.DuckDBPyConnection
    table: str
    headers: list[str]
    duplicate_headers: list[str]
    blank_headers: int
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    sheets: list[str]
    header_line: int
    rows_read: int
    sha256: str
    file_name: str
    # column names for every header, in header order; `table` may hold only the chosen ones
    columns: list[str] = field(default_factory=list)

    def close(self) -> None:
        """Release the private connection (and any spilled data)."""
        self.con.close()


def _private_connection() -> duckdb.DuckDBPyConnection:
    # A directory DuckDB creates only if it spills, and removes when the connection closes.
    spill = Path(tempfile.gettempdir()) / f"okam_read_{os.getpid()}_{secrets.token_hex(6)}"
    return duckdb.connect(
        ":memory:", config={"memory_limit": READ_MEMORY_LIMIT, "temp_directory": str(spill)}
    )


def confine(con: duckdb.DuckDBPyConnection, paths: list[str], folders: list[str]) -> None:
    """From now on the private connection reads no file but these (and its own spill files)."""
    if paths:
        con.execute("set allowed_paths = $paths", {"paths": paths})
    if folders:
        con.execute("set allowed_directories = $folders", {"folders": folders})
    con.execute("set enable_external_access = false")  # cannot be turned back on


def _head(source: Source) -> tuple[bytes, bool]:
    """The first bytes, and whether they are the whole file."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(memoryview(source)[: sniff.HEAD_BYTES + 1])
    else:
        with open(source, "rb") as handle:
            data = handle.read(sniff.HEAD_BYTES + 1)
    return data[: sniff.HEAD_BYTES], len(data) <= sniff.HEAD_BYTES


def _sha256(source: Source) -> str:
    digest = hashlib.sha256()
    for chunk in encoding.iter_chunks(source):
        digest.update(chunk)
    return digest.hexdigest()


def _text_sample(path: Path) -> tuple[str, bool]:
    """The decoded start of the UTF-8 file, and whether the file goes on after it."""
    with open(path, "rb") as handle:
        data = handle.read(sniff.HEAD_BYTES + 1)
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    text = decoder.decode(data[: sniff.HEAD_BYTES], final=len(data) <= sniff.HEAD_BYTES)
    return text.removeprefix("\ufeff"), len(data) > sniff.HEAD_BYTES


def _raw_table(
    con: duckdb.DuckDBPyConnection, names: table.Columns, rows: int, file_name: str, **found
) -> RawTable:
    return RawTable(
        con=con,
        table=table.TABLE,
        headers=names.headers,
        duplicate_headers=names.duplicate_headers,
        blank_headers=names.blank_headers,
        rows_read=rows,
        file_name=file_name,
        columns=names.columns,
        **found,
    )


def _kept(layout: sniff.CsvLayout, columns: ColumnChoice) -> set[int] | None:
    """1-based positions of the header cells to store, or None for all."""
    if columns is None:
        return None
    headers = table.column_names(layout.header_cells).headers
    wanted = columns(headers) if callable(columns) else columns
    if wanted is None:
        return None
    wanted = set(wanted)
    return {i for i, header in enumerate(headers, start=1) if header in wanted}


def _load_text(
    con: duckdb.DuckDBPyConnection, text: encoding.TextFile, max_rows: int, columns: ColumnChoice
) -> sniff.CsvLayout:
    sample, truncated = _text_sample(text.path)
    sniff.refuse_markup(sample)
    layout = sniff.sniff_csv(sample, text.newline, truncated)
    csv_load.load_csv(con, text, layout, max_rows, _kept(layout, columns))
    return layout


def _prepared(source: Source, head: bytes, work: Path, checked: bool) -> encoding.TextFile:
    """The export as a UTF-8 file DuckDB can read (bare carriage returns made line feeds)."""
    text = encoding.prepare_text(source, head, work, checked)
    return encoding.normalise_newlines(text, work) if text.bare_returns else text


def _load_prepared(
    con: duckdb.DuckDBPyConnection,
    text: encoding.TextFile,
    work: Path,
    max_rows: int,
    columns: ColumnChoice,
) -> tuple[encoding.TextFile, sniff.CsvLayout]:
    try:
        return text, _load_text(con, text, max_rows, columns)
    except csv_load.UnreadableCsv:
        if not text.returns:
            raise
        # DuckDB cannot read LF and CRLF line ends mixed in one file: make them all LF.
        text = encoding.normalise_newlines(text, work)
        return text, _load_text(con, text, max_rows, columns)


def _read_text(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    head: bytes,
    file_name: str,
    max_rows: int,
    columns: ColumnChoice = None,
) -> RawTable:
    with tempfile.TemporaryDirectory(prefix="okam_read_") as work:
        given = [] if isinstance(source, bytes | bytearray | memoryview) else [str(source)]
        confine(con, [str(Path(p).resolve()) for p in given], [work])
        text = _prepared(source, head, Path(work), checked=False)
        try:
            text, layout = _load_prepared(con, text, Path(work), max_rows, columns)
        except csv_load.InvalidText:
            if text.checked:
                raise
            # not UTF-8 after all: check every byte, then transcode (or refuse) and read again
            text = _prepared(source, head, Path(work), checked=True)
            text, layout = _load_prepared(con, text, Path(work), max_rows, columns)
    names, rows = table.finish_table(con, layout.header_cells, len(layout.header_cells))
    return _raw_table(
        con, names, rows, file_name, encoding=text.encoding, delimiter=layout.delimiter,
        sheet=None, sheets=[], header_line=layout.header_line, sha256=text.sha256,
    )  # fmt: skip


def _read_workbook(
    con: duckdb.DuckDBPyConnection, source: Source, file_name: str, sheet: str | None, max_rows: int
) -> RawTable:
    confine(con, [], [])  # rows arrive as Arrow batches: no file at all
    found = xlsx.load_xlsx(con, source, sheet, max_rows)
    names, rows = table.finish_table(con, found.header_cells, found.width)
    return _raw_table(
        con, names, rows, file_name, encoding=None, delimiter=None, sheet=found.sheet,
        sheets=found.sheets, header_line=found.header_line, sha256=_sha256(source),
    )  # fmt: skip


def read_export(
    source: bytes | os.PathLike,
    file_name: str,
    sheet: str | None = None,
    max_rows: int = 20_000_000,
    columns: ColumnChoice = None,
) -> RawTable:
    """Read a CSV or .xlsx export into a RawTable, or raise ImportRefused naming the problem.

    file_name is only a label for messages and records: it is never opened. columns: the
    headers to store in the table (or a function of the header row giving them); a CSV's
    other columns are still parsed for the structural checks but not stored. `headers` and
    `columns` of the RawTable always list every header. Workbooks store every column.
    """
    if isinstance(source, str):
        source = Path(source)
    head, whole = _head(source)
    if whole and not head.strip(_SPACE_AND_MARKS):
        raise ImportRefused("The file is empty.")
    kind = sniff.file_kind(head)
    con = _private_connection()
    try:
        if kind == "zip":
            raw = _read_workbook(con, source, file_name, sheet, max_rows)
        else:
            raw = _read_text(con, source, head, file_name, max_rows, columns)
        if raw.rows_read == 0:
            raise ImportRefused("The file has a header row but no data rows.")
    except BaseException:
        con.close()
        raise
    return raw
