"""The steering report of one client and period as a PDF (fpdf2): a title page, the key figures
and month-over-month comparison, the monthly table, the charts of the Client page as images
(plotly + kaleido, Debian's chromium), SLA by priority and the breach list, knowledge coverage.

It renders client_view.client_summary through client_format and charts.client, exactly as the
Client page does, so the two cannot disagree.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import warnings
from datetime import date
from functools import partial
from pathlib import Path

import duckdb
import plotly.graph_objects as go

from okam_analytics import db, formatting, settings
from okam_analytics.charts.client import client_figures
from okam_analytics.i18n import translate
from okam_analytics.metrics import period
from okam_analytics.steering import actions
from okam_analytics.steering import format as client_format
from okam_analytics.steering import view as client_view
from okam_analytics.steering.actions import ActionReview
from okam_analytics.steering.pdf_layout import MUTED, SteeringPDF
from okam_analytics.steering.view import ClientSummary

EXIT_OK, EXIT_ERROR = 0, 1
CHART_PX = (1400, 520)  # width, height of a chart image
CHART_MM = 80  # its height on the page: two charts and a heading fit a landscape page
_kaleido_lock = threading.Lock()  # one chromium for charts at a time in this process
log = logging.getLogger(__name__)


def chart_images(figures: dict[str, go.Figure]) -> dict[str, bytes | None]:
    """Each figure as PNG bytes (one kaleido browser for all); None for one that failed."""
    import kaleido

    images: dict[str, bytes | None] = dict.fromkeys(figures)
    with _kaleido_lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # plotly warns that kaleido options go unused by a server
        try:
            kaleido.start_sync_server(silence_warnings=True)
        except Exception as exc:  # no browser: the report still has every figure as text
            log.warning("charts left out of the PDF: %s", exc)
            return images
        try:
            for name, fig in figures.items():
                try:
                    images[name] = fig.to_image(format="png", width=CHART_PX[0], height=CHART_PX[1])
                except Exception as exc:
                    log.warning("chart %s left out of the PDF: %s", name, exc)
        finally:
            kaleido.stop_sync_server(silence_warnings=True)
    return images


def build_pdf(
    summary: ClientSummary,
    lang: str = "en",
    images: dict[str, bytes | None] | None = None,
    generated_on: date | None = None,
    review: ActionReview | None = None,
) -> bytes:
    """The report as PDF bytes; images are chart PNGs by name (charts.client.FIGURES); with a
    review, a last page of action items (open, and done since the period began)."""
    tr = partial(translate, lang=lang)
    images = images or {}
    pdf = SteeringPDF(f"{tr('client.pdf.title')} · {summary.client}")
    pdf.set_title(f"{tr('client.pdf.title')}: {summary.client}")
    pdf.set_creator("Okam Analytics")
    _title_page(pdf, summary, lang, generated_on or date.today())
    _figures_page(pdf, summary, lang)
    pdf.add_page()
    pdf.heading(tr("client.section.monthly"))
    pdf.frame_table(client_format.monthly_table(summary, lang), size=7.5)
    _chart_page(pdf, tr("client.section.tickets"), images, ("tickets", "times"), tr)
    _chart_page(pdf, tr("client.section.escalations"), images, ("compliance",), tr)
    pdf.frame_table(client_format.priority_table(summary, lang))
    _breaches(pdf, summary, lang)
    _chart_page(pdf, tr("client.section.hours"), images, ("hours",), tr)
    _knowledge(pdf, summary, lang, images.get("knowledge"))
    if review is not None:
        _actions(pdf, review, summary.name_mode, lang)
    return bytes(pdf.output())


def _title_page(pdf: SteeringPDF, summary: ClientSummary, lang: str, day: date) -> None:
    tr = partial(translate, lang=lang)
    pdf.add_page()
    pdf.set_y(60)
    pdf.style(14, colour=MUTED)
    pdf.cell(0, 10, pdf.text_of(tr("client.pdf.title")), new_x="LMARGIN", new_y="NEXT")
    pdf.style(28, bold=True)
    pdf.multi_cell(0, 14, pdf.text_of(summary.client), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.paragraph(tr("client.pdf.period", period=client_format.period_text(summary, lang)), 14)
    pdf.paragraph(tr("client.pdf.as_of", day=formatting.day(summary.as_of_date, lang)), 11, MUTED)
    pdf.paragraph(client_format.generated_text(day, lang), 11, MUTED)


def _figures_page(pdf: SteeringPDF, summary: ClientSummary, lang: str) -> None:
    tr = partial(translate, lang=lang)
    pdf.add_page()
    pdf.heading(tr("client.pdf.figures"))
    pdf.tiles(client_format.headline(summary, lang))
    pdf.ln(2)
    pdf.heading(tr("client.section.comparison"), size=13)
    pdf.frame_table(client_format.comparison_table(summary, lang), size=9, widths=(3, 2, 2, 2))


def _chart_page(pdf: SteeringPDF, title: str, images: dict, names: tuple, tr) -> None:
    pdf.add_page()
    pdf.heading(title)
    for name in names:
        pdf.picture(images.get(name), CHART_MM, tr("client.pdf.no_chart"))


def _breaches(pdf: SteeringPDF, summary: ClientSummary, lang: str) -> None:
    pdf.heading(translate("client.section.breaches", lang), size=13)
    if summary.breaches.empty:
        pdf.paragraph(translate("client.breaches_none", lang))
        return
    widths = (2, 8, 1.5, 2, 3, 3, 2)
    pdf.frame_table(client_format.breach_table(summary, lang), size=8, widths=widths)


def _knowledge(pdf: SteeringPDF, summary: ClientSummary, lang: str, png: bytes | None) -> None:
    tr = partial(translate, lang=lang)
    pdf.add_page()
    pdf.heading(tr("client.section.knowledge"))
    pdf.paragraph(client_format.knowledge_sentence(summary, lang))
    pdf.frame_table(client_format.knowledge_table(summary, lang), size=9, widths=(3, 2, 2, 3))
    pdf.picture(png, CHART_MM, tr("client.pdf.no_chart"))


def _actions(pdf: SteeringPDF, review: ActionReview, mode: str, lang: str) -> None:
    tr = partial(translate, lang=lang)
    pdf.add_page()
    pdf.heading(tr("actions.title"))
    since = formatting.day(review.done_since, lang)
    parts = [(tr("deck.actions.open"), review.open, False, tr("deck.actions.none_open")),
             (tr("deck.actions.done", day=since), review.done, True, tr("deck.actions.none_done"))]  # fmt: skip
    for title, frame, done, empty in parts:
        pdf.heading(title, size=13)
        if frame.empty:
            pdf.paragraph(empty)
        else:
            table = actions.review_table(frame, lang, mode, done=done)
            pdf.frame_table(table, size=9, widths=(6, 2, 1.5))


def steering_pdf(
    con: duckdb.DuckDBPyConnection,
    client: str,
    date_from: date,
    date_to: date,
    lang: str = "en",
    with_charts: bool = True,
) -> bytes:
    """The whole report of client for the period, with the database's settings."""
    summary = client_view.client_summary(con, settings.load(con), client, date_from, date_to)
    review = actions.review(con, client, date_from)
    return report_bytes(summary, lang, with_charts, review)


def report_bytes(
    summary: ClientSummary,
    lang: str = "en",
    with_charts: bool = True,
    review: ActionReview | None = None,
) -> bytes:
    """The PDF of an already computed summary (the Client page's download)."""
    images = chart_images(client_figures(summary, lang)) if with_charts else {}
    return build_pdf(summary, lang, images, review=review)


def run_pdf(args: argparse.Namespace) -> int:
    """`okam pdf --client NAME --from D --to D --out FILE [--lang fr|en]`."""
    try:
        con = db.connect(args.db, read_only=db.database_path(args.db).exists())
        span = period.resolve(con, None, args.date_from, args.date_to)
        if db.query_df(con, "client_known", client=args.client).empty:
            raise ValueError(f"No client named {args.client!r} in the database.")
        data = steering_pdf(con, args.client, span.date_from, span.date_to, args.lang)
        Path(args.out).write_bytes(data)
    except (ValueError, OSError, db.DatabaseBusy) as exc:
        print(f"okam: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(args.out)
    return EXIT_OK
