"""read_export: dialects, encodings, workbooks, refusals and line numbers on tiny literal files."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import resource
import time
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from defusedxml import DefusedXmlException
from hypothesis import given, settings
from hypothesis import strategies as st

from okam_analytics.ingest import xlsx
from okam_analytics.ingest.read import ImportRefused, RawTable, read_export


def rows(raw: RawTable) -> list[tuple]:
    """All rows in file order, __line last."""
    return raw.con.execute(f"select * from {raw.table} order by __line").fetchall()


def refusal(data: bytes, **options) -> str:
    with pytest.raises(ImportRefused) as caught:
        read_export(data, "export.csv", **options)
    return str(caught.value)


def workbook(sheets: dict[str, list[list]]) -> bytes:
    """An .xlsx built in memory: sheet name -> rows (None = empty cell)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, sheet_rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in sheet_rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The same zip with some members replaced or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename not in replace:
                target.writestr(info, source.read(info.filename))
        for name, content in replace.items():
            target.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# --- CSV dialects and encodings ---------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "delimiter"),
    [
        (b"ID,Client,Hours\nT-1,Acme,7.5\nT-2,Globex,2\n", ","),
        (b"ID;Client;Hours\nT-1;Acme;7,5\nT-2;Globex;2\n", ";"),
        (b"ID\tClient\tHours\nT-1\tAcme\t7.5\nT-2\tGlobex\t2\n", "\t"),
        (b"ID|Client|Hours\r\nT-1|Acme|7.5\r\nT-2|Globex|2\r\n", "|"),
    ],
)
def test_delimiters(data, delimiter):
    raw = read_export(data, "export.csv")
    hours = "7,5" if delimiter == ";" else "7.5"
    assert (raw.delimiter, raw.encoding, raw.header_line) == (delimiter, "utf-8", 1)
    assert raw.headers == ["ID", "Client", "Hours"]
    assert rows(raw) == [("T-1", "Acme", hours, 2), ("T-2", "Globex", "2", 3)]
    assert raw.rows_read == 2


def test_semicolon_file_with_decimal_commas_is_not_comma_separated():
    raw = read_export(b"ID;Heures;Taux\n1;7,5;1,2\n2;;0,5\n", "export.csv")
    assert raw.delimiter == ";"
    assert rows(raw) == [("1", "7,5", "1,2", 2), ("2", None, "0,5", 3)]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("ID;Client\n1;Société Générale\n".encode("utf-8-sig"), "utf-8-sig"),
        ("ID;Client\n1;Société Générale\n".encode("utf-16"), "utf-16"),
        (b"\xfe\xff" + "ID;Client\n1;Société Générale\n".encode("utf-16-be"), "utf-16"),
        ("ID;Client\n1;Société Générale\n".encode("utf-16-le"), "utf-16-le"),
    ],
)
def test_unicode_encodings(data, encoding):
    raw = read_export(data, "export.csv")
    assert raw.encoding == encoding
    assert raw.headers == ["ID", "Client"]  # no byte-order mark left in the first header
    assert rows(raw) == [("1", "Société Générale", 2)]


def test_windows_1252_with_accents_and_euro():
    data = "ID;Libellé;Montant\n1;Café;5 €\n2;Thé;3 €\n".encode("cp1252")
    raw = read_export(data, "export.csv")
    assert raw.encoding == "cp1252"
    assert raw.headers == ["ID", "Libellé", "Montant"]
    assert rows(raw) == [("1", "Café", "5 €", 2), ("2", "Thé", "3 €", 3)]


def test_ascii_file_with_one_latin_byte_reads_as_windows_1252():
    raw = read_export(b"ID;Client\n1;Acme\n2;Nestl\xe9\n", "export.csv")
    assert raw.encoding == "cp1252"
    assert rows(raw)[1] == ("2", "Nestlé", 3)


