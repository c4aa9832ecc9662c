"""The Today page (SPEC 11): its four blocks computed by okam_analytics.delivery.today on a
hand-built day (tests/delivery_data.py), then the page itself under AppTest in both languages.

At the end of Mon 2026-03-09 (default calendar and SLA), the open escalations are: b2 (Acme,
P2 since Fri 17:00, no response: 60 + 540 = 600 business minutes, 600/120 = 5.0, breached,
480 overdue), b3 (Bolt, P2 since Mon 11:00, responded: 420/480 = 0.875, at risk, 60 left),
b4 (Cora, P3 since Fri 09:00, responded: 540 + 540 = 1080/1440 = 0.75, at risk, 360 left),
b1 (Bolt, P2 since Mon 17:30: 30/120 = 0.25, ok, 90 left). Bob Ray (available) has
K(Bolt) = 4 h + 2 tickets = 6 >= 7/2: a near-knower of Bolt with room; nobody with room knows
Acme (Ann Lee is overloaded) or Cora (Cyd Fox is busy).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import delivery_data
import pytest
from streamlit.testing.v1 import AppTest

from okam_analytics import db, settings
from okam_analytics.delivery import today

REPO = Path(__file__).resolve().parents[1]
MONDAY = date(2026, 3, 9)


@pytest.fixture
def blocks(con) -> today.Today:
    delivery_data.load(con)
    delivery_data.load_entries(con)
    return today.today(con, settings.load(con), MONDAY, datetime(2026, 12, 8, 9, 0))


def test_the_daily_call_split(blocks):
    assert blocks.overloaded["consultant"].tolist() == ["Ann Lee"]
    assert blocks.overloaded["utilisation_to_date"].tolist() == [1.25]
    assert blocks.with_room["consultant"].tolist() == ["Bob Ray"]
    assert blocks.with_room["utilisation_to_date"].tolist() == [0.5]


def test_open_escalations_at_the_end_of_the_day(blocks):
    assert blocks.evaluated_at == datetime(2026, 3, 10)
    rows = blocks.escalations[["ticket_id", "consumed_share", "minutes_left", "risk_state"]]
    assert rows.values.tolist() == [
        ["b2", 5.0, -480.0, "breached"],
        ["b3", 0.875, 60.0, "at_risk"],
        ["b4", 0.75, 360.0, "at_risk"],
        ["b1", 0.25, 90.0, "ok"],
    ]


def test_coverage_ending_within_30_days(blocks):
    rows = blocks.coverage_ending[["client", "covered_until", "days_left"]]
    assert [(c, str(u), int(d)) for c, u, d in rows.values] == [("Dune", "2026-03-23", 14)]


def test_who_knows_the_client_and_has_room(blocks):
    frame = today.helpers_by_escalation(blocks, "en")
    assert frame[["ticket_id", "helpers"]].values.tolist() == [
        ["b2", ""],
        ["b3", "Bob Ray (50%)"],
        ["b4", ""],
        ["b1", "Bob Ray (50%)"],
    ]


@pytest.mark.parametrize(
    ("clients", "consultants", "tickets", "room"),
    [
        ([], None, ["b2", "b3", "b4", "b1"], ["Bob Ray"]),
        (["Bolt"], None, ["b3", "b1"], ["Bob Ray"]),
        ([], ["Ann Lee"], ["b2", "b3", "b4", "b1"], []),
    ],
)
def test_sidebar_scope(blocks, clients, consultants, tickets, room):
    scoped = today.in_scope(blocks, clients, consultants)
    assert scoped.escalations["ticket_id"].tolist() == tickets
    assert scoped.with_room["consultant"].tolist() == room


@pytest.mark.parametrize(
    ("day", "now", "expected"),
    [
        (date(2026, 3, 10), datetime(2026, 3, 10, 10, 0), datetime(2026, 3, 10, 10, 0)),
        (date(2026, 3, 9), datetime(2026, 3, 10, 10, 0), datetime(2026, 3, 10, 0, 0)),
    ],
)
def test_live_today_is_evaluated_now_else_at_the_end_of_the_day(day, now, expected):
    assert today.evaluation_moment(day, now) == expected


@pytest.fixture
def app_db(tmp_path, monkeypatch, navigation_v2) -> Path:
    path = tmp_path / "today.duckdb"
    con = db.connect(path)
    delivery_data.load(con)
    delivery_data.load_entries(con)
    con.close()
    monkeypatch.setenv("OKAM_DB", str(path))
    monkeypatch.setenv("OKAM_SAMPLE_DIR", str(tmp_path / "no-sample"))
    return path


def run_today(lang: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params["asof"] = MONDAY.isoformat()
    at.query_params["lang"] = lang
    at.switch_page("pages/today.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(
    ("lang", "title", "headings", "tiles", "state", "nobody"),
    [
        ("en", "Today",
         ["Do not solicit (overloaded)", "Has room", "Open escalations against their SLA",
          "Who knows the client and has room", "Coverage ending within 30 days"],
         [("Overloaded", "1"), ("With room", "1"), ("Escalations at risk", "2"),
          ("Escalations breached", "1"), ("Coverage ending", "1")],
         "At risk", "nobody with room knows this client"),
        ("fr", "Aujourd'hui",
         ["À ne pas solliciter (en surcharge)", "Disponibles", "Escalades ouvertes face à leur SLA",
          "Qui connaît le client et est disponible", "Couvertures qui s'achèvent dans les 30 jours"],
         [("En surcharge", "1"), ("Disponibles", "1"), ("Escalades à risque", "2"),
          ("Escalades hors délai", "1"), ("Fin de couverture", "1")],
         "À risque", "personne de disponible ne connaît ce client"),
    ],
)  # fmt: skip
def test_the_page_shows_the_four_blocks(app_db, lang, title, headings, tiles, state, nobody):
    at = run_today(lang)
    assert [t.value for t in at.title] == [title]
    assert [h.value for h in at.subheader] == headings
    assert [(m.label, m.value) for m in at.metric] == tiles
    overloaded, room, escalations, helpers, coverage = (d.value for d in at.dataframe)
    assert overloaded.iloc[:, 0].tolist() == ["Ann Lee"]
    assert room.iloc[:, 0].tolist() == ["Bob Ray"]
    assert escalations.iloc[:, 0].tolist() == ["b2", "b3", "b4", "b1"]
    assert escalations.iloc[1, 3] == state
    assert escalations.iloc[:, 4].tolist() == [500.0, 87.5, 75.0, 25.0]  # % of the target
    assert coverage.iloc[:, 0].tolist() == ["Dune"] and coverage.iloc[0, 2] == 14
    assert helpers.iloc[:, 2].tolist() == [nobody, "Bob Ray (50%)" if lang == "en" else
                                           "Bob Ray (50\u202f%)", nobody, helpers.iloc[1, 2]]  # fmt: skip


def test_the_page_is_the_default_one(app_db):
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    assert [t.value for t in at.title] == ["Today"]


def open_page(path: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_an_alert_link_opens_the_tickets_detail(app_db):
    at = open_page("pages/escalations.py", asof="2026-03-09", client="Acme",
                   ticket="helpdesk:b2")  # fmt: skip
    assert "**Ticket b2**" in [m.value for m in at.markdown]


def test_alerts_and_smtp_settings_are_saved_from_the_settings_page(app_db):
    at = open_page("pages/settings.py")
    at.number_input(key="settings_alerts_at_risk_share").set_value(80)  # edited in percent
    at.text_input(key="settings_delivery_smtp_host").input(" mail.msp.example ")
    at.toggle(key="settings_delivery_starttls").set_value(False)
    at.button(key="settings_delivery_save").click().run()
    assert not at.error, [e.value for e in at.error]
    con = db.connect(app_db)
    cfg = settings.load(con)
    con.close()
    assert cfg["alerts"]["at_risk_share"] == 0.8
    assert (cfg["delivery"]["smtp_host"], cfg["delivery"]["starttls"]) == (
        "mail.msp.example",
        False,
    )


def test_an_out_of_range_port_is_refused_and_nothing_saved(app_db):
    at = open_page("pages/settings.py")
    at.number_input(key="settings_delivery_smtp_port").set_value(70000)
    at.text_input(key="settings_delivery_smtp_host").input("mail.msp.example")
    at.button(key="settings_delivery_save").click().run()
    assert any("SMTP port" in e.value and "65535" in e.value for e in at.error)
    con = db.connect(app_db)
    assert settings.load(con)["delivery"]["smtp_host"] == "localhost"
    con.close()


def test_client_contacts_are_edited_in_the_clients_table(app_db):
    at = open_page("pages/settings.py")
    at.session_state["settings_clients"] = {
        "edited_rows": {0: {"contacts": "it@acme.example, boss@acme.example"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="settings_clients_save").click().run()
    assert not at.error, [e.value for e in at.error]
    con = db.connect(app_db)
    rows = con.execute("select client, contacts from clients where contacts is not null").fetchall()
    con.close()
    assert rows == [("Acme", ["it@acme.example", "boss@acme.example"])]
