"""Client steering figures: tickets and backlog by month, response and resolution trends, hours
against the contract; with the escalation and knowledge builders, the set the Client page and the
PDF report both draw (client_figures). Never imports streamlit."""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.graph_objects as go

from okam_analytics import formatting
from okam_analytics.charts import GOOD, IDLE, WARN, apply_layout, empty_figure
from okam_analytics.charts import escalations as escalation_charts
from okam_analytics.charts import knowledge as knowledge_charts
from okam_analytics.i18n import translate
from okam_analytics.steering.view import ClientSummary

OPENED, RESOLVED, BACKLOG = "#4393c3", GOOD, "#762a83"
RESPONSE, RESOLUTION = "#ef8a62", "#2166ac"
HOURS, CONTRACT = "#4393c3", "#111111"
FIGURES = ("tickets", "times", "compliance", "hours", "knowledge")


def _months(monthly: pd.DataFrame, lang: str) -> list[str]:
    return [formatting.month(m, lang) for m in monthly["month_on"]]


def tickets_by_month(monthly: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Tickets opened and resolved per month (bars) and the backlog at each month end (line)."""
    tr = partial(translate, lang=lang)
    if monthly.empty or not (monthly["tickets_opened"].sum() or monthly["backlog"].sum()):
        return empty_figure(tr("chart.no_data"), lang)
    months = _months(monthly, lang)
    fig = go.Figure()
    fig.add_bar(x=months, y=monthly["tickets_opened"], name=tr("client.col.tickets_opened"),
                marker_color=OPENED)  # fmt: skip
    fig.add_bar(x=months, y=monthly["tickets_resolved"], name=tr("client.col.tickets_resolved"),
                marker_color=RESOLVED)  # fmt: skip
    fig.add_scatter(x=months, y=monthly["backlog"], name=tr("client.col.backlog"),
                    mode="lines+markers", line={"color": BACKLOG, "width": 2})  # fmt: skip
    fig.update_layout(barmode="group", hovermode="x unified")
    fig.update_xaxes(type="category")
    return apply_layout(fig, y_title=tr("client.chart.tickets"), height=340, lang=lang)


def times_by_month(monthly: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Median response (tickets opened that month) and resolution (tickets resolved that month)
    in calendar hours."""
    tr = partial(translate, lang=lang)
    measures = {"response_p50_hours": RESPONSE, "resolution_p50_hours": RESOLUTION}
    if monthly.empty or monthly[list(measures)].isna().all().all():
        return empty_figure(tr("chart.no_data"), lang)
    months = _months(monthly, lang)
    fig = go.Figure()
    for name, colour in measures.items():
        fig.add_scatter(x=months, y=monthly[name], name=tr(f"client.col.{name}"),
                        mode="lines+markers", line={"color": colour, "width": 2},
                        hovertemplate=formatting.d3_hours("y", lang))  # fmt: skip
    fig.update_layout(hovermode="x unified")
    fig.update_xaxes(type="category")
    return apply_layout(fig, y_title=tr("client.chart.hours"), height=340, lang=lang)


def hours_by_month(monthly: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Hours worked per month (bars: billable and not) against the contract hours (line)."""
    tr = partial(translate, lang=lang)
    if monthly.empty or not (monthly["hours"].sum() or monthly["contract_hours"].notna().any()):
        return empty_figure(tr("chart.no_data"), lang)
    months = _months(monthly, lang)
    fig = go.Figure()
    fig.add_bar(x=months, y=monthly["billable_hours"], name=tr("client.chart.billable"),
                marker_color=HOURS, hovertemplate=formatting.d3_hours("y", lang))  # fmt: skip
    fig.add_bar(x=months, y=monthly["hours"] - monthly["billable_hours"],
                name=tr("client.chart.non_billable"), marker_color=IDLE,
                hovertemplate=formatting.d3_hours("y", lang))  # fmt: skip
    if monthly["contract_hours"].notna().any():
        fig.add_scatter(x=months, y=monthly["contract_hours"], name=tr("client.col.contract_hours"),
                        mode="lines+markers", line={"color": CONTRACT, "dash": "dash"},
                        hovertemplate=formatting.d3_hours("y", lang))  # fmt: skip
    over = monthly["contract_hours"].notna() & (monthly["hours"] > monthly["contract_hours"])
    if over.any():
        fig.add_scatter(x=[m for m, o in zip(months, over, strict=True) if o],
                        y=monthly.loc[over, "hours"], name=tr("client.chart.over_contract"),
                        mode="markers", marker={"color": WARN, "size": 12, "symbol": "triangle-up"},
                        hovertemplate=formatting.d3_hours("y", lang))  # fmt: skip
    fig.update_layout(barmode="stack", hovermode="x unified")
    fig.update_xaxes(type="category")
    return apply_layout(fig, y_title=tr("client.chart.hours"), height=340, lang=lang)


def client_figures(summary: ClientSummary, lang: str = "en") -> dict[str, go.Figure]:
    """Every figure of the steering view, by name (FIGURES order)."""
    return {
        "tickets": tickets_by_month(summary.monthly, lang),
        "times": times_by_month(summary.monthly, lang),
        "compliance": escalation_charts.compliance_by_month(summary.compliance_by_month, lang),
        "hours": hours_by_month(summary.monthly, lang),
        "knowledge": knowledge_charts.client_knowledge_bars(
            summary.knowledge, summary.client, summary.knower_floor, lang
        ),
    }
