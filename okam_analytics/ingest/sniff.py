"""Look at the first bytes of an export: what kind of file it is, its CSV dialect, its header row."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from okam_analytics.ingest.refused import ImportRefused

HEAD_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}

# Magic numbers of files that managers upload by mistake, with the advice we give for each.
_BINARY_MAGICS = (
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old-style Excel .xls workbook (or a password-protected Office file); "
        "save it as .xlsx or CSV without a password",
    ),
    (b"%PDF", "a PDF document, not a data export"),
    (b"\x89PNG", "a PNG image, not a data export"),
    (b"\xff\xd8\xff", "a JPEG image, not a data export"),
    (b"GIF8", "a GIF image, not a data export"),
    (b"II*\x00", "a TIFF image, not a data export"),
    (b"MM\x00*", "a TIFF image, not a data export"),
    (b"\x1f\x8b", "a gzip-compressed file; decompress it and import the file inside"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive; extract it and import the file inside"),
    (b"Rar!", "a RAR archive; extract it and import the file inside"),
    (b"{\\rtf", "an RTF document, not a data export"),
)
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_MARKUP = (
    ("<!doctype html", "an HTML page"),
    ("<html", "an HTML page"),
    ("<table", "an HTML table"),
    ("<?xml", "an XML file"),
)
# Cells made only of digits and number/date punctuation are values, not header labels.
_VALUE_LIKE = re.compile(r"^[\s\d.,:;/+\-%€$£()'\"]*$")


def file_kind(head: bytes) -> str:
    """'zip' for a zip container, 'text' for a text file; refuses known non-export formats."""
    if head.startswith(_ZIP_MAGICS):
        return "zip"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        raise ImportRefused("The file is a WebP image, not a data export.")
    for magic, what in _BINARY_MAGICS:
        if head.startswith(magic):
            raise ImportRefused(f"The file is {what}.")
    return "text"


def refuse_markup(sample: str) -> None:
    """Refuse HTML/XML pages saved with a .csv or .xls name (a common 'Excel export')."""
    start = sample.lstrip("\ufeff \t\r\n").lower()
    for prefix, what in _MARKUP:
        if start.startswith(prefix):
            raise ImportRefused(
                f"The file is {what}, not a CSV or Excel workbook; "
                "export the data as CSV or .xlsx instead."
            )


def is_label(cell: str | None) -> bool:
    """A non-empty text that is not a number, amount, date or time."""
    return bool(cell and cell.strip()) and not _VALUE_LIKE.match(cell)


def looks_like_header(cells: Sequence[str | None]) -> bool:
    """Mostly labels: more than half of the cells are non-empty, non-numeric texts."""
    return 2 * sum(1 for cell in cells if is_label(cell)) > len(cells)


def is_blank(cells: Sequence[str | None]) -> bool:
    """No cell holds anything but whitespace."""
    return not any(cell and cell.strip() for cell in cells)


def modal_width(widths: Sequence[int]) -> int:
    """The most frequent cell count; ties go to the wider count."""
    if not widths:
        return 0
    counts = Counter(widths)
    return max(counts, key=lambda width: (counts[width], width))


def header_index(rows: Sequence[Sequence[str | None]], exact: bool) -> int | None:
    """Index of the header row: the first mostly-label row as wide as the bulk of the rows.

    A row at least as wide as the bulk qualifies; exact=True (CSV) also knows that tools
    ending every data row with a delimiter give the data one more (empty) cell.
    """
    filled = [row for row in rows if not is_blank(row)]
    if not filled:
        return None
    width = modal_width([len(row) for row in filled])
    # Tools that end every data row with a delimiter give data one more (empty) cell than the header.
    trailing = (
        exact and width > 1 and all(not (r[-1] or "").strip() for r in filled if len(r) == width)
    )
    target = width - 1 if trailing else width
    for index, row in enumerate(rows):
        # wider than the bulk is fine: rows whose trailing empty cells are not written (and
        # quoted line breaks cut from a sample) must not make the first data row the header
        fits = len(row) >= target
        if fits and looks_like_header(row):
            return index
    for index, row in enumerate(rows):
        if len(row) >= 2 and looks_like_header(row):
            return index
    return next(index for index, row in enumerate(rows) if not is_blank(row))


@dataclass
class Record:
    """One CSV record of the sample with the physical lines it spans."""

    cells: list[str]
    first_line: int
    last_line: int


@dataclass
class CsvLayout:
    """What the sample tells about a CSV file."""

    delimiter: str
    header_cells: list[str]
    header_line: int  # physical line where the header record starts
    data_start_line: int  # first physical line after the header record
    skip_records: int  # records (blank lines included) up to and including the header
    width: int  # widest record seen after the header (>= header width)


def parse_sample(text: str, delimiter: str, newline: str, truncated: bool) -> list[Record]:
    """Quote-aware parse of the sample; the last record is dropped when the sample is cut."""
    reader = csv.reader(io.StringIO(text, newline=newline), delimiter=delimiter, quotechar='"')
    records: list[Record] = []
    try:
        for cells in reader:
            first = records[-1].last_line + 1 if records else 1
            records.append(Record(cells, first, reader.line_num))
    except csv.Error:
        truncated = True  # a field the csv module cannot take: judge on what came before
    if truncated and records:
        records.pop()
    return records


def _delimiter_score(records: list[Record]) -> tuple[bool, bool, int, int]:
    """More than one column; records of one width (a wrong delimiter cuts quoted multi-line
    values into records of scattered widths); then the most records of that width."""
    widths = [len(r.cells) for r in records if not is_blank(r.cells)]
    width = modal_width(widths)
    at_width = sum(1 for w in widths if w == width)
    return width > 1, at_width >= 0.9 * len(widths), at_width, width


def sniff_csv(text: str, newline: str, truncated: bool) -> CsvLayout:
    """Delimiter, header row and width from the decoded first bytes of the file."""
    parsed = {d: parse_sample(text, d, newline, truncated) for d in DELIMITERS}
    delimiter = max(DELIMITERS, key=lambda d: _delimiter_score(parsed[d]))
    records = parsed[delimiter]
    index = header_index([r.cells for r in records], exact=True)
    if index is None:
        raise ImportRefused("The file is empty.")
    header = records[index]
    after = records[index + 1 :]
    width = max([len(header.cells), *(len(r.cells) for r in after)])
    return CsvLayout(
        delimiter=delimiter,
        header_cells=header.cells,
        header_line=header.first_line,
        data_start_line=header.last_line + 1,
        skip_records=index + 1,
        width=width,
    )
