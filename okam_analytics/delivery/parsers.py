"""The command-line arguments of alerts, deliver digest|client-pack and clients (SPEC 11)."""

from __future__ import annotations

import argparse


def _common(p: argparse.ArgumentParser, smtp: bool = True) -> None:
    if smtp:
        p.add_argument("--smtp-host", dest="smtp_host", help="override delivery.smtp_host")
        p.add_argument(
            "--smtp-port", dest="smtp_port", type=int, help="override delivery.smtp_port"
        )
        p.add_argument("--dry-run", dest="dry_run", metavar="DIR", help="write .eml files here")
        p.add_argument("--lang", choices=["en", "fr"], help="default: the ui.language setting")
    p.add_argument("--db")


def add_parsers(sub: argparse._SubParsersAction, parser_class: type) -> None:
    """Add the alerts, deliver and clients commands to the okam command line."""
    p = sub.add_parser("alerts", help="send SLA alerts (at risk, breached), once per state")
    p.add_argument("--now", help="local time in the calendar's timezone (default: now)")
    p.add_argument("--webhook", help="incoming webhook URL (Slack, Teams workflow)")
    p.add_argument("--recipient", help="e-mail address for the alerts")
    _common(p)

    p = sub.add_parser("deliver", help="e-mail the digest or client steering packs")
    what = p.add_subparsers(dest="what", required=True, parser_class=parser_class)
    d = what.add_parser("digest", help="the manager's digest (HTML and text)")
    d.add_argument("--recipient", required=True)
    d.add_argument("--as-of", dest="as_of")
    _common(d)
    d = what.add_parser("client-pack", help="one client's steering PDF by e-mail")
    who = d.add_mutually_exclusive_group(required=True)
    who.add_argument("--client")
    who.add_argument("--all", action="store_true", help="every client with contacts")
    d.add_argument("--recipient", help="default: the client's contacts")
    d.add_argument("--from", dest="date_from")
    d.add_argument("--to", dest="date_to")
    d.add_argument(
        "--no-charts",
        dest="no_charts",
        action="store_true",
        help="PDF without chart images (no Chromium needed)",
    )
    _common(d)

    p = sub.add_parser("clients", help="the clients directory: pack contacts")
    what = p.add_subparsers(dest="what", required=True, parser_class=parser_class)
    d = what.add_parser("set-contacts", help="replace a client's contacts (none: clear)")
    d.add_argument("client", metavar="NAME")
    d.add_argument("contacts", nargs="*", metavar="EMAIL")
    _common(d, smtp=False)
    d = what.add_parser("list", help="clients with their contacts, as JSON lines")
    _common(d, smtp=False)
