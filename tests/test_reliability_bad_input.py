"""Every bad file of the reliability issue, end to end (the ingest service and `okam import`):
a message that names the problem, and every table of the database exactly as before.

Reader-level details (which line, which byte) are tested in test_read.py; row rules in
test_ingest.py. Here each case goes the whole way, into a database that already holds data.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from test_read import BILLION_LAUGHS, excel_style_workbook, workbook

from okam_analytics import db
from okam_analytics.cli import main
from okam_analytics.ingest import read, service

REPO = Path(__file__).resolve().parents[1]
GLPI_HEADER = (
    "ID;Titre;Entité;Statut;Date d'ouverture;Date de prise en compte;Date de résolution;"
    "Date de clôture;Dernière modification;Priorité;Urgence;Catégorie;Type;"
    "Attribué à - Technicien;Attribué à - Groupe de techniciens;Demandeur - Demandeur"
)
GOOD_TICKETS = (
    GLPI_HEADER + "\n"
    "1;Imprimante;Racine > Client A;Nouveau;05-01-2026 10:00;;;;;Haute;;;;Ana;N1;\n"
    "2;VPN;Racine > Client B;Résolu;06-01-2026 09:00;;06-01-2026 11:00;;;Basse;;;;Bob;N2;\n"
).encode()
HOURS_HEADER = "Date;Consultant;Client;Hours\n"
GOOD_HOURS = (HOURS_HEADER + "05/01/2026;Ana;Client A;7,5\n06/01/2026;Bob;Client B;8\n").encode()


def ticket_file(*rows: str) -> bytes:
    return "\n".join([GLPI_HEADER, *rows, ""]).encode()


def hours_file(*rows: str) -> bytes:
    return (HOURS_HEADER + "\n".join([*rows, ""])).encode()


def snapshot(con) -> dict[str, tuple[int, str]]:
    """Row count and a hash of the sorted rows of every table."""
    tables = con.execute(
        "select table_name from information_schema.tables"
        " where table_schema = 'main' and table_type = 'BASE TABLE' order by 1"
    ).fetchall()
    return {
        name: con.execute(
            f"select count(*), md5(coalesce(string_agg(t::varchar, chr(10) order by t::varchar), ''))"
            f' from "{name}" t'
        ).fetchall()[0]
        for (name,) in tables
    }


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    """A database file that holds one ticket import and one timesheet import."""
    path = tmp_path_factory.mktemp("filled") / "okam.duckdb"
    con = db.connect(path)
    for data, name in ((GOOD_TICKETS, "glpi.csv"), (GOOD_HOURS, "hours.csv")):
        assert service.load(con, service.inspect(data, name)).status == "loaded"
    con.close()  # checkpointed: the file alone is the database
    return path


@pytest.fixture
def database(filled, tmp_path) -> Path:
    """This test's copy of the filled database."""
    return Path(shutil.copy(filled, tmp_path / "okam.duckdb"))


# --- files built once: a real zip bomb, a zip whose sizes lie ---------------------------------


@cache
def zip_bomb() -> bytes:
    """A workbook with a 210 MB member of zeros that deflates to a fraction of a megabyte."""
    buffer = io.BytesIO(workbook({"A": [["ID", "Created"], [1, "2026-01-05"]]}))
    with (
        zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/media/pad.bin", "w", force_zip64=True) as pad,
    ):
        for _ in range(210):
            pad.write(bytes(1024 * 1024))
    return buffer.getvalue()


@cache
def lying_zip() -> bytes:
    """A workbook whose sheet declares 200 bytes but inflates to 100 MB of XML whitespace."""
    source = workbook({"A": [["ID", "Created"], [1, "2026-01-05"]]})
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as original,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for info in original.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info, original.read(info.filename))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/')
            sheet.write(b'2006/main"><sheetData>')
            for _ in range(100):
                sheet.write(b" " * (1024 * 1024))
            sheet.write(b"</sheetData></worksheet>")
        archive.filelist[-1].file_size = 200  # the central directory now lies
    return out.getvalue()


# --- the table of bad files --------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    file_name: str
    data: object  # bytes, or a function that builds them
    expected: str  # a part of the message that names the problem

    def content(self) -> bytes:
        return self.data() if callable(self.data) else self.data


