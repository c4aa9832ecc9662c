"""The command line: import, imports, undo, report, sample, share, pdf (SPEC section 7);
alerts, deliver, clients (SPEC section 11); deck, actions (SPEC section 12)."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence
from typing import Any

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A command-line argument that cannot be used (exit 2)."""


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would exit; we report exit 2 ourselves
        raise UsageError(message)


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="okam", description="Okam Analytics command line")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser)

    p = sub.add_parser("import", help="import ticket or timesheet exports")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--db")
    p.add_argument("--kind", choices=["tickets", "timesheets"])
    p.add_argument("--preset")
    p.add_argument("--accept-rejects", action="store_true")

    p = sub.add_parser("imports", help="list imports")
    p.add_argument("--db")

    p = sub.add_parser("undo", help="undo one import")
    p.add_argument("import_id", type=int)
    p.add_argument("--db")

    p = sub.add_parser("report", help="print a metrics table")
    p.add_argument(
        "name", choices=["redundancy", "workload", "escalations", "coverage", "coverage-plan"]
    )
    p.add_argument("--db")
    p.add_argument("--as-of", dest="as_of")
    p.add_argument("--from", dest="date_from")
    p.add_argument("--to", dest="date_to")
    p.add_argument(
        "--grain", choices=["client", "consultant", "week", "month", "ticket", "priority"]
    )
    p.add_argument("--format", choices=["json", "csv"], default="json")
    p.add_argument("--settings")
    # the cross-training plan's horizon and budget (SPEC 4.4; report coverage-plan only)
    p.add_argument("--weeks", type=int, help="plan horizon in weeks (coverage-plan)")
    p.add_argument("--budget", type=float, help="share of a learner's capacity (coverage-plan)")

    p = sub.add_parser("sample", help="write the synthetic sample exports")
    p.add_argument("--out", default="data/sample")
    p.add_argument("--scale", default="small")
    p.add_argument("--readme", help="also write a description of the planted patterns here")

    p = sub.add_parser("share", help="mint a signed share link for one client")
    p.add_argument("--client", required=True)
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--from", dest="date_from")
    p.add_argument("--to", dest="date_to")
    p.add_argument("--base-url", default="http://localhost:8501")
    p.add_argument("--db")

    # the steering report (SPEC 8) and deck (SPEC 12) of one client take the same arguments
    for name, what in (("pdf", "report (PDF)"), ("deck", "deck (PowerPoint)")):
        p = sub.add_parser(name, help=f"write the steering {what} of one client")
        p.add_argument("--client", required=True)
        p.add_argument("--from", dest="date_from", required=True)
        p.add_argument("--to", dest="date_to", required=True)
        p.add_argument("--out", required=True)
        p.add_argument("--lang", choices=["en", "fr"], default="en")
        p.add_argument("--db")
    p = sub.add_parser("actions", help="add, close or list a client's action items")
    acts = p.add_subparsers(dest="action", required=True, parser_class=ArgumentParser)
    a = acts.add_parser("add", help="add an open action item")
    a.add_argument("--client", required=True)
    a.add_argument("--text", required=True)
    a.add_argument("--due", help="due day, YYYY-MM-DD")
    a.add_argument("--owner")
    a.add_argument("--db")
    a = acts.add_parser("done", help="mark an action item done")
    a.add_argument("item_id", type=int, metavar="ID")
    a.add_argument("--db")
    a = acts.add_parser("list", help="list action items, open first")
    a.add_argument("--client")
    a.add_argument("--format", choices=["json", "csv"], default="json")
    a.add_argument("--db")
    from okam_analytics.delivery.parsers import add_parsers  # alerts, deliver, clients

    add_parsers(sub, ArgumentParser)
    # connections to the tools' APIs and their sync (SPEC 10)
    p = sub.add_parser("connections", help="add, list, remove or test API connections")
    actions = p.add_subparsers(dest="action", required=True, parser_class=ArgumentParser)
    a = actions.add_parser("add", help="add a connection (its token stays in the environment)")
    a.add_argument("name")
    a.add_argument("--type", required=True)
    a.add_argument("--base-url", dest="base_url", required=True)
    a.add_argument("--user")
    a.add_argument("--account-id", dest="account_id")
    a.add_argument("--secret-env", dest="secret_env")
    a.add_argument("--option", action="append", metavar="KEY=VALUE")
    a.add_argument("--db")
    actions.add_parser("list", help="list connections").add_argument("--db")
    for action in ("remove", "test"):
        a = actions.add_parser(action, help=f"{action} a connection")
        a.add_argument("name")
        a.add_argument("--db")
    p = sub.add_parser("sync", help="load what changed in the connected tools")
    p.add_argument("names", nargs="*", metavar="NAME")
    p.add_argument("--full", action="store_true")
    p.add_argument("--since")
    p.add_argument("--every")
    p.add_argument("--db")
    return parser


def emit(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str))


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; never lets a traceback reach the user."""
    try:
        args = build_parser().parse_args(argv)
        return dispatch(args)
    except UsageError as exc:
        print(f"okam: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # last line of defence: a message, not a traceback
        print(f"okam: error: {exc}", file=sys.stderr)
        return EXIT_REFUSED


# Each command lives beside the code it drives: module that defines run_<command>(args) -> int.
COMMAND_MODULES = {
    "import": "okam_analytics.ingest.commands",
    "imports": "okam_analytics.ingest.commands",
    "undo": "okam_analytics.ingest.commands",
    "report": "okam_analytics.metrics.commands",
    "sample": "okam_analytics.sample",
    "share": "okam_analytics.steering.share",
    "pdf": "okam_analytics.steering.pdf",
    "deck": "okam_analytics.steering.deck",
    "actions": "okam_analytics.steering.actions",
    "alerts": "okam_analytics.delivery.commands",
    "deliver": "okam_analytics.delivery.commands",
    "clients": "okam_analytics.delivery.commands",
    "connections": "okam_analytics.connectors.commands",
    "sync": "okam_analytics.connectors.commands",
}


def dispatch(args: argparse.Namespace) -> int:
    module = importlib.import_module(COMMAND_MODULES[args.command])
    return getattr(module, f"run_{args.command}")(args)
