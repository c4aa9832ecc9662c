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


def private_connection() -> duckdb.DuckDBPyConnection:
    # A directory DuckDB creates only if it spills, and removes when the connection closes.
    spill = Path(tempfile.gettempdir()) / f"okam_read_{os.getpid()}_{secrets.token_hex(6)}"
    con = duckdb.connect(
        ":memory:", config={"memory_limit": READ_MEMORY_LIMIT, "temp_directory": str(spill)}
    )
    con.execute("set enable_progress_bar = false")  # `okam import` writes JSON lines only
    return con


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


def _kept(layout: sniff.CsvLayout, wanted: list[str] | None) -> set[int] | None:
    """1-based positions of the header cells to store, or None for all."""
    if wanted is None:
        return None
    headers = table.column_names(layout.header_cells).headers
    if not set(wanted) <= set(headers):  # the header changed on a second reading: keep all
        return None
    return {i for i, header in enumerate(headers, start=1) if header in set(wanted)}


def _sniffed(text: encoding.TextFile) -> sniff.CsvLayout:
    sample, truncated = _text_sample(text.path)
    sniff.refuse_markup(sample)
    return sniff.sniff_csv(sample, text.newline, truncated)


def _prepared(source: Source, head: bytes, work: Path, checked: bool) -> encoding.TextFile:
    """The export as a UTF-8 file DuckDB can read (bare carriage returns made line feeds)."""
    text = encoding.prepare_text(source, head, work, checked)
    return encoding.normalise_newlines(text, work) if text.bare_returns else text


@dataclass
class OpenedExport:
    """An export whose header row is known and whose rows are not read yet (`read_rows`)."""

    con: duckdb.DuckDBPyConnection
    source: Source
    head: bytes
    file_name: str
    max_rows: int
    headers: list[str]  # every header cell as named in the RawTable (blanks: column_<n>)
    duplicate_headers: list[str]
    work: tempfile.TemporaryDirectory | None = None
    text: encoding.TextFile | None = None
    layout: sniff.CsvLayout | None = None
    found: xlsx.Sheet | None = None  # a workbook is loaded whole when opened

    def read_rows(self, wanted: list[str] | None = None) -> RawTable:
        """Load the rows, storing only the `wanted` headers' columns (None: all); once."""
        try:
            raw = _read_workbook_rows(self) if self.found else _read_text_rows(self, wanted)
            if raw.rows_read == 0:
                raise ImportRefused("The file has a header row but no data rows.")
        except BaseException:
            self.con.close()
            raise
        finally:
            self.release()
        return raw

    def release(self) -> None:
        """Remove the work folder of a text export (the rows, once read, are in `con`)."""
        if self.work is not None:
            self.work.cleanup()
            self.work = None

    def close(self) -> None:
        """Abandon the export without reading its rows."""
        self.release()
        self.con.close()


def _load_rows(opened: OpenedExport, wanted: list[str] | None) -> None:
    """read_csv the prepared file; on a reader failure fix the line ends, then the encoding."""
    work = Path(opened.work.name)
    try:
        csv_load.load_csv(
            opened.con, opened.text, opened.layout, opened.max_rows, _kept(opened.layout, wanted)
        )
    except csv_load.UnreadableCsv:
        if not opened.text.returns:
            raise
        # DuckDB cannot read LF and CRLF line ends mixed in one file: make them all LF.
        opened.text = encoding.normalise_newlines(opened.text, work)
        opened.layout = _sniffed(opened.text)
        _load_rows(opened, wanted)
    except csv_load.InvalidText:
        if opened.text.checked:
            raise
        # not UTF-8 after all: check every byte, then transcode (or refuse) and read again
        opened.text = _prepared(opened.source, opened.head, work, checked=True)
        opened.layout = _sniffed(opened.text)
        _load_rows(opened, wanted)


def _read_text_rows(opened: OpenedExport, wanted: list[str] | None) -> RawTable:
    _load_rows(opened, wanted)
    layout, text = opened.layout, opened.text
    names, rows = table.finish_table(opened.con, layout.header_cells, len(layout.header_cells))
    return _raw_table(
        opened.con, names, rows, opened.file_name, encoding=text.encoding,
        delimiter=layout.delimiter, sheet=None, sheets=[], header_line=layout.header_line,
        sha256=text.sha256,
    )  # fmt: skip


def _read_workbook_rows(opened: OpenedExport) -> RawTable:
    found = opened.found
    names, rows = table.finish_table(opened.con, found.header_cells, found.width)
    return _raw_table(
        opened.con, names, rows, opened.file_name, encoding=None, delimiter=None,
        sheet=found.sheet, sheets=found.sheets, header_line=found.header_line,
        sha256=_sha256(opened.source),
    )  # fmt: skip


def _header_cells(opened: OpenedExport, sheet: str | None) -> list[str | None]:
    """Prepare the export and sniff its header row (a workbook's rows are loaded meanwhile)."""
    if sniff.file_kind(opened.head) == "zip":
        confine(opened.con, [], [])  # rows arrive as Arrow batches: no file at all
        opened.found = xlsx.load_xlsx(opened.con, opened.source, sheet, opened.max_rows)
        return [*opened.found.header_cells]
    opened.work = tempfile.TemporaryDirectory(prefix="okam_read_")
    given = [] if isinstance(opened.source, bytes | bytearray | memoryview) else [opened.source]
    confine(opened.con, [str(Path(p).resolve()) for p in given], [opened.work.name])
    opened.text = _prepared(opened.source, opened.head, Path(opened.work.name), checked=False)
    opened.layout = _sniffed(opened.text)
    return list(opened.layout.header_cells)


def open_export(
    source: bytes | os.PathLike,
    file_name: str,
    sheet: str | None = None,
    max_rows: int = 20_000_000,
) -> OpenedExport:
    """The read stage's first half: the encoding, dialect and header row of an export.

    file_name is only a label for messages and records: it is never opened. Raises
    ImportRefused naming the problem. Call `read_rows` (or `close`) on the result."""
    if isinstance(source, str):
        source = Path(source)
    head, whole = _head(source)
    if whole and not head.strip(_SPACE_AND_MARKS):
        raise ImportRefused("The file is empty.")
    opened = OpenedExport(private_connection(), source, head, file_name, max_rows, [], [])
    try:
        names = table.column_names(_header_cells(opened, sheet))
    except BaseException:
        opened.close()
        raise
    opened.headers, opened.duplicate_headers = names.headers, names.duplicate_headers
    return opened


def read_export(
    source: bytes | os.PathLike,
    file_name: str,
    sheet: str | None = None,
    max_rows: int = 20_000_000,
    columns: ColumnChoice = None,
) -> RawTable:
    """Read a CSV or .xlsx export into a RawTable, or raise ImportRefused naming the problem.

    columns: the headers to store in the table (or a function of the header row giving
    them); a CSV's other columns are still parsed for the structural checks but not stored.
    `headers` and `columns` of the RawTable always list every header. Workbooks store every
    column. (The import itself calls `open_export`, then `read_rows` with the mapped headers.)
    """
    opened = open_export(source, file_name, sheet, max_rows)
    try:
        wanted = columns(opened.headers) if callable(columns) else columns
    except BaseException:
        opened.close()
        raise
    return opened.read_rows(wanted)
