"""The small database of the Client page tests: client Acme, and a canary client whose name
must never appear in Acme's view (tickets, escalations, hours, and a consultant of its own)."""

from __future__ import annotations

from datetime import date

CANARY = "Canary Zyxwv Industries"
CANARY_CONSULTANT = "Quentin Zyxwv"  # works for the canary only
# ticket_id, client, title, priority, status, assignee, created_at, first_response_at, resolved_at
TICKETS = [
    ("A1", "Acme", "Printer", "P3", "resolved", "Julien Marchand",
     "2026-01-05 09:00", "2026-01-05 10:00", "2026-01-06 09:00"),  # response 1 h, resolution 24 h
    ("A2", "Acme", "VPN", "P3", "resolved", "Julien Marchand",
     "2026-01-20 10:00", "2026-01-20 12:00", "2026-02-03 10:00"),  # 2 h, 336 h (resolved in Feb)
    ("A3", "Acme", "Laptop", "P4", "open", "Léa Fontaine",
     "2026-02-10 09:00", "2026-02-10 12:00", None),  # 3 h, still open
    ("A4", "Acme", "Mail", "P3", "resolved", "Julien Marchand",
     "2025-12-20 09:00", "2025-12-20 10:00", "2026-01-10 09:00"),  # opened before, resolved in Jan: 504 h
    ("A5", "Acme", '=HYPERLINK("http://x")', "P1", "resolved", "Julien Marchand",
     "2026-02-16 08:00", "2026-02-16 08:30", "2026-02-16 14:00"),  # P1: 30 min ok, 360 min > 240
    ("A6", "Acme", "ERP slow", "P2", "resolved", "Julien Marchand",
     "2026-01-13 10:00", "2026-01-13 10:30", "2026-01-13 15:00"),  # P2: 30 / 300 business min, met
    ("A7", "Acme", "After", "P1", "open", "Julien Marchand",
     "2026-03-05 09:00", None, None),  # after the period
    # another client: must change nothing of Acme's figures
    ("G1", CANARY, "Zyxwv plant down", "P1", "resolved", CANARY_CONSULTANT,
     "2026-02-02 09:00", "2026-02-02 15:00", "2026-02-03 09:00"),
    ("G2", CANARY, "Slow", "P3", "open", "Léa Fontaine", "2026-01-07 09:00", None, None),
]  # fmt: skip
# consultant, client, work_date, hours, is_billable, is_absence
ENTRIES = [
    ("Julien Marchand", "Acme", "2026-01-12", 8.0, True, False),
    ("Julien Marchand", "Acme", "2026-02-09", 6.0, True, False),
    ("Léa Fontaine", "Acme", "2026-01-14", 4.0, False, False),
    ("Léa Fontaine", "Acme", "2026-02-11", 2.0, True, False),
    ("Julien Marchand", "Acme", "2026-01-15", 7.0, False, True),  # an absence never counts
    ("Julien Marchand", "Acme", "2026-03-02", 5.0, True, False),  # after the period
    ("Julien Marchand", CANARY, "2026-01-12", 10.0, True, False),
    ("Léa Fontaine", CANARY, "2026-02-12", 30.0, True, False),
    (CANARY_CONSULTANT, CANARY, "2026-02-13", 20.0, True, False),
]
PERIOD = (date(2026, 1, 1), date(2026, 2, 28))


def fill(con) -> None:
    """The tickets, time entries and contracts (Acme: 10 h a month)."""
    con.executemany(
        "insert into tickets (source, ticket_id, client, title, priority, status, assignee,"
        " created_at, first_response_at, resolved_at, import_id)"
        " values ('glpi', ?, ?, ?, ?, ?, ?, ?::timestamp, ?::timestamp, ?::timestamp, 1)",
        TICKETS,
    )
    con.executemany(
        "insert into time_entries (source, entry_key, consultant, client, work_date, hours,"
        " is_billable, is_absence, import_id)"
        " values ('harvest', md5(random()::varchar), ?, ?, ?::date, ?, ?, ?, 2)",
        ENTRIES,
    )
    con.execute(
        "insert into clients (client, contract_hours_per_month, sla_tier)"
        " values ('Acme', 10, null), ($canary, 100, null)",
        {"canary": CANARY},
    )
