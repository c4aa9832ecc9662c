"""Date formats inferred from the data (ingest/dates.py), parsed once in DuckDB."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okam_analytics.ingest import dates, service
from okam_analytics.ingest.date_columns import date_expr
from okam_analytics.ingest.normalise import Params

REPO = Path(__file__).resolve().parents[1]
SETTINGS = settings(
    max_examples=int(os.environ.get("OKAM_EXAMPLES", "60")), deadline=None,
    suppress_health_check=[HealthCheck.too_slow], derandomize=bool(os.environ.get("CI")),
)  # fmt: skip


def parse(values: list[str], fmt: dates.DateFormat) -> list[datetime | None]:
    """The values parsed in DuckDB with the inferred format, as the import does."""
    params = Params()
    sql = f"select {date_expr('r', fmt, params)} from (select unnest($vals) as r, generate_subscripts($vals, 1) as i) order by i"  # noqa: E501
    with duckdb.connect() as con:
        return [row[0] for row in con.execute(sql, {**params.values, "vals": values}).fetchall()]


CASES = [
    # Clockify, European user setting: day-first, decided by 20
    (["20/04/2025", "03/04/2025"], [], "%d/%m/%Y",
     [datetime(2025, 4, 20), datetime(2025, 4, 3)]),
    # ServiceNow list export, US order with dashes, decided by 13
    (["03-13-2025 18:08:55", "04-01-2025 07:00:01"], [], "%m-%d-%Y %H:%M:%S",
     [datetime(2025, 3, 13, 18, 8, 55), datetime(2025, 4, 1, 7, 0, 1)]),
    # generic ISO: a cast, no format tried
    (["2023-07-03 08:00", "2023-07-04T17:30:00"], [], "ISO 8601",
     [datetime(2023, 7, 3, 8), datetime(2023, 7, 4, 17, 30)]),
    # French
    (["31/01/2026 14:05", "01/02/2026 09:00"], [], "%d/%m/%Y %H:%M",
     [datetime(2026, 1, 31, 14, 5), datetime(2026, 2, 1, 9)]),
    # Jira in English, 12-hour clock
    (["11/May/24 03:26 PM", "02/Jan/25 11:59 AM"], [], "%d/%b/%y %I:%M %p",
     [datetime(2024, 5, 11, 15, 26), datetime(2025, 1, 2, 11, 59)]),
    # Jira in Spanish/French/Russian month words, date only
    (["04/nov/25", "29/июл/26", "03/févr./26", "15/ene/25", "01/Mai/24"], [], "%d/%b/%y",
     [datetime(2025, 11, 4), datetime(2026, 7, 29), datetime(2026, 2, 3), datetime(2025, 1, 15),
      datetime(2024, 5, 1)]),
    # ServiceNow, unpadded day/month/hour
    (["3/4/2025 8:05", "13/12/2025 18:05"], [], "%d/%m/%Y %H:%M",
     [datetime(2025, 4, 3, 8, 5), datetime(2025, 12, 13, 18, 5)]),
    # dots, seconds with a fraction
    (["31.12.2025 23:59:59.25"], [], "%d.%m.%Y %H:%M:%S.%f",
     [datetime(2025, 12, 31, 23, 59, 59, 250000)]),
    # year first with slashes and a 2-digit year
    (["2025/7/3", "2025/12/31"], [], "%Y/%m/%d", [datetime(2025, 7, 3), datetime(2025, 12, 31)]),
    (["12/31/24 5:00 pm"], [], "%m/%d/%y %I:%M %p", [datetime(2024, 12, 31, 17)]),
    # no value above 12: the preset's hint decides (US for Clockify's default)
    (["05/01/2026", "06/02/2026"], ["%m/%d/%Y"], "%m/%d/%Y",
     [datetime(2026, 5, 1), datetime(2026, 6, 2)]),
    # a value that does not fit is left for a reject
    (["20/04/2025", "04/20/2025", "soon"], [], "%d/%m/%Y", [datetime(2025, 4, 20), None, None]),
    # mostly day-first, a few ISO values: both read
    (["20/04/2025", "21/04/2025", "2025-04-22"], [], "%d/%m/%Y",
     [datetime(2025, 4, 20), datetime(2025, 4, 21), datetime(2025, 4, 22)]),
]  # fmt: skip


@pytest.mark.parametrize(("values", "hints", "label", "expected"), CASES)
def test_inferred_format_parses_the_column(values, hints, label, expected):
    fmt = dates.infer(values, hints)
    assert fmt.label == label
    assert parse(values, fmt) == expected


@pytest.mark.parametrize(
    ("values", "hints", "locale_day_first", "label", "warn"),
    [
        (["05/01/2026", "06/02/2026"], [], True, "%d/%m/%Y", True),  # the calendar's France
        (["05/01/2026", "06/02/2026"], [], False, "%m/%d/%Y", True),  # the calendar's US
        # the preset writes one order (GLPI): it settles the column
        (["05/01/2026"], ["%Y-%m-%d", "%d/%m/%Y"], False, "%d/%m/%Y", False),
        # the preset allows both (Toggl): its first order, with a warning
        (["05/01/2026"], ["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y"], False, "%d/%m/%Y", True),
        (["20/01/2026"], ["%m/%d/%Y"], False, "%d/%m/%Y", False),  # a value above 12 decides
    ],
)
def test_ambiguous_order_follows_the_preset_else_the_locale(
    values, hints, locale_day_first, label, warn
):
    fmt = dates.infer(values, hints, locale_day_first)
    assert (fmt.label, fmt.warn) == (label, warn)


def test_another_column_of_the_same_shape_decides_the_order():
    found = dates.infer_columns({"created": ["25/01/2026"], "closed": ["05/02/2026"]}, [], False)
    assert (found["closed"].label, found["closed"].ambiguous) == ("%d/%m/%Y", False)


def test_every_month_word_means_one_month():
    seen: dict[str, int] = {}
    for number, words in dates.MONTH_WORDS.items():
        for word in words:
            assert seen.setdefault(word, number) == number, word
    assert all(len(dates.MONTH_WORDS[n]) >= 4 for n in range(1, 13))


def test_ambiguous_column_is_a_warning_naming_it():
    data = (
        b"Ticket ID;Created;Closed\n"
        b"T1;05/01/2026 10:00;05/01/2026 11:00\nT2;06/02/2026 10:00;07/02/2026 10:00\n"
    )
    plan = service.inspect(data, "tickets.csv", day_first=False)
    warned = plan.findings[plan.findings.severity == "warning"]
    assert sorted(warned["column"]) == ["Closed", "Created"]
    assert set(warned["reason"]) == {
        "day and month cannot be told apart (no day above 12 in the values sampled);"
        " read as month/day (%m/%d/%Y %H:%M): check a few dates"
    }
    (created,) = plan.private.execute("select created_at from staged where __line = 3").fetchone()
    assert created == datetime(2026, 6, 2, 10)
    assert (plan.rows_rejected, plan.date_format) == (0, "%m/%d/%Y %H:%M")
    plan.private.close()


def test_a_shape_outside_the_families_is_read_with_the_presets_formats():
    data = b'Ticket ID,Created\nT1,"Jan 05, 2024 03:26 PM"\nT2,"Feb 11, 2024 09:00 AM"\n'
    plan = service.inspect(data, "tickets.csv")  # the generic list has %b %d, %Y %I:%M %p
    created = plan.private.execute("select created_at from staged order by __line").fetchall()
    assert created == [(datetime(2024, 1, 5, 15, 26),), (datetime(2024, 2, 11, 9),)]
    assert plan.rows_rejected == 0
    plan.private.close()


def test_value_off_the_inferred_format_is_rejected_naming_the_column():
    data = b"Ticket ID;Created\nT1;20/01/2026 10:00\nT2;next week\nT3;21/01/2026 11:00\n"
    plan = service.inspect(data, "tickets.csv")
    rejects = plan.findings[plan.findings.severity == "reject"]
    assert rejects[["line", "column", "value", "reason"]].values.tolist() == [
        [3, "Created", "next week", "unparseable or impossible date"]
    ]
    plan.private.close()


# --- property: any member of the inferred family round-trips ---------------------------------

MONTHS_BY_LANGUAGE = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
           "nov.", "déc."],
    "de": ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.", "Nov.",
           "Dez."],
    "es": ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"],
    "pt": ["jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"],
    "it": ["gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"],
    "nl": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    "ru": ["янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"],
}  # fmt: skip


@st.composite
def family_member(draw) -> tuple[str, str | None]:
    """A format of the family (strftime layout; a language when months are words)."""
    order = draw(st.sampled_from(["dmy", "mdy", "ymd", "d-name-y"]))
    sep = draw(st.sampled_from(["/", "-", "."]))
    year = draw(st.sampled_from(["%Y", "%y"])) if order != "ymd" else "%Y"
    date = {
        "dmy": f"%d{sep}%m{sep}{year}", "mdy": f"%m{sep}%d{sep}{year}",
        "ymd": f"%Y{sep}%m{sep}%d", "d-name-y": f"%d/%b/{year}",
    }[order]  # fmt: skip
    if order == "ymd" and sep == "-":
        date = "%Y-%m-%d"  # ISO: the cast
    clock = draw(st.sampled_from(["", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p"]))
    language = draw(st.sampled_from(sorted(MONTHS_BY_LANGUAGE))) if "%b" in date else None
    return date + clock, language


def write(moment: datetime, layout: str, language: str | None) -> str:
    if language:
        layout = layout.replace("%b", MONTHS_BY_LANGUAGE[language][moment.month - 1])
    return moment.strftime(layout)


@SETTINGS
@given(
    member=family_member(),
    moments=st.lists(
        st.datetimes(datetime(1970, 1, 1), datetime(2068, 12, 31)), min_size=1, max_size=6
    ),
)
def test_any_format_of_the_family_round_trips(member, moments):
    layout, language = member
    # the sample holds a day above 12 (so the order is decided) and whole units only
    moments = [*moments, datetime(2024, 11, 25, 13, 45, 30)]
    moments = [
        m.replace(microsecond=0, second=m.second if "%S" in layout else 0).replace(
            **({} if "%H" in layout or "%I" in layout else {"hour": 0, "minute": 0})
        )
        for m in moments
    ]
    values = [write(m, layout, language) for m in moments]
    assert parse(values, dates.infer(values)) == moments


# --- a Clockify export with day-first dates, through the command line -------------------------

CLOCKIFY_HEADER = (
    '"Project","Client","Description","Task","User","Group","Email","Tags","Billable",'
    '"Start Date","Start Time","End Date","End Time","Duration (h)","Duration (decimal)",'
    '"Billable Rate (EUR)","Billable Amount (EUR)"'
)
CLOCKIFY_ROWS = [
    '"Run","Acme","Backup check","Support","Ana Lopez","N2","ana@example.com","","Yes",'
    '"20/04/2025","08:30:00","20/04/2025","10:00:00","01:30:00","1.50","80.00","120.00"',
    '"Run","Globex","Patch","Support","Bob Martin","N1","bob@example.com","","No",'
    '"03/05/2025","14:00:00","03/05/2025","14:45:00","00:45:00","0.75","0.00","0.00"',
]


def test_clockify_day_first_export_loads_with_the_right_dates(tmp_path):
    export = tmp_path / "Clockify_Time_Report_Detailed_01_04_2025-31_05_2025.csv"
    export.write_text("\n".join([CLOCKIFY_HEADER, *CLOCKIFY_ROWS, ""]), encoding="utf-8")
    database = tmp_path / "okam.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "okam_analytics", "import", str(export), "--db", str(database)],
        capture_output=True, text=True, cwd=REPO, timeout=120, check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    outcome = json.loads(done.stdout)
    assert (done.returncode, outcome["preset"], outcome["status"]) == (0, "clockify", "loaded")
    assert (outcome["rows_loaded"], outcome["rows_rejected"]) == (2, 0)
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select consultant, work_date, started_at, hours from time_entries order by 2"
        ).fetchall()
    assert rows == [
        ("Ana Lopez", datetime(2025, 4, 20).date(), datetime(2025, 4, 20, 8, 30), 1.5),
        ("Bob Martin", datetime(2025, 5, 3).date(), datetime(2025, 5, 3, 14), 0.75),
    ]
