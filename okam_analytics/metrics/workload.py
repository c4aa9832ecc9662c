"""Consultant workload: hours against capacity by week, period totals, the daily call (SPEC 4.2)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from okam_analytics import db
from okam_analytics.metrics import calendar
from okam_analytics.metrics.period import Period

Settings = dict[str, dict[str, Any]]
WEEKLY_COLUMNS = [
    "consultant", "team", "week_start", "worked_hours", "absence_hours", "billable_hours",
    "capacity_hours", "utilisation", "billable_utilisation", "overtime_hours", "overloaded",
    "clients",
]  # fmt: skip
SUMMARY_COLUMNS = [
    "consultant", "team", "worked_hours", "capacity_hours", "utilisation", "billable_hours",
    "billable_utilisation", "overtime_hours", "overloaded_weeks", "longest_streak",
    "current_streak", "clients", "open_tickets", "open_escalations",
]  # fmt: skip
DAILY_COLUMNS = [
    "consultant", "team", "worked_hours_to_date", "capacity_to_date", "utilisation_to_date",
    "current_streak", "open_tickets", "open_escalations", "status",
]  # fmt: skip
STREAK_LOOKBACK_WEEKS = 52  # the daily call looks this far back for the current streak


def monday(day: date) -> date:
    """The Monday of the ISO week of day."""
    return day - timedelta(days=day.weekday())


def utilisation(
    con: duckdb.DuckDBPyConnection, cfg: Settings, date_from: date, date_to: date, bucket: str
) -> pd.DataFrame:
    """Per consultant and week or month: hours, capacity, utilisation, overload streak."""
    w = cfg["workload"]
    frame = db.query_df(
        con,
        "consultant_utilisation",
        date_from=date_from,
        date_to=date_to,
        bucket=bucket,
        closed_on=calendar.closed_dates(cfg["calendar"], date_from, date_to),
        default_capacity_hours=float(w["weekly_capacity_hours"]),
        overload_threshold=float(w["overload_threshold"]),
    )
    frame["period_start"] = pd.to_datetime(frame["period_start"]).dt.date
    return frame


def weekly_utilisation(
    con: duckdb.DuckDBPyConnection, cfg: Settings, date_from: date, date_to: date
) -> pd.DataFrame:
    """One row per consultant and ISO week of [date_from, date_to] (plus overload_streak)."""
    frame = utilisation(con, cfg, date_from, date_to, "week")
    return frame.rename(columns={"period_start": "week_start"})


def monthly_utilisation(
    con: duckdb.DuckDBPyConnection, cfg: Settings, date_from: date, date_to: date
) -> pd.DataFrame:
    """One row per consultant and month of [date_from, date_to]; overload judged per month."""
    frame = utilisation(con, cfg, date_from, date_to, "month")
    return frame.rename(columns={"period_start": "month_start"})


def current_week_utilisation(
    con: duckdb.DuckDBPyConnection, cfg: Settings, as_of_date: date
) -> pd.DataFrame:
    """Utilisation of the as-of week to date, per consultant: consultant, utilisation."""
    weeks = weekly_utilisation(con, cfg, monday(as_of_date), as_of_date)
    return weeks[["consultant", "utilisation"]]


def current_streaks(weeks: pd.DataFrame, anchor_day: date) -> pd.Series:
    """Overloaded weeks in a row ending at the anchor's week, per consultant.

    An unfinished week that is not (yet) overloaded does not break the streak: it then ends
    the week before, as a daily streak is not lost before the day is over.
    """
    anchor = monday(anchor_day)
    streak = weeks.pivot_table(
        index="consultant", columns="week_start", values="overload_streak", aggfunc="max"
    )
    this_week = streak.get(anchor, pd.Series(0, index=streak.index)).fillna(0)
    last_week = streak.get(anchor - timedelta(days=7), pd.Series(0, index=streak.index)).fillna(0)
    unfinished = anchor_day < anchor + timedelta(days=6)
    current = this_week.where((this_week > 0) | (not unfinished), last_week)
    return current.astype(int).rename("current_streak")


def open_tickets(
    con: duckdb.DuckDBPyConnection,
    cfg: Settings,
    date_from: date,
    date_to: date,
    as_of: datetime,
) -> pd.DataFrame:
    """Per consultant: clients in the period, open_tickets and open_escalations at as_of."""
    e = cfg["escalation"]
    return db.query_df(
        con,
        "consultant_open_tickets",
        date_from=date_from,
        date_to=date_to,
        as_of=as_of,
        priorities=list(e["priorities"]),
        include_reassigned=bool(e["include_reassigned"]),
    )


def workload_summary(con: duckdb.DuckDBPyConnection, cfg: Settings, span: Period) -> pd.DataFrame:
    """One row per consultant for the period: ratios of sums, overtime, streaks, open tickets."""
    w, e = cfg["workload"], cfg["escalation"]
    # one query: the weekly rows are summed in SQL, without their per-week client counts
    summary = db.query_df(
        con,
        "consultant_workload_summary",
        date_from=span.date_from,
        date_to=span.date_to,
        anchor_on=min(span.as_of_date, span.date_to),
        as_of=span.as_of,
        closed_on=calendar.closed_dates(cfg["calendar"], span.date_from, span.date_to),
        default_capacity_hours=float(w["weekly_capacity_hours"]),
        overload_threshold=float(w["overload_threshold"]),
        priorities=list(e["priorities"]),
        include_reassigned=bool(e["include_reassigned"]),
    )
    if summary.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    return finish(summary, SUMMARY_COLUMNS)


def finish(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Counts as integers (0 when missing), columns in order, rows by consultant."""
    for name in ("overloaded_weeks", "longest_streak", "current_streak", "clients",
                 "open_tickets", "open_escalations"):  # fmt: skip
        if name in frame:
            frame[name] = frame[name].fillna(0).astype(int)
    return frame[columns].sort_values("consultant").reset_index(drop=True)


