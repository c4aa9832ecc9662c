"""Read an .xlsx sheet into the `raw_rows` table: checked zip, streamed rows, ISO text values.

Workbooks are zip files: declared sizes are capped before anything is inflated (Python's
zipfile stops at the declared size, so a lying header cannot inflate more), and XML parts
with a DTD are refused before openpyxl sees them (openpyxl also parses through defusedxml).
"""

from __future__ import annotations

import io
import itertools
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import duckdb
import openpyxl
import pyarrow as pa
from defusedxml import DefusedXmlException

from okam_analytics.ingest.encoding import Source
from okam_analytics.ingest.refused import ImportRefused
from okam_analytics.ingest.sniff import header_index, is_blank
from okam_analytics.ingest.table import LINE, TABLE

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
BATCH_ROWS = 50_000
SAMPLE_ROWS = 200
_PROLOG_LIMIT = 1024 * 1024
_ROOT_ELEMENT = re.compile(rb"<[A-Za-z_]")
# What zipfile raises on a damaged or hostile archive (encrypted parts, unknown methods ...).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    OSError,
)
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_OTHER_ZIPS = (
    ("xl/workbook.bin", "an Excel binary workbook (.xlsb); save it as .xlsx or CSV"),
    ("word/document.xml", "a Word document, not a data export"),
    ("ppt/presentation.xml", "a PowerPoint presentation, not a data export"),
    ("content.xml", "an OpenDocument file (.ods); save it as .xlsx or CSV"),
)


@dataclass
class Sheet:
    """What the sheet reader learnt, besides the rows it loaded."""

    header_cells: list[str | None]
    header_line: int
    width: int
    sheet: str
    sheets: list[str]


def _stream(source: Source) -> io.BytesIO | Source:
    return io.BytesIO(source) if isinstance(source, bytes | bytearray | memoryview) else source


def _open_zip(source: Source) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(_stream(source))
    except (zipfile.BadZipFile, OSError):
        raise ImportRefused("The file is a damaged zip archive, not a readable workbook.") from None


def _has_dtd(archive: zipfile.ZipFile, name: str) -> bool:
    """True when the XML part declares a DTD (entities) before its root element."""
    prolog = b""
    with archive.open(name) as part:
        while len(prolog) < _PROLOG_LIMIT:
            chunk = part.read(16384)
            prolog += chunk.replace(b"\x00", b"")  # UTF-16 parts: keep the ASCII letters
            root = _ROOT_ELEMENT.search(prolog)
            if root or not chunk:
                head = prolog[: root.start()] if root else prolog
                return b"<!DOCTYPE" in head or b"<!ENTITY" in head
    return True  # a megabyte of prolog is no workbook


def check_workbook(source: Source) -> None:
    """Refuse zips that are not workbooks, zip bombs and XML with entity declarations."""
    try:
        _check_parts(source)
    except _ZIP_ERRORS as exc:  # e.g. a part longer than its declared size fails its CRC
        raise ImportRefused(f"The workbook could not be read (it may be damaged): {exc}") from None


def _check_parts(source: Source) -> None:
    with _open_zip(source) as archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            what = next((w for part, w in _OTHER_ZIPS if part in names), None)
            if what is None:
                listed = ", ".join(sorted(names)[:3]) or "nothing"
                what = f"a zip archive (holding {listed}); extract the export and import it"
            raise ImportRefused(f"The file is {what}.")
        if "[Content_Types].xml" not in names:
            raise ImportRefused("The workbook is damaged (its [Content_Types].xml is missing).")
        inflated = sum(info.file_size for info in archive.infolist())
        if inflated > MAX_UNCOMPRESSED_BYTES:
            raise ImportRefused(
                f"The workbook expands to {inflated // 2**20:,} MB, more than the "
                f"{MAX_UNCOMPRESSED_BYTES // 2**20} MB we open (a zip bomb or a very large "
                "sheet); export the data as CSV instead."
            )
        for name in sorted(names):
            if name.endswith((".xml", ".rels", ".vml")) and _has_dtd(archive, name):
                raise ImportRefused(
                    f"The workbook's part {name} declares XML entities, which exports never "
                    "do; it was refused for safety."
                )


def _shows_time(number_format: str) -> bool:
    return bool(re.search("[hs]", _FORMAT_LITERALS.sub("", number_format or "").lower()))