def test_utf8_file_with_a_stray_byte_names_its_line():
    data = "ID;Client\n1;Société\n2;Nestlé\n".encode() + b"3;Caf\xe9\n" + "4;Thé\n".encode()
    message = refusal(data)
    assert "line 4 has a byte (0xE9) that is not valid UTF-8" in message


LONG_ASCII = "".join(f"{n};Client {n % 7};Note {n:06d}\n" for n in range(1, 4001))  # > 64 KB


@pytest.mark.parametrize("as_path", [False, True])
def test_latin_bytes_after_a_utf8_start_read_as_windows_1252(tmp_path, as_path):
    # The first 64 KB are plain ASCII: only the reader sees the latin byte near the end.
    data = ("ID;Client;Note\n" + LONG_ASCII).encode() + b"4001;Nestl\xe9;fin\n"
    source = tmp_path / "export.csv"
    source.write_bytes(data)
    raw = read_export(source if as_path else data, "export.csv")
    assert (raw.encoding, raw.rows_read) == ("cp1252", 4001)
    assert rows(raw)[-1] == ("4001", "Nestlé", "fin", 4002)
    assert raw.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("line_end", ["\r", "\r\n"])
def test_latin_bytes_after_a_utf8_start_with_odd_line_ends_read_as_windows_1252(line_end):
    # A bare CR (rewritten first) or CRLF rows mixed with LF ones (rewritten after DuckDB
    # stops): the rewritten file is still checked, then read as Windows-1252.
    head = ("ID;Client;Note" + line_end + LONG_ASCII).encode()
    raw = read_export(head + b"4001;Nestl\xe9;fin\n", "export.csv")
    assert (raw.encoding, raw.rows_read) == ("cp1252", 4001)
    assert rows(raw)[-1] == ("4001", "Nestlé", "fin", 4002)


def test_utf8_file_with_a_late_stray_byte_names_its_line():
    body = "".join(f"{n};Société {n};Thé\n" for n in range(1, 4001)).encode()
    message = refusal(b"ID;Client;Note\n" + body + b"4001;Caf\xe9;x\n")
    assert "line 4002 has a byte (0xE9) that is not valid UTF-8" in message


def test_bytes_undefined_in_windows_1252_are_refused():
    assert "line 2" in refusal(b"ID;Client\n1;Ac\x81me\n")


@pytest.mark.parametrize(
    "data",
    [b"ID;Client\n1;Ac\x00me\n", b"\x00\x01\x02\x03\x04binary\x00\x00\xff"],
)
def test_binary_bytes_are_refused(data):
    assert "binary" in refusal(data)


def test_old_mac_line_ends():
    raw = read_export(b"ID;Client\r1;Acme\r2;Globex\r", "export.csv")
    assert rows(raw) == [("1", "Acme", 2), ("2", "Globex", 3)]


# --- header row, quoting, ragged rows, line numbers ---------------------------------------


def test_title_rows_above_the_header_are_skipped():
    data = (
        b"Rapport des tickets\n"
        b"\n"
        b"Periode;janvier 2026;;\n"
        b"ID;Client;Ouvert le;Heures\n"
        b"1;Acme;31/01/2026 14:05;2\n"
        b"2;Globex;30/01/2026 09:00;3\n"
    )
    raw = read_export(data, "export.csv")
    assert raw.header_line == 4
    assert raw.headers == ["ID", "Client", "Ouvert le", "Heures"]
    assert rows(raw) == [
        ("1", "Acme", "31/01/2026 14:05", "2", 5),
        ("2", "Globex", "30/01/2026 09:00", "3", 6),
    ]


def test_quoted_delimiters_quotes_and_line_breaks():
    data = (
        b'ID;Titre;Client\n1;"Imprimante; bourrage";Acme\n'
        b'2;"Ecran ""noir""\r\napres reboot";Globex\n3;  Simple  ;  \n'
    )
    raw = read_export(data, "export.csv")
    assert rows(raw) == [
        ("1", "Imprimante; bourrage", "Acme", 2),
        ("2", 'Ecran "noir"\r\napres reboot', "Globex", 3),
        ("3", "Simple", None, 5),  # trimmed; blank is NULL; the line counts the line break
    ]


