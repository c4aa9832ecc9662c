"""Escalation figures: compliance by month, time distributions by priority, open escalations by
age, states by client, escalations against the assignee's utilisation that week."""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from okam_analytics import formatting
from okam_analytics.charts import (
    SLA_STATES,
    apply_layout,
    empty_figure,
    plain,
    rows_height,
    status_colour,
    status_label,
)
from okam_analytics.i18n import translate

PRIORITY_COLOURS = {"P1": "#b2182b", "P2": "#ef8a62", "P3": "#67a9cf", "P4": "#2166ac"}
MEASURES = ("response", "resolution")
AGE_BUCKETS = {  # open_escalations.sql buckets -> text key, youngest first
    "< 1 day": "chart.escalations.age_under_1d",
    "1-3 days": "chart.escalations.age_1_3d",
    "3-7 days": "chart.escalations.age_3_7d",
    "7-30 days": "chart.escalations.age_7_30d",
    ">= 30 days": "chart.escalations.age_over_30d",
}
LOAD_STATUSES = ("overloaded", "busy", "available", "no_timesheet")
TARGET_MARK = "#111111"


def priority_colour(priority: str) -> str:
    """The colour of a priority (grey for one outside P1..P4)."""
    return PRIORITY_COLOURS.get(priority, "#757575")


