"""Knowledge figures: client x consultant heat map of K, redundancy trend, one client's knowers."""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from okam_analytics import formatting
from okam_analytics.charts import (
    KNOWLEDGE_STATUSES,
    apply_layout,
    click_layer,
    empty_figure,
    plain,
    rows_height,
    status_colour,
    status_label,
)
from okam_analytics.i18n import translate

HEAT_SCALE = "YlGnBu"
KNOWER_MARK = "●"
TICK_VALUES = [0.1, 1, 10, 100, 1000, 10000]


def top_clients(redundancy: pd.DataFrame, count: int) -> list[str]:
    """The count most active clients (evidence hours of the last 90 days), most active first."""
    ranked = redundancy.sort_values(["evidence_hours_90d", "client"], ascending=[False, True])
    return ranked["client"].head(count).tolist()


def knowledge_heatmap(scores: pd.DataFrame, clients: list[str], lang: str = "en") -> go.Figure:
    """Heat map of K for the given clients (rows, in that order) and the consultants who know them.

    Colour follows log10(K) so that 5 hours and 500 hours are both visible; knowers carry a dot.
    """
    tr = partial(translate, lang=lang)
    shown = scores[scores["client"].isin(clients) & (scores["knowledge"] > 0)]
    if shown.empty:
        return empty_figure(tr("chart.no_data"), lang)
    consultants = shown.groupby("consultant")["knowledge"].sum().sort_values(ascending=False).index
    rows = [c for c in clients if c in set(shown["client"])]
    grid = shown.pivot(index="client", columns="consultant", values="knowledge")
    grid = grid.reindex(index=rows, columns=list(consultants))
    knower = shown.pivot(index="client", columns="consultant", values="is_knower")
    knower = knower.reindex(index=rows, columns=list(consultants)).fillna(False).astype(bool)
    fig = go.Figure(_heat_trace(grid, np.where(knower.to_numpy(), KNOWER_MARK, ""), tr, lang))
    fig.add_trace(_cells_layer(shown, tr))
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=plain(rows))
    fig.update_xaxes(tickangle=-45, categoryorder="array", categoryarray=plain(consultants))
    apply_layout(
        fig,
        x_title=tr("chart.consultant"),
        y_title=tr("chart.client"),
        height=rows_height(len(rows), per_row=26) + 80,
        lang=lang,
    )
    fig.update_layout(plot_bgcolor="#ffffff")
    return fig


def _heat_trace(grid: pd.DataFrame, marks: np.ndarray, tr, lang: str) -> go.Heatmap:
    """log10(K) cells, a colour bar labelled in hours, and the knower marks as cell text."""
    top = float(np.nanmax(grid.to_numpy(dtype=float)))
    ticks = [v for v in TICK_VALUES if v <= max(10.0, top * 10)]
    return go.Heatmap(
        z=np.log10(grid.to_numpy(dtype=float)),
        x=plain(grid.columns),
        y=plain(grid.index),
        text=marks,
        texttemplate="%{text}",
        textfont={"color": "#ffffff", "size": 11},
        colorscale=HEAT_SCALE,
        hoverinfo="skip",
        xgap=1,
        ygap=1,
        colorbar={
            "title": {"text": tr("chart.knowledge.k_short")},
            "tickvals": np.log10(ticks).tolist(),
            "ticktext": [formatting.number(v, lang, 1 if v < 1 else 0) for v in ticks],
        },
    )


def _cells_layer(cells: pd.DataFrame, tr) -> go.Scatter:
    """The clickable points of the known cells, with K, share and knower in the hover."""
    hover = (
        f"<b>%{{y}}</b><br>%{{x}}<br>{tr('chart.knowledge.k')}: %{{customdata[0]:,.1f}}"
        f"<br>{tr('chart.knowledge.share')}: %{{customdata[1]:.0%}}<br>%{{customdata[2]}}"
    )
    knower_text = cells["is_knower"].map(
        {True: tr("chart.knowledge.knower"), False: tr("chart.knowledge.not_knower")}
    )
    custom = np.column_stack([cells["knowledge"], cells["share"].fillna(0), knower_text]).tolist()
    return click_layer(plain(cells["consultant"]), plain(cells["client"]), custom, hover)


def redundancy_trend_chart(trend: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Stacked bars of active clients by status at each month end (statuses never seen left out)."""
    tr = partial(translate, lang=lang)
    if trend.empty:
        return empty_figure(tr("chart.no_data"), lang)
    # month ends as categories: a date axis would tick 30 Nov under "Dec"
    ends = [formatting.day(end, lang) for end in trend["month_end"]]
    fig = go.Figure()
    for status in KNOWLEDGE_STATUSES:
        if status not in trend or not trend[status].any():
            continue
        fig.add_bar(
            x=ends,
            y=trend[status],
            name=status_label(status, lang),
            marker_color=status_colour(status),
            hovertemplate=f"{status_label(status, lang)}: %{{y}}<extra></extra>",
        )
    fig.update_layout(barmode="stack", hovermode="x unified")
    fig.update_xaxes(type="category")
    return apply_layout(
        fig,
        x_title=tr("chart.month_end"),
        y_title=tr("chart.knowledge.active_clients"),
        height=340,
        lang=lang,
    )


def client_knowledge_bars(
    scores: pd.DataFrame, client: str, knower_floor: float, lang: str = "en"
) -> go.Figure:
    """K of each consultant about one client, knowers in colour, with the knower floor marked."""
    tr = partial(translate, lang=lang)
    rows = scores[scores["client"] == client].sort_values("knowledge")
    if rows.empty:
        return empty_figure(tr("chart.no_data"), lang)
    colours = rows["is_knower"].map(
        {True: status_colour("covered"), False: status_colour("dormant")}
    )
    fig = go.Figure(
        go.Bar(
            x=rows["knowledge"],
            y=plain(rows["consultant"]),
            orientation="h",
            marker_color=colours.tolist(),
            customdata=rows["share"].fillna(0),
            hovertemplate=(
                f"%{{y}}<br>{tr('chart.knowledge.k')}: %{{x:,.1f}}"
                f"<br>{tr('chart.knowledge.share')}: %{{customdata:.0%}}<extra></extra>"
            ),
        )
    )
    fig.add_vline(
        x=knower_floor,
        line_dash="dot",
        line_color="#424242",
        annotation_text=tr("chart.knowledge.floor"),
        annotation_position="top",
    )
    return apply_layout(
        fig, x_title=tr("chart.knowledge.k"), height=rows_height(len(rows), minimum=200), lang=lang
    )