def test_line_numbers_with_blank_lines_and_multiline_values():
    data = b'A;B;C\n1;2;3\n\n4;5;6\n\n\n7;"x\ny";9\n\n10;11;12\n\n'
    raw = read_export(data, "export.csv")
    assert [row[-1] for row in rows(raw)] == [2, 4, 7, 10]
    assert raw.rows_read == 4


def test_short_rows_are_padded_with_null():
    raw = read_export(b'A;B;C\n1;"x\ny";3\n4;5\n7;8;9\n', "export.csv")
    assert rows(raw) == [("1", "x\ny", "3", 2), ("4", "5", None, 4), ("7", "8", "9", 5)]


def test_ragged_row_is_refused_naming_its_line():
    message = refusal(b"ID;Titre;Client\n1;a;Acme\n2;b;c;Globex\n3;d;Initech\n")
    assert message.startswith("Line 3 has more cells than the header (3 columns)")


def test_ragged_row_after_multiline_value_names_its_physical_line():
    message = refusal(b'ID;Titre\n1;"a\nb"\n2;c\n3;d;e\n')
    assert message.startswith("Line 5 has more cells")


def test_unclosed_quote_is_refused_naming_its_line():
    assert refusal(b'ID;Titre;Client\n1;a;Acme\n2;"b;Globex\n3;c;Initech\n').startswith(
        "Line 3 has a quote"
    )


# Cells with delimiters, quotes, accents and line breaks (R stands for a CRLF inside a value).
CELL = st.text(alphabet=' ab\u00e9z09"\nR.', max_size=8)


@settings(max_examples=30, deadline=None)
@given(
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    line_end=st.sampled_from(["\n", "\r\n"]),
    table=st.integers(2, 4).flatmap(
        lambda width: st.lists(st.lists(CELL, min_size=width, max_size=width), max_size=6)
    ),
)
def test_any_quoted_table_round_trips(delimiter, line_end, table):
    width = len(table[0]) if table else 3
    header = [f"Colonne {chr(65 + i)}" for i in range(width)]
    cells = [[c.replace("z", delimiter).replace("R", "\r\n") for c in row] for row in table]
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator=line_end).writerows([header, *cells])
    expected, line = [], 2
    for row in cells:
        values = tuple(c.strip(" \t\r\n") or None for c in row)
        if any(values):
            expected.append((*values, line))
        line += sum(c.count("\n") for c in row) + 1
    if not expected:
        assert refusal(buffer.getvalue().encode()).endswith("no data rows.")
        return
    raw = read_export(buffer.getvalue().encode(), "export.csv")
    assert (raw.delimiter, raw.headers) == (delimiter, header)
    assert rows(raw) == expected


def test_mixed_line_ends_and_bare_carriage_returns():
    raw = read_export(b"ID;Note\n1;a\r\n2;b\n3;c\r\n", "export.csv")
    assert rows(raw) == [("1", "a", 2), ("2", "b", 3), ("3", "c", 4)]
    # A bare CR ends a line, as in Excel and Python's universal newlines.
    raw = read_export(b"ID;Note\n1;a\rb\n2;c\n", "export.csv")
    assert rows(raw) == [("1", "a", 2), ("b", None, 3), ("2", "c", 4)]


def test_trailing_delimiter_on_every_row_is_tolerated():
    for data in (b"A;B\n1;2;\n3;4;\n", b"A;B;\n1;2;\n3;4;\n"):
        raw = read_export(data, "export.csv")
        assert (raw.headers, raw.blank_headers) == (["A", "B"], 0)
        assert rows(raw) == [("1", "2", 2), ("3", "4", 3)]