def _number_text(value: float) -> str:
    """Shortest text without float noise: 7.5, 12, 0.3 (Excel keeps 15 significant digits)."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.15g}"
    return format(Decimal(text), "f") if "e" in text else text


def _duration_text(value: timedelta) -> str:
    seconds = round(value.total_seconds())
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def cell_text(cell: object) -> str | None:
    """A cell as the text a CSV export would hold: ISO dates, plain numbers, TRUE/FALSE."""
    value = getattr(cell, "value", None)
    if value is None or isinstance(value, str):
        return (value or "").strip() or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, datetime):
        value = (value + timedelta(microseconds=500_000)).replace(microsecond=0)
        if value.time() == time(0) and not _shows_time(getattr(cell, "number_format", "")):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, timedelta):
        return _duration_text(value)
    return str(value).strip() or None


def _rows(worksheet: object) -> Iterator[tuple[int, list[str | None]]]:
    """(sheet row number, cell texts without trailing empties), blank rows included."""
    for number, row in enumerate(worksheet.iter_rows(), start=1):
        values = [cell_text(cell) for cell in row]
        while values and values[-1] is None:
            values.pop()
        yield number, values


def _pick_sheet(workbook: object, wanted: str | None) -> object:
    if wanted is not None:
        if wanted not in {worksheet.title for worksheet in workbook.worksheets}:
            names = ", ".join(workbook.sheetnames)
            raise ImportRefused(
                f"The workbook has no sheet named {wanted!r}; its sheets are: {names}."
            )
        return workbook[wanted]
    for worksheet in workbook.worksheets:
        worksheet.reset_dimensions()  # some writers record a wrong size; read what is there
        if any(not is_blank(values) for _, values in _rows(worksheet)):
            return worksheet
    raise ImportRefused("The file is empty (no sheet of the workbook holds any value).")


def _sample(rows: Iterator[tuple[int, list]]) -> list[tuple[int, list]]:
    """The first rows, up to SAMPLE_ROWS non-blank ones, to find the header among."""
    sample, filled = [], 0
    for row in rows:
        sample.append(row)
        filled += not is_blank(row[1])
        if filled == SAMPLE_ROWS:
            break
    return sample


def _insert(con: duckdb.DuckDBPyConnection, batch: list[tuple[int, list]], width: int) -> int:
    """Append a batch of rows, widening the table if a row is wider; returns the new width."""
    columns = list(itertools.zip_longest(*(values for _, values in batch)))
    for position in range(width + 1, len(columns) + 1):
        con.execute(f"alter table {TABLE} add column c{position} varchar")
    frame = pa.table(
        {
            **{f"c{i}": pa.array(column, pa.string()) for i, column in enumerate(columns, 1)},
            LINE: pa.array([number for number, _ in batch], pa.int64()),
        }
    )
    con.register("sheet_batch", frame)
    con.execute(f"insert into {TABLE} by name select * from sheet_batch")
    con.unregister("sheet_batch")
    return max(width, len(columns))


def _load_rows(
    con: duckdb.DuckDBPyConnection, rows: Iterator, sample: list, header: int, max_rows: int
) -> int:
    """Stream the data rows after the header into the table in batches; returns the width."""
    width = max(len(values) for _, values in sample)
    columns = ", ".join(f"c{i} varchar" for i in range(1, width + 1))
    con.execute(f"create or replace table {TABLE} ({columns}, {LINE} bigint)")
    data = (row for row in itertools.chain(sample[header + 1 :], rows) if not is_blank(row[1]))
    loaded = 0
    while batch := list(itertools.islice(data, BATCH_ROWS)):
        loaded += len(batch)
        if loaded > max_rows:
            raise ImportRefused(
                f"The sheet has more than {max_rows:,} rows, the most one import takes; "
                "export a shorter period."
            )
        width = _insert(con, batch, width)
    return width


def load_xlsx(
    con: duckdb.DuckDBPyConnection, source: Source, sheet: str | None, max_rows: int
) -> Sheet:
    """Fill `raw_rows` (c1..cN, __line = sheet row) from the chosen sheet of the workbook."""
    check_workbook(source)
    stream = _stream(source)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions
            workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
            try:
                worksheet = _pick_sheet(workbook, sheet)
                worksheet.reset_dimensions()
                rows = _rows(worksheet)
                sample = _sample(rows)
                header = header_index([values for _, values in sample], exact=False)
                if header is None:
                    raise ImportRefused(f"The sheet {worksheet.title!r} is empty.")
                width = _load_rows(con, rows, sample, header, max_rows)
            finally:
                workbook.close()
    except ImportRefused:
        raise
    except Exception as exc:  # openpyxl raises anything on a malformed workbook
        if isinstance(exc, DefusedXmlException) or isinstance(exc.__cause__, DefusedXmlException):
            raise ImportRefused("The workbook declares XML entities; refused for safety.") from None
        raise ImportRefused(f"The workbook could not be read (it may be damaged): {exc}") from None
    number, header_cells = sample[header]
    return Sheet(header_cells, number, width, worksheet.title, list(workbook.sheetnames))
