"""`okam import`, `okam imports`, `okam undo` (SPEC 7): JSON lines on stdout, no traceback."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import duckdb

from okam_analytics import db, settings
from okam_analytics.ingest import dates, presets, service

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def _print(obj: dict[str, Any]) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str), flush=True)


def _fail(message: str, code: int = EXIT_REFUSED) -> int:
    print(f"okam: {message}", file=sys.stderr)
    return code


def _open(path: str | None) -> duckdb.DuckDBPyConnection:
    return db.connect(path)


def import_one(
    con: duckdb.DuckDBPyConnection, path: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """Inspect and load one file; the JSON object that reports it."""
    outcome: dict[str, Any] = {"file": str(path), "kind": args.kind, "preset": args.preset}
    outcome |= {
        "import_id": None,
        "status": "refused",
        "rows_read": 0,
        "rows_loaded": 0,
        "rows_rejected": 0,
    }
    if not path.is_file() or not os.access(path, os.R_OK):
        return outcome | {"errors": [f"Cannot read {path}: no such readable file."]}
    try:
        day_first = dates.locale_day_first(settings.load(con))
        plan = service.inspect(path, path.name, args.kind, args.preset, day_first=day_first)
        result = service.load(con, plan, accept_rejects=args.accept_rejects)
    except Exception as exc:  # one file's failure is reported; the other files still import
        return outcome | {"errors": [f"Could not import {path.name}: {exc}"]}
    outcome |= {"kind": plan.kind, "preset": plan.preset, "import_id": result.import_id}
    outcome |= {
        "status": result.status,
        "rows_read": result.rows_read,
        "rows_loaded": result.rows_loaded,
    }
    outcome |= {
        "rows_rejected": result.rows_rejected,
        "rows_warned": plan.rows_warned,
        "errors": result.errors,
    }
    if plan.private is not None:
        plan.private.close()
    return outcome


def run_import(args: argparse.Namespace) -> int:
    """Import each file; exit 0 if all loaded or unchanged, 1 if any refused, 2 on bad usage."""
    if args.preset:
        try:
            preset = presets.get(args.preset)
        except presets.UnknownPreset as exc:
            return _fail(str(exc), EXIT_USAGE)
        if args.kind and preset.kind != args.kind:
            return _fail(
                f"preset '{args.preset}' reads {preset.kind}, not {args.kind}.", EXIT_USAGE
            )
    try:
        con = _open(args.db)
    except (db.DatabaseBusy, duckdb.Error, OSError) as exc:
        return _fail(str(exc))
    code = EXIT_OK
    try:
        for name in args.files:
            outcome = import_one(con, Path(name), args)
            _print(outcome)
            if outcome["status"] == "refused":
                code = EXIT_REFUSED
    finally:
        con.close()
    return code


def run_imports(args: argparse.Namespace) -> int:
    """One JSON object per import, newest first."""
    try:
        con = _open(args.db)
    except (db.DatabaseBusy, duckdb.Error, OSError) as exc:
        return _fail(str(exc))
    try:
        frame = service.list_imports(con)
    finally:
        con.close()
    for record in json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False)):
        _print(record)
    return EXIT_OK


def run_undo(args: argparse.Namespace) -> int:
    """Undo one import; a message and exit 1 when the id is unknown or already undone."""
    try:
        con = _open(args.db)
    except (db.DatabaseBusy, duckdb.Error, OSError) as exc:
        return _fail(str(exc))
    try:
        service.undo(con, args.import_id)
        row = con.execute(
            "select import_id, kind, preset, file_name, status from imports where import_id = $id",
            {"id": args.import_id},
        ).fetchall()[0]
    except ValueError as exc:
        return _fail(str(exc))
    finally:
        con.close()
    _print(dict(zip(["import_id", "kind", "preset", "file", "status"], row, strict=True)))
    return EXIT_OK
