"""Escalation response (SPEC 4.3 and 7): per-ticket flags and states, summaries, by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from okam_analytics import settings
from okam_analytics.metrics import escalations
from okam_analytics.metrics.period import Period

TICKET_FIELDS = (
    "ticket_id", "client", "priority", "status", "assignee", "created_at", "first_response_at",
    "resolved_at", "closed_at", "escalation_level", "reassignment_count", "source_sla_met",
)  # fmt: skip
# As of Mon 2026-03-30 (state at 2026-03-31 00:00), period March 2026; defaults: P1 24x7 60/240,
# P2 business 120/480, P3 business 240/1440, Mon-Fri 09-18 Europe/Paris (DST on 29 March).
MARCH = Period(date(2026, 3, 30), date(2026, 3, 1), date(2026, 3, 31))
TICKETS = [
    # Fri 17:00 -> Mon 09:30 response (90 business), Mon 10:00 resolved (120): met
    ("t1", "Acme", "P2", "resolved", "Ann", "2026-03-20 17:00", "2026-03-23 09:30", "2026-03-23 10:00", None, 0, 0, True),
    # response 180 business > 120: breached; resolution 420 <= 480
    ("t2", "Acme", "P2", "closed", "Ann", "2026-03-23 09:00", "2026-03-23 12:00", "2026-03-23 16:00", None, 0, 0, True),
    # open P1, age 240 at as-of: response (60) breached, resolution exactly at 240: not yet
    ("t3", "Bolt", "P1", "open", "Bob", "2026-03-30 20:00", None, None, None, 0, 0, None),
    # open P1, age 30: within both targets, flags null
    ("t4", "Bolt", "P1", "pending", "Bob", "2026-03-30 23:30", None, None, None, 0, 0, None),
    # resolved without first response: response null, counted apart; resolution 60 met
    ("t5", "Acme", "P2", "resolved", "Ann", "2026-03-24 10:00", None, "2026-03-24 11:00", None, 0, 0, False),
    # resolved after the as-of time: still open at as-of (age 60 = response target: not breached)
    ("t6", "Bolt", "P1", "resolved", "Bob", "2026-03-30 23:00", None, "2026-03-31 01:00", None, 0, 0, None),
    # P3 escalated by level; closed_at only: Wed 17:00 -> Thu 18:00 = 600 business
    ("t7", "Bolt", "P3", "closed", "Cyd", "2026-03-25 17:00", "2026-03-25 17:30", None, "2026-03-26 18:00", 1, 0, True),
    # P1 on the 24x7 clock across the DST night: 23:00 Sat -> 04:00 Sun = 240 true minutes
    ("t8", "Acme", "P1", "resolved", "Cyd", "2026-03-28 23:00", "2026-03-28 23:45", "2026-03-29 04:00", None, 0, 0, True),
    # not escalated: P3 level 0, reassigned once (counts only with include_reassigned)
    ("t9", "Acme", "P3", "resolved", "Ann", "2026-03-24 09:00", "2026-03-24 09:10", "2026-03-24 09:20", None, 0, 1, None),
    # outside the period or after the as-of time
    ("t10", "Acme", "P1", "resolved", "Ann", "2026-02-27 09:00", "2026-02-27 09:10", "2026-02-27 10:00", None, 0, 0, None),
    ("t11", "Acme", "P1", "open", "Ann", "2026-03-31 08:00", None, None, None, 0, 0, None),
]  # fmt: skip


def load(con, rows) -> None:
    """Insert ticket rows (TICKET_FIELDS order) for source 'helpdesk'."""
    frame = pd.DataFrame(rows, columns=list(TICKET_FIELDS))
    for name in ("created_at", "first_response_at", "resolved_at", "closed_at"):
        frame[name] = pd.to_datetime(frame[name])
    frame["source_sla_met"] = frame["source_sla_met"].astype("boolean")
    con.register("new_tickets", frame)
    columns = ", ".join(TICKET_FIELDS)
    con.execute(
        f"insert into tickets (source, import_id, {columns}) select 'helpdesk', 1, {columns} from new_tickets"
    )
    con.unregister("new_tickets")


def cfg(**escalation) -> dict:
    return settings.merge(settings.defaults(), {"escalation": escalation} if escalation else {})


@pytest.fixture
def march(con):
    load(con, TICKETS)
    return con


def test_ticket_grain_columns_and_values(march):
    frame = escalations.report_escalations(march, cfg(), MARCH, "ticket")
    assert list(frame.columns) == escalations.TICKET_COLUMNS
    frame = frame.set_index("ticket_id")
    assert sorted(frame.index) == ["t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8"]
    t1 = frame.loc["t1"]
    assert (t1.response_minutes, t1.response_business_minutes) == (3870, 90)
    assert (t1.resolution_minutes, t1.resolution_business_minutes) == (3900, 120)
    assert frame.loc["t7", "resolution_business_minutes"] == 600
    assert frame.loc["t8", "resolution_minutes"] == 240  # 5 wall-clock hours, one skipped


@pytest.mark.parametrize(
    ("ticket_id", "response_met", "resolution_met", "state"),
    [
        ("t1", True, True, "met"),
        ("t2", False, True, "breached"),
        ("t3", False, None, "open_breached"),
        ("t4", None, None, "open_within"),
        ("t5", None, True, "no_response_data"),
        ("t6", None, None, "open_within"),
        ("t7", True, True, "met"),
        ("t8", True, True, "met"),
    ],
)
def test_flags_and_states(march, ticket_id, response_met, resolution_met, state):
    frame = escalations.escalation_tickets(march, cfg(), MARCH).set_index("ticket_id")
    row = frame.loc[ticket_id]
    assert (none(row.response_met), none(row.resolution_met), row.state) == (
        response_met,
        resolution_met,
        state,
    )


def none(value):
    """pandas NA -> None, numpy bool -> bool."""
    return None if pd.isna(value) else bool(value)


def test_open_ticket_durations_stay_null_and_age_is_kept(march):
    frame = escalations.escalation_tickets(march, cfg(), MARCH).set_index("ticket_id")
    assert pd.isna(frame.loc["t6", "resolution_minutes"])
    assert frame.loc["t3", ["age_minutes", "age_clock_minutes"]].tolist() == [240, 240]


@pytest.mark.parametrize(
    ("row", "include_reassigned", "escalated"),
    [
        (("P1", 0, 0), False, True),
        (("P2", 0, 0), False, True),
        (("P3", 0, 0), False, False),
        (("P4", 1, 0), False, True),
        (("P3", 0, 2), False, False),
        (("P3", 0, 2), True, True),
        ((None, 0, 0), False, False),
        ((None, 2, 0), False, True),
    ],
)
def test_escalation_rule(con, row, include_reassigned, escalated):
    priority, level, reassigned = row
    ticket = (
        "x",
        "Acme",
        priority,
        "open",
        "Ann",
        "2026-03-23 10:00",
        None,
        None,
        None,
        level,
        reassigned,
        None,
    )
    load(con, [ticket])
    frame = escalations.escalation_tickets(con, cfg(include_reassigned=include_reassigned), MARCH)
    assert len(frame) == int(escalated)


def test_escalated_without_target_is_marked_no_target(con):
    load(
        con, [("x", "Acme", None, "open", "Ann", "2026-03-23 10:00", None, None, None, 2, 0, None)]
    )
    frame = escalations.escalation_tickets(con, cfg(), MARCH)
    assert frame["state"].tolist() == ["no_target"] and pd.isna(frame["response_met"][0])


def test_summary_per_priority(march):
    frame = escalations.report_escalations(march, cfg(), MARCH, None).set_index("priority")
    assert list(frame.reset_index().columns) == [
        "priority",
        *escalations.SUMMARY_COLUMNS,
        "open_within",
    ]
    counts = [
        "tickets",
        "response_met",
        "response_breached",
        "resolution_met",
        "resolution_breached",
    ]
    counts += ["no_response_data", "open_breached", "open_within"]
    assert frame.loc["P1", counts].tolist() == [4, 1, 1, 1, 0, 0, 1, 2]
    assert frame.loc["P2", counts].tolist() == [3, 1, 1, 3, 0, 1, 0, 0]
    assert frame.loc["P2", ["response_compliance", "resolution_compliance"]].tolist() == [0.5, 1.0]
    # P2 response in business minutes: 90 and 180 -> p50 135, p90 90 + 0.9 * 90 = 171
    assert frame.loc["P2", ["response_p50_minutes", "response_p90_minutes"]].tolist() == [135, 171]
    # P1 on its 24x7 clock: one response (45) and one resolution (240)
    assert frame.loc["P1", ["response_p50_minutes", "resolution_p90_minutes"]].tolist() == [45, 240]


def test_percentiles_and_compliance_on_five_tickets(con):
    # Mon 2026-03-23 09:00, responses after 10, 20, 40, 80, 160 business minutes, resolved at 14:00
    responses = ["09:10", "09:20", "09:40", "10:20", "11:40"]
    rows = [
        (f"p{i}", "Acme", "P2", "resolved", "Ann", "2026-03-23 09:00", f"2026-03-23 {hm}", "2026-03-23 14:00", None, 0, 0, None)
        for i, hm in enumerate(responses)
    ]  # fmt: skip
    load(con, rows)
    row = escalations.escalation_compliance(con, cfg(), MARCH, "priority").iloc[0]
    assert (row.response_met, row.response_breached, row.response_compliance) == (4, 1, 0.8)
    # quantile_cont: p50 = 40; p90 at rank 3.6 = 80 + 0.6 * (160 - 80) = 128
    assert (row.response_p50_minutes, row.response_p90_minutes) == (40, 128)
    assert (row.resolution_p50_minutes, row.resolution_compliance) == (300, 1.0)


def test_summary_per_month_and_priority(con):
    rows = [
        ("a", "Acme", "P2", "resolved", "Ann", "2026-02-16 09:00", "2026-02-16 09:30", "2026-02-16 10:00", None, 0, 0, None),
        ("b", "Acme", "P2", "resolved", "Ann", "2026-03-16 09:00", "2026-03-16 12:00", "2026-03-16 10:00", None, 0, 0, None),
        ("c", "Acme", "P1", "resolved", "Ann", "2026-03-17 09:00", "2026-03-17 09:30", "2026-03-17 10:00", None, 0, 0, None),
    ]  # fmt: skip
    load(con, rows)
    span = Period(date(2026, 3, 30), date(2026, 2, 1), date(2026, 3, 31))
    frame = escalations.report_escalations(con, cfg(), span, "month")
    keys = list(
        zip(frame["month"].dt.date, frame["priority"], frame["response_compliance"], strict=True)
    )
    assert keys == [
        (date(2026, 2, 1), "P2", 1.0),
        (date(2026, 3, 1), "P1", 1.0),
        (date(2026, 3, 1), "P2", 0.0),
    ]


@pytest.mark.parametrize(
    ("grain", "key", "expected"),
    [
        ("client", "client", {"Acme": (4, 2 / 3), "Bolt": (4, 0.5)}),
        ("consultant", "assignee", {"Ann": (3, 0.5), "Bob": (3, 0.0), "Cyd": (2, 1.0)}),
    ],
)
def test_summary_per_client_and_consultant(march, grain, key, expected):
    frame = escalations.report_escalations(march, cfg(), MARCH, grain)
    got = {r[key]: (r["tickets"], r["response_compliance"]) for _, r in frame.iterrows()}
    assert got.keys() == expected.keys()
    for name, (tickets, compliance) in expected.items():
        assert got[name] == (tickets, pytest.approx(compliance))


def test_breach_list_worst_first(march):
    frame = escalations.escalation_breaches(march, cfg(), MARCH)
    assert frame["ticket_id"].tolist() == ["t3", "t2"]
    # t3: open P1, age 240 vs response target 60; t2: 180 business vs 120
    assert frame["overrun_minutes"].tolist() == [180, 60]


def test_open_escalations_by_age(march):
    frame = escalations.open_escalations(march, cfg(), MARCH)
    assert frame["ticket_id"].tolist() == ["t3", "t6", "t4"]
    assert frame["age_minutes"].tolist() == [240, 60, 30]
    assert frame["age_bucket"].unique().tolist() == ["< 1 day"]


def test_agreement_with_source_flag(march):
    frame = escalations.source_agreement(march, cfg(), MARCH).set_index("priority")
    # compared: t1 (ours met, source met), t2 (breached vs met), t5 (met vs breached),
    # t7 (met, met), t8 (met, met)
    assert frame.loc["all", ["compared", "agree", "agreement"]].tolist() == [5, 3, 0.6]
    assert frame.loc["P2", ["compared", "agree"]].tolist() == [3, 1]
    assert frame.loc["all", ["ours_met_source_breached", "ours_breached_source_met"]].tolist() == [
        1,
        1,
    ]


def test_business_clock_setting_changes_the_verdict(march):
    # P1 on the business clock: t3 (opened Mon 20:00) has no business age yet -> open_within
    sla = settings.DEFAULT_SLA | {
        "P1": {"response_minutes": 60, "resolution_minutes": 240, "clock": "business"}
    }
    frame = escalations.escalation_tickets(march, cfg(sla=sla), MARCH).set_index("ticket_id")
    assert frame.loc["t3", "state"] == "open_within"


def test_bad_sla_clock_is_refused(march):
    sla = settings.DEFAULT_SLA | {
        "P1": {"response_minutes": 60, "resolution_minutes": 240, "clock": "24/7"}
    }
    with pytest.raises(ValueError, match="clock"):
        escalations.report_escalations(march, cfg(sla=sla), MARCH, None)


def test_escalations_beside_utilisation(con):
    load(con, TICKETS)
    con.execute(
        """insert into time_entries (source, entry_key, work_date, consultant, client, project,
               hours, is_billable, is_absence, import_id)
           values ('tt', 'e1', date '2026-03-23', 'Ann', 'Acme', 'Run', 30, true, false, 2),
                  ('tt', 'e2', date '2026-03-24', 'Ann', null, 'Congé', 8, false, true, 2)"""
    )
    frame = escalations.escalations_by_consultant_week(con, cfg(), MARCH)
    ann = frame[
        (frame["consultant"] == "Ann") & (frame["week_start"] == pd.Timestamp("2026-03-23"))
    ]
    # week of 23 March: t2, t5 for Ann; capacity 40 * 5/5 - 8 = 32, utilisation 30/32
    assert ann[["escalations", "worked_hours", "capacity_hours"]].values.tolist() == [[2, 30, 32]]
    assert ann["utilisation"].tolist() == [0.9375]
    bob = frame[frame["consultant"] == "Bob"]
    assert bob[["escalations", "breached_escalations"]].values.tolist() == [[3, 1]]


def test_report_works_while_the_caller_holds_an_unfinished_result(march):
    # DuckDB refuses register() on a connection with a pending result (period.resolve leaves one)
    march.execute("select * from tickets").fetchone()
    frame = escalations.report_escalations(march, cfg(), MARCH, "week")
    assert frame["escalations"].sum() == 8
