"""`okam report redundancy|workload|escalations|coverage|coverage-plan`: the metric tables as JSON or CSV."""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from okam_analytics import db, settings
from okam_analytics.metrics import period

EXIT_OK, EXIT_ERROR = 0, 1


def report_frame(con, name: str, cfg: dict, span: period.Period, grain: str | None) -> pd.DataFrame:
    """The table of one report."""
    if name == "redundancy":
        from okam_analytics.metrics.knowledge import report_redundancy as build
    elif name == "workload":
        from okam_analytics.metrics.workload import report_workload as build
    elif name == "coverage":
        from okam_analytics.metrics.coverage import report_coverage as build
    elif name == "coverage-plan":
        from okam_analytics.metrics.coverage_plan import report_coverage_plan as build
    else:
        from okam_analytics.metrics.escalations import report_escalations as build
    return build(con, cfg, span, grain)


def to_records(frame: pd.DataFrame) -> list[dict]:
    """JSON-ready rows: NaN/NaT become null, timestamps ISO strings."""
    return json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))


def plan_overrides(args: argparse.Namespace) -> dict:
    """--weeks and --budget of `report coverage-plan` as settings overrides."""
    given = {
        "plan_weeks": getattr(args, "weeks", None),
        "budget_share": getattr(args, "budget", None),
    }
    given = {name: value for name, value in given.items() if value is not None}
    if given and args.name != "coverage-plan":
        raise ValueError("--weeks and --budget only apply to report coverage-plan.")
    return {"coverage": given} if given else {}


def run_report(args: argparse.Namespace) -> int:
    try:
        cfg = settings.defaults()
        con = db.connect(args.db, read_only=db.database_path(args.db).exists())
        if db.database_path(args.db).exists():
            cfg = settings.load(con)
        if args.settings:
            cfg = settings.merge(cfg, settings.load_file(args.settings))
        cfg = settings.merge(cfg, plan_overrides(args))
        span = period.resolve(con, args.as_of, args.date_from, args.date_to)
        frame = report_frame(con, args.name, cfg, span, args.grain)
    except (ValueError, db.DatabaseBusy) as exc:
        print(f"okam: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    else:
        json.dump(to_records(frame), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    return EXIT_OK
