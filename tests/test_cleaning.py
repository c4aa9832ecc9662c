"""Cells as the tools write them: the cleaning macros on hand-written values, the presets'
[cleaning] and worklog declarations, multi-line cells, repeated headers and Log Work cells."""

from __future__ import annotations

import csv
import io

import duckdb
import pytest

from okam_analytics import db
from okam_analytics.ingest import presets, service, sniff


@pytest.fixture(scope="module")
def macros():
    con = duckdb.connect()
    con.execute(db.sql_text("ingest_macros"))
    yield con
    con.close()


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("2 heures 52 minutes", 2 + 52 / 60),
        ("1 hour 5 minutes", 1 + 5 / 60),
        ("45 minutes", 0.75),
        ("2 days 1 hour", 49.0),
        ("1 jour 3 heures 30 minutes", 27.5),
        ("2 Stunden 30 Minuten", 2.5),
        ("3 horas 15 minutos", 3.25),
        ("1 día 2 horas", 26.0),
        ("1 giorno 2 ore", 26.0),
        ("1 uur 15 minuten", 1.25),
        ("1 heure 0 minute 36 secondes", 1.01),
        ("12", None),  # a bare number is no duration in words
        ("2 heures 5 pommes", None),  # an unknown unit spoils the whole value
        ("beaucoup", None),
        ("30 minutes 2 heures", None),  # units are read in the order the tools write them
    ],
)
def test_durations_in_words(macros, text, hours):
    (found,) = macros.execute("select okam_duration_words($v)", {"v": text}).fetchone()
    assert found == (pytest.approx(hours) if hours is not None else None)


@pytest.mark.parametrize(
    ("macro", "text", "expected"),
    [
        ("okam_unescape_html(v)", "Durand &amp; Fils", "Durand & Fils"),
        ("okam_unescape_html(v)", "l&#039;accueil &gt; &quot;A&quot;", "l'accueil > \"A\""),
        ("okam_unescape_html(v)", "&amp;lt; stays", "&lt; stays"),
        ("okam_first_actor(v, '<br>')", "Marlene KREGBE (1974)<br>Paul DURAND (2001)",
         "Marlene KREGBE (1974)"),
        ("okam_first_actor(v, '<br>')", "<br>Lucie MARTIN (12)", "Lucie MARTIN (12)"),
        ("okam_first_actor(v, '<br>')", "Ana", "Ana"),
        ("okam_strip_user_id(v)", "Marlene KREGBE (1974)", "Marlene KREGBE"),
        ("okam_strip_user_id(v)", "Team (Paris)", "Team (Paris)"),
        ("okam_ungroup_digits(v)", "49 541", "49541"),
        ("okam_ungroup_digits(v)", "49\u00a0541", "49541"),
        ("okam_ungroup_digits(v)", "1\u202f049\u202f541", "1049541"),
        ("okam_ungroup_digits(v)", "12 34", "12 34"),  # not a thousands grouping
        ("okam_ungroup_digits(v)", "INC 001", "INC 001"),
    ],
)  # fmt: skip
def test_cleaning_macros(macros, macro, text, expected):
    (found,) = macros.execute(f"select {macro} from (select $v as v)", {"v": text}).fetchone()
    assert found == expected


def base_preset(**extra) -> dict:
    return {"name": "x", "kind": "timesheets", **extra}


def test_unknown_cleaning_flag_is_refused_naming_it():
    with pytest.raises(ValueError, match=r"\[cleaning\] strip_ids is not one of"):
        presets.parse_preset(base_preset(cleaning={"strip_ids": True}))
    with pytest.raises(ValueError, match=r"\[cleaning\] actor_separator"):
        presets.parse_preset(base_preset(cleaning={"actor_separator": True}))


def test_worklog_column_needs_a_known_part():
    spec = {"hours": {"worklog": "Log Work", "part": "minutes"}}
    with pytest.raises(ValueError, match="needs a part among comment, date, author, hours"):
        presets.parse_preset(base_preset(columns=spec))


def csv_bytes(rows: list[list[str]], delimiter: str = ",") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


