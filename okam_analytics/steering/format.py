"""The Client page's and the steering PDF's text: tiles and tables of a ClientSummary, formatted
once in one language, so the page and the PDF print the very same figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

import pandas as pd

from okam_analytics import formatting
from okam_analytics.i18n import translate
from okam_analytics.steering.view import COMPARED, ClientSummary

DASH = formatting.DASH
# measure -> how its values read
KINDS = {
    "tickets_opened": "count",
    "tickets_resolved": "count",
    "backlog": "count",
    "escalations": "count",
    "escalations_breached": "count",
    "response_compliance": "percent",
    "resolution_compliance": "percent",
    "response_p50_hours": "hours",
    "resolution_p50_hours": "hours",
    "hours": "hours",
    "contract_hours": "hours",
    "contract_use": "percent",
}
MONTHLY_SHOWN = [*COMPARED, "contract_hours"]


@dataclass(frozen=True)
class Tile:
    """One headline figure: its label, its value as text, and a short note under it."""

    key: str
    label: str
    value: str
    note: str = ""


def number(value: Any, lang: str, digits: int = 0) -> str:
    """1234.5 as '1,234.5' (English) or '1 234,5' (French); a dash for a missing value."""
    return formatting.number(value, lang, digits)


def formatted(kind: str, value: Any, lang: str, signed: bool = False) -> str:
    """A value as a count, hours ('12.5 h') or a percentage ('87.5%' / '87,5 %'); signed
    (a '+' before a rise) for changes, where a change of a percentage is in points."""
    if formatting.is_missing(value):
        return DASH
    if kind == "percent" and signed:
        text = formatting.number(value * 100, lang, 1) + formatting.unit_space(lang) + "pt"
    elif kind == "percent":
        text = formatting.percent(value, lang, 1)
    elif kind == "hours":
        text = formatting.hours(value, lang)
    else:
        text = formatting.count(value, lang)
    return formatting.signed(text, value) if signed else text


def period_text(summary: ClientSummary, lang: str) -> str:
    """'2026-01-01 – 2026-03-31' / '01/01/2026 – 31/03/2026'."""
    return formatting.period(summary.date_from, summary.date_to, lang)


def headline(summary: ClientSummary, lang: str) -> list[Tile]:
    """The eight tiles of the steering view."""
    tr, f = partial(translate, lang=lang), summary.figures
    hours_note = (
        tr(
            "client.tile.contract_note",
            contract=formatted("hours", f["contract_hours"], lang),
            use=formatted("percent", f["contract_use"], lang),
        )  # fmt: skip
        if f["contract_hours"]
        else tr("client.tile.no_contract")
    )
    status = tr(f"status.{f['knowledge_status']}")
    return [
        Tile("opened", tr("client.tile.opened"), formatted("count", f["tickets_opened"], lang)),
        Tile(
            "resolved", tr("client.tile.resolved"), formatted("count", f["tickets_resolved"], lang)
        ),
        Tile(
            "backlog",
            tr("client.tile.backlog"),
            formatted("count", f["backlog"], lang),
            tr("client.tile.backlog_note", day=formatting.day(summary.as_of_date, lang)),
        ),  # fmt: skip
        Tile(
            "escalations",
            tr("client.tile.escalations"),
            formatted("count", f["escalations"], lang),
            tr(
                "client.tile.breached_note",
                count=formatted("count", f["escalations_breached"], lang),
            ),
        ),  # fmt: skip
        Tile(
            "response",
            tr("client.tile.response"),
            formatted("percent", f["response_compliance"], lang),
        ),  # fmt: skip
        Tile(
            "resolution",
            tr("client.tile.resolution"),
            formatted("percent", f["resolution_compliance"], lang),
        ),  # fmt: skip
        Tile("hours", tr("client.tile.hours"), formatted("hours", f["hours"], lang), hours_note),
        Tile("knowers", tr("client.tile.knowers"), formatted("count", f["knowers"], lang), status),
    ]


def month_label(value: Any, lang: str = "en") -> str:
    """A month as 'Jan 2026' / 'janv. 2026'."""
    return formatting.month(value, lang)


def monthly_table(summary: ClientSummary, lang: str) -> pd.DataFrame:
    """One row per month, every cell text, translated headers."""
    tr = partial(translate, lang=lang)
    frame = summary.monthly
    shown = {tr("client.col.month"): [month_label(m, lang) for m in frame["month_on"]]}
    for name in MONTHLY_SHOWN:
        shown[tr(f"client.col.{name}")] = [formatted(KINDS[name], v, lang) for v in frame[name]]
    return pd.DataFrame(shown)


def comparison_table(summary: ClientSummary, lang: str) -> pd.DataFrame:
    """The month-over-month table: measure, previous month, last month, change."""
    tr = partial(translate, lang=lang)
    months = summary.months
    # months are "YYYY-MM" in the summary: as column headers they read in the language
    previous = month_label(months[0], lang) if len(months) == 2 else tr("client.col.previous")
    current = month_label(months[-1], lang) if months else tr("client.col.current")
    rows = summary.comparison
    return pd.DataFrame(
        {
            tr("client.col.measure"): [tr(f"client.col.{m}") for m in rows["measure"]],
            previous: [formatted(KINDS[m], v, lang) for m, v in zip(rows["measure"], rows["previous"], strict=True)],
            current: [formatted(KINDS[m], v, lang) for m, v in zip(rows["measure"], rows["current"], strict=True)],
            tr("client.col.change"): [formatted(KINDS[m], v, lang, signed=True) for m, v in zip(rows["measure"], rows["change"], strict=True)],
        }
    )  # fmt: skip


def breach_table(summary: ClientSummary, lang: str) -> pd.DataFrame:
    """The breached escalations: ticket, title, priority, assignee, created, state, overrun."""
    tr = partial(translate, lang=lang)
    b = summary.breaches
    return pd.DataFrame(
        {
            tr("col.ticket_id"): b["ticket_id"].astype(str),
            tr("col.title"): b["title"].fillna("").astype(str),
            tr("col.priority"): b["priority"].fillna("").astype(str),
            tr("col.assignee"): b["assignee"].astype(str),
            tr("col.created_at"): [formatting.moment(v, lang) for v in b["created_at"]],
            tr("col.state"): [tr(f"status.{s}") for s in b["state"]],
            tr("col.overrun_hours"): [formatted("hours", v, lang) for v in b["overrun_hours"]],
        }
    )


def knowledge_table(summary: ClientSummary, lang: str) -> pd.DataFrame:
    """Who knows the client: consultant (per privacy setting), knowledge K, share, knower or not."""
    tr = partial(translate, lang=lang)
    k = summary.knowledge
    return pd.DataFrame(
        {
            tr("col.consultant"): k["consultant"].astype(str),
            tr("col.knowledge"): [number(v, lang, 1) for v in k["knowledge"]],
            tr("client.col.share"): [formatted("percent", v, lang) for v in k["share"]],
            tr("col.is_knower"): [tr("client.knower" if v else "client.not_knower") for v in k["is_knower"]],
        }
    )  # fmt: skip


def priority_table(summary: ClientSummary, lang: str) -> pd.DataFrame:
    """SLA compliance per priority: escalations, response and resolution in SLA, medians."""
    tr = partial(translate, lang=lang)
    p = summary.by_priority
    return pd.DataFrame(
        {
            tr("col.priority"): p["priority"].astype(str),
            tr("client.col.escalations"): [formatted("count", v, lang) for v in p["tickets"]],
            tr("client.col.response_compliance"): [formatted("percent", v, lang) for v in p["response_compliance"]],
            tr("client.col.resolution_compliance"): [formatted("percent", v, lang) for v in p["resolution_compliance"]],
            tr("client.col.response_p50_clock"): [formatted("hours", v, lang) for v in p["response_p50_minutes"] / 60],
            tr("client.col.resolution_p50_clock"): [formatted("hours", v, lang) for v in p["resolution_p50_minutes"] / 60],
        }
    )  # fmt: skip


def generated_text(day: date, lang: str) -> str:
    """'Generated on 2026-11-02' / 'Généré le 02/11/2026'."""
    return translate("client.generated_on", lang, day=formatting.day(day, lang))


def knowledge_sentence(summary: ClientSummary, lang: str) -> str:
    """'3 consultants know this client (Covered); 5 more have some knowledge. Names: initials.'"""
    f = summary.figures
    return translate(
        "client.knowledge_caption",
        lang,
        knowers=formatting.count(f["knowers"], lang),
        status=translate(f"status.{f['knowledge_status']}", lang),
        others=formatting.count(max(0, f["knowing_consultants"] - f["knowers"]), lang),
        names=translate(f"client.names.{summary.name_mode}", lang),
    )
