"""The steering deck (okam deck): opened again with python-pptx, its slides, native charts and
their data are the hand-computed figures of tests/client_data.py; the executive summary's rules;
privacy modes; the French deck in French formats; and a deck for Acme never names the canary
client anywhere in the file (every XML part of the .pptx is read)."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from datetime import date, datetime

import pandas as pd
import pytest
from client_data import CANARY, CANARY_CONSULTANT, PERIOD, fill
from PIL import Image
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from okam_analytics import cli, settings
from okam_analytics.steering import actions, deck, executive
from okam_analytics.steering import view as client_view
from okam_analytics.steering.deck_layout import DeckError

GENERATED = date(2026, 3, 2)
TITLES = {
    "en": ["Executive summary", "Tickets and response times", "Escalations and SLA",
           "SLA breaches", "Hours against the contract", "Continuity", "Quarter over quarter",
           "Open action items", "Action items done since 2026-01-01"],
    "fr": ["Synthèse", "Tickets et délais", "Escalades et SLA", "Dépassements de SLA",
           "Heures au regard du contrat", "Continuité", "Trimestre sur trimestre",
           "Actions ouvertes", "Actions terminées depuis le 01/01/2026"],
}  # fmt: skip


def add_actions(con) -> None:
    """Acme: one open item, one done in the period, one done before it; one canary item."""
    actions.add(con, "Acme", "Renew the firewall licence", date(2026, 3, 15), "Julien Marchand",
                datetime(2026, 2, 1, 9))  # fmt: skip
    done = actions.add(con, "Acme", "Document the VPN", None, "Léa Fontaine", datetime(2026, 1, 5))
    actions.mark_done(con, done["id"], datetime(2026, 2, 20, 10))
    old = actions.add(con, "Acme", "Old promise", None, None, datetime(2025, 11, 2))
    actions.mark_done(con, old["id"], datetime(2025, 12, 1))
    actions.add(con, CANARY, "Zyxwv secret plan", None, CANARY_CONSULTANT, datetime(2026, 1, 9))


def make_deck(con, lang: str = "en", **overrides) -> bytes:
    for key, value in overrides.items():
        settings.save(con, key.replace("__", "."), value)
    cfg = settings.load(con)
    summary = client_view.client_summary(con, cfg, "Acme", *PERIOD)
    return deck.build_deck(deck.deck_content(con, cfg, summary), cfg, lang, GENERATED)


@pytest.fixture
def acme(con):
    fill(con)
    add_actions(con)
    return con


def slides_of(data: bytes) -> list:
    return list(Presentation(io.BytesIO(data)).slides)


def title(slide) -> str:
    """A content slide's title: the text box laid over its accent bar."""
    return slide.shapes[1].text_frame.text


def texts(slide) -> list[str]:
    out = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
    for shape in slide.shapes:
        if shape.has_table:
            out += [cell.text for row in shape.table.rows for cell in row.cells]
    return out


def table_cells(slide) -> list[str]:
    [table] = [shape.table for shape in slide.shapes if shape.has_table]
    return [cell.text for row in table.rows for cell in row.cells]


def charts(slide) -> list:
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def series(chart) -> dict[str, list]:
    return {s.name: list(s.values) for s in chart.plots[0].series}


def all_xml(data: bytes) -> str:
    """Every part of the .pptx (slides, charts and their embedded workbooks' XML, notes,
    properties) as text."""
    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            raw = package.read(name)
            if name.endswith(".xlsx"):  # a chart's editable data
                with zipfile.ZipFile(io.BytesIO(raw)) as book:
                    parts += [book.read(n).decode("utf-8", "replace") for n in book.namelist()]
            else:
                parts.append(raw.decode("utf-8", "replace"))
    return "\n".join(parts)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_slides_and_title_slide(acme, lang) -> None:
    shown = slides_of(make_deck(acme, lang))
    assert len(shown) >= 6
    assert [title(s) for s in shown[1:]] == TITLES[lang]
    first = texts(shown[0])[-1].split("\n")
    expected = {
        "en": ["Steering review", "Acme", "Period: 2026-01-01 – 2026-02-28",
               "Figures at the end of 2026-02-28", "Generated on 2026-03-02"],
        "fr": ["Comité de pilotage", "Acme", "Période : 01/01/2026 – 28/02/2026",
               "Chiffres à la fin du 28/02/2026", "Généré le 02/03/2026"],
    }  # fmt: skip
    assert first == expected[lang]


