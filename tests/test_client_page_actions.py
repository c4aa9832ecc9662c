"""The Client page under AppTest: the PowerPoint download beside the PDF, the action list, adding
and closing an action item on the page (a real DuckDB file), and a share link showing the items
read-only with owners per the privacy setting and no form."""

from __future__ import annotations

from contextlib import closing
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from client_data import CANARY, fill
from PIL import Image
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from okam_analytics import db, settings
from okam_analytics.steering import actions, share
from okam_analytics.ui import action_items, client_render, data

REPO = Path(__file__).resolve().parents[1]
SECRET = "client-actions-secret-0123456789"


@pytest.fixture
def app_db(tmp_path, monkeypatch, navigation_v2) -> Path:
    """Acme and the canary, one open and one done action item for Acme, one for the canary."""
    path = tmp_path / "actions.duckdb"
    con = db.connect(path)
    fill(con)
    con.execute(
        "insert into imports (import_id, kind, sha256, status)"
        " values (1, 'tickets', 'a', 'active'), (2, 'timesheets', 'b', 'active')"
    )
    actions.add(con, "Acme", "Renew the firewall licence", date(2026, 3, 15), "Julien Marchand",
                datetime(2026, 2, 1, 9))  # fmt: skip
    done = actions.add(con, "Acme", "Document the VPN", None, "Léa Fontaine", datetime(2026, 1, 5))
    actions.mark_done(con, done["id"], datetime(2026, 2, 20, 10))
    actions.add(con, CANARY, "Zyxwv secret plan", None, None, datetime(2026, 1, 9))
    con.close()
    monkeypatch.setenv("OKAM_DB", str(path))
    monkeypatch.setenv("OKAM_SAMPLE_DIR", str(tmp_path / "no-sample"))
    monkeypatch.setenv(share.SECRET_ENV, SECRET)
    return path


def client_page(url_query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    for name, value in (url_query or {}).items():
        at.query_params[name] = value
    at.switch_page("pages/client.py").run()
    assert not at.exception
    return at


def action_rows(at: AppTest) -> list[list[str]]:
    """The rows of the manager's action table (the one whose first column is 'No.')."""
    [table] = [df.value for df in at.dataframe if df.value.columns[0] == "No."]
    return table.values.tolist()


def test_the_page_offers_the_deck_beside_the_pdf(app_db) -> None:
    at = client_page()
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    pdf, deck = buttons["Download the PDF report"], buttons["Download the PowerPoint deck"]
    assert deck.id.endswith("-client_deck") and deck.deferred_file_id  # built when clicked
    assert pdf.id.endswith("-client_pdf")


def test_the_page_lists_this_clients_action_items_only(app_db) -> None:
    at = client_page()
    assert action_rows(at) == [
        ["1", "Renew the firewall licence", "Julien Marchand", "2026-03-15", "Open", ""],
        ["2", "Document the VPN", "Léa Fontaine", "", "Done", "2026-02-20"],
    ]
    assert "Zyxwv" not in str([df.value.values.tolist() for df in at.dataframe])
    assert at.multiselect(key=action_items.PICK_KEY).options == ["#1 Renew the firewall licence"]


def test_an_action_added_on_the_page_is_stored_and_listed(app_db) -> None:
    at = client_page()
    at.text_input(key=action_items.TEXT_KEY).input("  Call the CFO  about renewal ")
    at.text_input(key=action_items.OWNER_KEY).input("Léa Fontaine")
    at.date_input(key=action_items.DUE_KEY).set_value(date(2026, 4, 1))
    at.button(key=action_items.ADD_KEY).click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Action item added."]
    assert action_rows(at)[1] == [
        "4",
        "Call the CFO about renewal",
        "Léa Fontaine",
        "2026-04-01",
        "Open",
        "",
    ]
    with closing(data.cursor()) as con:  # the app's own connection to the file
        stored = actions.items(con, "Acme")
    assert stored.loc[stored["id"] == 4, ["client", "status"]].values.tolist() == [["Acme", "open"]]


def test_an_action_without_text_is_refused_and_nothing_stored(app_db) -> None:
    at = client_page()
    at.text_input(key=action_items.OWNER_KEY).input("Léa Fontaine")
    at.button(key=action_items.ADD_KEY).click().run()
    assert [e.value for e in at.error] == ["Write the action before adding it."]
    assert len(action_rows(at)) == 2


def test_an_action_marked_done_on_the_page(app_db) -> None:
    at = client_page()
    at.multiselect(key=action_items.PICK_KEY).select(1).run()
    at.button(key=action_items.DONE_KEY).click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Marked done: 1."]
    assert [row[4] for row in action_rows(at)] == ["Done", "Done"]
    assert len(at.get("multiselect")) == 2  # only the sidebar's: nothing left to close


def test_a_share_link_shows_the_items_read_only_with_initials(app_db) -> None:
    token = share.mint("Acme", date(2026, 1, 1), date(2026, 2, 28), 7, SECRET)
    at = client_page({"token": token})
    tables = [df.value.values.tolist() for df in at.dataframe]
    assert [["Renew the firewall licence", "J. M.", "2026-03-15"]] in tables
    assert [["Document the VPN", "L. F.", "2026-02-20"]] in tables
    assert "Zyxwv" not in str(tables)
    assert not at.text_input and not at.get("multiselect")
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download the PDF report" in labels  # the deck is the manager's to edit:
    assert "Download the PowerPoint deck" not in labels


def test_the_pages_deck_callable_makes_this_clients_deck(app_db, monkeypatch) -> None:
    """What the PowerPoint button downloads: client_render.deck_bytes of the page's summary."""
    with closing(data.cursor()) as con:
        summary = client_render.summary_of(con, "Acme", date(2026, 1, 1), date(2026, 2, 28))
    deck = Presentation(BytesIO(client_render.deck_bytes(summary, "en")))
    titles = [s.shapes[1].text_frame.text for s in list(deck.slides)[1:]]
    assert titles[-2:] == ["Open action items", "Action items done since 2026-01-01"]


def test_a_logo_that_cannot_be_read_is_named_instead_of_the_deck_button(app_db) -> None:
    con = db.connect(app_db)
    settings.save(con, "steering.logo_path", "/nowhere/logo.png")
    con.close()
    at = client_page()
    assert [e.value for e in at.error] == [  # the path is shown as text (Markdown escaped)
        r"The deck cannot be made: The deck logo /nowhere/logo\.png cannot be read\: no such file\."
    ]
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download the PDF report" in labels and "Download the PowerPoint deck" not in labels


def test_the_deck_settings_are_edited_on_the_settings_page(app_db, tmp_path) -> None:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.switch_page("pages/settings.py").run()
    at.text_input(key="settings_steering_company_name").input("  Okam Services ")
    at.text_input(key="settings_steering_logo_path").input("/nowhere/logo.png")
    at.button(key="settings_steering_save").click().run()
    assert [e.value for e in at.error] == [
        r"Logo file: The deck logo /nowhere/logo\.png cannot be read\: no such file\."
    ]
    logo = tmp_path / "logo.png"
    Image.new("RGB", (40, 20), (200, 30, 30)).save(logo)
    at.text_input(key="settings_steering_logo_path").input(str(logo))
    at.color_picker(key="settings_steering_accent_color").pick("#aa3300")
    at.button(key="settings_steering_save").click().run()
    assert not at.error and not at.exception
    with closing(data.cursor()) as con:
        assert settings.load(con)["steering"] == {
            "company_name": "Okam Services", "logo_path": str(logo), "accent_color": "#AA3300"
        }  # fmt: skip
