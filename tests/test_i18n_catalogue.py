"""Every string a page shows comes from the catalogue of the page's language: each page is run
under AppTest on the sample data in English and in French, every visible text is collected
(titles, headings, markdown, captions, alerts, metric labels and help, widget labels, help,
placeholders and options, buttons, tabs, expanders, table headers, chart titles, axis titles,
legend names and annotations) and must be either data (names from the database, numbers,
dates) or a catalogue text of that language (a template's {values} match anything)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from client_data import fill
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from okam_analytics import cli, db, formatting, i18n, sample
from okam_analytics.charts import escalations as escalation_charts
from okam_analytics.charts import workload as workload_charts
from okam_analytics.ingest import presets
from okam_analytics.ui import data

pytestmark = pytest.mark.slow  # loads the sample exports once (about 20 s), 16 page runs

REPO = Path(__file__).resolve().parents[1]
PAGES = [
    "today", "overview", "knowledge", "workload", "escalations", "client", "import", "settings",
    "coverage",
]  # fmt: skip
# The same word in both languages (checked by value, so a new identical text must be added here)
SAME_IN_BOTH = {
    "Absence", "Absent", "Analyse", "CSV", "Client", "Clients", "Consultant", "Consultants", "Description",
    "Excel", "Import", "K (h)", "Source", "Ticket", "Tickets", "Total", "Validation", "tickets",
}  # fmt: skip
# Shown as they are in every language: each language's own name in the language switch
NOT_TRANSLATED = {"English", "Français"}
# Widgets whose options are data (names of clients, consultants, countries, time zones, imports)
DATA_OPTIONS = re.compile(
    r"^(sidebar_clients|sidebar_teams|knowledge_client|knowledge_absent|workload_consultant"
    r"|client_client|settings_calendar_.*|import_sheet_\d+)$"
)
PLACEHOLDER = re.compile(r"\{[a-z_]+(?::[^}]*)?\}")
LETTER = re.compile(r"[^\W\d_]")
UNITS = re.compile(r"\b(?:h|min|pt)\b|(?<=\d)[hm]\b")  # 12 h, 2 h 05 min, 2h 05m, +3 pt
NAME_SQL = """
    select client as name from tickets union select assignee from tickets
    union select team from tickets union select priority from tickets
    union select consultant from time_entries union select client from time_entries
    union select team from consultants union select file_name from imports
    union select preset from imports union select sheet from imports
    union select source from tickets union select consultant from consultants
    union select client from clients