def compliance_by_month(frame: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Response and resolution compliance per month, one line per priority (escalation_compliance
    by month); each point carries [month, priority] for a drill-down."""
    tr = partial(translate, lang=lang)
    if frame.empty:
        return empty_figure(tr("chart.no_data"), lang)
    titles = [tr(f"chart.escalations.{m}_compliance") for m in MEASURES]
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, subplot_titles=titles)
    months = pd.to_datetime(frame["month"])
    # months as categories named in the page's language (plotly has no French month names)
    labels = {m: formatting.month(m, lang) for m in sorted(months.unique())}
    for col, measure in enumerate(MEASURES, start=1):
        for priority, rows in frame.assign(month=months).groupby("priority", sort=True):
            custom = list(
                zip(
                    rows["month"].dt.strftime("%Y-%m"),
                    rows["priority"],
                    rows[f"{measure}_met"],
                    rows[f"{measure}_breached"],
                    rows["tickets"],
                    strict=True,
                )
            )
            fig.add_scatter(
                x=rows["month"].map(labels).tolist(),
                y=rows[f"{measure}_compliance"],
                customdata=custom,
                mode="lines+markers",
                name=priority,
                legendgroup=priority,
                showlegend=col == 1,
                line={"color": priority_colour(priority), "width": 2},
                marker={"size": 8},
                hovertemplate=_month_hover(tr),
                row=1,
                col=col,
            )
    fig = apply_layout(fig, legend_title=tr("chart.escalations.priority"), height=400, lang=lang)
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
    fig.update_yaxes(title_text=tr("chart.escalations.compliance"), row=1, col=1)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(labels.values()))
    return _legend_above_titles(fig)


def count_step(tallest: int, ticks: int = 6) -> int:
    """A whole tick step for an axis of counts up to `tallest` (about `ticks` ticks)."""
    return max(1, -(-tallest // ticks))


def _legend_above_titles(fig: go.Figure) -> go.Figure:
    # subplot titles sit just above the plots: lift the legend clear of them
    fig.update_layout(legend={"y": 1.14}, margin={"t": 80})
    return fig


def _month_hover(tr) -> str:
    return (
        "<b>%{customdata[1]}</b> %{x}<br>"
        f"{tr('chart.escalations.compliance')}: %{{y:.1%}}<br>"
        f"{tr('chart.escalations.met')}: %{{customdata[2]}} · "
        f"{tr('chart.escalations.breached')}: %{{customdata[3]}}<br>"
        f"{tr('chart.escalations.tickets')}: %{{customdata[4]}}<extra></extra>"
    )


def time_distributions(stats: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Response and resolution hours per priority as boxes (quartiles, whiskers at p10 and p90)
    in each priority's clock, with the SLA target marked (escalation_scope.distribution_stats)."""
    tr = partial(translate, lang=lang)
    if stats.empty:
        return empty_figure(tr("chart.no_data"), lang)
    titles = [tr(f"chart.escalations.{m}_time") for m in MEASURES]
    fig = make_subplots(rows=1, cols=2, subplot_titles=titles, horizontal_spacing=0.08)
    for col, measure in enumerate(MEASURES, start=1):
        rows = stats[stats["measure"] == measure].sort_values("priority")
        for row in rows.itertuples():  # one box per priority: a handful of traces
            fig.add_trace(_box(row, tr, lang), row=1, col=col)
        fig.add_scatter(
            x=rows["priority"],
            y=rows["target_hours"],
            mode="markers",
            name=tr("chart.escalations.target"),
            legendgroup="target",
            showlegend=col == 1,
            marker={
                "symbol": "line-ew-open",
                "size": 36,
                "color": TARGET_MARK,
                "line": {"width": 3},
            },
            hovertemplate=f"{tr('chart.escalations.target')}: {formatting.d3_hours('y', lang)}"
            "<extra></extra>",
            row=1,
            col=col,
        )
    fig = apply_layout(fig, x_title=tr("chart.escalations.priority"), height=420, lang=lang)
    fig.update_yaxes(rangemode="tozero")
    fig.update_yaxes(title_text=tr("chart.escalations.hours"), row=1, col=1)
    return _legend_above_titles(fig)


def _box(row, tr, lang: str) -> go.Box:
    clock = tr(f"chart.escalations.clock_{row.clock.replace('24x7', 'always')}")
    return go.Box(
        x=[row.priority],
        q1=[row.q1],
        median=[row.median],
        q3=[row.q3],
        lowerfence=[row.p10],
        upperfence=[row.p90],
        name=row.priority,
        legendgroup=row.priority,
        showlegend=False,
        marker_color=priority_colour(row.priority),
        hovertext=[
            f"{row.priority} · {clock} · {formatting.count(row.tickets, lang)} "
            f"{tr('chart.escalations.tickets')}"
            f"<br>{tr('chart.escalations.max')}: {formatting.hours(row.max, lang)}"
        ],
        hoverinfo="y+text",
    )


def open_by_age(open_frame: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Open escalations per age bucket, stacked by state (within or beyond target); each bar
    carries its bucket (the SQL text) for a drill-down."""
    tr = partial(translate, lang=lang)
    if open_frame.empty:
        return empty_figure(tr("chart.escalations.no_open"), lang)
    counts = open_frame.groupby(["age_bucket", "state"], as_index=False).size()
    fig = go.Figure()
    for state in [s for s in SLA_STATES if s in set(counts["state"])]:
        rows = counts[counts["state"] == state].set_index("age_bucket").reindex(list(AGE_BUCKETS))
        fig.add_bar(
            x=[tr(key) for key in AGE_BUCKETS.values()],
            y=rows["size"].fillna(0),
            customdata=list(AGE_BUCKETS),
            name=status_label(state, lang),
            marker_color=status_colour(state),
            hovertemplate=f"%{{x}}<br>{status_label(state, lang)}: %{{y}}<extra></extra>",
        )
    fig.update_layout(barmode="stack")
    fig = apply_layout(
        fig,
        x_title=tr("chart.escalations.age"),
        y_title=tr("chart.escalations.open_tickets"),
        height=340,
        lang=lang,
    )
    tallest = int(counts.groupby("age_bucket")["size"].sum().max())
    fig.update_yaxes(rangemode="tozero", tickformat="d", dtick=count_step(tallest))
    return fig


def states_by_client(counts: pd.DataFrame, lang: str = "en", limit: int = 20) -> go.Figure:
    """Escalated tickets per client stacked by state (escalation_scope.state_counts by client),
    the clients with the most breaches first, at most `limit` of them."""
    tr = partial(translate, lang=lang)
    if counts.empty:
        return empty_figure(tr("chart.no_data"), lang)
    wide = counts.pivot_table(index="client", columns="state", values="tickets", fill_value=0)
    bad = wide.reindex(columns=["breached", "open_breached"], fill_value=0).sum(axis=1)
    order = (
        pd.DataFrame({"bad": bad, "all": wide.sum(axis=1)})
        .sort_values(["bad", "all"], ascending=False)
        .index[:limit]
    )
    wide = wide.loc[order]
    fig = go.Figure()
    for state in [s for s in SLA_STATES if s in wide.columns]:
        fig.add_bar(
            y=plain(wide.index),
            x=wide[state],
            orientation="h",
            name=status_label(state, lang),
            marker_color=status_colour(state),
            customdata=list(wide.index),
            hovertemplate=f"<b>%{{y}}</b><br>{status_label(state, lang)}: %{{x}}<extra></extra>",
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed")
    return apply_layout(
        fig, x_title=tr("chart.escalations.tickets_axis"), height=rows_height(len(wide)), lang=lang
    )


def pressure_scatter(
    weeks: pd.DataFrame, busy_threshold: float, overload_threshold: float, lang: str = "en"
) -> go.Figure:
    """Each consultant-week with escalations: the assignee's utilisation that week (x) against
    the escalations received (y), coloured by load status, thresholds drawn."""
    tr = partial(translate, lang=lang)
    shown = weeks[(weeks["escalations"] > 0) & weeks["utilisation"].notna()]
    if shown.empty:
        return empty_figure(tr("chart.no_data"), lang)
    fig = go.Figure()
    # one label per week; numbers in a float customdata, names in text, weeks in hovertext, all
    # numpy arrays of one kind: plotly deep-copies an object array (or a list) element by element
    day_of = {week: formatting.day(week, lang) for week in shown["week_start"].drop_duplicates()}
    numbers = ["breached_escalations", "worked_hours", "capacity_hours"]
    people = shown["consultant"].drop_duplicates()
    name_of = dict(zip(people, plain(people), strict=True))  # escaped once per consultant
    present = set(shown["load_status"])
    for status in [s for s in LOAD_STATUSES if s in present]:
        rows = shown[shown["load_status"] == status]
        fig.add_scatter(
            x=rows["utilisation"].to_numpy(dtype=float),
            y=rows["escalations"].to_numpy(),
            customdata=rows[numbers].to_numpy(dtype=float),
            text=rows["consultant"].map(name_of).to_numpy(dtype=str),
            hovertext=rows["week_start"].map(day_of).to_numpy(dtype=str),
            mode="markers",
            name=tr(f"chart.escalations.load_{status}"),
            marker={"color": status_colour(status), "size": 10, "opacity": 0.75},
            hovertemplate=_pressure_hover(tr, lang),
        )
    for threshold, key in ((busy_threshold, "busy"), (overload_threshold, "overloaded")):
        fig.add_vline(
            x=threshold, line_dash="dot", line_color=status_colour(key), opacity=0.8,
            annotation_text=formatting.percent(threshold, lang), annotation_position="top",
        )  # fmt: skip
    fig.update_xaxes(tickformat=".0%")
    fig.update_yaxes(rangemode="tozero", dtick=count_step(int(shown["escalations"].max())))
    fig = apply_layout(
        fig,
        x_title=tr("chart.escalations.utilisation_week"),
        y_title=tr("chart.escalations.escalations_week"),
        height=380,
        lang=lang,
    )
    return fig


def _pressure_hover(tr, lang: str) -> str:
    return (
        f"<b>%{{text}}</b><br>{tr('chart.week')} %{{hovertext}}<br>"
        f"{tr('chart.escalations.utilisation')}: %{{x:.0%}} "
        f"({formatting.d3_hours('customdata[1]', lang)} / "
        f"{formatting.d3_hours('customdata[2]', lang)})<br>"
        f"{tr('chart.escalations.escalations')}: %{{y}} · "
        f"{tr('chart.escalations.breached')}: %{{customdata[0]}}<extra></extra>"
    )
