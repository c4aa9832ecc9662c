"""The Import page under Streamlit's AppTest: upload, detection, mapping, preview, load, undo."""

from __future__ import annotations

import re
from contextlib import closing
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from okam_analytics.ingest.service import ImportPlan
from okam_analytics.ui import data
from okam_analytics.ui import import_render as view

REPO = Path(__file__).resolve().parents[1]
PAGE = "pages/import.py"
SLOW = pytest.mark.slow  # each AppTest session takes one to two seconds on a shared machine
HEADER = (
    "ID;Titre;Entité;Statut;Date d'ouverture;Date de résolution;Priorité;Attribué à - Technicien\n"
)
CLEAN = (
    HEADER
    + "101;Imprimante;Root > Acme;Clos;05-01-2026 09:00;05-01-2026 11:00;Haute;Léa Fontaine\n"
    + "102;VPN;Root > Globex;Nouveau;06-01-2026 10:30;;Moyenne;Yann Le Goff\n"
    + "103;Messagerie;Root > Acme;Résolu;07-01-2026 08:15;07-01-2026 09:00;Basse;Léa Fontaine\n"
).encode()
# line 4 is resolved before it was created: rejected
REJECT = CLEAN.replace(b"07-01-2026 09:00", b"06-01-2026 08:00")
TOGGL = (REPO / "tests" / "fixtures" / "presets" / "toggl.csv").read_bytes()


@pytest.fixture
def app_db(tmp_path, monkeypatch, navigation_v2) -> Path:
    """An empty database served by the app, without sample data."""
    path = tmp_path / "import.duckdb"
    monkeypatch.setenv("OKAM_DB", str(path))
    monkeypatch.setenv("OKAM_SAMPLE_DIR", str(tmp_path / "no-sample"))
    return path


