"""The physical reference: one hand-written DuckDB query per report (bench/sql/reference_*.sql)
computing the same table as `okam report NAME`, with the same settings and period bound as
parameters. What the app adds on top of it (Python, several queries, temp tables, the calendar
build) is what the 2x target measures."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from baselines import WEEKDAYS, closed_days

SQL_DIR = Path(__file__).resolve().parent / "sql"


def sql_text(name: str) -> str:
    """The text of bench/sql/reference_<name>.sql."""
    return (SQL_DIR / f"reference_{name}.sql").read_text(encoding="utf-8")


def params(name: str, cfg: dict, span: Any) -> dict[str, Any]:
    """The bound parameters of one reference query."""
    if name == "redundancy":
        k = cfg["knowledge"]
        return {
            "as_of_on": span.as_of_date,
            "half_life_days": float(k["half_life_days"]),
            "window_days": float(k["window_days"]),
            "ticket_weight": float(k["ticket_weight"]),
            "knower_floor": float(k["knower_floor"]),
            "min_share": float(k["min_share"]),
            "target_knowers": int(k["target_knowers"]),
            "active_days": float(k["active_days"]),
            "internal_clients": [c.strip().lower() for c in k["internal_clients"]] or [""],
        }
    e = cfg["escalation"]
    common = {
        "as_of": span.as_of,
        "priorities": [str(p) for p in e["priorities"]] or [""],
        "include_reassigned": bool(e["include_reassigned"]),
    }
    if name == "workload":
        w = cfg["workload"]
        closed = closed_days(cfg["calendar"], span.date_from, span.date_to)
        return common | {
            "date_from": span.date_from,
            "date_to": span.date_to,
            "closed_on": sorted(d for d in closed if span.date_from <= d <= span.date_to),
            "default_capacity_hours": float(w["weekly_capacity_hours"]),
            "overload_threshold": float(w["overload_threshold"]),
        }
    first_on = min(span.date_from, span.as_of_date) - timedelta(days=1)
    last_on = span.as_of_date + timedelta(days=1)
    closed = closed_days(cfg["calendar"], first_on, last_on)
    return common | {
        "date_from": pd.Timestamp(span.date_from).to_pydatetime(),
        "date_end": pd.Timestamp(span.date_to + timedelta(days=1)).to_pydatetime(),
        "first_on": first_on,
        "last_on": last_on,
        "closed_on": sorted(d for d in closed if first_on <= d <= last_on) or [first_on],
        "windows": windows(cfg["calendar"]),
        "timezone": cfg["calendar"].get("timezone") or "UTC",
        "targets": targets(cfg),
    }


def windows(calendar: dict) -> list[dict[str, int]]:
    """One opening window per weekday as minutes from midnight (the reference handles one)."""
    rows = []
    for isodow, name in enumerate(WEEKDAYS, start=1):
        spans = (calendar.get("windows") or {}).get(name) or []
        if len(spans) > 1:
            raise ValueError("The reference query handles one opening window per day.")
        for opens, closes in spans:
            o, c = (int(t[:2]) * 60 + int(t[3:]) for t in (opens, closes))
            if c <= o:
                raise ValueError("The reference query handles windows within the day.")
            rows.append({"isodow": isodow, "open_minute": o, "close_minute": c})
    return rows or [{"isodow": 0, "open_minute": 0, "close_minute": 0}]


def targets(cfg: dict) -> list[dict[str, Any]]:
    """The SLA targets per priority."""
    rows = [
        {
            "priority": str(p),
            "response_target_minutes": float(v["response_minutes"]),
            "resolution_target_minutes": float(v["resolution_minutes"]),
            "clock": v.get("clock", "business"),
        }
        for p, v in (cfg["escalation"].get("sla") or {}).items()
    ]
    none = {"priority": "", "response_target_minutes": 0.0, "resolution_target_minutes": 0.0}
    return rows or [none | {"clock": "24x7"}]


def run(con: Any, name: str, values: dict[str, Any]) -> pd.DataFrame:
    """Execute the reference query of one report."""
    return con.execute(sql_text(name), values).df()
