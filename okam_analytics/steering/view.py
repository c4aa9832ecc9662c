"""One client's steering figures for one period: the Client page and the PDF report both render
client_summary's output, so they cannot disagree.

Every query is narrowed to the one client by a bound parameter before its rows reach Python;
portfolio-wide metrics (knowledge) are filtered to the client in SQL. Consultant names are
shown per the privacy setting (share.display_name). Never imports streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from okam_analytics import db
from okam_analytics.metrics import escalation_scope, escalations, knowledge
from okam_analytics.metrics.period import Period, latest_data_date
from okam_analytics.steering import share

Settings = dict[str, dict[str, Any]]
MONTHLY_COLUMNS = [
    "month_on",
    "first_on",
    "last_on",
    "tickets_opened",
    "tickets_resolved",
    "backlog",
    "response_p50_hours",
    "resolution_p50_hours",
    "escalations",
    "escalations_breached",
    "response_compliance",
    "resolution_compliance",
    "hours",
    "billable_hours",
    "contract_hours",
    "contract_use",
]
BREACH_COLUMNS = [
    "ticket_id",
    "title",
    "priority",
    "assignee",
    "created_at",
    "state",
    "response_met",
    "resolution_met",
    "overrun_hours",
]
PERIOD_COLUMNS = [
    "tickets_opened",
    "tickets_resolved",
    "backlog",
    "tickets_responded",
    "response_p50_hours",
    "resolution_p50_hours",
    "hours",
    "billable_hours",
    "consultants",
    "contract_hours",
    "contract_use",
]
KNOWLEDGE_COLUMNS = ["client", "consultant", "knowledge", "share", "is_knower"]
# the measures of the month-over-month comparison, in the order shown
COMPARED = [
    "tickets_opened",
    "tickets_resolved",
    "backlog",
    "escalations",
    "escalations_breached",
    "response_compliance",
    "resolution_compliance",
    "response_p50_hours",
    "resolution_p50_hours",
    "hours",
]
# wraps a portfolio-wide knowledge query so only the one client's rows leave DuckDB
ONE_CLIENT = "with portfolio as ({query}) select * from portfolio where client = $client"


@dataclass(frozen=True)
class ClientSummary:
    """Everything the Client page and the steering PDF show for one client and period."""

    client: str
    date_from: date
    date_to: date
    as_of_date: date
    name_mode: str
    figures: dict[str, Any]  # period totals (see client_summary)
    monthly: pd.DataFrame  # MONTHLY_COLUMNS, one row per month of the period
    comparison: pd.DataFrame  # measure, previous, current, change (last two months)
    compliance_by_month: pd.DataFrame  # escalation_compliance by month and priority
    by_priority: pd.DataFrame  # escalation_compliance by priority
    breaches: pd.DataFrame  # BREACH_COLUMNS, worst overrun first
    knowledge: pd.DataFrame  # KNOWLEDGE_COLUMNS, names per name_mode, most knowledge first
    knower_floor: float = 7.0
    months: list[str] = field(default_factory=list)  # "YYYY-MM" of the compared months


def summary_span(con: duckdb.DuckDBPyConnection, date_from: date, date_to: date) -> Period:
    """The period with its as-of day: its end, or the latest data day when the data stops
    earlier (so open tickets do not age into the future)."""
    return Period(min(date_to, max(latest_data_date(con), date_from)), date_from, date_to)


def client_summary(
    con: duckdb.DuckDBPyConnection, cfg: Settings, client: str, date_from: date, date_to: date
) -> ClientSummary:
    """One client's figures for [date_from, date_to]. figures holds tickets_opened,
    tickets_resolved, backlog, tickets_responded, response_p50_hours, resolution_p50_hours,
    hours, billable_hours, consultants, contract_hours, contract_use, escalations,
    escalations_breached, open_breached, no_response_data, response_compliance,
    resolution_compliance, knowers, knowledge_status, absence_factor, knowing_consultants."""
    span = summary_span(con, date_from, date_to)
    mode = cfg.get("privacy", {}).get("consultant_names", "initials")
    with con.cursor() as cur:
        rows = db.query_df(
            cur, "client_monthly", client=client, date_from=date_from, date_to=date_to,
            as_of=span.as_of,
        )  # fmt: skip
        by_month, by_priority, breaches = _escalations(cur, cfg, span, client)
        scores, redundancy = _knowledge(cur, cfg, span.as_of_date, client)
        breaches = with_titles(cur, client, breaches)
    monthly = _monthly(rows[~rows["is_period"]], by_month, breaches)
    figures = _figures(rows[rows["is_period"]].iloc[0], by_priority, breaches, redundancy)
    figures["knowing_consultants"] = len(scores)
    return ClientSummary(
        client=client,
        date_from=date_from,
        date_to=date_to,
        as_of_date=span.as_of_date,
        name_mode=mode,
        figures=figures,
        monthly=monthly,
        comparison=month_over_month(monthly),
        compliance_by_month=by_month,
        by_priority=by_priority,
        breaches=_breach_rows(breaches, mode),
        knowledge=_named_scores(scores, mode),
        knower_floor=float(cfg["knowledge"]["knower_floor"]),
        months=[m.strftime("%Y-%m") for m in monthly["month_on"].iloc[-2:]],
    )


def _escalations(
    cur: duckdb.DuckDBPyConnection, cfg: Settings, span: Period, client: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    # the escalation queries read the view escalation_tickets: point it at this client's rows
    escalations.prepare(cur, cfg, span)
    escalations.create_temp(cur, "client_escalations", client=client)
    cur.execute(
        "create or replace temp view escalation_tickets as select * from client_escalations"
    )
    by_month = db.query_df(cur, "escalation_compliance", by="month")
    by_priority = db.query_df(cur, "escalation_compliance", by="priority")
    breaches = db.query_df(cur, "escalation_breaches")
    keys = escalations.SUMMARY_COLUMNS + ["open_within"]
    return by_month[["month", "priority", *keys]], by_priority[["priority", *keys]], breaches


def _knowledge(
    cur: duckdb.DuckDBPyConnection, cfg: Settings, as_of_date: date, client: str
) -> tuple[pd.DataFrame, pd.Series | None]:
    params = knowledge.knowledge_params(cfg, as_of_date) | {"client": client}
    scores = db.run_sql(
        cur, ONE_CLIENT.format(query=db.sql_text("knowledge_scores")), **params
    ).df()
    redundancy = db.run_sql(
        cur, ONE_CLIENT.format(query=db.sql_text("redundancy_by_client")), **params
    ).df()
    return scores, (redundancy.iloc[0] if len(redundancy) else None)


def with_titles(
    con: duckdb.DuckDBPyConnection, client: str, breaches: pd.DataFrame
) -> pd.DataFrame:
    """The breaches with each ticket's title (from this client's tickets only)."""
    ids = breaches["ticket_id"].astype(str).unique().tolist()
    titles = db.query_df(con, "client_ticket_titles", client=client, ticket_ids=ids)
    return breaches.merge(titles, on=["source", "ticket_id"], how="left")


def _monthly(rows: pd.DataFrame, by_month: pd.DataFrame, breaches: pd.DataFrame) -> pd.DataFrame:
    """Ticket and hour rows per month joined with the month's escalation figures."""
    frame = rows.copy()
    frame["month_on"] = pd.to_datetime(frame["month_on"])
    sums = _escalation_sums(by_month, "month")
    breached = pd.to_datetime(breaches["created_at"]).dt.to_period("M").dt.to_timestamp()
    sums["escalations_breached"] = breached.value_counts()
    frame = frame.merge(sums, left_on="month_on", right_index=True, how="left")
    for name in ("escalations", "escalations_breached"):
        frame[name] = frame[name].fillna(0).astype(int)
    for name in ("first_on", "last_on"):
        frame[name] = knowledge.as_dates(frame[name])
    return frame[MONTHLY_COLUMNS].reset_index(drop=True)