def test_native_charts_carry_the_figures(acme) -> None:
    shown = slides_of(make_deck(acme))
    found = [chart for slide in shown for chart in charts(slide)]
    assert len(found) == 4
    tickets, compliance, hours, quarters = found
    assert tickets.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    assert list(tickets.plots[0].categories) == ["Jan 2026", "Feb 2026"]
    assert series(tickets) == {"Opened": [3, 2], "Resolved": [3, 2]}
    assert compliance.chart_type == XL_CHART_TYPE.LINE_MARKERS
    assert series(compliance) == {"Response in SLA": [1.0, 1.0], "Resolution in SLA": [1.0, 0.0]}
    assert series(hours) == {"Hours worked": [12.0, 8.0], "Contract hours": [10.0, 10.0]}
    # Dec 2025 - Feb 2026 against Sep - Nov 2025: A4 (Dec 20) joins the six opened tickets
    assert list(quarters.plots[0].categories) == [
        "Opened",
        "Resolved",
        "Escalations",
        "SLA breaches",
    ]
    assert series(quarters) == {"Previous quarter": [0, 0, 0, 0], "This quarter": [6, 5, 2, 1]}
    for chart in found:  # editable: each chart carries its data as an embedded workbook
        assert chart.part.chart_workbook.xlsx_part is not None


def test_breaches_continuity_quarters_and_actions_slides(acme) -> None:
    shown = {title(s): texts(s) for s in slides_of(make_deck(acme))[1:]}
    breach = ["A5", '=HYPERLINK("http://x")', "P1", "J. M.", "2026-02-16 08:00", "2.0 h"]
    assert shown["SLA breaches"][-6:] == breach
    assert shown["Continuity"][3].split("\n")[0] == "Acme is known by 1 person: J. M."
    cells = shown["Continuity"][-12:]  # header and two rows of four
    assert cells[0::4] == ["Consultant", "J. M.", "L. F."]
    assert cells[3::4] == ["Role", "Knows the client", "Some knowledge"]
    quarter = shown["Quarter over quarter"]
    row = quarter.index("Open at quarter end")
    assert quarter[row : row + 4] == ["Open at quarter end", "0", "1", "+1"]
    row = quarter.index("Contract used")  # 20 h of 3 x 10 h; the previous quarter 0 h of 30 h
    assert quarter[row : row + 4] == ["Contract used", "0.0%", "66.7%", "+66.7 pt"]
    assert shown["Open action items"][-3:] == ["Renew the firewall licence", "J. M.", "2026-03-15"]
    # done on 2025-12-01, before the period: not "since last time"
    assert shown["Action items done since 2026-01-01"][-6:] == [
        "Action", "Owner", "Done on", "Document the VPN", "L. F.", "2026-02-20"]  # fmt: skip


def test_french_deck_in_french_formats(acme) -> None:
    data = make_deck(acme, "fr")
    shown = {title(s): s for s in slides_of(data)[1:]}
    [tickets] = charts(shown["Tickets et délais"])
    assert list(tickets.plots[0].categories) == ["janv. 2026", "févr. 2026"]
    assert "• Prise en charge médiane : 1,0\u00a0h" in texts(shown["Tickets et délais"])[-1]
    assert texts(shown["Dépassements de SLA"])[-2:] == ["16/02/2026 08:00", "2,0\u00a0h"]
    quarter = texts(shown["Trimestre sur trimestre"])
    row = quarter.index("Contrat consommé")
    assert quarter[row : row + 4] == [
        "Contrat consommé",
        "0,0\u202f%",
        "66,7\u202f%",
        "+66,7\u00a0pt",
    ]
    assert "Renew the firewall licence" in texts(shown["Actions ouvertes"])
    assert texts(shown["Actions ouvertes"])[-1] == "15/03/2026"