"""


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> tuple[Path, Path]:
    """A database holding the bundled sample exports (generated when data/sample is empty)."""
    tmp = tmp_path_factory.mktemp("i18n")
    folder = data.sample_dir()
    if not data.sample_files(folder):
        folder = tmp / "sample"
        sample.write_sample(folder, "small")
    path = tmp / "i18n.duckdb"
    con = db.connect(path)
    assert data.load_sample_files(con, folder) == []
    con.close()
    return path, folder


@pytest.fixture(scope="module")
def data_names(sample_db) -> list[str]:
    """Every name from the data (clients, consultants, teams, files ...) and the names of the
    tools read (GLPI, Toggl Track ...), longest first."""
    con = db.connect(sample_db[0], read_only=True)
    names = {str(n) for (n,) in con.execute(NAME_SQL).fetchall() if n}
    con.close()
    english = i18n.catalogue("en")
    names |= {
        p.label for name, p in presets.all_presets().items() if f"preset.{name}" not in english
    }
    return sorted(names, key=len, reverse=True)


@pytest.fixture
def app(sample_db, monkeypatch, navigation_v2):
    """Point the app at the sample database."""
    monkeypatch.setenv("OKAM_DB", str(sample_db[0]))
    monkeypatch.setenv("OKAM_SAMPLE_DIR", str(sample_db[1]))
    return sample_db


def run_page(page: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    at.query_params["lang"] = lang
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def plain(text: str) -> str:
    """Markdown as read: no emphasis, no escapes, single spaces."""
    text = re.sub(r"\\(.)", r"\1", text.replace("**", ""))
    return " ".join(text.split())


def walk(node) -> Iterator:
    for child in getattr(node, "children", {}).values():
        yield child
        yield from walk(child)


def chart_texts(spec: str) -> Iterator[str]:
    """Titles, axis titles, legend names, colour bar titles and annotations of a plotly figure."""
    figure = json.loads(spec)
    layout = figure.get("layout", {})
    for name, part in layout.items():
        if name == "title" or name.startswith(("xaxis", "yaxis", "legend")):
            title = part if name == "title" else (part or {}).get("title")
            yield (title or {}).get("text", "")
    yield from (note.get("text", "") for note in layout.get("annotations", []))
    for trace in figure.get("data", []):
        if trace.get("showlegend", True) is not False:
            yield trace.get("name", "")
        yield ((trace.get("colorbar") or {}).get("title") or {}).get("text", "")


def table_headers(node) -> Iterator[str]:
    """The column headers of a grid (its column labels, else its column names) and their help."""
    configs = json.loads(node.proto.columns or "{}")
    for name in node.value.columns:
        config = configs.get(str(name), {})
        yield config.get("label") or str(name)
        yield config.get("help", "")


def ui_texts(at: AppTest) -> Iterator[tuple[str, str]]:
    """(where, text) of every visible string of a run."""
    for node in walk(at._tree):
        kind, proto = getattr(node, "type", ""), getattr(node, "proto", None)
        if proto is None or kind in ("code", "exception"):
            continue
        if kind == "dataframe":
            yield from ((kind, text) for text in table_headers(node))
            continue
        if kind == "plotly_chart":
            yield from ((kind, text) for text in chart_texts(proto.spec))
            continue
        if kind != "metric" and hasattr(proto, "body"):
            yield kind, proto.body
        for field in ("label", "help", "placeholder", "title"):
            value = getattr(proto, field, "")
            if isinstance(value, str):
                yield f"{kind}.{field}", value
        key = getattr(node, "key", None) or ""
        if hasattr(proto, "options") and not DATA_OPTIONS.match(key):
            yield from ((f"{kind}.options", str(option)) for option in proto.options)


def template(text: str) -> re.Pattern:
    """A catalogue text as a regex: {values} match anything."""
    parts = PLACEHOLDER.split(plain(text))
    return re.compile("(?s)" + "(.+)".join(re.escape(part) for part in parts))


@pytest.fixture(scope="module")
def catalogue_patterns() -> dict[str, list[re.Pattern]]:
    return {lang: [template(v) for v in i18n.catalogue(lang).values()] for lang in i18n.LANGUAGES}


def is_data(text: str, names: list[str], lang: str) -> bool:
    """True when text holds nothing but data: names, numbers, dates, months, units, punctuation."""
    for name in names:
        text = text.replace(name, " ")
    for month in formatting.MONTHS[lang]:
        text = text.replace(month, " ")
    return not LETTER.search(UNITS.sub(" ", text))


def is_known(text: str, patterns: list[re.Pattern], names: list[str], lang: str) -> bool:
    """Data, or a catalogue text; a template without words of its own (like '**{status}**
    ({count})') only when each of its values is known in turn."""
    if is_data(text, names, lang):
        return True
    for pattern in patterns:
        found = pattern.fullmatch(text)
        if found is None:
            continue
        if LETTER.search(pattern.pattern.removeprefix("(?s)").replace("(.+)", "")):
            return True
        if found.groups() and all(
            is_known(part, patterns, names, lang) for part in found.groups() if part != text
        ):
            return True
    return False


def untranslated(at: AppTest, lang: str, patterns, names) -> list[tuple[str, str]]:
    """The visible strings that are neither data nor a catalogue text of lang."""
    missing = []
    for where, raw in ui_texts(at):
        text = plain(raw or "")
        if text and text not in NOT_TRANSLATED and not is_known(text, patterns[lang], names, lang):
            missing.append((where, text))
    return missing


@pytest.mark.parametrize("page_name", PAGES)
def test_every_string_of_a_page_is_in_its_language_catalogue(
    app, page_name, catalogue_patterns, data_names
) -> None:
    for lang in i18n.LANGUAGES:
        at = run_page(page_name, lang)
        assert sum(1 for _ in ui_texts(at)) > 10  # the page was drawn
        assert untranslated(at, lang, catalogue_patterns, data_names) == [], lang


def test_an_english_string_on_a_french_page_is_found(catalogue_patterns) -> None:
    patterns = catalogue_patterns
    french = i18n.catalogue("fr")
    assert is_known(plain(french["knowledge.truck_factor"]), patterns["fr"], [], "fr")
    assert not is_known("Truck factor", patterns["fr"], [], "fr")
    assert is_known("Situation à la fin du 31/10/2026.", patterns["fr"], [], "fr")
    assert is_data(
        "Acme · P1 · janv. 2026 · 1\u202f234,5\u00a0h · 2 h 05 min", ["Acme", "P1"], "fr"
    )
    assert not is_data("Acme · Breached", ["Acme"], "en")
    assert is_known("Surchargé (3)", patterns["fr"], [], "fr")  # '**{status}** ({count})'
    assert not is_known("Overloaded (3)", patterns["fr"], [], "fr")


def test_catalogues_have_the_same_keys_and_translated_values() -> None:
    english, french = i18n.catalogue("en"), i18n.catalogue("fr")
    assert sorted(set(english) ^ set(french)) == []
    same = [
        key
        for key, text in english.items()
        if french[key] == text
        and plain(PLACEHOLDER.sub("", text)) not in SAME_IN_BOTH
        and LETTER.search(PLACEHOLDER.sub("", text.replace("**", "")))
    ]
    assert same == []
    for key, text in english.items():  # the same {values} on both sides
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(french[key])), key


