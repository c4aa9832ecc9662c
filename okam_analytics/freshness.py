"""How fresh the loaded data is, per source: the Overview's data freshness table."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from okam_analytics import db

FRESHNESS_COLUMNS = [
    "source", "kind", "count_imports", "count_rows", "last_imported_at", "period_end_on",
    "latest_data_on", "days_since_data", "connections", "last_sync_at", "last_sync_status",
]  # fmt: skip


def data_freshness(con: duckdb.DuckDBPyConnection, today: date) -> pd.DataFrame:
    """One row per source with active imports or API connections: FRESHNESS_COLUMNS (dates
    as plain dates)."""
    frame = db.query_df(con, "data_freshness", today=today)
    for name in ("period_end_on", "latest_data_on"):
        stamps = pd.to_datetime(frame[name])
        frame[name] = stamps.dt.date.astype(object).where(stamps.notna(), None)
    frame["days_since_data"] = frame["days_since_data"].astype("Int64")
    return frame[FRESHNESS_COLUMNS]