@pytest.mark.parametrize(
    ("mode", "present", "absent"),
    [
        ("full", ["Julien Marchand", "Léa Fontaine"], ["J. M.", "L. F."]),
        ("initials", ["J. M.", "L. F."], ["Julien", "Marchand", "Léa", "Fontaine"]),
        ("hidden", ["#1", "#2", "—"], ["Julien", "Marchand", "Léa", "Fontaine", "J. M.", "L. F."]),
    ],
)
def test_consultant_names_follow_the_privacy_setting(acme, mode, present, absent) -> None:
    xml = all_xml(make_deck(acme, privacy__consultant_names=mode))
    assert [name for name in present if name not in xml] == []
    assert [name for name in absent if name in xml] == []


def test_a_deck_for_acme_never_names_the_canary(acme) -> None:
    """With full names, every part of the file: slides, notes, charts and their workbooks."""
    xml = all_xml(make_deck(acme, privacy__consultant_names="full"))
    assert "Acme" in xml and "Julien Marchand" in xml
    for name in (CANARY, "Zyxwv", CANARY_CONSULTANT, "secret plan", "plant down"):
        assert name not in xml


def test_the_template_settings(acme, tmp_path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (40, 20), (200, 30, 30)).save(logo)
    data = make_deck(acme, steering__company_name="Okam Services", steering__logo_path=str(logo),
                     steering__accent_color="#AA3300")  # fmt: skip
    shown = slides_of(data)
    assert texts(shown[0])[-1].startswith("Okam Services\nSteering review")
    assert texts(shown[2])[2] == "Okam Services · Steering review · Acme · 3"
    pictures = [s for s in shown[1].shapes if s.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
    assert len(pictures) == 1
    assert 'srgbClr val="AA3300"' in all_xml(data)
    assert Presentation(io.BytesIO(data)).core_properties.author == "Okam Services"


@pytest.mark.parametrize(
    ("path", "message"),
    [("missing.png", "cannot be read: no such file"), ("logo.txt", "is not a PNG, JPEG or GIF"),
     ("broken.png", "broken.png is not a readable image")],
)  # fmt: skip
def test_a_logo_that_cannot_be_used_is_named(acme, tmp_path, path, message) -> None:
    (tmp_path / "logo.txt").write_text("not an image")
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    with pytest.raises(DeckError, match=message):
        make_deck(acme, steering__logo_path=str(tmp_path / path))


def test_the_accent_colour_setting_is_checked() -> None:
    with pytest.raises(settings.SettingsError, match="#RRGGBB, not 'red'"):
        settings.validate("steering.accent_color", "red")


@pytest.mark.parametrize(
    ("date_to", "this", "previous"),
    [
        (date(2026, 2, 28), (date(2025, 12, 1), date(2026, 2, 28)),
         (date(2025, 9, 1), date(2025, 11, 30))),
        (date(2026, 3, 31), (date(2026, 1, 1), date(2026, 3, 31)),
         (date(2025, 10, 1), date(2025, 12, 31))),
        (date(2026, 5, 14), (date(2026, 3, 1), date(2026, 5, 14)),
         (date(2025, 12, 1), date(2026, 2, 28))),
    ],
)  # fmt: skip
def test_quarters(date_to, this, previous) -> None:
    assert deck.quarters(date_to) == (this, previous)


# ---- the executive summary's rules, on hand-built figures ----------------------------------


@pytest.fixture
def base(acme) -> tuple[client_view.ClientSummary, actions.ActionReview]:
    summary = client_view.client_summary(acme, settings.load(acme), "Acme", *PERIOD)
    return summary, actions.review(acme, "Acme", PERIOD[0])


def with_figures(summary, **figures):
    return dataclasses.replace(summary, figures=summary.figures | figures)


NO_ACTIONS = actions.ActionReview(pd.DataFrame(columns=actions.COLUMNS),
                                  pd.DataFrame(columns=actions.COLUMNS), PERIOD[0])  # fmt: skip


def test_the_three_sentences_of_the_hand_built_database(base) -> None:
    assert executive.executive_summary(*base, "en") == [
        "5 tickets resolved for 5 opened; 1 still open on 2026-02-28.",
        "1 escalation missed its SLA target: ticket A5, by 2.0 h.",
        "1 action item is open, due on 2026-03-15: Renew the firewall licence",
    ]
    assert executive.executive_summary(*base, "fr") == [
        "5 tickets résolus pour 5 ouverts ; 1 encore ouvert(s) le 28/02/2026.",
        "1 escalade a manqué son objectif SLA : le ticket A5, de 2,0\u00a0h.",
        "1 action est ouverte, à échéance du 15/03/2026 : Renew the firewall licence",
    ]


@pytest.mark.parametrize(
    ("figures", "sentence"),
    [
        ({"escalations": 4, "escalations_breached": 0}, "All 4 escalations met their SLA targets."),
        ({"tickets_opened": 6, "tickets_resolved": 4, "response_compliance": 0.95},
         "95% of escalations got their first response within the SLA."),
        ({"tickets_opened": 6, "tickets_resolved": 4, "response_compliance": 0.5},
         "6 tickets handled, with a median first response of 1.0 h."),
        ({"tickets_opened": 0, "tickets_resolved": 0, "response_compliance": None},
         "A quiet period: no ticket was opened."),
    ],
)  # fmt: skip
def test_what_went_well(base, figures, sentence) -> None:
    assert executive.went_well(with_figures(base[0], **figures), "en") == sentence


def test_what_missed(base) -> None:
    summary, _ = base
    three = pd.concat([summary.breaches] * 3, ignore_index=True)
    many = dataclasses.replace(summary, breaches=three, figures=summary.figures | {"escalations_breached": 3})  # fmt: skip
    assert executive.missed(many, "en") == (
        "3 escalations missed their SLA targets; the worst, ticket A5, by 2.0 h.")  # fmt: skip
    none = dataclasses.replace(summary, breaches=summary.breaches.iloc[0:0],
                               figures=summary.figures | {"escalations_breached": 0})  # fmt: skip
    over = with_figures(none, hours=30.0, contract_hours=20.0, contract_use=1.5)
    assert (
        executive.missed(over, "en")
        == "Hours ran over the contract: 30.0 h worked for 20.0 h (150%)."
    )
    # within the contract: the single knower is what missed
    assert executive.missed(none, "en") == (
        "Continuity rests on too few people: 1 consultant(s) know the client well.")  # fmt: skip
    covered = with_figures(none, knowledge_status="covered", knowers=2)
    assert executive.missed(covered, "en") == (
        "Nothing missed: no SLA breach, hours within the contract, knowledge shared.")  # fmt: skip


def test_what_is_next(base, acme) -> None:
    summary, review = base
    actions.add(acme, "Acme", "Plan the migration", date(2026, 3, 1), None, datetime(2026, 2, 2))
    two = actions.review(acme, "Acme", PERIOD[0])
    assert executive.next_step(summary, two, "en") == (
        "2 action items are open, the first due on 2026-03-01: Plan the migration")  # fmt: skip
    undated = actions.ActionReview(review.open.assign(due_on=None), review.done, PERIOD[0])
    assert executive.next_step(summary, undated, "en") == (
        "1 action item(s) open, starting with: Renew the firewall licence")  # fmt: skip
    assert executive.next_step(summary, NO_ACTIONS, "en") == (
        "Next: bring a second consultant up to speed on this client.")  # fmt: skip
    covered = with_figures(summary, knowledge_status="covered")
    assert (
        executive.next_step(covered, NO_ACTIONS, "en") == "Next: close the 1 ticket(s) still open."
    )
    calm = with_figures(covered, backlog=0)
    assert executive.next_step(calm, NO_ACTIONS, "en") == (
        "Next: keep the same course and review again next period.")  # fmt: skip


# ---- the command line ------------------------------------------------------------------------


def deck_args(tmp_path, client: str = "Acme", out: str = "acme.pptx", lang: str = "en") -> list:
    return ["deck", "--client", client, "--from", "2026-01-01", "--to", "2026-02-28",
            "--out", str(tmp_path / out), "--lang", lang, "--db", str(tmp_path / "test.duckdb")]  # fmt: skip


def test_okam_deck_writes_the_deck(acme, tmp_path, capsys) -> None:
    acme.close()
    assert cli.main(deck_args(tmp_path, lang="fr")) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "acme.pptx")
    shown = slides_of((tmp_path / "acme.pptx").read_bytes())
    assert [title(s) for s in shown[1:]] == TITLES["fr"]