def test_the_check_finds_english_on_a_french_page(app, catalogue_patterns, data_names) -> None:
    at = run_page("overview", "en")
    found = untranslated(at, "fr", catalogue_patterns, data_names)
    assert ("title", "Overview") in found
    assert ("subheader", "Data freshness") in found


def test_tiles_follow_the_language(app) -> None:
    french, english = run_page("escalations", "fr"), run_page("escalations", "en")
    assert re.fullmatch(r"\d{1,3},\d\u202f%", french.metric[1].value)
    assert re.fullmatch(r"\d{1,3}\.\d%", english.metric[1].value)
    assert re.fullmatch(r"\d{1,3}(\u202f\d{3})*", french.metric[0].value)
    caption = french.caption[0].value
    assert re.search(r"du \d\d/\d\d/\d{4} au \d\d/\d\d/\d{4}", caption), caption


def test_switching_language_keeps_the_view(app) -> None:
    query = {"from": "2026-01-01", "to": "2026-06-30", "asof": "2026-05-31", "lang": "fr"}
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page("pages/workload.py").run()
    person = at.selectbox(key="workload_consultant").options[1]
    at.selectbox(key="workload_consultant").set_value(person).run()
    assert [t.value for t in at.title] == ["Charge de travail"]
    at.sidebar.radio(key="sidebar_lang").set_value("en").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Workload"]
    assert at.selectbox(key="workload_consultant").value == person
    assert at.sidebar.date_input(key="sidebar_as_of").value == date(2026, 5, 31)
    assert {k: at.query_params[k] for k in query} == query | {"lang": "en"}


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", ["Période : 01/01/2026 – 28/02/2026", "Chiffres à la fin du 28/02/2026",
                "Indicateur janv. 2026 févr. 2026 Évolution", "sur 20,0 h au contrat (100,0 %)"]),
        ("en", ["Period: 2026-01-01 – 2026-02-28", "Figures at the end of 2026-02-28",
                "Measure Jan 2026 Feb 2026 Change", "of 20.0 h in the contract (100.0%)"]),
    ],
)  # fmt: skip
def test_okam_pdf_in_each_language(tmp_path, lang, expected) -> None:
    """`okam pdf --lang`: the title page and figures in the language's formats; the PDFs are kept
    in test-output/ to be read."""
    path = tmp_path / "pdf.duckdb"
    con = db.connect(path)
    fill(con)
    con.close()
    out = REPO / "test-output" / f"steering-report-{lang}.pdf"
    out.parent.mkdir(exist_ok=True)
    args = ["pdf", "--client", "Acme", "--from", "2026-01-01", "--to", "2026-02-28",
            "--out", str(out), "--lang", lang, "--db", str(path)]  # fmt: skip
    assert cli.main(args) == 0
    pages = [page.extract_text() for page in PdfReader(out).pages]
    text = "\n".join(" ".join(line.split()) for line in "\n".join(pages[:2]).splitlines())
    for line in expected:
        assert line in text