def _escalation_sums(by_month: pd.DataFrame, key: str) -> pd.DataFrame:
    """Escalations and compliance per month, summed over priorities (ratios of sums)."""
    counts = (
        by_month.assign(month=pd.to_datetime(by_month[key]))
        .groupby("month")[
            [
                "tickets",
                "response_met",
                "response_breached",
                "resolution_met",
                "resolution_breached",
            ]
        ]
        .sum()
    )
    sums = pd.DataFrame(index=counts.index)
    sums["escalations"] = counts["tickets"]
    for measure in escalation_scope.MEASURES:
        met, breached = counts[f"{measure}_met"], counts[f"{measure}_breached"]
        sums[f"{measure}_compliance"] = (met / (met + breached)).where(met + breached > 0)
    return sums


def _figures(
    period_row: pd.Series,
    by_priority: pd.DataFrame,
    breaches: pd.DataFrame,
    redundancy: pd.Series | None,
) -> dict[str, Any]:
    """The period's totals as plain Python values (None where there is nothing to show)."""
    figures = {name: _plain(period_row[name]) for name in PERIOD_COLUMNS}
    head = escalation_scope.totals(by_priority)
    figures |= {
        "escalations": head["tickets"],
        "escalations_breached": len(breaches),
        "open_breached": head["open_breached"],
        "no_response_data": head["no_response_data"],
        "response_compliance": head["response_compliance"],
        "resolution_compliance": head["resolution_compliance"],
        "knowers": int(redundancy["knowers"]) if redundancy is not None else 0,
        "knowledge_status": redundancy["status"] if redundancy is not None else "uncovered",
        "absence_factor": int(redundancy["absence_factor"]) if redundancy is not None else 0,
    }
    return figures


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    return value.item() if isinstance(value, np.generic) else value


