"""Action items (steering/actions.py, `okam actions`): added, closed, listed with literal
outputs; unknown clients and ids refused by name; the review a deck or PDF shows."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from client_data import CANARY, fill

from okam_analytics import cli, db
from okam_analytics.steering import actions


@pytest.fixture
def db_path(con, tmp_path):
    """The client_data database on file, closed so the command line can open it."""
    fill(con)
    con.close()
    return str(tmp_path / "test.duckdb")


def run(capsys, *argv: str) -> tuple[int, list, str]:
    """Exit code, JSON lines of stdout (created_at/done_at checked then dropped), stderr."""
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    for row in rows:
        for moment in ("created_at", "done_at"):
            if row.get(moment) is not None:
                assert datetime.fromisoformat(row[moment]).date() == date.today()
                row[moment] = "today"
    return code, rows, err


def test_add_done_list_on_the_command_line(db_path, capsys) -> None:
    code, rows, _ = run(capsys, "actions", "add", "--client", "Acme", "--text",
                        "  Renew the   firewall licence ", "--due", "2026-03-15",
                        "--owner", "Julien Marchand", "--db", db_path)  # fmt: skip
    assert code == 0
    assert rows == [{"id": 1, "client": "Acme", "text": "Renew the firewall licence",
                     "owner": "Julien Marchand", "due_on": "2026-03-15", "status": "open",
                     "created_at": "today", "done_at": None}]  # fmt: skip
    assert run(capsys, "actions", "add", "--client", CANARY, "--text", "Plant audit",
               "--db", db_path)[0] == 0  # fmt: skip
    code, rows, _ = run(capsys, "actions", "add", "--client", "Acme", "--text", "Call the CFO",
                        "--db", db_path)  # fmt: skip
    assert (code, rows[0]["id"], rows[0]["due_on"], rows[0]["owner"]) == (0, 3, None, None)
    code, rows, _ = run(capsys, "actions", "done", "1", "--db", db_path)
    assert (code, rows[0]["status"], rows[0]["done_at"]) == (0, "done", "today")
    code, rows, _ = run(capsys, "actions", "list", "--client", "Acme", "--db", db_path)
    assert code == 0
    assert [(r["id"], r["text"], r["status"]) for r in rows] == [
        (3, "Call the CFO", "open"), (1, "Renew the firewall licence", "done")]  # fmt: skip
    code, rows, _ = run(capsys, "actions", "list", "--db", db_path)
    assert [(r["id"], r["client"]) for r in rows] == [(2, CANARY), (3, "Acme"), (1, "Acme")]


def test_list_as_csv_neutralises_formulas(db_path, capsys) -> None:
    con = db.connect(db_path)
    actions.add(con, "Acme", "=cmd|' /C calc'!A0", date(2026, 3, 1), "Léa Fontaine",
                datetime(2026, 2, 1, 9, 30))  # fmt: skip
    con.close()
    assert cli.main(["actions", "list", "--format", "csv", "--db", db_path]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "id,client,text,owner,due_on,status,created_at,done_at",
        "1,Acme,'=cmd|' /C calc'!A0,Léa Fontaine,2026-03-01,open,2026-02-01 09:30:00,",
    ]


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["add", "--client", "Nobody", "--text", "x"], 1,
         "okam: No client named 'Nobody' in the database."),
        (["add", "--client", "Acme", "--text", "   "], 1, "okam: An action item needs a text."),
        (["add", "--client", "Acme", "--text", "x", "--due", "2026-02-30"], 2,
         "okam: --due must be a date written YYYY-MM-DD, not '2026-02-30'."),
        (["done", "7"], 1, "okam: No action item 7."),
        (["done", "seven"], 2, "okam: argument ID: invalid int value: 'seven'"),
        (["list", "--client", "Nobody"], 1, "okam: No client named 'Nobody' in the database."),
        (["add", "--client", "Acme"], 2,
         "okam: the following arguments are required: --text"),
    ],
)  # fmt: skip
def test_refusals_name_the_problem_and_store_nothing(db_path, capsys, argv, code, message):
    assert cli.main(["actions", *argv, "--db", db_path]) == code
    assert capsys.readouterr().err.strip() == message
    con = db.connect(db_path)
    assert actions.items(con).empty
    con.close()


def test_an_item_is_closed_once(con) -> None:
    fill(con)
    item = actions.add(con, "Acme", "Patch", None, None, datetime(2026, 1, 2))
    actions.mark_done(con, item["id"], datetime(2026, 1, 20, 17))
    with pytest.raises(
        actions.ActionRefused, match="^Action item 1 is already done \\(on 2026-01-20\\)"
    ):
        actions.mark_done(con, item["id"])


def test_text_longer_than_the_limit_is_refused(con) -> None:
    fill(con)
    with pytest.raises(actions.ActionRefused, match="at most 500 characters, not 501"):
        actions.add(con, "Acme", "x" * 501)


def test_the_review_shows_open_items_and_those_done_since(con) -> None:
    fill(con)
    add = actions.add
    late = add(con, "Acme", "Undated", None, None, datetime(2026, 1, 3))["id"]
    add(con, "Acme", "Due later", date(2026, 4, 1), "Léa Fontaine", datetime(2026, 1, 3))
    add(con, "Acme", "Due first", date(2026, 3, 1), None, datetime(2026, 1, 3))
    before = add(con, "Acme", "Closed before", None, None, datetime(2025, 11, 3))["id"]
    inside = add(con, "Acme", "Closed inside", None, "Julien Marchand", datetime(2025, 12, 3))["id"]
    add(con, CANARY, "Canary item", None, None, datetime(2026, 1, 3))
    actions.mark_done(con, before, datetime(2025, 12, 31, 23, 59))
    actions.mark_done(con, inside, datetime(2026, 1, 1, 0, 0))
    review = actions.review(con, "Acme", date(2026, 1, 1))
    assert review.open["text"].tolist() == ["Due first", "Due later", "Undated"]
    assert review.done["text"].tolist() == ["Closed inside"]
    assert late == 1
    table = actions.review_table(review.open, "fr", "initials")
    assert table.values.tolist() == [
        ["Due first", "–", "01/03/2026"], ["Due later", "L. F.", "01/04/2026"],
        ["Undated", "–", "–"]]  # fmt: skip
    assert list(table.columns) == ["Action à mener", "Responsable", "Échéance"]
    done = actions.review_table(review.done, "en", "full", done=True)
    assert done.values.tolist() == [["Closed inside", "Julien Marchand", "2026-01-01"]]