def test_duplicate_and_blank_headers_are_reported_not_refused():
    raw = read_export(b"ID;Client;;client;ID;__line\n1;a;b;c;d;e\n", "export.csv")
    assert raw.headers == ["ID", "Client", "column_3", "client", "ID", "__line"]
    assert raw.columns == ["ID", "Client", "column_3", "client (2)", "ID (2)", "__line (2)"]
    assert raw.duplicate_headers == ["ID", "Client"]
    assert raw.blank_headers == 1
    assert rows(raw) == [("1", "a", "b", "c", "d", "e", 2)]


# --- refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "The file is empty."),
        (b" \r\n\r\n", "The file is empty."),
        (b"\xef\xbb\xbf", "The file is empty."),
        (b"ID;Client;Hours\n", "The file has a header row but no data rows."),
        (b"ID;Client;Hours\n;;\n\n", "The file has a header row but no data rows."),
    ],
)
def test_empty_and_header_only_files(data, expected):
    assert refusal(data) == expected


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), ".xls"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
        (b"<!DOCTYPE html><html><body><table></table>", "HTML page"),
    ],
)
def test_files_that_are_not_exports_are_named(data, named):
    assert named in refusal(data)


def test_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("tickets.csv", "ID;Client\n1;Acme\n")
    assert "zip archive (holding tickets.csv)" in refusal(buffer.getvalue())


def test_word_document_is_named():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    assert "Word document" in refusal(buffer.getvalue())


def test_row_cap():
    data = b'ID;Titre\n1;a\n2;"b\nc"\n3;d\n'
    assert read_export(data, "export.csv", max_rows=3).rows_read == 3
    assert refusal(data, max_rows=2).startswith("The file has more than 2 rows")


def test_file_name_is_only_a_label(tmp_path, monkeypatch):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    raw = read_export(b"ID;Client\n1;Acme\n", "../../x.csv")
    assert raw.file_name == "../../x.csv"
    assert not (tmp_path / "x.csv").exists()
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "b"]


def test_path_source_and_sha256(tmp_path):
    data = "Rapport\n\nID;Client\n1;Société\n".encode("cp1252")
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    raw = read_export(path, "export.csv")
    assert raw.sha256 == hashlib.sha256(data).hexdigest()
    assert (raw.encoding, raw.header_line, rows(raw)) == ("cp1252", 3, [("1", "Société", 4)])
    assert read_export(data, "export.csv").sha256 == raw.sha256


# --- workbooks ---------------------------------------------------------------------------

TICKET_SHEET = [
    ["Rapport des tickets"],
    [],
    ["ID", "Ouvert le", "Jour", "Heures", "Facturable", "Client", None, "ID"],
    [1, dt.datetime(2026, 1, 31, 14, 5), dt.date(2026, 1, 31), 7.5, True, " Acme ", None, "x"],
    [2, dt.datetime(2026, 1, 30, 9, 0, 30), dt.date(2026, 1, 30), 12.0, False, None, None, None],
    [],
    [3, None, None, 0.1 + 0.2, None, "Globex", "note", None],
]


def test_workbook_with_title_rows():
    data = workbook({"Vide": [], "Tickets": TICKET_SHEET, "Autre": [["x"]]})
    raw = read_export(data, "export.xlsx")
    assert (raw.sheet, raw.sheets, raw.encoding, raw.delimiter) == (
        "Tickets",
        ["Vide", "Tickets", "Autre"],
        None,
        None,
    )
    assert raw.header_line == 3
    assert raw.headers == [
        "ID",
        "Ouvert le",
        "Jour",
        "Heures",
        "Facturable",
        "Client",
        "column_7",
        "ID",
    ]
    assert (raw.duplicate_headers, raw.blank_headers) == (["ID"], 1)
    assert rows(raw) == [
        ("1", "2026-01-31 14:05:00", "2026-01-31", "7.5", "TRUE", "Acme", None, "x", 4),
        ("2", "2026-01-30 09:00:30", "2026-01-30", "12", "FALSE", None, None, None, 5),
        ("3", None, None, "0.3", None, "Globex", "note", None, 7),
    ]
    assert raw.sha256 == hashlib.sha256(data).hexdigest()