def import_page(lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.file_uploader(key="import_files").set_value(
        [(name, data, "text/csv") for name, data in files]
    )
    at.run()
    assert not at.exception
    return at


def rows(path: Path, sql: str) -> list[tuple]:
    """Query the database the app serves, through the app's own connection (one per file)."""
    assert data.database_key() == str(path.resolve())
    with closing(data.cursor()) as con:
        return con.execute(sql).fetchall()


def grid(at: AppTest, first_header: str) -> pd.DataFrame:
    """The first st.dataframe whose first column has that header."""
    return next(d.value for d in at.dataframe if list(d.value.columns)[:1] == [first_header])


def plain(markdown: str) -> str:
    """Markdown text as it reads on screen (escaped punctuation shown as itself)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def texts(elements) -> list[str]:
    return [element.value for element in elements]


@SLOW
def test_upload_shows_detection_and_preview(app_db) -> None:
    at = upload(import_page(), ("glpi.csv", CLEAN))
    assert [e.label for e in at.expander] == [r"glpi\.csv · GLPI tickets, 3 rows"]
    found = grid(at, "Kind").iloc[0].to_dict()
    assert found == {
        "Kind": "tickets", "Preset": "GLPI", "Encoding": "utf-8", "Delimiter": ";", "Sheet": "–",
        "Header line": "1", "Date format": "DD-MM-YYYY hh:mm", "Rows read": "3",
        "Period": "2026-01-05 – 2026-01-07",
    }  # fmt: skip
    preview = grid(at, "Line")
    assert preview["Line"].tolist() == [2, 3, 4]
    assert preview["Ticket"].tolist() == ["101", "102", "103"]
    assert preview["Client"].tolist() == ["Acme", "Globex", "Acme"]
    assert preview["Priority"].tolist() == ["P2", "P3", "P4"]
    assert preview["Status"].tolist() == ["closed", "open", "resolved"]
    assert preview["Priority (as in the file)"].tolist() == ["Haute", "Moyenne", "Basse"]
    assert "All 3 rows are valid." in texts(at.success)
    assert not at.button(key="import_load_0").disabled
    assert rows(app_db, "select count(*) from imports") == [(0,)]  # nothing loaded yet


@SLOW
def test_load_writes_tickets_then_the_same_file_is_unchanged(app_db) -> None:
    at = upload(import_page(), ("glpi.csv", CLEAN))
    at.button(key="import_load_0").click().run()
    assert not at.exception
    assert (
        texts(at.success)[0]
        == r"glpi\.csv: loaded as import #1, 3 rows (0 rejected rows left out)."
    )
    assert rows(app_db, "select ticket_id, client, priority, assignee from tickets order by 1") == [
        ("101", "Acme", "P2", "Léa Fontaine"),
        ("102", "Globex", "P3", "Yann Le Goff"),
        ("103", "Acme", "P4", "Léa Fontaine"),
    ]
    history = grid(at, "Import")
    assert history[["Import", "File", "Rows loaded", "Status"]].values.tolist() == [
        [1, "glpi.csv", 3, "active"]
    ]
    (imported_at,) = rows(app_db, "select strftime(imported_at, '%Y-%m-%d %H:%M') from imports")[0]

    again = upload(import_page(), ("glpi copy.csv", CLEAN))  # another session, same bytes
    already = f"This file is already imported (import #1, {imported_at}): loading it again changes nothing."
    assert already in texts(again.info)
    again.button(key="import_load_0").click().run()
    assert rf"glpi copy\.csv: unchanged, already imported on {imported_at} as import #1." in texts(
        again.info
    )
    assert rows(app_db, "select count(*) from imports") == [(1,)]


@SLOW
def test_rejected_rows_need_the_accept_box(app_db) -> None:
    at = upload(import_page(), ("glpi.csv", REJECT))
    findings = next(d.value for d in at.dataframe if "Reason" in d.value.columns)
    assert findings.values.tolist() == [
        [4, "Date de résolution", "06-01-2026 08:00", "resolved before created", "rejected"]
    ]
    assert at.download_button(key="import_findings_0_csv")
    accept = at.checkbox(key="import_accept_0")
    assert accept.label == "Load the 2 good rows and leave the 1 rejected rows out"
    assert at.button(key="import_load_0").disabled
    assert any(c.startswith("Some rows are rejected: tick the box") for c in texts(at.caption))

    accept.check().run()
    assert not at.button(key="import_load_0").disabled
    # another reading of the file (here: the title from another column) asks again
    editor = at.data_editor[0]
    row = editor.value["field"].tolist().index("title")
    at.session_state[editor.key] = {
        "edited_rows": {row: {"column": "Statut"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="import_reinspect_0").click().run()
    assert at.checkbox(key="import_accept_0").value is False
    assert at.button(key="import_load_0").disabled
    at.checkbox(key="import_accept_0").check().run()
    at.button(key="import_load_0").click().run()
    assert (
        texts(at.success)[0]
        == r"glpi\.csv: loaded as import #1, 2 rows (1 rejected rows left out)."
    )
    assert rows(app_db, "select ticket_id, title from tickets order by 1") == [
        ("101", "Clos"),
        ("102", "Nouveau"),
    ]
    assert rows(app_db, 'select line, "column", severity from import_rejects') == [
        (4, "Date de résolution", "reject")
    ]
    assert at.download_button(key="import_past_findings_csv")  # the report stays downloadable


@SLOW
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", b"hello world\nnot an export\n", "No column found for the required tickets"),
        ("tickets.xlsx", b"PK\x03\x04garbage", "damaged zip archive"),
        ("binary.csv", bytes(range(256)), "binary data"),
    ],
)
def test_a_refused_file_shows_why_and_no_load_button(app_db, name, data, message) -> None:
    at = upload(import_page(), (name, data))
    assert len(at.error) == 1 and message in at.error[0].value
    assert at.error[0].value.startswith("This file is refused:")
    assert [e.label.endswith("· refused") for e in at.expander] == [True]
    assert not [b for b in at.button if b.key == "import_load_0"]


@SLOW
def test_mapping_correction_changes_the_result(app_db) -> None:
    at = upload(import_page(), ("glpi.csv", REJECT))
    editor = at.data_editor[0]
    fields = editor.value["field"].tolist()
    assert fields[:2] == ["ticket_id", "created_at"]  # required first
    # the manager decides the resolution date is not to be trusted: no column for resolved_at
    at.session_state[editor.key] = {
        "edited_rows": {fields.index("resolved_at"): {"column": None}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="import_reinspect_0").click().run()
    assert not at.exception
    assert "All 3 rows are valid." in texts(at.success)
    assert "Resolved" not in grid(at, "Line").columns
    assert not [c for c in at.checkbox if c.key == "import_accept_0"]
    at.button(key="import_load_0").click().run()
    assert rows(app_db, "select ticket_id, resolved_at from tickets order by 1") == [
        ("101", None),
        ("102", None),
        ("103", None),
    ]


@SLOW
def test_a_saved_mapping_reads_the_next_upload(app_db) -> None:
    at = upload(import_page(), ("glpi.csv", REJECT))
    editor = at.data_editor[0]
    row = editor.value["field"].tolist().index("resolved_at")
    at.session_state[editor.key] = {
        "edited_rows": {row: {"column": ""}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.text_input(key="import_mapping_name_0").input("GLPI without resolution").run()
    at.button(key="import_save_mapping_0").click().run()
    assert not at.exception
    assert rows(app_db, "select name, kind from saved_mappings") == [
        ("GLPI without resolution", "tickets")
    ]
    assert any(s.startswith("Mapping GLPI without resolution saved") for s in texts(at.success))
    assert "All 3 rows are valid." in texts(at.success)  # this file is re-read with it at once

    later = upload(import_page(), ("february.csv", REJECT))
    assert "Read with the saved mapping GLPI without resolution." in texts(later.caption)
    assert "All 3 rows are valid." in texts(later.success)


@SLOW
def test_load_all_then_undo_from_history(app_db) -> None:
    at = upload(import_page(), ("glpi.csv", CLEAN), ("toggl.csv", TOGGL))
    assert [e.label for e in at.expander] == [
        r"glpi\.csv · GLPI tickets, 3 rows",
        r"toggl\.csv · Toggl Track timesheets, 7 rows",
    ]
    at.button(key="import_load_all").click().run()
    assert [s for s in texts(at.success) if "loaded as" in s] == [
        r"glpi\.csv: loaded as import #1, 3 rows (0 rejected rows left out).",
        r"toggl\.csv: loaded as import #2, 7 rows (0 rejected rows left out).",
    ]
    assert rows(app_db, "select count(*) from tickets") == [(3,)]
    assert rows(app_db, "select count(*) from time_entries") == [(7,)]

    at.selectbox(key="import_undo_id").select(1).run()
    assert at.button(key="import_undo_button").disabled  # not before the confirmation
    at.checkbox(key="import_undo_confirm").check().run()
    at.button(key="import_undo_button").click().run()
    assert not at.exception
    assert "Import #1 is undone." in texts(at.success)
    assert rows(app_db, "select count(*) from tickets") == [(0,)]
    assert rows(app_db, "select count(*) from time_entries") == [(7,)]
    assert rows(app_db, "select import_id, status from imports order by 1") == [
        (1, "undone"),
        (2, "active"),
    ]
    assert grid(at, "Import")["Status"].tolist() == ["active", "undone"]
    assert at.checkbox(key="import_undo_confirm").value is False


@SLOW
def test_the_page_speaks_french(app_db) -> None:
    at = upload(import_page("fr"), ("glpi.csv", REJECT))
    assert [e.label for e in at.expander] == [r"glpi\.csv · tickets GLPI, 3 lignes"]
    assert at.checkbox(key="import_accept_0").label == (
        "Charger les lignes valides (2) et laisser de côté les lignes rejetées (1)"
    )
    assert [h.value for h in at.header] == ["Historique des imports"]


@pytest.mark.parametrize(
    ("fmt", "shown"),
    [
        ("%d-%m-%Y %H:%M", "DD-MM-YYYY hh:mm"),
        ("%d/%b/%y %I:%M %p", "DD/Mon/YY hh:mm AM/PM"),
        ("%Y-%m-%d", "YYYY-MM-DD"),
        (None, "–"),
    ],
)
def test_date_format_label(fmt, shown) -> None:
    assert view.date_format_label(fmt) == shown


def test_mapping_table_round_trip_keeps_concatenated_columns() -> None:
    concat = {"concat": ["First name", "Last name"], "sep": " "}
    plan = ImportPlan(
        file_name="t.csv",
        kind="timesheets",
        preset="generic_timesheets",
        headers=["Date", "First name", "Last name", "Hours", "Client"],
        mapping={"work_date": "Date", "consultant": concat, "hours": "Hours"},
    )
    frame, options, labels = view.mapping_frame(plan, "en")
    assert frame["field"].tolist()[:3] == ["work_date", "consultant", "hours"]
    assert frame["label"].tolist()[:3] == ["Date worked", "Consultant", "Hours"]
    assert frame["column"].tolist()[:4] == ["Date", "First name + Last name", "Hours", ""]
    assert options == ["", "Date", "First name", "Last name", "Hours", "Client",
                       "First name + Last name"]  # fmt: skip
    frame.loc[frame["field"] == "client", "column"] = "Client"
    mapping = view.mapping_from_frame(frame, labels)
    assert {k: v for k, v in mapping.items() if v} == {
        "work_date": "Date",
        "consultant": concat,
        "hours": "Hours",
        "client": "Client",
    }
    assert mapping["project"] is None


@SLOW
def test_a_refused_file_is_fixed_by_mapping_its_columns(app_db) -> None:
    odd = b"Key,When,Who\nA-1,2026-01-05 09:00,Acme\nA-2,2026-01-06 10:30,Globex\n"
    at = upload(import_page(), ("odd.csv", odd))
    assert "No column found for the required tickets field(s): created_at" in plain(
        at.error[0].value
    )
    editor = at.data_editor[0]
    fields = editor.value["field"].tolist()
    at.session_state[editor.key] = {
        "edited_rows": {
            fields.index("ticket_id"): {"column": "Key"},
            fields.index("created_at"): {"column": "When"},
            fields.index("client"): {"column": "Who"},
        },
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="import_reinspect_0").click().run()
    assert not at.error
    assert [e.label for e in at.expander] == [r"odd\.csv · Generic ticket export tickets, 2 rows"]
    at.button(key="import_load_0").click().run()
    assert rows(
        app_db, "select ticket_id, client, created_at::varchar from tickets order by 1"
    ) == [
        ("A-1", "Acme", "2026-01-05 09:00:00"),
        ("A-2", "Globex", "2026-01-06 10:30:00"),
    ]


@SLOW
def test_reading_tickets_as_timesheets_is_refused_until_set_back(app_db) -> None:
    at = upload(import_page(), ("glpi.csv", CLEAN))
    at.selectbox(key="import_kind_0").select("timesheets").run()
    assert not at.exception
    assert "the required timesheets field(s): work_date" in plain(at.error[0].value)
    presets_offered = at.selectbox(key="import_preset_0").options
    assert "Harvest" in presets_offered and "GLPI" not in presets_offered
    at.selectbox(key="import_kind_0").select("").run()
    assert not at.error
    assert [e.label for e in at.expander] == [r"glpi\.csv · GLPI tickets, 3 rows"]


@SLOW
def test_a_jira_export_is_loaded_again_as_its_work_logs(app_db) -> None:
    jira = (REPO / "tests" / "fixtures" / "exports" / "jira_en.csv").read_bytes()
    at = upload(import_page(), ("jira.csv", jira))
    at.button(key="import_load_0").click().run()
    assert rows(app_db, "select kind from imports") == [("tickets",)]
    again = upload(import_page(), ("jira.csv", jira))
    again.selectbox(key="import_kind_0").select("timesheets").run()
    assert not again.exception and not again.error
    assert not any("already imported" in text for text in texts(again.info))
    again.button(key="import_load_0").click().run()
    assert rows(app_db, "select kind, preset, rows_loaded from imports order by import_id") == [
        ("tickets", "jira", 3),
        ("timesheets", "jira_worklogs", 3),
    ]
    assert rows(app_db, "select ticket_id, consultant, hours from time_entries order by 1, 3") == [
        ("HD-101", "Ana Ruiz", 0.25),
        ("HD-101", "Ana Ruiz", 1.5),
        ("HD-102", "Li Wei", 1.0),
    ]
