"""Table downloads that a spreadsheet opens as data, never as formulas (SPEC 8, OWASP CSV injection).

A text cell starting with = + - @, a tab or a carriage return gets a leading apostrophe, so
Excel, LibreOffice and Google Sheets show it as text. Numbers stay numbers: only text is touched.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_START = re.compile(r"^[=+\-@\t\r]")
SHEET_TITLE_CHARS = re.compile(r"[\\/*?:\[\]]")


def neutralise(value: object) -> object:
    """A text value that would start a formula, prefixed with an apostrophe; anything else as is."""
    if isinstance(value, str) and FORMULA_START.match(value):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of frame whose text cells (values and headers) cannot start a formula."""
    safe = frame.copy()
    safe.columns = [neutralise(str(name)) for name in safe.columns]
    for name in safe.columns:
        column = safe[name]
        if column.dtype == object or pd.api.types.is_string_dtype(column):
            safe[name] = column.map(neutralise, na_action="ignore").astype(object)
    return safe


def safe_csv(frame: pd.DataFrame) -> bytes:
    """frame as UTF-8 CSV with a BOM (Excel reads the accents), formulas neutralised."""
    # CRLF rows (RFC 4180): the writer then quotes any cell holding a CR or LF, which a bare
    # "\n" terminator would leave unquoted for a CR, splitting the row when read back
    return safe_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _cell(value: object) -> object:
    """A value openpyxl writes with its type: numbers as numbers, text as text (never a formula)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, bool | int | float | datetime | date):
        return value
    if isinstance(value, list | tuple | np.ndarray):
        value = ", ".join(str(item) for item in value)
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return neutralise(text)


def safe_xlsx(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    """frame as an .xlsx workbook: numbers numeric, text cells stored as text, formulas neutralised."""
    # write-only: rows stream to the file, so a long table does not build a cell object per value
    book = Workbook(write_only=True)
    ws = book.create_sheet(SHEET_TITLE_CHARS.sub(" ", sheet)[:31] or "data")
    ws.append([_cell(str(name)) for name in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        # after _cell no text starts with "=", the only thing openpyxl would write as a formula
        ws.append([_cell(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
