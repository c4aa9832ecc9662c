"""Knowledge redundancy per client: who knows each client, and how exposed the portfolio is (SPEC 4.1)."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from okam_analytics import db
from okam_analytics.metrics import workload
from okam_analytics.metrics.period import Period

Settings = dict[str, dict[str, Any]]
SUCCESSORS_SHOWN = 3
STATUSES = ["covered", "thin", "single", "uncovered"]
# the one-pass trend scales evidence by 2 ** (age / half-life): beyond ~1000 halvings a double
# overflows, so very short half-lives fall back to one query per date
MAX_HALVINGS = 900


def knowledge_params(cfg: Settings, as_of_date: date) -> dict[str, Any]:
    """The bound parameters the knowledge queries share."""
    k = cfg["knowledge"]
    return {
        "as_of_on": as_of_date,
        "half_life_days": float(k["half_life_days"]),
        "window_days": float(k["window_days"]),
        "ticket_weight": float(k["ticket_weight"]),
        "knower_floor": float(k["knower_floor"]),
        "min_share": float(k["min_share"]),
        "target_knowers": int(k["target_knowers"]),
        "active_days": float(k["active_days"]),
        "internal_clients": [name.strip().lower() for name in k["internal_clients"]],
    }


def knowledge_scores(
    con: duckdb.DuckDBPyConnection, cfg: Settings, as_of_date: date
) -> pd.DataFrame:
    """K per client and consultant: client, consultant, knowledge, share, is_knower."""
    return db.query_df(con, "knowledge_scores", **knowledge_params(cfg, as_of_date))


def redundancy_by_client(
    con: duckdb.DuckDBPyConnection, cfg: Settings, as_of_date: date
) -> pd.DataFrame:
    """One row per client: knowers, knower_names (list), absence_factor, status, activity, ..."""
    frame = db.query_df(con, "redundancy_by_client", **knowledge_params(cfg, as_of_date))
    frame["knower_names"] = frame["knower_names"].map(list)
    frame["last_activity_on"] = as_dates(frame["last_activity_on"])
    return frame


def as_dates(values: pd.Series) -> pd.Series:
    """DuckDB dates arrive as timestamps: plain dates, None where missing."""
    stamps = pd.to_datetime(values)
    return stamps.dt.date.astype(object).where(stamps.notna(), None)


def truck_factor(
    con: duckdb.DuckDBPyConnection, cfg: Settings, as_of_date: date
) -> tuple[int, list[str]]:
    """Avelino's greedy truck factor over the active clients: (count, consultants removed in order)."""
    clients = redundancy_by_client(con, cfg, as_of_date)
    return truck_factor_of(clients[clients["activity"] == "active"])


def truck_factor_of(active: pd.DataFrame) -> tuple[int, list[str]]:
    """Truck factor of active clients given their fixed knower lists."""
    total = len(active)
    if total == 0:
        return 0, []
    pairs = active[["client", "knower_names"]].explode("knower_names").dropna()
    counts = pairs.groupby("knower_names").size().rename("clients").reset_index()
    # Avelino et al. order authors once by coverage; ties alphabetical
    order = counts.sort_values(["clients", "knower_names"], ascending=[False, True])
    removal_order = order["knower_names"].tolist()
    rank = {name: i + 1 for i, name in enumerate(removal_order)}
    # a client loses its last knower when its latest-ranked knower is removed
    falls_at = np.sort(pairs["knower_names"].map(rank).groupby(pairs["client"]).max().to_numpy())
    uncovered_from_start = total - len(falls_at)
    steps = np.arange(len(removal_order) + 1)
    uncovered = uncovered_from_start + np.searchsorted(falls_at, steps, side="right")
    removed = int(np.argmax(2 * uncovered > total))
    return removed, removal_order[:removed]