@pytest.mark.parametrize(
    ("client", "out", "code", "message"),
    [
        ("Nobody", "acme.pptx", 1, "okam: No client named 'Nobody' in the database."),
        ("Acme", "acme.pdf", 1, "okam: The deck is a .pptx file: "),
    ],
)
def test_okam_deck_refuses(acme, tmp_path, capsys, client, out, code, message) -> None:
    acme.close()
    assert cli.main(deck_args(tmp_path, client, out)) == code
    assert capsys.readouterr().err.startswith(message)
    assert not (tmp_path / out).exists()


def test_okam_deck_without_required_arguments_is_a_usage_error(capsys) -> None:
    assert cli.main(["deck", "--client", "Acme"]) == 2
    assert "--from" in capsys.readouterr().err


# ---- long lists, an empty client, the layout ---------------------------------------------------


def test_the_worst_breaches_are_named_and_the_others_listed_in_the_notes(acme) -> None:
    cfg = settings.load(acme)
    summary = client_view.client_summary(acme, cfg, "Acme", *PERIOD)
    one = summary.breaches
    many = pd.concat([one.assign(ticket_id=f"T{n:02}", overrun_hours=30.0 - n) for n in range(20)])
    content = deck.deck_content(acme, cfg, dataclasses.replace(summary, breaches=many))
    shown = slides_of(deck.build_deck(content, cfg, "en", GENERATED))
    breach_slides = [s for s in shown[1:] if title(s).startswith("SLA breaches")]
    assert [title(s) for s in breach_slides] == ["SLA breaches", "SLA breaches (continued)"]
    first_column = [table_cells(s)[0::6] for s in breach_slides]
    assert first_column == [["Ticket"] + [f"T{n:02}" for n in range(8)],
                            ["Ticket"] + [f"T{n:02}" for n in range(8, 16)]]  # fmt: skip
    assert "… and 4 more breaches, listed in this slide's notes and on the Client page." in texts(
        breach_slides[1]
    )
    assert breach_slides[1].notes_slide.notes_text_frame.text == (
        "The other breached tickets, worst overrun first: T16, T17, T18, T19."
    )