def daily_call(con: duckdb.DuckDBPyConnection, cfg: Settings, as_of_date: date) -> pd.DataFrame:
    """The as-of week to date per consultant, with a status: overloaded, busy, available, absent."""
    start = monday(as_of_date) - timedelta(weeks=STREAK_LOOKBACK_WEEKS)
    weeks = weekly_utilisation(con, cfg, start, as_of_date)
    this_week = weeks[weeks["week_start"] == monday(as_of_date)].set_index("consultant")
    if this_week.empty:
        return pd.DataFrame(columns=DAILY_COLUMNS)
    call = pd.DataFrame(
        {
            "team": this_week["team"],
            "worked_hours_to_date": this_week["worked_hours"],
            "capacity_to_date": this_week["capacity_hours"],
            "utilisation_to_date": this_week["utilisation"],
            "absence_hours": this_week["absence_hours"],
        }
    ).join(current_streaks(weeks, as_of_date))
    as_of = Period(as_of_date, as_of_date, as_of_date).as_of
    facts = open_tickets(con, cfg, monday(as_of_date), as_of_date, as_of)
    call = call.reset_index().merge(facts, on="consultant", how="left")
    call["status"] = call_status(call, cfg["workload"])
    return finish(call, DAILY_COLUMNS)


def call_status(call: pd.DataFrame, w: dict[str, Any]) -> pd.Series:
    """Absent (no capacity left), overloaded (above threshold or 2+ weeks in a row), busy, available."""
    rate = call["utilisation_to_date"]
    overloaded = (rate > float(w["overload_threshold"])) | (call["current_streak"] >= 2)
    busy = rate >= float(w["busy_threshold"])
    absent = rate.isna() & (call["absence_hours"] > 0)
    return pd.Series(
        np.select([absent, overloaded, busy], ["absent", "overloaded", "busy"], "available"),
        index=call.index,
    )


def who_can_help(
    con: duckdb.DuckDBPyConnection, cfg: Settings, as_of_date: date, client: str
) -> pd.DataFrame:
    """The client's knowers and near-knowers (K >= half the floor), least loaded first."""
    # imported here: knowledge imports this module for the consultants' current load
    from okam_analytics.metrics.knowledge import knowledge_scores

    scores = knowledge_scores(con, cfg, as_of_date)
    near = float(cfg["knowledge"]["knower_floor"]) / 2
    helpers = scores[(scores["client"] == client) & (scores["knowledge"] * (1 + 1e-9) >= near)]
    call = daily_call(con, cfg, as_of_date)
    helpers = helpers.merge(call, on="consultant", how="left").rename(
        columns={"utilisation_to_date": "utilisation_this_week"}
    )
    helpers = helpers.sort_values(
        ["utilisation_this_week", "knowledge", "consultant"],
        ascending=[True, False, True],
        na_position="last",
    )
    columns = ["consultant", "knowledge", "is_knower", "utilisation_this_week", "status"]
    return helpers[columns].reset_index(drop=True)


def report_workload(
    con: duckdb.DuckDBPyConnection, cfg: Settings, span: Period, grain: str | None
) -> pd.DataFrame:
    """`okam report workload`: per consultant and week (grain week) or month, else per consultant."""
    if grain == "week":
        weeks = weekly_utilisation(con, cfg, span.date_from, span.date_to)
        return weeks[[*WEEKLY_COLUMNS, "overload_streak"]]
    if grain == "month":
        return monthly_utilisation(con, cfg, span.date_from, span.date_to)
    return workload_summary(con, cfg, span)
