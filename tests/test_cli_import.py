"""`okam import`, `okam imports`, `okam undo`: JSON lines on stdout and exit codes (SPEC 7)."""

from __future__ import annotations

import json

import pytest

from okam_analytics.cli import main

GLPI = (
    "\ufeffID;Titre;Entité;Statut;Date d'ouverture;Date de prise en compte;Date de résolution;"
    "Date de clôture;Dernière modification;Priorité;Urgence;Catégorie;Type;"
    "Attribué à - Technicien;Attribué à - Groupe de techniciens;Demandeur - Demandeur\n"
    "101;Imprimante;Entité racine > Client A;Nouveau;31-01-2026 14:05;;;;;Très haute;;;;Ana;N1;\n"
    "102;VPN;Entité racine > Client B;Résolu;01-02-2026 09:00;;01-02-2026 08:00;;;Haute;;;;Ana;N1;\n"
    "103;Mail;Entité racine > Client B;Clos;02-02-2026 09:00;;;;;Basse;;;;Bob;N2;\n"
)
HOURS = "Date;Consultant;Client;Hours\n05/01/2026;Ana;Client A;7,5\n06/01/2026;Bob;Client B;8\n"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "glpi.csv").write_text(GLPI, encoding="utf-8")
    (tmp_path / "hours.csv").write_text(HOURS, encoding="utf-8")
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, list[dict], str]:
    """Exit code, the JSON objects printed on stdout, and stderr."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.strip()], err


def test_import_reports_each_file_and_refuses_rejects(files, capsys):
    db = str(files / "okam.duckdb")
    code, out, err = run(
        capsys, "import", str(files / "hours.csv"), str(files / "glpi.csv"), "--db", db
    )
    assert code == 1 and err == ""
    hours, glpi = out
    assert {k: hours[k] for k in ("kind", "preset", "status", "rows_read", "rows_loaded")} == {
        "kind": "timesheets",
        "preset": "generic_timesheets",
        "status": "loaded",
        "rows_read": 2,
        "rows_loaded": 2,
    }
    assert hours["import_id"] == 1 and hours["errors"] == []
    assert (glpi["status"], glpi["import_id"], glpi["rows_rejected"]) == ("refused", None, 1)
    assert (
        glpi["errors"][0]
        == "line 3: Date de résolution: resolved before created ('01-02-2026 08:00')"
    )


def test_accept_rejects_then_unchanged(files, capsys):
    db = str(files / "okam.duckdb")
    args = ["import", str(files / "glpi.csv"), "--db", db, "--accept-rejects"]
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert (out[0]["status"], out[0]["rows_loaded"], out[0]["rows_rejected"]) == ("loaded", 2, 1)
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert (out[0]["status"], out[0]["import_id"], out[0]["rows_loaded"]) == ("unchanged", 1, 0)


def test_usage_errors_exit_2_without_output(files, capsys):
    db = str(files / "okam.duckdb")
    code, out, err = run(capsys, "import", str(files / "glpi.csv"), "--db", db, "--preset", "nope")
    assert (code, out) == (2, [])
    assert "Unknown preset 'nope'" in err
    code, out, err = run(
        capsys,
        "import",
        str(files / "glpi.csv"),
        "--db",
        db,
        "--preset",
        "glpi",
        "--kind",
        "timesheets",
    )
    assert (code, out) == (2, [])
    assert "reads tickets, not timesheets" in err
    code, out, _ = run(capsys, "import", str(files / "glpi.csv"), "--db", db, "--kind", "weekly")
    assert (code, out) == (2, [])


def test_unreadable_path_is_refused_with_a_message(files, capsys):
    db = str(files / "okam.duckdb")
    missing = str(files / "nowhere.csv")
    code, out, err = run(capsys, "import", missing, str(files / "hours.csv"), "--db", db)
    assert code == 1 and "Traceback" not in err
    assert out[0]["file"] == missing and out[0]["status"] == "refused"
    assert out[0]["errors"] == [f"Cannot read {missing}: no such readable file."]
    assert out[1]["status"] == "loaded"


def test_forced_preset_and_kind(files, capsys):
    db = str(files / "okam.duckdb")
    code, out, _ = run(capsys, "import", str(files / "hours.csv"), "--db", db, "--kind", "tickets")
    assert code == 1 and out[0]["kind"] == "tickets"
    assert out[0]["errors"][0].startswith(
        "No column found for the required tickets field(s): ticket_id"
    )


def test_imports_and_undo(files, capsys):
    db = str(files / "okam.duckdb")
    run(capsys, "import", str(files / "hours.csv"), "--db", db)
    code, out, _ = run(capsys, "imports", "--db", db)
    assert code == 0
    assert [(r["import_id"], r["file_name"], r["status"]) for r in out] == [
        (1, "hours.csv", "active")
    ]
    code, out, _ = run(capsys, "undo", "1", "--db", db)
    assert code == 0 and out == [
        {
            "import_id": 1,
            "kind": "timesheets",
            "preset": "generic_timesheets",
            "file": "hours.csv",
            "status": "undone",
        }
    ]
    code, out, err = run(capsys, "undo", "1", "--db", db)
    assert (code, out) == (1, []) and "already undone" in err
    code, out, err = run(capsys, "undo", "7", "--db", db)
    assert (code, out) == (1, []) and "There is no import 7" in err
    code, out, err = run(capsys, "undo", "seven", "--db", db)
    assert (code, out) == (2, [])