def test_workbook_times_durations_and_numbers():
    header = ["Début", "Durée", "Grand", "Petit", "Négatif"]
    values = [dt.time(9, 30), dt.timedelta(hours=26, minutes=5), 123456789012.0, 1.5e-7, -2.25]
    raw = read_export(workbook({"Temps": [header, values]}), "export.xlsx")
    assert rows(raw) == [("09:30:00", "26:05:00", "123456789012", "0.00000015", "-2.25", 2)]


def test_workbook_sheet_argument():
    data = workbook({"Tickets": TICKET_SHEET, "Temps": [["Consultant", "Heures"], ["Ana", 1.25]]})
    raw = read_export(data, "export.xlsx", sheet="Temps")
    assert (raw.sheet, raw.header_line, rows(raw)) == ("Temps", 1, [("Ana", "1.25", 2)])
    assert "no sheet named 'Nope'" in refusal(data, sheet="Nope")


def test_workbook_header_only_and_empty():
    assert refusal(workbook({"A": [["ID", "Client"]]})) == (
        "The file has a header row but no data rows."
    )
    assert refusal(workbook({"A": [], "B": []})).startswith("The file is empty")


def test_workbook_renamed_csv_is_read_as_workbook():
    raw = read_export(workbook({"Feuil1": [["ID", "Client"], ["T-1", "Acme"]]}), "tickets.csv")
    assert (raw.sheet, raw.delimiter, rows(raw)) == ("Feuil1", None, [("T-1", "Acme", 2)])


def test_workbook_row_cap():
    data = workbook({"A": [["ID"], [1], [2], [3]]})
    assert read_export(data, "export.xlsx", max_rows=3).rows_read == 3
    assert refusal(data, max_rows=2).startswith("The sheet has more than 2 rows")


def test_zip_bomb_is_refused_before_inflating(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    padded = rezip(workbook({"A": [["ID"], [1]]}), {"xl/media/pad.bin": bytes(2 * 1024 * 1024)})
    assert len(padded) < 20_000
    assert "zip bomb" in refusal(padded)


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def excel_style_workbook(shared_strings: bytes) -> bytes:
    """A minimal workbook whose cells point into sharedStrings.xml, as Excel writes them."""
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>'
            '<sheet name="Tickets" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{RELS}">'
            f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{MAIN}"><sheetData>'
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
            '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>2</v></c></row>'
            "</sheetData></worksheet>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        archive.writestr("xl/sharedStrings.xml", shared_strings)
    return buffer.getvalue()


SHARED_STRINGS = (
    f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="3" uniqueCount="3">'
    "<si><t>ID</t></si><si><t>Client</t></si><si><t>Acme</t></si></sst>"
).encode()
BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(8)
    )
    + f']>\n<sst xmlns="{MAIN}" count="3" uniqueCount="3"><si><t>&i;</t></si>'.encode()
    + b"<si><t>Client</t></si><si><t>Acme</t></si></sst>"
)


def test_workbook_with_shared_strings():
    raw = read_export(excel_style_workbook(SHARED_STRINGS), "export.xlsx")
    assert (raw.sheet, raw.headers, rows(raw)) == ("Tickets", ["ID", "Client"], [("1", "Acme", 2)])


def test_entity_expansion_is_refused():
    message = refusal(excel_style_workbook(BILLION_LAUGHS))
    assert "xl/sharedStrings.xml declares XML entities" in message


