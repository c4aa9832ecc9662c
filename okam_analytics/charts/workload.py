"""Workload figures: consultant x week utilisation heat map, one consultant's weeks, the daily call."""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from okam_analytics import formatting
from okam_analytics.charts import (
    CALL_STATUSES,
    apply_layout,
    click_layer,
    empty_figure,
    plain,
    rows_height,
    status_colour,
    status_label,
)
from okam_analytics.i18n import translate

# Blue below capacity, white at 100 %, red above; the scale is centred on 1.0 (0.5 .. 1.5).
UTILISATION_SCALE = [[0.0, "#2166ac"], [0.35, "#92c5de"], [0.5, "#f7f7f7"], [0.75, "#f4a582"],
                     [1.0, "#b2182b"]]  # fmt: skip
UTILISATION_RANGE = (0.5, 1.5)
OVERLOAD_MARK = "#111111"


def week_status(weeks: pd.DataFrame, busy_threshold: float) -> pd.Series:
    """Each week's status: overloaded (as the metric judged it), busy, else available."""
    rate = weeks["utilisation"]
    status = np.select(
        [weeks["overloaded"].astype(bool), rate >= busy_threshold],
        ["overloaded", "busy"],
        "available",
    )
    return pd.Series(status, index=weeks.index)


HEATMAP_ROWS = 40  # consultants drawn by default: a bounded figure (the rest on demand)


def busiest_consultants(summary: pd.DataFrame, limit: int = HEATMAP_ROWS) -> list[str]:
    """The limit consultants with the most overloaded weeks, then the highest utilisation."""
    ranked = summary.sort_values(
        ["overloaded_weeks", "utilisation", "consultant"],
        ascending=[False, False, True],
        na_position="last",
    )
    return ranked["consultant"].head(limit).tolist()


def utilisation_heatmap(
    weeks: pd.DataFrame, overload_threshold: float, lang: str = "en"
) -> go.Figure:
    """Utilisation per consultant (rows) and ISO week (columns); overloaded weeks outlined."""
    tr = partial(translate, lang=lang)
    if weeks.empty:
        return empty_figure(tr("chart.no_data"), lang)
    frame = weeks.assign(week=pd.to_datetime(weeks["week_start"]))
    consultants = sorted(frame["consultant"].unique())
    grid = frame.pivot_table(
        index="consultant", columns="week", values="utilisation", aggfunc="max"
    )
    grid = grid.reindex(index=consultants)
    low, high = UTILISATION_RANGE
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(dtype=float),
            x=list(grid.columns),
            y=plain(consultants),
            colorscale=UTILISATION_SCALE,
            zmin=low,
            zmax=high,
            hoverinfo="skip",
            xgap=1,
            ygap=1,
            colorbar={"title": {"text": tr("chart.workload.utilisation")}, "tickformat": ".0%"},
        )
    )
    fig.add_trace(
        _overloaded_outline(frame[frame["overloaded"].astype(bool)], overload_threshold, tr, lang)
    )
    fig.add_trace(_week_cells(frame, tr, lang))
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=plain(consultants))
    apply_layout(
        fig,
        x_title=tr("chart.week"),
        y_title=tr("chart.consultant"),
        height=rows_height(len(consultants), per_row=24),
        lang=lang,
    )
    fig.update_xaxes(tickformat=formatting.d3_day(lang))
    fig.update_layout(plot_bgcolor="#ffffff", legend={"x": 1, "xanchor": "right"})
    return fig


def _overloaded_outline(hot: pd.DataFrame, threshold: float, tr, lang: str) -> go.Scatter:
    """A dark square around each overloaded week (kept while a cell is selected)."""
    return go.Scatter(
        x=hot["week"],
        y=plain(hot["consultant"]),
        mode="markers",
        name=tr("chart.workload.overloaded_weeks", threshold=formatting.percent(threshold, lang)),
        marker={"symbol": "square-open", "size": 13, "color": OVERLOAD_MARK, "line": {"width": 2}},
        hoverinfo="skip",
        unselected={"marker": {"opacity": 1}},
    )


def _week_cells(frame: pd.DataFrame, tr, lang: str) -> go.Scatter:
    """The clickable points of the heat map, with utilisation, worked and capacity in the hover."""
    hover = (
        f"<b>%{{y}}</b><br>{tr('chart.week')} %{{x|{formatting.d3_day(lang)}}}"
        f"<br>{tr('chart.workload.utilisation')}: %{{customdata[0]:.0%}}"
        f"<br>{tr('chart.workload.worked')}: {formatting.d3_hours('customdata[1]', lang)}"
        f" / {tr('chart.workload.capacity')}: {formatting.d3_hours('customdata[2]', lang)}"
    )
    # numpy arrays, not lists: plotly checks and copies a list element by element (16,000 cells)
    custom = frame[["utilisation", "worked_hours", "capacity_hours"]].to_numpy(dtype=float)
    names = np.asarray(plain(frame["consultant"]), dtype=object)
    return click_layer(frame["week"].to_numpy(), names, custom, hover)