UPLOAD = (  # a GLPI export whose last line is resolved before it was created: rejected
    "ID;Titre;Entité;Statut;Date d'ouverture;Date de résolution;Priorité;Attribué à - Technicien\n"
    "101;Imprimante;Root > Acme;Clos;05-01-2026 09:00;05-01-2026 11:00;Haute;Léa Fontaine\n"
    "102;VPN;Root > Globex;Nouveau;06-01-2026 10:30;;Moyenne;Yann Le Goff\n"
    "103;Messagerie;Root > Acme;Résolu;07-01-2026 08:15;06-01-2026 08:00;Basse;Léa Fontaine\n"
)


def test_the_import_page_with_a_file_in_each_language(app, catalogue_patterns, data_names):
    """An uploaded file: detection, choices, mapping, preview, validation report, load box."""
    words = {w for line in UPLOAD.splitlines() for w in line.split(";") if w}
    names = sorted({*data_names, *words, "glpi_i18n.csv", "Root > Acme"}, key=len, reverse=True)
    for lang in i18n.LANGUAGES:
        at = run_page("import", lang)
        upload = [("glpi_i18n.csv", UPLOAD.encode(), "text/csv")]
        at.file_uploader(key="import_files").set_value(upload).run()
        assert not at.exception
        assert len(at.tabs) == 3 and at.expander
        assert untranslated(at, lang, catalogue_patterns, names) == [], lang


def test_french_charts_write_numbers_dates_and_colons_the_french_way() -> None:
    weeks = pd.DataFrame(
        {
            "consultant": ["Ana"], "week_start": [pd.Timestamp("2026-01-05")],
            "utilisation": [0.9], "overloaded": [False], "worked_hours": [36.0],
            "capacity_hours": [40.0], "absence_hours": [0.0],
        }
    )  # fmt: skip
    fig = workload_charts.consultant_weeks(weeks, 0.9, "fr")
    assert fig.layout.separators == ",\u202f"
    assert fig.layout.xaxis.tickformat == "%d/%m/%Y"
    assert fig.data[1].hovertemplate.startswith("Travaillé\u00a0: %{y:,.1f}\u00a0h / Capacité")
    english = workload_charts.consultant_weeks(weeks, 0.9, "en")
    assert english.layout.separators == ".," and english.layout.xaxis.tickformat == "%Y-%m-%d"
    assert english.data[1].hovertemplate.startswith("Worked: %{y:,.1f} h / Capacity: ")
    monthly = pd.DataFrame(
        {"month": pd.to_datetime(["2026-01-01", "2026-02-01"]), "priority": ["P1", "P1"],
         "tickets": [2, 3], "response_met": [1, 3], "response_breached": [1, 0],
         "response_compliance": [0.5, 1.0], "resolution_met": [2, 3],
         "resolution_breached": [0, 0], "resolution_compliance": [1.0, 1.0]}
    )  # fmt: skip
    fig = escalation_charts.compliance_by_month(monthly, "fr")
    assert list(fig.data[0].x) == ["janv. 2026", "févr. 2026"]
    assert list(fig.data[0].customdata[0][:2]) == ["2026-01", "P1"]  # the drill-down key stays
