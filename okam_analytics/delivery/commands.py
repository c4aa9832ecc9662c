"""The alerts, deliver and clients commands (SPEC 11): one JSON object on stdout, exit 0 when
everything was delivered, 1 when anything failed or was refused (then nothing is marked sent)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from okam_analytics import db, directory, settings
from okam_analytics.delivery import alerts, mail, today
from okam_analytics.i18n import translate
from okam_analytics.metrics import period

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def emit(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str))


def fail(message: str, code: int = EXIT_FAILED) -> int:
    print(f"okam: {message}", file=sys.stderr)
    return code


def language(args: argparse.Namespace, cfg: dict[str, Any]) -> str:
    return getattr(args, "lang", None) or cfg["ui"]["language"]


def parse_now(text: str | None, cfg: dict[str, Any]) -> datetime:
    """--now as naive local time of the calendar (an offset given is converted); default now."""
    if text is None:
        return today.local_now(cfg)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"--now must be a time like 2026-03-10T10:00, got {text!r}.") from exc
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(cfg["calendar"]["timezone"])).replace(tzinfo=None)
    return moment


def deliver(args: argparse.Namespace, cfg: dict[str, Any], messages: list[EmailMessage]) -> list:
    """Send the messages (or write them to --dry-run DIR); the files written or []."""
    if not messages:
        return []
    if args.dry_run:
        return [str(p) for p in mail.write_eml(messages, args.dry_run)]
    mail.send(messages, mail.smtp_settings(cfg, args.smtp_host, args.smtp_port))
    return []


def run_alerts(args: argparse.Namespace) -> int:
    """`okam alerts [--now TS] [--webhook URL] [--recipient EMAIL] [--smtp-*] [--dry-run DIR]`."""
    if not (args.webhook or args.recipient):
        return fail("alerts need --webhook URL and/or --recipient EMAIL.", EXIT_USAGE)
    try:
        con = db.connect(args.db)
        cfg = settings.load(con)
        now = parse_now(args.now, cfg)
        fresh = alerts.new_alerts(con, cfg, now)
    except (ValueError, db.DatabaseBusy, duckdb.Error) as exc:
        return fail(str(exc))
    lang = language(args, cfg)
    items = alerts.alert_items(fresh, cfg["delivery"]["base_url"], now, lang)
    files: list[str] = []
    if items:
        try:
            files = send_alerts(args, cfg, items, now, lang)
        except (mail.DeliveryError, OSError) as exc:
            return fail(f"{exc} No alert was marked as sent.")
        alerts.mark_sent(con, fresh, now)
    sent = [{"ticket": i["ticket"], "source": i["source"], "state": i["state"]} for i in items]
    emit({"evaluated_at": now.isoformat(), "new_alerts": len(items), "alerts": sent,
          "files": files})  # fmt: skip
    return EXIT_OK


def send_alerts(
    args: argparse.Namespace, cfg: dict[str, Any], items: list[dict], now: datetime, lang: str
) -> list[str]:
    """Post the payload and/or e-mail the alerts (--dry-run: write them); the files written."""
    files: list[str] = []
    body = alerts.payload(items, now, lang)
    if args.webhook and args.dry_run:
        files.append(str(alerts.write_payload(body, args.dry_run)))
    elif args.webhook:
        alerts.post_webhook(args.webhook, body)
    if args.recipient:
        sender = cfg["delivery"]["from"]
        files += deliver(args, cfg, [alerts.alert_email(items, now, lang, sender, args.recipient)])
    return files


def run_deliver(args: argparse.Namespace) -> int:
    """`okam deliver digest|client-pack ...`."""
    from okam_analytics.delivery import digest  # PDF and chart modules: only for deliver

    try:
        con = db.connect(args.db)
        cfg = settings.load(con)
        lang = language(args, cfg)
        if args.what == "digest":
            day = period.resolve(con, args.as_of).as_of_date
            messages = [digest.digest_message(con, cfg, day, lang, args.recipient)]
            sent = [{"recipient": args.recipient, "as_of": day.isoformat()}]
        else:
            messages, sent = pack_messages(con, cfg, args, lang)
        files = deliver(args, cfg, messages)
    except (ValueError, mail.DeliveryError, OSError, db.DatabaseBusy, duckdb.Error) as exc:
        return fail(str(exc))
    emit({"messages": len(messages), "sent": sent, "files": files})
    return EXIT_OK


def pack_messages(
    con: duckdb.DuckDBPyConnection, cfg: dict[str, Any], args: argparse.Namespace, lang: str
) -> tuple[list[EmailMessage], list[dict[str, Any]]]:
    """The client packs asked for, every one built before anything is sent."""
    from okam_analytics.delivery import client_pack

    span = period.resolve(con, None, args.date_from, args.date_to)
    if args.all:
        if args.recipient:
            raise ValueError(
                "--all sends each client's pack to its own contacts: drop --recipient."
            )
        targets = client_pack.clients_with_contacts(con)
        if not targets:
            raise ValueError("No client has contacts in the clients directory; nothing was sent.")
    else:
        client_pack.check_client(con, args.client)
        contacts = client_pack.clients_with_contacts(con).get(args.client)
        recipients = [args.recipient] if args.recipient else contacts
        if not recipients:
            raise ValueError(f"Client {args.client!r} has no contacts: give --recipient EMAIL.")
        targets = {args.client: recipients}
    days = (span.date_from, span.date_to)
    messages = [
        client_pack.pack_message(con, cfg, client, days, recipients, lang, not args.no_charts)
        for client, recipients in targets.items()
    ]
    sent = [{"client": c, "recipients": r} for c, r in targets.items()]
    return messages, sent


def run_clients(args: argparse.Namespace) -> int:
    """`okam clients set-contacts NAME [EMAIL...]` and `okam clients list`."""
    try:
        con = db.connect(args.db)
        if args.what == "list":
            for row in directory.clients(con).itertuples():
                emit({"client": row.client, "contacts": directory.parse_contacts(row.contacts)})
            return EXIT_OK
        problems = directory.set_contacts(con, args.client, list(args.contacts))
    except (ValueError, db.DatabaseBusy, duckdb.Error) as exc:
        return fail(str(exc))
    if problems:
        for key, values in problems:
            print(f"okam: {translate(key, 'en', **values)}", file=sys.stderr)
        return EXIT_FAILED
    emit({"client": args.client, "contacts": list(args.contacts) or None})
    return EXIT_OK
