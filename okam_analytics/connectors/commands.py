"""`okam connections add|list|remove|test` and `okam sync` (SPEC 10): JSON lines, no traceback."""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from okam_analytics.connectors import TYPES, store
from okam_analytics.connectors.base import Connection, default_secret_env
from okam_analytics.connectors.http import check_base_url
from okam_analytics.connectors.sync import open_database, sync_one, test_connection

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
EVERY_PATTERN = re.compile(r"^(\d+)\s*([smh])$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}


def _print(obj: dict[str, Any]) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str), flush=True)


def _fail(message: str, code: int) -> int:
    print(f"okam: {message}", file=sys.stderr)
    return code


def parse_options(pairs: list[str] | None) -> dict[str, str]:
    """KEY=VALUE pairs as a dict (ValueError naming a pair without '=')."""
    options = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--option '{pair}' is not KEY=VALUE.")
        options[key.strip()] = value.strip()
    return options


def new_connection(args: argparse.Namespace) -> Connection:
    """The connection `connections add` describes (ValueError naming what is wrong)."""
    options = parse_options(args.option)
    options |= {k: v for k, v in (("user", args.user), ("account_id", args.account_id)) if v}
    return build_connection(args.name, args.type, args.base_url, options, args.secret_env)


def build_connection(
    name: str, type_name: str, base_url: str, options: dict[str, str], secret_env: str | None
) -> Connection:
    """A checked new connection (ValueError naming what is wrong); the page uses it too."""
    if not NAME_PATTERN.match(name or ""):
        raise ValueError(f"'{name}' is not a connection name (letters, digits, _ . -).")
    if type_name not in TYPES:
        raise ValueError(f"Unknown connection type '{type_name}'; known: {', '.join(TYPES)}.")
    secret_env = secret_env or default_secret_env(name)
    if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", secret_env):
        raise ValueError(f"'{secret_env}' is not an environment variable name.")
    return Connection(name, type_name, check_base_url(base_url), options, secret_env)


def listed(connection: Connection) -> dict[str, Any]:
    """What `connections list` shows of a connection (the variable's name, never a token)."""
    shown = dict(connection.__dict__)
    shown["has_cursor"] = shown.pop("cursor") is not None
    return shown


def run_connections(args: argparse.Namespace) -> int:
    """add, list, remove or test a connection."""
    if args.action == "test":
        ok, message = test_connection(args.db, args.name)
        _print({"connection": args.name, "ok": ok, "message": message})
        return EXIT_OK if ok else EXIT_FAILED
    if args.action == "add":
        try:
            connection = new_connection(args)
        except ValueError as exc:
            return _fail(str(exc), EXIT_USAGE)
    con = open_database(args.db)
    try:
        if args.action == "add":
            store.add(con, connection)
            _print({"connection": connection.name, "added": True} | listed(connection))
        elif args.action == "remove":
            store.remove(con, args.name)
            _print({"connection": args.name, "removed": True})
        else:
            for connection in store.all_connections(con):
                _print(listed(connection))
    except store.ConnectionRefused as exc:
        return _fail(str(exc), EXIT_FAILED)
    finally:
        con.close()
    return EXIT_OK


def parse_every(text: str) -> int:
    """'30m', '2h', '90s' as seconds (ValueError otherwise)."""
    match = EVERY_PATTERN.match(text.strip())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"--every '{text}' is not a period like 30m, 2h or 90s.")
    return int(match.group(1)) * UNIT_SECONDS[match.group(2)]


def sync_round(db_path: str | None, names: list[str], full: bool, since: date | None) -> bool:
    """Sync each connection in turn, printing each outcome; whether none failed."""
    ok = True
    for name in names:
        outcome = sync_one(db_path, name, full=full, since=since)
        _print(outcome.as_json())
        ok = ok and outcome.status != "failed"
    return ok


def sync_forever(
    run: Callable[[], bool], every: int, rounds: int | None = None, sleep=time.sleep
) -> bool:
    """Run a sync round every `every` seconds (from one round's start to the next)."""
    ok, done = True, 0
    while rounds is None or done < rounds:
        started = time.monotonic()
        ok = run()
        done += 1
        if rounds is None or done < rounds:
            sleep(max(0.0, every - (time.monotonic() - started)))
    return ok


def run_sync(args: argparse.Namespace) -> int:
    """Sync the named connections (all when none is named); exit 1 if any failed."""
    try:
        since = date.fromisoformat(args.since) if args.since else None
        every = parse_every(args.every) if args.every else None
    except ValueError as exc:
        return _fail(str(exc).replace("Invalid isoformat string", "--since: not a date"), 2)
    con = open_database(args.db)
    try:
        known = [c.name for c in store.all_connections(con)]
    finally:
        con.close()
    unknown = [name for name in args.names if name not in known]
    if unknown:
        return _fail(f"no connection named {', '.join(unknown)} (see okam connections list).", 2)
    names = args.names or known
    if not names:
        return _fail("there is no connection to sync (add one with okam connections add).", 0)

    def run() -> bool:
        return sync_round(args.db, names, args.full, since)

    ok = sync_forever(run, every) if every else run()
    return EXIT_OK if ok else EXIT_FAILED
