"""Consultant workload on small hand-computed cases (SPEC 4.2)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from okam_analytics import settings
from okam_analytics.metrics import workload
from okam_analytics.metrics.period import Period

ASCENSION_WEEK = date(2026, 5, 11)  # Thursday 14 May 2026 is a public holiday in France
TUESDAY_OFF = {"extra_holidays": ["2026-05-12"]}


def cfg(**overrides):
    return settings.merge(settings.defaults(), overrides)


def add_entry(con, consultant, day, hours, client="Acme", absence=False, billable=True):
    con.execute(
        "insert into time_entries (source, entry_key, work_date, consultant, client, hours,"
        " is_billable, is_absence, import_id) values ('t', gen_random_uuid()::varchar,"
        " ?, ?, ?, ?, ?, ?, 1)",
        [day, consultant, client, hours, billable and not absence, absence],
    )


def add_days(con, consultant, monday, hours_per_day, days=5, client="Acme"):
    for offset in range(days):
        add_entry(con, consultant, monday + timedelta(days=offset), hours_per_day, client)


def add_consultant(con, name, capacity=None, active_from=None, active_to=None, team=None):
    con.execute(
        "insert into consultants (consultant, team, weekly_capacity_hours, active_from,"
        " active_to) values (?, ?, ?, ?, ?)",
        [name, team, capacity, active_from, active_to],
    )


def add_ticket(con, assignee, created, resolved=None, closed=None, **extra):
    v = {"priority": "P3", "status": "open", "escalation_level": 0, "reassignment_count": 0}
    v |= extra
    con.execute(
        "insert into tickets (source, ticket_id, client, assignee, created_at, resolved_at,"
        " closed_at, priority, status, escalation_level, reassignment_count, import_id)"
        " values ('t', gen_random_uuid()::varchar, 'Acme', ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        [assignee, created, resolved, closed, v["priority"], v["status"],
         v["escalation_level"], v["reassignment_count"]],
    )  # fmt: skip


def week_row(con, config, consultant, week, date_from=None, date_to=None):
    frame = workload.weekly_utilisation(
        con, config, date_from or week, date_to or week + timedelta(days=6)
    )
    rows = frame[(frame["consultant"] == consultant) & (frame["week_start"] == week)]
    return rows.iloc[0] if len(rows) else None


# (worked hours Mon-Fri, absence hours, capacity setting, calendar overrides) ->
# (worked, absence, billable, capacity, utilisation, overtime, overloaded)
@pytest.mark.parametrize(
    ("days", "absence", "capacity", "calendar", "expected"),
    [
        ([8, 8, 8, 0, 0], 0, None, {}, (24, 0, 24, 32, 0.75, 0, False)),
        ([8, 8, 8, 0, 0], 8, None, {}, (24, 8, 24, 24, 1.0, 0, False)),  # 8 h absence
        ([8, 8, 8, 8, 8], 0, None, {}, (40, 0, 40, 32, 1.25, 8, True)),  # worked the holiday
        ([8, 8, 8, 0, 0], 0, 30.0, {}, (24, 0, 24, 24, 1.0, 0, False)),  # own capacity
        ([8, 8, 8, 0, 0], 0, None, TUESDAY_OFF, (24, 0, 24, 24, 1.0, 0, False)),
        ([8, 8, 8, 0, 0], 0, None, {"holiday_country": None}, (24, 0, 24, 40, 0.6, 0, False)),
        ([0, 0, 0, 0, 0], 40, None, {}, (0, 40, 0, -8, None, 0, False)),  # absent beyond capacity
        ([4, 0, 0, 0, 0], 40, None, {}, (4, 40, 4, -8, None, 4, False)),
    ],
)
def test_week_capacity(con, days, absence, capacity, calendar, expected):
    if capacity is not None:
        add_consultant(con, "Ana", capacity=capacity)
    for offset, hours in enumerate(days):
        if hours:
            add_entry(con, "Ana", ASCENSION_WEEK + timedelta(days=offset), hours)
    if absence:
        add_entry(con, "Ana", ASCENSION_WEEK, absence, "Okam", absence=True)
    row = week_row(con, cfg(calendar=calendar), "Ana", ASCENSION_WEEK)
    got = (
        row.worked_hours,
        row.absence_hours,
        row.billable_hours,
        row.capacity_hours,
        None if row.utilisation != row.utilisation else row.utilisation,
        row.overtime_hours,
        bool(row.overloaded),
    )
    if expected[4] is None:
        assert got == expected
    else:
        assert got == pytest.approx(expected)


def test_week_columns_billable_and_clients(con):
    add_entry(con, "Ana", date(2026, 5, 11), 8, "Acme")
    add_entry(con, "Ana", date(2026, 5, 12), 8, "Beta", billable=False)
    add_entry(con, "Ana", date(2026, 5, 13), 8, "Acme")
    add_entry(con, "Ana", date(2026, 5, 15), 8, "Okam", absence=True)
    frame = workload.weekly_utilisation(con, cfg(), date(2026, 5, 11), date(2026, 5, 17))
    assert list(frame.columns[:12]) == workload.WEEKLY_COLUMNS
    row = frame.iloc[0]
    assert (row.billable_hours, row.billable_utilisation, row.clients) == (16, 16 / 24, 2)


def test_week_cut_by_the_period_is_prorated(con):
    for day in (11, 13, 15):
        add_entry(con, "Ana", date(2026, 5, day), 8)
    frame = workload.weekly_utilisation(con, cfg(), date(2026, 5, 13), date(2026, 5, 24))
    got = [(r.week_start, r.worked_hours, r.capacity_hours) for r in frame.itertuples()]
    # 13 and 15 May are the working days of the first week inside the period (14 is closed);
    # Ana logged recently, so she is still active the following week, without entries
    assert got == [(date(2026, 5, 11), 16, 16), (date(2026, 5, 18), 0, 40)]


@pytest.mark.parametrize(
    ("name", "expected_weeks"),
    [
        ("Dan", [date(2026, 5, 18)]),  # active from 18 May, no entries at all
        ("Eve", [date(2026, 5, 11)]),  # active until 12 May
        ("Fay", [date(2026, 5, 11)]),  # no dates: first to last entry (13 May)
        ("Gus", [date(2026, 5, 11), date(2026, 5, 18)]),  # last entry recent: still active
        ("Hal", []),  # in the consultants table, never seen, no dates
    ],
)
def test_active_weeks_without_entries(con, name, expected_weeks):
    add_consultant(con, "Dan", active_from=date(2026, 5, 18), team="Infra")
    add_consultant(con, "Eve", active_from=date(2026, 1, 1), active_to=date(2026, 5, 12))
    add_consultant(con, "Hal")
    add_entry(con, "Fay", date(2026, 4, 6), 8)
    add_entry(con, "Fay", date(2026, 5, 13), 8)
    add_entry(con, "Gus", date(2026, 4, 6), 8)
    add_entry(con, "Gus", date(2026, 6, 29), 8)  # the last entry of the data
    frame = workload.weekly_utilisation(con, cfg(), date(2026, 5, 11), date(2026, 5, 24))
    assert frame[frame["consultant"] == name]["week_start"].tolist() == expected_weeks


def test_summary_is_a_ratio_of_sums(con):
    add_days(con, "Bob", ASCENSION_WEEK, 4, client="Acme")
    add_days(con, "Bob", ASCENSION_WEEK, 4, client="Beta")  # 40 h against 32
    add_days(con, "Bob", date(2026, 5, 18), 2, client="Acme")
    add_days(con, "Bob", date(2026, 5, 18), 2, client="Beta")  # 20 h against 40
    span = Period(date(2026, 5, 24), date(2026, 5, 11), date(2026, 5, 24))
    row = workload.workload_summary(con, cfg(), span).iloc[0]
    # 60 / 72, not the mean of 1.25 and 0.5
    assert row.utilisation == pytest.approx(60 / 72)
    assert (row.worked_hours, row.capacity_hours, row.overtime_hours) == (60, 72, 8)
    assert (row.overloaded_weeks, row.longest_streak, row.current_streak) == (1, 1, 0)
    assert (row.clients, row.open_tickets, row.open_escalations) == (2, 0, 0)
    assert row.billable_utilisation == pytest.approx(60 / 72)


@pytest.mark.parametrize(
    ("as_of", "last_week", "overloaded_weeks", "longest", "current"),
    [
        (date(2026, 7, 5), [10, 10, 10, 10, 10], 4, 2, 2),  # Sunday: the week is over
        (date(2026, 7, 5), [4, 4, 4, 4, 4], 3, 2, 0),
        (date(2026, 7, 1), [8], 3, 2, 1),  # Wednesday, 8 of 24 h: the week is not over yet
        (date(2026, 7, 1), [30], 4, 2, 2),  # already 30 of 24 h
    ],
)
def test_streaks(con, as_of, last_week, overloaded_weeks, longest, current):
    for monday, hours in zip(
        (date(2026, 6, 1), date(2026, 6, 8), date(2026, 6, 15), date(2026, 6, 22)),
        (10, 10, 4, 10),  # 50, 50, 20, 50 h in weeks of 40 h
        strict=True,
    ):
        add_days(con, "Cleo", monday, hours)
    for offset, hours in enumerate(last_week):
        add_entry(con, "Cleo", date(2026, 6, 29) + timedelta(days=offset), hours)
    span = Period(as_of, date(2026, 6, 1), as_of)
    row = workload.workload_summary(con, cfg(), span).iloc[0]
    assert (row.overloaded_weeks, row.longest_streak, row.current_streak) == (
        overloaded_weeks,
        longest,
        current,
    )


@pytest.mark.parametrize(
    ("escalation", "open_tickets", "open_escalations"),
    [
        ({}, 5, 2),  # P1, and escalation level 1
        ({"priorities": ["P2"]}, 5, 1),
        ({"include_reassigned": True}, 5, 3),
    ],
)
def test_open_tickets_at_as_of(con, escalation, open_tickets, open_escalations):
    add_entry(con, "Ana", date(2026, 6, 1), 8)
    add_ticket(con, "Ana", datetime(2026, 6, 1, 9))  # open
    add_ticket(con, "Ana", datetime(2026, 6, 1, 9), resolved=datetime(2026, 6, 2, 9))
    add_ticket(con, "Ana", datetime(2026, 6, 1, 9), resolved=datetime(2026, 6, 8, 9))  # open then
    add_ticket(con, "Ana", datetime(2026, 6, 1, 9), closed=datetime(2026, 6, 3, 9))
    add_ticket(con, "Ana", datetime(2026, 6, 6, 9))  # created after the as-of day
    add_ticket(con, "Ana", datetime(2026, 6, 1, 9), status="closed")  # closed, date unknown
    add_ticket(con, "Ana", datetime(2026, 6, 5, 23, 59), priority="P1")  # open
    add_ticket(con, "Ana", datetime(2026, 6, 2, 9), escalation_level=1)  # open
    add_ticket(con, "Ana", datetime(2026, 6, 2, 9), reassignment_count=2)  # open
    add_ticket(con, "Bob", datetime(2026, 6, 2, 9), priority="P2")  # no timesheet
    config = cfg(escalation=escalation)
    span = Period(date(2026, 6, 5), date(2026, 6, 1), date(2026, 6, 5))
    frame = workload.workload_summary(con, config, span).set_index("consultant")
    assert (frame.loc["Ana", "open_tickets"], frame.loc["Ana", "open_escalations"]) == (
        open_tickets,
        open_escalations,
    )
    assert "Bob" not in frame.index  # workload lists the consultants of the timesheets
    calls = workload.daily_call(con, config, date(2026, 6, 5)).set_index("consultant")
    assert (calls.loc["Ana", "open_tickets"], calls.loc["Ana", "open_escalations"]) == (
        open_tickets,
        open_escalations,
    )


def daily_fixture(con):
    """As of Wednesday 1 July 2026: 24 h of capacity so far this week."""
    monday = date(2026, 6, 29)
    add_entry(con, "Over", monday, 30)
    add_entry(con, "Busy", monday, 22)
    add_entry(con, "Free", monday, 8)
    add_days(con, "Streak", date(2026, 6, 15), 10)
    add_days(con, "Streak", date(2026, 6, 22), 10)
    add_entry(con, "Streak", monday, 8)
    add_entry(con, "Away", date(2026, 6, 22), 8)
    for offset in range(3):
        add_entry(con, "Away", monday + timedelta(days=offset), 8, "Okam", absence=True)


@pytest.mark.parametrize(
    ("consultant", "worked", "utilisation", "streak", "status"),
    [
        ("Over", 30, 1.25, 1, "overloaded"),
        ("Busy", 22, 22 / 24, 0, "busy"),
        ("Free", 8, 8 / 24, 0, "available"),
        ("Streak", 8, 8 / 24, 2, "overloaded"),  # two overloaded weeks in a row before
        ("Away", 0, None, 0, "absent"),  # no capacity left this week
    ],
)
def test_daily_call(con, consultant, worked, utilisation, streak, status):
    daily_fixture(con)
    calls = workload.daily_call(con, cfg(), date(2026, 7, 1)).set_index("consultant")
    assert list(calls.reset_index().columns) == workload.DAILY_COLUMNS
    row = calls.loc[consultant]
    assert row.worked_hours_to_date == worked
    if utilisation is None:
        assert row.utilisation_to_date != row.utilisation_to_date  # NaN
    else:
        assert row.utilisation_to_date == pytest.approx(utilisation)
    assert (row.current_streak, row.status) == (streak, status)


@pytest.mark.parametrize(
    ("hours", "status"),
    [(36, "busy"), (35.9, "available"), (44, "busy"), (44.5, "overloaded")],
)
def test_daily_call_thresholds(con, hours, status):
    add_entry(con, "Ana", date(2026, 6, 29), hours)  # as of Friday: 40 h of capacity
    calls = workload.daily_call(con, cfg(), date(2026, 7, 3))
    assert calls.iloc[0].status == status


def test_who_can_help(con):
    # Acme knowledge as of Wednesday 1 July: Ana 20 and Bob 10 (knowers), Cleo 4 (near: >= 3.5),
    # Dan 3 (not near). This week's load, of 24 h so far: Ana 22 h, Bob 10 h, Cleo 12 h
    for consultant, hours in (("Ana", 20.0), ("Bob", 10.0), ("Cleo", 4.0), ("Dan", 3.0)):
        add_entry(con, consultant, date(2026, 7, 1), hours, "Acme")
        add_entry(con, consultant, date(2025, 6, 2), 1.0, "Beta")  # active long before
    add_entry(con, "Ana", date(2026, 6, 30), 2.0, "Beta")
    add_entry(con, "Cleo", date(2026, 6, 30), 8.0, "Beta")
    frame = workload.who_can_help(con, cfg(), date(2026, 7, 1), "Acme")
    got = [(r.consultant, r.is_knower, r.status) for r in frame.itertuples()]
    assert got == [("Bob", True, "available"), ("Cleo", False, "available"), ("Ana", True, "busy")]
    assert frame["utilisation_this_week"].tolist() == pytest.approx([10 / 24, 12 / 24, 22 / 24])
    assert workload.who_can_help(con, cfg(), date(2026, 7, 1), "Nobody").empty


def test_report_workload_grains(con):
    add_consultant(con, "Bob", active_from=date(2026, 1, 1))
    add_days(con, "Bob", ASCENSION_WEEK, 8)
    span = Period(date(2026, 5, 31), date(2026, 5, 1), date(2026, 5, 31))
    weeks = workload.report_workload(con, cfg(), span, "week")
    # the week of 27 April has no working day in May (1 May is a holiday): no row
    assert weeks["week_start"].tolist() == [
        date(2026, 5, 4),
        date(2026, 5, 11),
        date(2026, 5, 18),
        date(2026, 5, 25),
    ]
    # May 2026 has 21 weekdays, 4 of them public holidays: 17 * 8 h
    months = workload.report_workload(con, cfg(), span, "month")
    assert (months.iloc[0].month_start, months.iloc[0].capacity_hours) == (date(2026, 5, 1), 136)
    summary = workload.report_workload(con, cfg(), span, None)
    required = {
        "consultant", "worked_hours", "capacity_hours", "utilisation", "billable_hours",
        "billable_utilisation", "overtime_hours", "overloaded_weeks", "clients", "open_tickets",
    }  # fmt: skip
    assert required <= set(summary.columns)
    assert (summary.iloc[0].worked_hours, summary.iloc[0].capacity_hours) == (40, 136)


def test_empty_database(con):
    span = Period(date(2026, 5, 31), date(2026, 5, 1), date(2026, 5, 31))
    assert workload.report_workload(con, cfg(), span, None).empty
    assert workload.daily_call(con, cfg(), date(2026, 5, 31)).empty