CASES = [
    Case("empty", "tickets.csv", b"", "The file is empty."),
    Case("blank lines only", "tickets.csv", b"\r\n \r\n", "The file is empty."),
    Case("header only", "tickets.csv", GLPI_HEADER.encode() + b"\n", "header row but no data"),
    Case("pdf", "tickets.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document"),
    Case("xls renamed csv", "tickets.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
         "old-style Excel .xls workbook"),
    Case("binary", "tickets.csv", b"ID;Client\n1;Ac\x00me\n", "binary data (a NUL byte on line 2)"),
    Case("gzip renamed csv", "tickets.csv", b"\x1f\x8b\x08\x00" + bytes(40), "gzip-compressed"),
    Case("stray byte", "hours.csv",
         "Date;Consultant;Client;Hours\n05/01/2026;Zoé;Société;1\n".encode()
         + b"06/01/2026;Ana;Caf\xe9;1\n", "line 3 has a byte (0xE9) that is not valid UTF-8"),
    Case("not windows-1252 either", "hours.csv", HOURS_HEADER.encode() + b"05/01/2026;Ana;Ac\x81me;1\n",
         "line 2 has a byte (0x81)"),
    Case("broken utf-16", "hours.csv",
         b"\xff\xfe" + "Date;Consultant;Hours\n05/01/2026;Ana;1\n".encode("utf-16-le")
         + b"\x00\xd8" + "x;y;1\n".encode("utf-16-le"), "line 3 holds bytes that are not valid UTF-16"),
    Case("ragged row", "hours.csv", hours_file("05/01/2026;Ana;A;1", "06/01/2026;Ana;A;B;2"),
         "Line 3 has more cells than the header (4 columns)"),
    Case("unclosed quote", "hours.csv", hours_file("05/01/2026;Ana;A;1", '06/01/2026;"Ana;A;2',
                                                   "07/01/2026;Ana;A;3"), "Line 3 has a quote"),
    Case("duplicate column", "glpi.csv",
         (GLPI_HEADER + ";titre\n1;T;A;Nouveau;10-01-2026 10:00;;;;;Haute;;;;Ana;N1;;x\n").encode(),
         "Column 'Titre' appears twice in the file; it is needed for title."),
    Case("blank id header", "tickets.csv", b";Created;Title\nT1;2026-01-05;x\n",
         "No column found for the required tickets field(s): ticket_id"),
    Case("impossible date", "hours.csv", hours_file("31/02/2024;Ana;A;1", "01/03/2024;Ana;A;1"),
         "line 2: Date: unparseable or impossible date ('31/02/2024')"),
    Case("negative hours", "hours.csv", hours_file("05/01/2026;Ana;A;-1,5"),
         "line 2: Hours: negative hours ('-1,5')"),
    Case("absurd hours", "hours.csv", hours_file("05/01/2026;Ana;A;25"),
         "line 2: Hours: more than 24 hours in one entry ('25')"),
    Case("resolved before created", "glpi.csv",
         ticket_file("3;T;A;Résolu;10-01-2026 10:00;;09-01-2026 10:00;;;Haute;;;;Ana;N1;"),
         "line 2: Date de résolution: resolved before created ('09-01-2026 10:00')"),
    Case("zip bomb", "tickets.xlsx", zip_bomb, "a zip bomb or a very large sheet"),
    Case("lying zip sizes", "tickets.xlsx", lying_zip, "The workbook could not be read"),
    Case("xml entities", "tickets.xlsx", lambda: excel_style_workbook(BILLION_LAUGHS),
         "xl/sharedStrings.xml declares XML entities"),
    Case("zip that is no workbook", "tickets.xlsx",
         lambda: zipped({"tickets.csv": "ID;Client\n1;A\n"}), "zip archive (holding tickets.csv)"),
]  # fmt: skip