def _breach_rows(breaches: pd.DataFrame, mode: str) -> pd.DataFrame:
    frame = breaches.copy()
    frame["assignee"] = [share.display_name(name, mode) for name in frame["assignee"]]
    frame["overrun_hours"] = frame["overrun_minutes"] / 60
    return frame[BREACH_COLUMNS].reset_index(drop=True)


def _named_scores(scores: pd.DataFrame, mode: str) -> pd.DataFrame:
    """Scores with names per the privacy mode; hidden names become #1, #2 by knowledge rank,
    and two consultants with the same initials stay two rows ('J. M.', 'J. M. (2)')."""
    frame = scores.sort_values(["knowledge", "consultant"], ascending=[False, True]).copy()
    if mode == "hidden":
        frame["consultant"] = [f"#{rank}" for rank in range(1, len(frame) + 1)]
    else:
        names = pd.Series([share.display_name(n, mode) for n in frame["consultant"]], frame.index)
        repeat = names.groupby(names).cumcount()
        frame["consultant"] = names.where(
            repeat == 0, names + " (" + (repeat + 1).astype(str) + ")"
        )
    return frame[KNOWLEDGE_COLUMNS].reset_index(drop=True)


def month_over_month(monthly: pd.DataFrame) -> pd.DataFrame:
    """The last month of the period against the month before: measure, previous, current,
    change (current - previous; None when either is missing)."""
    last = monthly.iloc[-1] if len(monthly) else None
    before = monthly.iloc[-2] if len(monthly) > 1 else None
    rows = []
    for measure in COMPARED:
        current = _plain(last[measure]) if last is not None else None
        previous = _plain(before[measure]) if before is not None else None
        change = current - previous if current is not None and previous is not None else None
        rows.append(
            {"measure": measure, "previous": previous, "current": current, "change": change}
        )
    return pd.DataFrame(rows, columns=["measure", "previous", "current", "change"])
