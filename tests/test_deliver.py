"""okam deliver digest | client-pack and okam clients (SPEC 11), against a real SMTP server on
127.0.0.1 (aiosmtpd); PDF text read with pypdf.

The data is tests/client_data.py (Acme, and a canary client that must never show in Acme's
pack) plus, for the digest, two small clients and one overloaded week. At the end of Sat
2026-02-28 (K by hand, half-life 90 days, floor 7): Acme has one knower (Julien Marchand,
K ~ 14.5; Léa Fontaine ~ 5.5): single; the canary has two (Léa ~ 27, Quentin ~ 18): covered;
Borealis and "R&D <Labs>" only have tickets (K ~ 1-2 each): uncovered. Quentin logs 10 h a day
in the week of 23 February: 50 / 40 h = 1.25 > 1.10, overloaded. Borealis' P1 B1, open since
Fri 27 February 10:00 without response, is breached (38 h on the 24x7 clock > 60 min).
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import mail_server
import pytest
from client_data import CANARY, CANARY_CONSULTANT, fill
from pypdf import PdfReader

from okam_analytics import cli, db, settings

LABS = "R&D <Labs>"


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "deliver.duckdb"
    con = db.connect(path)
    fill(con)
    con.executemany(
        "insert into tickets (source, ticket_id, client, title, priority, status, assignee,"
        " created_at, first_response_at, resolved_at, import_id)"
        " values ('glpi', ?, ?, 'x', ?, ?, 'Léa Fontaine', ?::timestamp, ?::timestamp,"
        " ?::timestamp, 1)",
        [
            ("B1", "Borealis", "P1", "open", "2026-02-27 10:00", None, None),
            ("B2", "Borealis", "P3", "resolved", "2026-02-20 09:00", "2026-02-20 09:10",
             "2026-02-20 11:00"),
            ("L1", LABS, "P3", "resolved", "2026-02-18 09:00", "2026-02-18 09:10",
             "2026-02-18 11:00"),
        ],
    )  # fmt: skip
    week = [date(2026, 2, 23) + timedelta(days=n) for n in range(5)]
    con.executemany(
        "insert into time_entries (source, entry_key, consultant, client, work_date, hours,"
        " is_billable, is_absence, import_id)"
        " values ('harvest', md5(random()::varchar), ?, ?, ?, 10.0, true, false, 2)",
        [(CANARY_CONSULTANT, CANARY, day) for day in week],
    )
    con.execute("insert into clients (client) values ('Borealis'), ($labs)", {"labs": LABS})
    settings.save(con, "delivery.starttls", False)
    settings.save(con, "delivery.from", "okam@msp.example")
    settings.save(con, "delivery.base_url", "https://okam.example")
    con.close()
    return str(path)


@pytest.fixture
def smtp():
    controller, inbox = mail_server.start()
    yield controller, inbox
    controller.stop()


def deliver(database, smtp, *argv) -> int:
    controller, _ = smtp
    return cli.main(["deliver", *argv, "--db", database, "--smtp-host", "127.0.0.1",
                     "--smtp-port", str(controller.port)])  # fmt: skip


def pdf_text(msg) -> str:
    [part] = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]
    pages = PdfReader(io.BytesIO(part.get_content())).pages
    return "\n".join(page.extract_text() for page in pages).replace("\u00a0", " ")


def everything(msg) -> str:
    """Headers, every text part and the PDF's text of a message."""
    parts = [str(msg["Subject"]), str(msg["To"]), str(msg["From"])]
    parts += [p.get_content() for p in msg.walk() if p.get_content_maintype() == "text"]
    return "\n".join(parts) + pdf_text(msg)


def test_digest_is_one_message_with_text_and_html_naming_every_client_at_risk(database, smtp):
    _, inbox = smtp
    assert deliver(database, smtp, "digest", "--recipient", "lead@msp.example",
                   "--as-of", "2026-02-28") == 0  # fmt: skip
    [msg] = inbox.messages
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["Subject"] == "Okam digest, 2026-02-28"
    text, html = mail_server.text_of(msg, "plain"), mail_server.text_of(msg, "html")
    at_risk_text = text.split("Clients at risk")[1].split("Overloaded")[0]
    assert "- Acme: Single knower" in at_risk_text
    assert "- Borealis: Uncovered" in at_risk_text
    assert f"- {LABS}: Uncovered" in at_risk_text
    assert CANARY not in at_risk_text
    at_risk_html = html.split("Clients at risk")[1].split("Overloaded")[0]
    for name in ("Acme", "Borealis", "R&amp;D &lt;Labs&gt;"):
        assert f"<strong>{name}</strong>" in at_risk_html
    assert LABS not in html  # escaped, never raw markup
    overloaded = text.split("Overloaded consultants")[1].split("SLA, last 30 days")[0]
    assert f"- {CANARY_CONSULTANT}: 125%" in overloaded
    breaches = text.split("Open escalations past their SLA")[1]
    assert "B1 · Borealis · P1" in breaches
    assert (
        "https://okam.example/escalations?client=Borealis&asof=2026-02-28&ticket=glpi%3AB1"
        in breaches
    )
    # the canary's two knowers stay above the floor for more than 30 days: none ends
    assert "Coverage ending within 30 days:\r\n  - None" in text
    assert "https://okam.example/today?asof=2026-02-28" in text
    assert 'href="https://okam.example/knowledge?asof=2026-02-28"' in html


