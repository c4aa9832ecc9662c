"""The steering review of one client and period as an editable PowerPoint deck (python-pptx):
title, executive summary, tickets, escalations and SLA with the breaches named, hours against
the contract, continuity, quarter over quarter, action items.

Every figure is client_summary's (view.py) as format.py writes it for the Client page and the
PDF; the charts are native PowerPoint charts whose data stays editable.
"""

from __future__ import annotations

import argparse
import io
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from okam_analytics import db, formatting, settings
from okam_analytics.i18n import translate
from okam_analytics.metrics import period
from okam_analytics.steering import actions, executive
from okam_analytics.steering import format as client_format
from okam_analytics.steering import view as client_view
from okam_analytics.steering.actions import ActionReview
from okam_analytics.steering.deck_layout import (
    BODY_TOP,
    BODY_WIDTH,
    MARGIN,
    DeckError,
    DeckTemplate,
    Inches,
    check_logo,
)  # fmt: skip
from okam_analytics.steering.view import ClientSummary

EXIT_OK, EXIT_ERROR = 0, 1
ROWS_PER_SLIDE = 8  # table rows that fit under a title bar; longer lists go on to more slides
MAX_BREACHES = 16  # the worst breaches named on slides; the others listed in the notes
QUARTER_MEASURES = ["tickets_opened", "tickets_resolved", "backlog", "escalations",
                    "escalations_breached", "response_compliance", "resolution_compliance",
                    "response_p50_hours", "resolution_p50_hours", "hours", "contract_use"]  # fmt: skip
QUARTER_CHART = ["tickets_opened", "tickets_resolved", "escalations", "escalations_breached"]
CHART_WIDTH, CHART_HEIGHT = Inches(7.6), Inches(5.3)
SIDE_LEFT = MARGIN + CHART_WIDTH + Inches(0.3)


@dataclass(frozen=True)
class DeckContent:
    """What one deck shows: the period's summary, the two quarters compared, the actions."""

    summary: ClientSummary
    this_quarter: ClientSummary
    previous_quarter: ClientSummary
    review: ActionReview


