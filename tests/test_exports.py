"""CSV and XLSX downloads: formula-like text comes back as text, numbers stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

from okam_analytics import exports

# title as typed in the helpdesk -> as a spreadsheet must show it
TITLES = [
    ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
    ("@SUM(1)", "'@SUM(1)"),
    ("-1+2", "'-1+2"),
    ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("Printer down", "Printer down"),
    ("a=b", "a=b"),  # only the first character matters
    ("", ""),
]


def tickets() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ticket_id": [f"T{i}" for i in range(len(TITLES))],
            "title": [typed for typed, _ in TITLES],
            "overrun_hours": [-1.5, 2.0, 0.0, 3.25, 1.0, 2.0, 4.0, 5.0, 6.0],
            "count": list(range(-4, 5)),
            "created_at": pd.to_datetime(["2026-01-05 09:00"] * len(TITLES)),
        }
    )


def test_csv_neutralises_formulas_and_keeps_numbers() -> None:
    data = exports.safe_csv(tickets())
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the accents
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [row["title"] for row in rows] == [shown for _, shown in TITLES]
    assert [float(row["overrun_hours"]) for row in rows] == tickets()["overrun_hours"].tolist()
    assert [row["count"] for row in rows] == [str(n) for n in range(-4, 5)]  # -4, not '-4


def test_xlsx_neutralises_formulas_and_keeps_numbers() -> None:
    book = load_workbook(io.BytesIO(exports.safe_xlsx(tickets(), sheet="breaches")))
    sheet = book["breaches"]
    rows = list(sheet.iter_rows(min_row=2))
    titles = [row[1] for row in rows]
    # openpyxl writes a carriage return as is with lxml (python-pptx brings it) and as a line
    # feed without it: either way the cell starts with the apostrophe
    expected = [shown.replace("\r", "\n") for _, shown in TITLES]
    assert [(cell.value or "").replace("\r", "\n") for cell in titles] == expected
    assert {cell.data_type for cell in titles if cell.value} == {"s"}  # text, never "f"
    assert [row[2].value for row in rows] == tickets()["overrun_hours"].tolist()
    assert {row[2].data_type for row in rows} == {"n"}
    assert [row[3].value for row in rows] == list(range(-4, 5))
    assert rows[0][4].value == datetime(2026, 1, 5, 9, 0)


def test_headers_are_neutralised_too() -> None:
    frame = pd.DataFrame({"=cmd|' /C calc'!A0": ["x"], "ok": [1]})
    assert exports.safe_csv(frame).decode("utf-8-sig").splitlines()[0] == "'=cmd|' /C calc'!A0,ok"
    sheet = load_workbook(io.BytesIO(exports.safe_xlsx(frame))).active
    assert [cell.value for cell in sheet[1]] == ["'=cmd|' /C calc'!A0", "ok"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1", "'=1"),
        ("@x", "'@x"),
        (12, 12),
        (-3.5, -3.5),
        (None, None),
        ("Café", "Café"),
    ],
)
def test_neutralise(value, expected) -> None:
    assert exports.neutralise(value) == expected


def test_xlsx_writes_lists_missing_values_and_control_characters() -> None:
    frame = pd.DataFrame(
        {"names": [["Ana", "=Bob"], None], "score": [float("nan"), 1.0], "note": ["a\x01b", pd.NA]}
    )
    sheet = load_workbook(io.BytesIO(exports.safe_xlsx(frame))).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)] == [
        ["Ana, =Bob", None, "ab"],
        [None, 1.0, None],
    ]