def test_digest_in_french(database, smtp):
    _, inbox = smtp
    assert deliver(database, smtp, "digest", "--recipient", "lead@msp.example",
                   "--as-of", "2026-02-28", "--lang", "fr") == 0  # fmt: skip
    msg = inbox.messages[0]
    assert msg["Subject"] == "Synthèse Okam du 28/02/2026"
    text = mail_server.text_of(msg, "plain")
    at_risk = text.split("Clients à risque")[1].split("Consultants en surcharge")[0]
    assert "- Acme: Un seul connaisseur" in at_risk
    assert "- Borealis: Non couvert" in at_risk


@pytest.mark.parametrize(
    ("mode", "shown", "not_shown"),
    [
        ("initials", "J. M.", "Julien Marchand"),
        ("full", "Julien Marchand", "J. M."),
        ("hidden", "—", "Julien"),
    ],
)
def test_client_pack_is_one_message_with_only_that_clients_pdf(
    database, smtp, mode, shown, not_shown
):
    con = db.connect(database)
    settings.save(con, "privacy.consultant_names", mode)
    con.close()
    _, inbox = smtp
    code = deliver(database, smtp, "client-pack", "--client", "Acme", "--recipient",
                   "boss@acme.example", "--from", "2026-01-01", "--to", "2026-02-28",
                   "--no-charts")  # fmt: skip
    assert code == 0
    [msg] = inbox.messages
    assert inbox.envelopes == [("okam@msp.example", ["boss@acme.example"])]
    assert msg["To"] == "boss@acme.example"
    whole = everything(msg)
    assert "Acme" in pdf_text(msg)
    for other in ("Zyxwv", "Borealis", "Labs", CANARY_CONSULTANT):
        assert other not in whole
    assert shown in pdf_text(msg)
    assert not_shown not in whole


def test_unknown_client_is_refused_by_name_and_nothing_is_sent(database, smtp, capsys):
    _, inbox = smtp
    code = deliver(database, smtp, "client-pack", "--client", "Initech", "--recipient",
                   "boss@initech.example", "--no-charts")  # fmt: skip
    assert code == 1
    assert "No client named 'Initech'" in capsys.readouterr().err
    assert inbox.messages == [] and inbox.envelopes == []


def test_all_sends_each_client_with_contacts_its_own_pack(database, smtp):
    assert cli.main(["clients", "set-contacts", "Acme", "it@acme.example", "boss@acme.example",
                     "--db", database]) == 0  # fmt: skip
    assert cli.main(["clients", "set-contacts", CANARY, "ops@canary.example",
                     "--db", database]) == 0  # fmt: skip
    _, inbox = smtp
    assert deliver(database, smtp, "client-pack", "--all", "--from", "2026-01-01",
                   "--to", "2026-02-28", "--no-charts") == 0  # fmt: skip
    by_recipient = {msg["To"]: msg for msg in inbox.messages}
    assert sorted(by_recipient) == ["it@acme.example, boss@acme.example", "ops@canary.example"]
    acme = everything(by_recipient["it@acme.example, boss@acme.example"])
    canary = everything(by_recipient["ops@canary.example"])
    assert "Acme" in acme and "Zyxwv" not in acme
    assert "Zyxwv" in canary and "Acme" not in canary


def test_dry_run_writes_eml_files_and_sends_nothing(database, smtp, tmp_path):
    _, inbox = smtp
    out = tmp_path / "eml"
    assert deliver(database, smtp, "client-pack", "--client", "Acme", "--recipient",
                   "boss@acme.example", "--no-charts", "--dry-run", str(out)) == 0  # fmt: skip
    [eml] = list(out.glob("*.eml"))
    assert b"Content-Type: application/pdf" in eml.read_bytes()
    assert inbox.messages == []


def test_an_smtp_refusal_is_a_clear_error(database, smtp, capsys):
    _, inbox = smtp
    inbox.refuse.add("lead@msp.example")
    code = deliver(database, smtp, "digest", "--recipient", "lead@msp.example",
                   "--as-of", "2026-02-28")  # fmt: skip
    assert code == 1
    assert "550" in capsys.readouterr().err
    assert inbox.messages == []


def test_a_login_without_its_password_in_the_environment_is_refused(database, smtp, capsys,
                                                                    monkeypatch):  # fmt: skip
    monkeypatch.delenv("OKAM_SMTP_PASSWORD", raising=False)
    con = db.connect(database)
    settings.save(con, "delivery.smtp_user", "okam")
    con.close()
    assert deliver(database, smtp, "digest", "--recipient", "lead@msp.example") == 1
    assert "OKAM_SMTP_PASSWORD" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "code", "message", "stored"),
    [
        (["Acme", "a@acme.example"], 0, "", ["a@acme.example"]),
        (["Acme"], 0, "", None),
        (["Initech", "a@initech.example"], 1, "No client named 'Initech'", None),
        (["Acme", "nobody"], 1, "'nobody' is not an e-mail address", None),
    ],
)
def test_clients_set_contacts(database, capsys, argv, code, message, stored):
    assert cli.main(["clients", "set-contacts", *argv, "--db", database]) == code
    assert message in capsys.readouterr().err
    con = db.connect(database)
    assert con.execute("select contacts from clients where client = 'Acme'").fetchall() == [
        (stored,)
    ]
    con.close()
