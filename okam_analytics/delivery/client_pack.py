"""A client's steering pack (SPEC 11): that client's steering PDF attached to a short e-mail to
the client's contacts. Consultant names follow privacy.consultant_names (in the PDF through
steering.view.client_summary; the e-mail itself names no consultant)."""

from __future__ import annotations

import re
from datetime import date
from email.message import EmailMessage
from typing import Any

import duckdb

from okam_analytics import db, directory, formatting
from okam_analytics.delivery import mail, templates
from okam_analytics.i18n import translator
from okam_analytics.steering import pdf
from okam_analytics.steering import view as client_view


class UnknownClient(ValueError):
    """A client name the data does not know (nothing is sent)."""


def check_client(con: duckdb.DuckDBPyConnection, client: str) -> None:
    """Refuse a client the database does not know, by name."""
    if db.query_df(con, "client_known", client=client).empty:
        raise UnknownClient(f"No client named {client!r} in the database; nothing was sent.")


def clients_with_contacts(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Each client of the directory that has contacts -> its addresses."""
    frame = directory.clients(con)
    return {
        row.client: directory.parse_contacts(row.contacts)
        for row in frame.itertuples()
        if row.contacts
    }


def pack_message(
    con: duckdb.DuckDBPyConnection,
    cfg: dict[str, Any],
    client: str,
    span: tuple[date, date],
    recipients: list[str],
    lang: str,
    with_charts: bool = True,
) -> EmailMessage:
    """One e-mail to recipients with the client's steering PDF for the span attached."""
    check_client(con, client)
    summary = client_view.client_summary(con, cfg, client, *span)
    report = pdf.report_bytes(summary, lang, with_charts)
    t = translator(lang)
    context = {"t": t, "client": client, "period": formatting.period(*span, lang)}
    slug = re.sub(r"[^A-Za-z0-9]+", "-", client).strip("-") or "client"
    name = f"steering-{slug}-{span[0].isoformat()}-{span[1].isoformat()}.pdf"
    return mail.message(
        cfg["delivery"]["from"],
        ", ".join(recipients),
        t("pack.subject", client=client, period=context["period"]),
        templates.render("client_pack.txt", **context),
        templates.render("client_pack.html", **context),
        (mail.Attachment(name, report),),
    )
