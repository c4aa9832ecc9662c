"""The deck's executive summary: three sentences from a ClientSummary and its action items —
what went well, what missed, what is next. Each is the first rule of its list that applies,
so the same figures always read the same way (rules in docs/steering.md)."""

from __future__ import annotations

from functools import partial

from okam_analytics import formatting
from okam_analytics.i18n import translate
from okam_analytics.steering.actions import ActionReview
from okam_analytics.steering.view import ClientSummary

THIN_STATUSES = ("single", "uncovered", "thin")  # knowledge statuses that put continuity at risk
GOOD_RESPONSE = 0.9  # share of escalations answered in time worth leading with


def executive_summary(summary: ClientSummary, review: ActionReview, lang: str) -> list[str]:
    """[went well, missed, next], each one sentence in lang."""
    return [went_well(summary, lang), missed(summary, lang), next_step(summary, review, lang)]


def went_well(summary: ClientSummary, lang: str) -> str:
    """SLA all met > backlog held > fast first responses > tickets handled > a quiet period."""
    tr, f = partial(translate, lang=lang), summary.figures
    count = partial(formatting.count, lang=lang)
    if f["escalations"] and not f["escalations_breached"]:
        return tr("exec.well.sla", count=count(f["escalations"]))
    if f["tickets_opened"] and f["tickets_resolved"] >= f["tickets_opened"]:
        return tr(
            "exec.well.resolved", resolved=count(f["tickets_resolved"]),
            opened=count(f["tickets_opened"]), backlog=count(f["backlog"]),
            day=formatting.day(summary.as_of_date, lang),
        )  # fmt: skip
    if f["response_compliance"] is not None and f["response_compliance"] >= GOOD_RESPONSE:
        return tr("exec.well.response", share=formatting.percent(f["response_compliance"], lang))
    if f["tickets_opened"]:
        return tr(
            "exec.well.handled", opened=count(f["tickets_opened"]),
            hours=formatting.hours(f["response_p50_hours"], lang),
        )  # fmt: skip
    return tr("exec.well.quiet")


def missed(summary: ClientSummary, lang: str) -> str:
    """SLA breaches (the worst named) > hours over the contract > thin knowledge > nothing."""
    tr, f = partial(translate, lang=lang), summary.figures
    if f["escalations_breached"] and not summary.breaches.empty:
        worst = summary.breaches.iloc[0]  # worst overrun first
        key = "exec.missed.breach_one" if f["escalations_breached"] == 1 else "exec.missed.breaches"
        return tr(
            key, count=formatting.count(f["escalations_breached"], lang),
            ticket=str(worst["ticket_id"]), hours=formatting.hours(worst["overrun_hours"], lang),
        )  # fmt: skip
    if f["contract_hours"] and f["contract_use"] is not None and f["contract_use"] > 1:
        return tr(
            "exec.missed.contract", hours=formatting.hours(f["hours"], lang),
            contract=formatting.hours(f["contract_hours"], lang),
            use=formatting.percent(f["contract_use"], lang),
        )  # fmt: skip
    if f["knowledge_status"] in THIN_STATUSES:
        return tr("exec.missed.knowledge", knowers=formatting.count(f["knowers"], lang))
    return tr("exec.missed.none")


def next_step(summary: ClientSummary, review: ActionReview, lang: str) -> str:
    """Open action items (the first due named) > a second knower > the backlog > steady."""
    tr, f = partial(translate, lang=lang), summary.figures
    if len(review.open):
        first = review.open.iloc[0]  # earliest due first, undated last
        count = formatting.count(len(review.open), lang)
        if first["due_on"] is None:
            return tr("exec.next.actions_undated", count=count, text=first["text"])
        key = "exec.next.action_one" if len(review.open) == 1 else "exec.next.actions"
        return tr(key, count=count, text=first["text"], day=formatting.day(first["due_on"], lang))
    if f["knowledge_status"] in THIN_STATUSES:
        return tr("exec.next.knowledge")
    if f["backlog"]:
        return tr("exec.next.backlog", count=formatting.count(f["backlog"], lang))
    return tr("exec.next.steady")