def what_if_absent(
    con: duckdb.DuckDBPyConnection, cfg: Settings, as_of_date: date, absent: list[str]
) -> pd.DataFrame:
    """Clients that fall to 0 or 1 knower without the absent consultants, with successors."""
    columns = ["client", "knowers_before", "knowers_after", "status_after", "successors"]
    clients = redundancy_by_client(con, cfg, as_of_date)
    gone = set(absent)
    clients["knowers_before"] = clients["knowers"]
    knowers = clients["knower_names"].explode()
    staying = knowers.notna() & ~knowers.isin(gone)
    clients["knowers_after"] = staying.groupby(level=0).sum()
    hit = clients[
        (clients["knowers_after"] < clients["knowers_before"]) & (clients["knowers_after"] <= 1)
    ].copy()
    if hit.empty:
        return pd.DataFrame(columns=[*columns, "activity"])
    hit["status_after"] = np.where(hit["knowers_after"] == 0, "uncovered", "single")
    target = int(cfg["knowledge"]["target_knowers"])
    hit.loc[hit["knowers_after"] >= target, "status_after"] = "covered"
    hit["successors"] = successors_for(con, cfg, as_of_date, hit["client"].tolist(), gone)
    hit = hit.sort_values(["activity", "knowers_after", "client"])
    return hit[[*columns, "activity"]].reset_index(drop=True)


def successors_for(
    con: duckdb.DuckDBPyConnection,
    cfg: Settings,
    as_of_date: date,
    clients: list[str],
    absent: set[str],
) -> list[list[str]]:
    """Per client: the best non-knowers (highest K, then lowest load this week), not absent."""
    scores = knowledge_scores(con, cfg, as_of_date)
    candidates = scores[
        scores["client"].isin(clients) & ~scores["is_knower"] & ~scores["consultant"].isin(absent)
    ]
    load = workload.current_week_utilisation(con, cfg, as_of_date)
    candidates = candidates.merge(load, on="consultant", how="left").sort_values(
        ["client", "knowledge", "utilisation", "consultant"],
        ascending=[True, False, True, True],
        na_position="last",
    )
    best = candidates.groupby("client").head(SUCCESSORS_SHOWN)
    by_client = best.groupby("client")["consultant"].agg(list)
    return [by_client.get(client, []) for client in clients]


def month_ends(date_from: date, date_to: date) -> list[date]:
    """Each month end in [date_from, date_to], plus date_to itself so the trend reaches it."""
    ends = pd.date_range(date_from, date_to, freq="ME").date.tolist()
    if not ends or ends[-1] != date_to:
        ends.append(date_to)
    return ends


def redundancy_trend(
    con: duckdb.DuckDBPyConnection, cfg: Settings, date_from: date, date_to: date
) -> pd.DataFrame:
    """Active clients by status at each month end: month_end, covered, thin, single, uncovered."""
    points = month_ends(date_from, date_to)
    params = knowledge_params(cfg, date_to)
    del params["as_of_on"]
    reach = (points[-1] - points[0]).days + params["window_days"] + params["active_days"]
    if reach / params["half_life_days"] > MAX_HALVINGS:
        return trend_point_by_point(con, cfg, points)
    frame = db.query_df(con, "redundancy_trend", points_on=points, **params)
    frame["month_end"] = as_dates(frame["month_end"])
    return frame


def trend_point_by_point(
    con: duckdb.DuckDBPyConnection, cfg: Settings, points: list[date]
) -> pd.DataFrame:
    """The trend from the per-client table at each date (for half-lives too short to factor)."""
    rows = []
    for point in points:
        clients = redundancy_by_client(con, cfg, point)
        counts = clients[clients["activity"] == "active"]["status"].value_counts()
        rows.append({"month_end": point} | {s: int(counts.get(s, 0)) for s in STATUSES})
    return pd.DataFrame(rows, columns=["month_end", *STATUSES])


def report_redundancy(
    con: duckdb.DuckDBPyConnection, cfg: Settings, span: Period, grain: str | None
) -> pd.DataFrame:
    """`okam report redundancy`: one row per client at the as-of date (grain is not used)."""
    frame = redundancy_by_client(con, cfg, span.as_of_date)
    frame["knower_names"] = frame["knower_names"].map(", ".join)
    return frame
