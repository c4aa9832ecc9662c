"""Open escalations built by hand for the at-risk, alert and Today tests (SPEC 11).

Evaluated at Tue 2026-03-10 10:00 Europe/Paris with the default calendar (Mon-Fri 09:00-18:00,
no French holiday from 2 to 13 March 2026) and SLA (P1 24x7 60/240; P2 business 120/480;
P3 business 240/1440). Minutes in the comments are worked out by hand.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

NOW = datetime(2026, 3, 10, 10, 0)
LATER = datetime(2026, 3, 10, 10, 20)
FIELDS = (
    "ticket_id", "client", "priority", "status", "assignee", "created_at", "first_response_at",
    "resolved_at", "escalation_level",
)  # fmt: skip
TICKETS = [
    # 24x7: age 45, no response: 45/60 = 0.75 at risk (response), 15 left
    ("a1", "Acme", "P1", "open", "Ann Lee", "2026-03-10 09:15", None, None, 0),
    # 24x7: age 61, no response: 61/60 breached, 1 overdue
    ("a2", "Bolt", "P1", "open", "Bob Ray", "2026-03-10 08:59", None, None, 0),
    # 24x7: responded; resolution 240/240 breached, 0 left
    ("a3", "Acme", "P1", "pending", "Ann Lee", "2026-03-10 06:00", "2026-03-10 06:30", None, 0),
    # 24x7: responded; resolution 180/240 = 0.75 at risk, 60 left
    ("a4", "Cora", "P1", "open", "Cyd Fox", "2026-03-10 07:00", "2026-03-10 07:20", None, 0),
    # 24x7: responded; resolution 179/240 = 0.746 ok, 61 left
    ("a5", "Cora", "P1", "open", "Cyd Fox", "2026-03-10 07:01", "2026-03-10 07:05", None, 0),
    # business across an evening: Mon 17:30-18:00 (30) + Tue 09:00-10:00 (60) = 90;
    # response 90/120 = 0.75 at risk, 30 left (24x7 it would be 990 minutes: breached)
    ("b1", "Bolt", "P2", "open", "Bob Ray", "2026-03-09 17:30", None, None, 0),
    # business across a weekend: Fri 17:00-18:00 (60) + Mon (540) + Tue (60) = 660;
    # response 660/120 breached, 540 overdue
    ("b2", "Acme", "P2", "open", "Ann Lee", "2026-03-06 17:00", None, None, 0),
    # business: Mon 11:00-18:00 (420) + Tue (60) = 480; responded; resolution 480/480 breached
    ("b3", "Bolt", "P2", "open", "Bob Ray", "2026-03-09 11:00", "2026-03-09 11:30", None, 0),
    # P3 escalated by level, across a weekend: Fri 540 + Mon 540 + Tue 60 = 1140;
    # resolution 1140/1440 = 0.79 at risk, 300 left
    ("b4", "Cora", "P3", "open", "Cyd Fox", "2026-03-06 09:00", "2026-03-06 09:30", None, 1),
    # business: 30/120 = 0.25 ok
    ("c1", "Cora", "P2", "open", "Cyd Fox", "2026-03-10 09:30", None, None, 0),
    # not escalated (P4, level 0), old and open: never listed
    ("n1", "Acme", "P4", "open", "Ann Lee", "2026-03-02 09:00", None, None, 0),
    # resolved before now: not open
    ("n2", "Bolt", "P1", "resolved", "Bob Ray", "2026-03-10 08:00", "2026-03-10 08:10", "2026-03-10 08:40", 0),
]  # fmt: skip


def load(con, rows=TICKETS, source: str = "helpdesk") -> None:
    """Insert ticket rows (FIELDS order) into the tickets table and their clients."""
    frame = pd.DataFrame(rows, columns=list(FIELDS))
    for name in ("created_at", "first_response_at", "resolved_at"):
        frame[name] = pd.to_datetime(frame[name])
    con.register("new_tickets", frame)
    columns = ", ".join(FIELDS)
    con.execute(
        f"insert into tickets (source, import_id, {columns}) "
        f"select '{source}', 1, {columns} from new_tickets"
    )
    con.execute("insert or ignore into clients (client) select distinct client from new_tickets")
    con.unregister("new_tickets")


# The daily call of Mon 2026-03-09 (capacity to date: 40 h x 1/5 = 8 h): Ann 10 h (125 %,
# overloaded), Bob 4 h (50 %, available), Cyd 7.5 h (94 %, busy). Client Dune: Bob 8 h and
# Cyd 20 h on Fri 6 March, so two knowers on the 9th; Bob's K = 8 x 0.5^(t/90) stays >= 7
# until t = 17 days (7.02, 23 March) and falls to 6.96 on 24 March: covered until
# 2026-03-23, 14 days left.
ENTRIES = [  # consultant, client, work_date, hours
    ("Ann Lee", "Acme", "2026-03-09", 10.0),
    ("Bob Ray", "Bolt", "2026-03-09", 4.0),
    ("Cyd Fox", "Cora", "2026-03-09", 7.5),
    ("Bob Ray", "Dune", "2026-03-06", 8.0),
    ("Cyd Fox", "Dune", "2026-03-06", 20.0),
]


def load_entries(con, rows=ENTRIES) -> None:
    """Insert time entries (ENTRIES order), billable, no absence."""
    con.executemany(
        "insert into time_entries (source, entry_key, consultant, client, work_date, hours,"
        " is_billable, is_absence, import_id)"
        " values ('harvest', md5(random()::varchar), ?, ?, ?::date, ?, true, false, 2)",
        rows,
    )
    con.execute("insert or ignore into clients (client) values ('Dune')")