def test_openpyxl_parses_through_defusedxml():
    # The second line of defence, should a DTD ever slip past the reader's own check.
    with pytest.raises(ValueError) as caught:
        openpyxl.load_workbook(io.BytesIO(excel_style_workbook(BILLION_LAUGHS)), read_only=True)
    assert isinstance(caught.value.__cause__, DefusedXmlException)


def test_damaged_workbook():
    data = workbook({"A": [["ID"], [1]]})
    broken = rezip(data, {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row>"})
    assert refusal(broken).startswith("The workbook could not be read")


# --- real exports ------------------------------------------------------------------------

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("name", "count", "first_headers"),
    [
        ("zendesk_tickets_export.csv.gz", 16_476, ["Id", "Requester id", "Group", "Status"]),
        (
            "servicenow_incident_event_log_excel_subset.csv.gz",
            5_998,
            ["number", "incident_state", "active", "reassignment_count"],
        ),
    ],
)
def test_real_exports(tmp_path, name, count, first_headers):
    if not (REALDATA / name).exists():
        pytest.skip("../shared/realdata is not available")
    path = tmp_path / name.removesuffix(".gz")
    path.write_bytes(gzip.decompress((REALDATA / name).read_bytes()))
    raw = read_export(path, path.name)
    assert (raw.encoding, raw.delimiter, raw.header_line) == ("utf-8", ",", 1)
    assert raw.headers[:4] == first_headers
    assert (raw.rows_read, raw.duplicate_headers, raw.blank_headers) == (count, [], 0)
    lines = raw.con.execute(f"select min(__line), max(__line) from {raw.table}").fetchall()
    assert lines == [(2, count + 1)]


# --- scale -------------------------------------------------------------------------------


@pytest.mark.slow
def test_million_rows_read_by_duckdb_with_bounded_memory(tmp_path):
    path = tmp_path / "tickets.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("Rapport des tickets\n\nID;Titre;Client;Statut;Ouvert le;Heures\n")
        out.writelines(
            f'{i};"Poste {i % 97}; lent";Client {i % 50};Clos;{1 + i % 28:02d}/01/2026 09:05;'
            f"{i % 8},5\n"
            for i in range(1_000_000)
        )
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    raw = read_export(path, "tickets.csv")
    elapsed = time.perf_counter() - started
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    plain = duckdb.connect()
    started = time.perf_counter()
    plain.execute(
        f"create table t as select * from read_csv('{path}', skip = 2, delim = ';', "
        "all_varchar = true)"
    )
    baseline = time.perf_counter() - started
    print(f"read_export {elapsed:.2f} s, plain read_csv {baseline:.2f} s, grew {grown_mb:.0f} MB")
    assert raw.rows_read == 1_000_000
    last = raw.con.execute(f"select * from {raw.table} where __line = 1000003").fetchall()
    assert last == [
        ("999999", "Poste 26; lent", "Client 49", "Clos", "08/01/2026 09:05", "7,5", 1000003)
    ]
    assert grown_mb < 1500
    assert elapsed < 10 * baseline + 5


def test_chosen_columns_are_stored_and_blank_rows_judged_on_all_cells():
    data = b"A,B,C,\n1,x,y,\n, \t, ,\n,,z,\n ,2,,\n"
    raw = read_export(data, "export.csv", columns=lambda headers: ["C"])
    assert raw.headers == ["A", "B", "C"]
    assert raw.columns == ["A", "B", "C"]
    # line 3 is blank in every cell; line 5 holds a value only in a column not stored
    assert rows(raw) == [("y", 2), ("z", 4), (None, 5)]
    assert raw.rows_read == 3
    assert [r[0] for r in raw.con.execute(f"describe {raw.table}").fetchall()] == ["C", "__line"]


def test_chosen_columns_still_refuse_a_ragged_row_in_a_column_not_stored():
    message = refusal(b"A,B\n1,2\n3,4,5\n", columns=["A"])
    assert message.startswith("Line 3 has more cells than the header")