def test_a_long_action_list_goes_on_to_more_slides(acme) -> None:
    for n in range(10):
        actions.add(acme, "Acme", f"Step {n}", date(2026, 4, 1 + n), None, datetime(2026, 2, 3))
    shown = slides_of(make_deck(acme))
    titles = [title(s) for s in shown[1:]]
    assert titles[-3:] == ["Open action items", "Open action items (continued)",
                           "Action items done since 2026-01-01"]  # fmt: skip
    rows = table_cells(shown[-2])[0::3]
    assert rows == ["Action", "Step 7", "Step 8", "Step 9"]


def test_a_client_without_data(con) -> None:
    fill(con)
    con.execute("insert into clients (client) values ('Empty Co')")
    cfg = settings.load(con)
    summary = client_view.client_summary(con, cfg, "Empty Co", *PERIOD)
    content = deck.deck_content(con, cfg, summary)
    shown = slides_of(deck.build_deck(content, cfg, "en", GENERATED))
    assert len(shown) == 10
    assert texts(shown[1])[3:] == [
        "What went well", "A quiet period: no ticket was opened.",
        "What missed", "Continuity rests on too few people: 0 consultant(s) know the client well.",
        "What is next", "Next: bring a second consultant up to speed on this client.",
    ]  # fmt: skip
    continuity = {title(s): texts(s) for s in shown[1:]}["Continuity"]
    assert continuity[3].startswith("No one knows Empty Co well enough yet")


def test_every_shape_lies_on_its_slide(acme, tmp_path) -> None:
    logo = tmp_path / "wide.png"
    Image.new("RGB", (800, 100), (0, 0, 0)).save(logo)  # a wide logo stays right-aligned
    data = make_deck(acme, steering__logo_path=str(logo), steering__company_name="Okam Services")
    presentation = Presentation(io.BytesIO(data))
    width, height = presentation.slide_width, presentation.slide_height
    for number, slide in enumerate(presentation.slides, 1):
        for shape in slide.shapes:
            box = (shape.left, shape.top, shape.left + shape.width, shape.top + shape.height)
            assert box[0] >= 0 and box[1] >= 0, (number, shape.name)
            assert box[2] <= width and box[3] <= height, (number, shape.name)
