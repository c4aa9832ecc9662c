"""The manager's digest (SPEC 11): coverage, clients at risk by name, overloaded consultants,
SLA of the last 30 days, open breaches, with links to the views; HTML and text parts."""

from __future__ import annotations

from datetime import date
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlencode

import duckdb

from okam_analytics import formatting, views
from okam_analytics.delivery import mail, templates, today
from okam_analytics.delivery.alerts import alert_items
from okam_analytics.i18n import translator
from okam_analytics.metrics import sla_risk, workload


def digest_content(
    con: duckdb.DuckDBPyConnection, cfg: dict[str, Any], as_of_date: date
) -> dict[str, Any]:
    """The digest's figures at the end of as_of_date: counts, clients_at_risk, overloaded,
    sla, breaches (open escalations breached), coverage_ending (runway within 30 days)."""
    redundancy = views.clients_in_scope(con, cfg, as_of_date)
    active = redundancy[redundancy["activity"] == "active"]
    at_risk = active[active["status"].isin(views.AT_RISK)].sort_values(
        ["evidence_hours_90d", "client"], ascending=[False, True]
    )
    call = workload.daily_call(con, cfg, as_of_date)
    overloaded = call[call["status"] == "overloaded"].sort_values(
        "utilisation_to_date", ascending=False
    )
    risk = sla_risk.escalation_risk(con, cfg, sla_risk.end_of_day(as_of_date))
    return {
        "counts": views.status_counts(redundancy),
        "clients_at_risk": at_risk[["client", "status", "knowers"]],
        "overloaded": overloaded[["consultant", "utilisation_to_date", "current_streak"]],
        "sla": views.sla_last_30_days(con, as_of_date),
        "breaches": risk[risk["risk_state"] == "breached"],
        "coverage_ending": today.coverage_block(con, cfg, as_of_date),
    }


def view_links(base_url: str, as_of_date: date) -> dict[str, str]:
    """Links to the Today, Overview, Knowledge, Workload and Escalations pages at the as-of day."""
    query = urlencode({"asof": as_of_date.isoformat()})
    pages = ("today", "overview", "knowledge", "workload", "escalations")
    return {page: f"{base_url.rstrip('/')}/{page}?{query}" for page in pages}


def digest_context(content: dict[str, Any], cfg: dict[str, Any], as_of_date: date, lang: str):
    """The template values: texts already formatted for lang."""
    base_url = cfg["delivery"]["base_url"]
    overloaded = [
        {"name": r.consultant, "utilisation": formatting.percent(r.utilisation_to_date, lang),
         "streak": int(r.current_streak)}
        for r in content["overloaded"].itertuples()
    ]  # fmt: skip
    at_risk = [
        {"client": r.client, "status": translator(lang)(f"status.{r.status}"),
         "knowers": int(r.knowers)}
        for r in content["clients_at_risk"].itertuples()
    ]  # fmt: skip
    ending = content["coverage_ending"]
    sla = content["sla"]
    return {
        "t": translator(lang),
        "as_of": formatting.day(as_of_date, lang),
        "counts": {k: formatting.count(v, lang) for k, v in content["counts"].items()},
        "clients_at_risk": at_risk,
        "overloaded": overloaded,
        "response_sla": formatting.percent(sla["response_compliance"], lang),
        "resolution_sla": formatting.percent(sla["resolution_compliance"], lang),
        "sla_tickets": formatting.count(sla["tickets"], lang),
        "breaches": alert_items(content["breaches"], base_url, sla_risk.end_of_day(as_of_date),
                                lang, as_of_date),
        "coverage_ending": None if ending is None else [
            {"client": r.client, "until": formatting.day(r.covered_until, lang),
             "days": int(r.days_left)}
            for r in ending.itertuples()
        ],
        "links": view_links(base_url, as_of_date),
    }  # fmt: skip


def digest_message(
    con: duckdb.DuckDBPyConnection, cfg: dict[str, Any], as_of_date: date, lang: str,
    recipient: str,
) -> EmailMessage:  # fmt: skip
    """The digest as one e-mail with a text and an HTML part."""
    context = digest_context(digest_content(con, cfg, as_of_date), cfg, as_of_date, lang)
    subject = context["t"]("digest.subject", as_of=context["as_of"])
    return mail.message(
        cfg["delivery"]["from"],
        recipient,
        subject,
        templates.render("digest.txt", **context),
        templates.render("digest.html", **context),
    )