def test_quoted_line_breaks_do_not_make_another_delimiter_win():
    text = csv_bytes([
        ["Summary", "Issue key", "Created", "Description", "Comment", "Comment"],
        ["s0", "K-0", "2025-01-01", '"\t\n \t ', "\n\n\t, ", ""],
        ["s1", "K-1", "2025-01-01", '\txx""é', ";éé", ""],
    ]).decode()  # fmt: skip
    layout = sniff.sniff_csv(text, "\n", truncated=False)
    assert (layout.delimiter, layout.width, layout.data_start_line) == (",", 6, 2)


JIRA_HEAD = ["Summary", "Issue key", "Issue id", "Issue Type", "Status", "Created", "Description"]


def test_rejects_after_multi_line_cells_name_their_physical_line(con):
    data = csv_bytes([
        JIRA_HEAD,
        ["A", "K-1", "1", "Bug", "Open", "04/Nov/25 9:15 AM", 'one\n"two"\n\nthree'],
        ["B", "K-2", "2", "Bug", "Open", "31/Nov/25 9:15 AM", "x"],
        ["C", "K-3", "3", "Bug", "Open", "05/Nov/25 9:15 AM", 'say "hi"\nbye'],
    ])  # fmt: skip
    plan = service.inspect(data, "jira.csv")
    assert plan.refused is None
    rejects = plan.findings[plan.findings["severity"] == "reject"]
    # header line 1, K-1 spans lines 2-5, so K-2 is on line 6
    assert rejects[["line", "column", "value"]].values.tolist() == [
        [6, "Created", "31/Nov/25 9:15 AM"]
    ]
    assert plan.rows_read == 3


def test_a_repeated_header_nothing_reads_is_a_warning():
    data = csv_bytes([
        [*JIRA_HEAD, "Labels", "Labels", "Watchers", "Watchers"],
        ["A", "K-1", "1", "Bug", "Open", "04/Nov/25 9:15 AM", "d", "l1", "l2", "w1", "w2"],
    ])  # fmt: skip
    plan = service.inspect(data, "jira.csv")
    assert plan.refused is None
    warned = plan.findings[plan.findings["severity"] == "warning"]
    assert sorted(warned["column"]) == ["Labels", "Watchers"]
    assert set(warned["reason"]) == {
        "column repeated in the file; no field reads it, so it is not imported"
    }


def test_a_repeated_header_that_is_read_is_refused_naming_it():
    data = csv_bytes([
        [*JIRA_HEAD, "Created"],
        ["A", "K-1", "1", "Bug", "Open", "04/Nov/25 9:15 AM", "d", "05/Nov/25 9:15 AM"],
    ])  # fmt: skip
    plan = service.inspect(data, "jira.csv")
    assert (
        plan.refused == "Column 'Created' appears twice in the file; it is needed for created_at."
    )


def test_a_log_work_cell_of_another_shape_is_rejected_with_its_line(con):
    data = csv_bytes([
        ["Summary", "Issue key", "Issue id", "Log Work", "Log Work"],
        ["A", "K-1", "1", "fix; twice;04/Nov/25 10:00 AM;ana;1800", "no worklog here"],
    ])  # fmt: skip
    plan = service.inspect(data, "jira.csv", kind="timesheets")
    assert (plan.preset, plan.rows_read) == ("jira_worklogs", 2)
    good = plan.preview[plan.preview["hours"].notna()]
    assert good[["consultant", "hours", "description"]].values.tolist() == [
        ["ana", 0.5, "fix; twice"]
    ]
    rejects = plan.findings[plan.findings["severity"] == "reject"]
    assert set(rejects["line"]) == {2}
    assert "missing hours" in set(rejects["reason"])


def test_short_rows_with_line_breaks_keep_the_header_and_every_row():
    data = (
        "Summary,Issue key,Created,Description,Comment,Comment\r\n"
        's0,K-0,2025-01-01,",\n \né\t",""""\r\n'
        's1,K-1,2025-01-01,,"\r\n;"\r\n'
    )
    layout = sniff.sniff_csv(data, "\n", truncated=False)
    assert (layout.header_line, layout.data_start_line, layout.width) == (1, 2, 6)
    plan = service.inspect(data.encode(), "jira.csv", preset="generic_tickets")
    assert plan.refused is None
    assert plan.preview[["ticket_id", "__line"]].values.tolist() == [["K-0", 2], ["K-1", 5]]