def consultant_weeks(weeks: pd.DataFrame, busy_threshold: float, lang: str = "en") -> go.Figure:
    """One consultant's weeks: absence, then worked hours (coloured by status), against the
    week's contract hours (capacity + absence): a bar above the line is a week over capacity."""
    tr = partial(translate, lang=lang)
    if weeks.empty:
        return empty_figure(tr("chart.no_data"), lang)
    weeks = weeks.sort_values("week_start")
    x = pd.to_datetime(weeks["week_start"])
    status = week_status(weeks, busy_threshold)
    fig = go.Figure()
    fig.add_bar(
        x=x,
        y=weeks["absence_hours"],
        name=tr("chart.workload.absence"),
        marker_color=status_colour("absent"),
        hovertemplate=f"{tr('chart.workload.absence')}: {formatting.d3_hours('y', lang)}"
        "<extra></extra>",
    )
    labels = [status_label(s, lang) for s in status]
    custom = list(zip(weeks["utilisation"].fillna(0), weeks["capacity_hours"], labels, strict=True))
    fig.add_bar(
        x=x,
        y=weeks["worked_hours"],
        name=tr("chart.workload.worked"),
        marker_color=[status_colour(s) for s in status],
        customdata=custom,
        hovertemplate=(
            f"{tr('chart.workload.worked')}: {formatting.d3_hours('y', lang)} / "
            f"{tr('chart.workload.capacity')}: {formatting.d3_hours('customdata[1]', lang)}<br>"
            f"{tr('chart.workload.utilisation')}: "
            "%{customdata[0]:.0%} (%{customdata[2]})<extra></extra>"
        ),
    )
    fig.add_scatter(
        x=x,
        y=weeks["capacity_hours"] + weeks["absence_hours"],
        name=tr("chart.workload.contract"),
        mode="lines",
        line={"color": "#212121", "width": 2, "shape": "hvh"},
        hovertemplate=f"{tr('chart.workload.contract')}: {formatting.d3_hours('y', lang)}"
        "<extra></extra>",
    )
    fig.update_layout(barmode="stack", hovermode="x unified", bargap=0.15)
    fig.update_xaxes(hoverformat=formatting.d3_day(lang), tickformat=formatting.d3_day(lang))
    return apply_layout(
        fig, x_title=tr("chart.week"), y_title=tr("chart.hours"), height=380, lang=lang
    )


def daily_call_chart(
    call: pd.DataFrame, busy_threshold: float, overload_threshold: float, lang: str = "en"
) -> go.Figure:
    """Utilisation of the week to date per consultant, one colour per daily-call status."""
    tr = partial(translate, lang=lang)
    if call.empty:
        return empty_figure(tr("chart.no_data"), lang)
    rank = {status: i for i, status in enumerate(CALL_STATUSES)}
    call = call.assign(rank=call["status"].map(rank)).sort_values(
        ["rank", "utilisation_to_date", "consultant"], ascending=[False, True, False]
    )
    fig = go.Figure()
    for status in CALL_STATUSES:
        rows = call[call["status"] == status]
        if rows.empty:
            continue
        fig.add_bar(
            x=rows["utilisation_to_date"].fillna(0),
            y=plain(rows["consultant"]),
            orientation="h",
            name=status_label(status, lang),
            marker_color=status_colour(status),
            customdata=rows[["worked_hours_to_date", "capacity_to_date", "current_streak"]]
            .to_numpy(dtype=float)
            .tolist(),
            hovertemplate=(
                f"<b>%{{y}}</b><br>{tr('chart.workload.utilisation')}: %{{x:.0%}}<br>"
                f"{tr('chart.workload.worked')}: {formatting.d3_hours('customdata[0]', lang)} / "
                f"{tr('chart.workload.capacity')}: {formatting.d3_hours('customdata[1]', lang)}<br>"
                f"{tr('chart.workload.streak')}: %{{customdata[2]:.0f}}<extra></extra>"
            ),
        )
    for threshold in (busy_threshold, overload_threshold):
        fig.add_vline(x=threshold, line_dash="dot", line_color="#424242")
    fig.update_xaxes(tickformat=".0%")
    fig.update_yaxes(categoryorder="array", categoryarray=plain(call["consultant"]))
    return apply_layout(
        fig,
        x_title=tr("chart.workload.utilisation_to_date"),
        height=rows_height(len(call), per_row=22),
        lang=lang,
    )