def quarters(date_to: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """This quarter (the three months ending with date_to's month, up to date_to) and the
    three months before it."""
    month = date_to.year * 12 + date_to.month - 1
    this_from = date((month - 2) // 12, (month - 2) % 12 + 1, 1)
    previous_from = date((month - 5) // 12, (month - 5) % 12 + 1, 1)
    return (this_from, date_to), (previous_from, this_from - timedelta(days=1))


def deck_content(con: duckdb.DuckDBPyConnection, cfg: dict, summary: ClientSummary) -> DeckContent:
    """The quarters and action items of an already computed summary."""
    (this_from, this_to), (prev_from, prev_to) = quarters(summary.date_to)
    quarter = partial(client_view.client_summary, con, cfg, summary.client)
    return DeckContent(
        summary=summary,
        this_quarter=quarter(this_from, this_to),
        previous_quarter=quarter(prev_from, prev_to),
        review=actions.review(con, summary.client, summary.date_from),
    )


def build_deck(content: DeckContent, cfg: dict, lang: str = "en",
               generated_on: date | None = None) -> bytes:  # fmt: skip
    """The deck as .pptx bytes, with the steering.* template settings of cfg."""
    look = cfg.get("steering", {})
    tr, s = partial(translate, lang=lang), content.summary
    deck = DeckTemplate(look.get("company_name", ""), look.get("accent_color", "#2F5D8A"),
                        check_logo(look.get("logo_path")),
                        f"{tr('deck.title')} · {s.client}")  # fmt: skip
    deck.prs.core_properties.title = f"{tr('deck.title')}: {s.client}"
    deck.prs.core_properties.author = look.get("company_name") or "Okam Analytics"
    _title(deck, s, lang, generated_on or date.today())
    _executive(deck, content, lang)
    _tickets(deck, s, lang)
    _escalations(deck, s, lang)
    _hours(deck, s, lang)
    _continuity(deck, s, lang)
    _quarters(deck, content, lang)
    _actions(deck, content.review, s.name_mode, lang)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _title(deck: DeckTemplate, s: ClientSummary, lang: str, day: date) -> None:
    tr = partial(translate, lang=lang)
    lines = [(tr("deck.title"), 22, False), (s.client, 40, True),
             (tr("client.pdf.period", period=client_format.period_text(s, lang)), 20, False),
             (tr("client.pdf.as_of", day=formatting.day(s.as_of_date, lang)), 14, False),
             (client_format.generated_text(day, lang), 14, False)]  # fmt: skip
    if deck.company:
        lines.insert(0, (deck.company, 16, False))
    deck.title_slide(lines, notes=tr("deck.notes.title"))


def _executive(deck: DeckTemplate, content: DeckContent, lang: str) -> None:
    tr = partial(translate, lang=lang)
    slide = deck.slide(tr("deck.executive"), notes=tr("deck.notes.executive"))
    sentences = executive.executive_summary(content.summary, content.review, lang)
    for i, (key, sentence) in enumerate(zip(("well", "missed", "next"), sentences, strict=True)):
        top = BODY_TOP + Inches(0.2 + 1.75 * i)
        deck.text(slide, [tr(f"deck.executive.{key}")], MARGIN, top, BODY_WIDTH, Inches(0.5),
                  size=16, bold=True, colour=deck.accent)  # fmt: skip
        deck.text(slide, [sentence], MARGIN, top + Inches(0.5), BODY_WIDTH, Inches(1.1), size=22)


def _side(deck: DeckTemplate, slide, lines: list[str]) -> None:
    deck.text(slide, lines, SIDE_LEFT, BODY_TOP + Inches(0.3), BODY_WIDTH - CHART_WIDTH - Inches(0.3),
              CHART_HEIGHT, size=16, bullets=True)  # fmt: skip


def _tile_lines(s: ClientSummary, lang: str, keys: tuple[str, ...]) -> list[str]:
    tiles = {tile.key: tile for tile in client_format.headline(s, lang)}
    return [_figure(tiles[k].label, tiles[k].value, lang) for k in keys]


def _figure(label: str, value: str, lang: str) -> str:
    return translate("deck.figure", lang, label=label, value=value)


def _months(s: ClientSummary, lang: str) -> list[str]:
    return [client_format.month_label(m, lang) for m in s.monthly["month_on"]]


def _series(s: ClientSummary, names: list[str], lang: str) -> list[tuple[str, list]]:
    return [(translate(f"client.col.{n}", lang), [_number(v) for v in s.monthly[n]]) for n in names]


def _number(value: Any) -> float | None:
    return None if formatting.is_missing(value) else round(float(value), 4)


def _tickets(deck: DeckTemplate, s: ClientSummary, lang: str) -> None:
    slide = deck.slide(translate("client.section.tickets", lang))
    deck.chart(slide, "column", _months(s, lang), _series(s, ["tickets_opened", "tickets_resolved"], lang),
               MARGIN, BODY_TOP, CHART_WIDTH, CHART_HEIGHT)  # fmt: skip
    f, tr = s.figures, partial(translate, lang=lang)
    lines = _tile_lines(s, lang, ("opened", "resolved", "backlog"))
    lines += [_figure(tr(f"client.col.{m}"), client_format.formatted("hours", f[m], lang), lang)
              for m in ("response_p50_hours", "resolution_p50_hours")]  # fmt: skip
    _side(deck, slide, lines)


def _escalations(deck: DeckTemplate, s: ClientSummary, lang: str) -> None:
    tr = partial(translate, lang=lang)
    slide = deck.slide(tr("client.section.escalations"))
    names = ["response_compliance", "resolution_compliance"]
    deck.chart(slide, "line", _months(s, lang), _series(s, names, lang), MARGIN, BODY_TOP,
               CHART_WIDTH, CHART_HEIGHT, number_format="0%")  # fmt: skip
    _side(deck, slide, _tile_lines(s, lang, ("escalations", "response", "resolution")))
    _breaches(deck, s, lang)


def _breaches(deck: DeckTemplate, s: ClientSummary, lang: str) -> None:
    """The worst MAX_BREACHES breaches named in tables; the others counted on the last slide
    and listed by ticket in its notes."""
    tr = partial(translate, lang=lang)
    shown = client_format.breach_table(s, lang).drop(columns=[tr("col.state")])
    if shown.empty:
        slide = deck.slide(tr("client.section.breaches"))
        deck.text(slide, [tr("client.breaches_none")], MARGIN, BODY_TOP, BODY_WIDTH, Inches(1))
        return
    rest = s.breaches["ticket_id"].astype(str).iloc[MAX_BREACHES:].tolist()
    parts = _chunks(shown.head(MAX_BREACHES), tr("client.section.breaches"), lang)
    for i, (part, title) in enumerate(parts):
        last = rest and i == len(parts) - 1
        notes = tr("deck.notes.more_breaches", tickets=", ".join(rest)) if last else ""
        slide = deck.slide(title, notes=notes)
        deck.table(slide, part, MARGIN, BODY_TOP, BODY_WIDTH, widths=(1.2, 4, 1, 1.6, 2, 1.4))
    if rest:
        count = formatting.count(len(rest), lang)
        deck.text(slide, [tr("deck.more_breaches", count=count)], MARGIN, Inches(6.3),
                  BODY_WIDTH, Inches(0.5), size=14)  # fmt: skip


def _chunks(frame: pd.DataFrame, title: str, lang: str) -> list[tuple[pd.DataFrame, str]]:
    """A long table split into slides of ROWS_PER_SLIDE rows; later ones titled '(continued)'."""
    parts = [frame.iloc[i : i + ROWS_PER_SLIDE] for i in range(0, len(frame), ROWS_PER_SLIDE)]
    more = translate("deck.continued", lang)
    return [(part, title if i == 0 else f"{title} {more}") for i, part in enumerate(parts)]


def _hours(deck: DeckTemplate, s: ClientSummary, lang: str) -> None:
    slide = deck.slide(translate("client.section.hours", lang))
    deck.chart(slide, "column", _months(s, lang), _series(s, ["hours", "contract_hours"], lang),
               MARGIN, BODY_TOP, CHART_WIDTH, CHART_HEIGHT, number_format="0.0")  # fmt: skip
    tile = next(t for t in client_format.headline(s, lang) if t.key == "hours")
    billable = client_format.formatted("hours", s.figures["billable_hours"], lang)
    _side(deck, slide, [_figure(tile.label, tile.value, lang), tile.note,
                        translate("deck.billable", lang, hours=billable)])  # fmt: skip


def _continuity(deck: DeckTemplate, s: ClientSummary, lang: str) -> None:
    tr = partial(translate, lang=lang)
    slide = deck.slide(tr("deck.continuity"))
    knowers = s.knowledge.loc[s.knowledge["is_knower"].astype(bool), "consultant"].tolist()
    key = {0: "deck.known_by_none", 1: "deck.known_by_one"}.get(len(knowers), "deck.known_by")
    sentence = tr(key, client=s.client, count=formatting.count(len(knowers), lang),
                  names=", ".join(knowers))  # fmt: skip
    deck.text(slide, [sentence, client_format.knowledge_sentence(s, lang)], MARGIN, BODY_TOP,
              BODY_WIDTH, Inches(1.3), size=18)  # fmt: skip
    table = client_format.knowledge_table(s, lang).head(ROWS_PER_SLIDE)
    if not table.empty:
        deck.table(slide, table, MARGIN, BODY_TOP + Inches(1.6), Inches(9), widths=(3, 2, 2, 2))


def _quarters(deck: DeckTemplate, content: DeckContent, lang: str) -> None:
    tr = partial(translate, lang=lang)
    now, before = content.this_quarter, content.previous_quarter
    slide = deck.slide(tr("deck.quarters"), notes=tr(
        "deck.notes.quarters", this=client_format.period_text(now, lang),
        previous=client_format.period_text(before, lang)))  # fmt: skip
    rows = []
    for m in QUARTER_MEASURES:
        a, b = before.figures[m], now.figures[m]
        change = b - a if a is not None and b is not None else None
        kind = client_format.KINDS[m]
        label = tr("deck.backlog_quarter" if m == "backlog" else f"client.col.{m}")
        rows.append([label, client_format.formatted(kind, a, lang),
                     client_format.formatted(kind, b, lang),
                     client_format.formatted(kind, change, lang, signed=True)])  # fmt: skip
    headers = [tr("client.col.measure"), tr("deck.quarter.previous"), tr("deck.quarter.this"),
               tr("client.col.change")]  # fmt: skip
    deck.table(slide, pd.DataFrame(rows, columns=headers), MARGIN, BODY_TOP, Inches(6.6),
               widths=(3, 1.6, 1.6, 1.4), size=11)  # fmt: skip
    series = [(tr("deck.quarter.previous"), [before.figures[m] for m in QUARTER_CHART]),
              (tr("deck.quarter.this"), [now.figures[m] for m in QUARTER_CHART])]  # fmt: skip
    deck.chart(slide, "column", [tr(f"client.col.{m}") for m in QUARTER_CHART], series,
               MARGIN + Inches(6.9), BODY_TOP, Inches(5.4), CHART_HEIGHT)  # fmt: skip


def _actions(deck: DeckTemplate, review: ActionReview, mode: str, lang: str) -> None:
    tr = partial(translate, lang=lang)
    opened = actions.review_table(review.open, lang, mode)
    done = actions.review_table(review.done, lang, mode, done=True)
    since = formatting.day(review.done_since, lang)
    sections = [(tr("deck.actions.open"), opened, tr("deck.actions.none_open")),
                (tr("deck.actions.done", day=since), done, tr("deck.actions.none_done"))]  # fmt: skip
    for title, frame, empty in sections:
        if frame.empty:
            slide = deck.slide(title)
            deck.text(slide, [empty], MARGIN, BODY_TOP, BODY_WIDTH, Inches(1))
        for part, part_title in _chunks(frame, title, lang):
            slide = deck.slide(part_title)
            deck.table(slide, part, MARGIN, BODY_TOP, BODY_WIDTH, widths=(6, 2, 1.5))


def steering_deck(con: duckdb.DuckDBPyConnection, client: str, date_from: date, date_to: date,
                  lang: str = "en") -> bytes:  # fmt: skip
    """The whole deck of client for the period, with the database's settings."""
    cfg = settings.load(con)
    summary = client_view.client_summary(con, cfg, client, date_from, date_to)
    return build_deck(deck_content(con, cfg, summary), cfg, lang)


def run_deck(args: argparse.Namespace) -> int:
    """`okam deck --client NAME --from D --to D --out FILE.pptx [--lang en|fr]`."""
    try:
        if not args.out.lower().endswith(".pptx"):
            raise ValueError(f"The deck is a .pptx file: {args.out!r} does not end in .pptx.")
        con = db.connect(args.db, read_only=db.database_path(args.db).exists())
        span = period.resolve(con, None, args.date_from, args.date_to)
        if db.query_df(con, "client_known", client=args.client).empty:
            raise ValueError(f"No client named {args.client!r} in the database.")
        data = steering_deck(con, args.client, span.date_from, span.date_to, args.lang)
        Path(args.out).write_bytes(data)
    except (ValueError, OSError, db.DatabaseBusy, DeckError) as exc:
        print(f"okam: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(args.out)
    return EXIT_OK