def zipped(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_service_refuses_naming_the_problem_and_changes_nothing(database, case):
    con = db.connect(database)
    before = snapshot(con)
    plan = service.inspect(case.content(), case.file_name)
    result = service.load(con, plan)
    assert (result.status, result.import_id, result.rows_loaded) == ("refused", None, 0)
    assert any(case.expected in error for error in result.errors), result.errors
    assert snapshot(con) == before
    con.close()


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_cli_refuses_naming_the_problem_and_changes_nothing(database, case, tmp_path, capsys):
    con = db.connect(database)
    before = snapshot(con)
    con.close()
    path = tmp_path / case.file_name
    path.write_bytes(case.content())
    code = main(["import", str(path), "--db", str(database)])
    out, err = capsys.readouterr()
    (outcome,) = [json.loads(line) for line in out.splitlines()]
    assert (code, err, outcome["status"], outcome["import_id"]) == (1, "", "refused", None)
    assert any(case.expected in error for error in outcome["errors"]), outcome["errors"]
    con = db.connect(database)
    assert snapshot(con) == before
    con.close()


def test_rejected_rows_load_only_when_accepted_and_only_the_good_ones(database):
    con = db.connect(database)
    data = hours_file("31/02/2024;Ana;A;1", "01/03/2024;Ana;A;-2", "02/03/2024;Ana;A;3")
    plan = service.inspect(data, "hours.csv")
    assert service.load(con, plan).status == "refused"
    result = service.load(con, plan, accept_rejects=True)
    assert (result.status, result.rows_loaded, result.rows_rejected) == ("loaded", 1, 2)
    assert con.execute(
        "select line, reason from import_rejects where import_id = $id order by line",
        {"id": result.import_id},
    ).fetchall() == [(2, "unparseable or impossible date"), (3, "negative hours")]
    con.close()


def test_row_cap_of_the_service(database, monkeypatch):
    monkeypatch.setattr(service, "MAX_ROWS", 3)
    con = db.connect(database)
    before = snapshot(con)
    rows = [f"0{day}/01/2026;Ana;A;1" for day in range(1, 5)]
    plan = service.inspect(hours_file(*rows), "hours.csv")
    assert plan.refused == (
        "The file has more than 3 rows, the most one import takes; export a shorter period."
    )
    assert service.load(con, plan).status == "refused"
    assert snapshot(con) == before
    assert service.inspect(hours_file(*rows[:3]), "hours.csv").refused is None
    con.close()


def test_upload_over_the_size_cap_is_refused_before_reading(database, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("an upload over the cap must not be read")

    monkeypatch.setattr(read, "open_export", never)
    # bytes(n) is zero pages the kernel maps lazily: the 200 MB cost nothing here
    plan = service.inspect(bytes(service.MAX_UPLOAD_BYTES + 1), "big.csv")
    assert plan.refused == (
        "The file is larger than 200 MB, the most an upload may be; "
        "export a shorter period, or import it with `okam import` on the server."
    )
    con = db.connect(database)
    before = snapshot(con)
    assert service.load(con, plan).status == "refused"
    assert snapshot(con) == before
    con.close()


def test_upload_cap_is_the_one_streamlit_enforces():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == service.MAX_UPLOAD_MB == 200


def test_xlsx_renamed_csv_is_read_by_its_magic_bytes(database):
    data = workbook({"Feuil1": [["Ticket ID", "Created", "Title"], ["T9", "2026-01-07", "Mail"]]})
    con = db.connect(database)
    plan = service.inspect(data, "tickets.csv")
    assert (plan.sheet, plan.delimiter, plan.refused) == ("Feuil1", None, None)
    assert service.load(con, plan).status == "loaded"
    assert con.execute("select title from tickets where ticket_id = 'T9'").fetchall() == [("Mail",)]
    con.close()


def test_file_name_with_a_path_is_only_a_label(database, tmp_path, monkeypatch):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    con = db.connect(database)
    plan = service.inspect(hours_file("07/01/2026;Ana;A;2"), "../../x.csv")
    result = service.load(con, plan)
    assert result.status == "loaded"
    assert con.execute(
        "select file_name from imports where import_id = $id", {"id": result.import_id}
    ).fetchall() == [("../../x.csv",)]
    con.close()
    assert [p for p in tmp_path.rglob("*") if p.name == "x.csv"] == []
    assert list(work.iterdir()) == []


# --- scale: a ten-million-row file and the bombs, each in a process of its own -------------

MEASURE = """
import json, resource, sys
from okam_analytics.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}),
      file=sys.stderr)
"""


def import_in_child(path: Path, database: Path) -> tuple[dict, dict]:
    """Run `okam import path` in a fresh Python; its JSON outcome and its exit code / peak RSS."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, "import", str(path), "--db", str(database)],
        capture_output=True, text=True, timeout=300, cwd=REPO, check=False,
    )  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout), json.loads(done.stderr.splitlines()[-1])


@pytest.mark.slow
def test_ten_million_narrow_rows_stop_at_the_row_cap_in_bounded_memory(database, tmp_path):
    path = tmp_path / "hours.csv"
    block = b"".join(f"{1 + i % 28:02d}/01/2026;A;B;1\n".encode() for i in range(100_000))
    with open(path, "wb") as out:
        out.write(HOURS_HEADER.encode())
        for _ in range(100):
            out.write(block)
    small = tmp_path / "small.csv"
    small.write_bytes(hours_file("05/01/2026;Ana;A;1"))
    con = db.connect(database)
    before = snapshot(con)
    con.close()
    _, baseline = import_in_child(small, tmp_path / "scratch.duckdb")
    outcome, run = import_in_child(path, database)
    print(f"10M rows: peak {run['peak_mb']:.0f} MB, small file {baseline['peak_mb']:.0f} MB")
    assert (run["code"], outcome["status"]) == (1, "refused")
    assert outcome["errors"] == [
        "The file has more than 8,000,000 rows, the most one import takes; export a shorter period."
    ]
    # the 170 MB file is counted, never loaded: far less memory than its rows would take
    assert run["peak_mb"] - baseline["peak_mb"] < 250
    con = db.connect(database)
    assert snapshot(con) == before
    con.close()


@pytest.mark.slow
@pytest.mark.parametrize("build", [zip_bomb, lying_zip], ids=["zip bomb", "lying sizes"])
def test_zip_bombs_are_refused_in_bounded_memory(database, tmp_path, build):
    path = tmp_path / "tickets.xlsx"
    path.write_bytes(build())
    small = tmp_path / "small.xlsx"
    small.write_bytes(workbook({"A": [["Ticket ID", "Created"], ["T1", "2026-01-05"]]}))
    _, baseline = import_in_child(small, tmp_path / "scratch.duckdb")
    outcome, run = import_in_child(path, database)
    print(f"{build.__name__}: peak {run['peak_mb']:.0f} MB, small {baseline['peak_mb']:.0f} MB")
    assert (run["code"], outcome["status"]) == (1, "refused")
    assert run["peak_mb"] - baseline["peak_mb"] < 50
