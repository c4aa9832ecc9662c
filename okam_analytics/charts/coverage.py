"""Coverage figures and tables: clients by runway (days left), the plan, its progress."""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.graph_objects as go
from pandas.io.formats.style import Styler

from okam_analytics import formatting
from okam_analytics.charts import (
    BAD,
    FAIR,
    GOOD,
    WARN,
    apply_layout,
    empty_figure,
    plain,
    rows_height,
)
from okam_analytics.charts.tables import DECIMAL, HOURS, styled, text_table
from okam_analytics.i18n import translate

SOON_DAYS = 30  # "coverage ends within 30 days"
WATCH_DAYS = 90
# runway bands, worst first: (key, colour)
BANDS = [("below", BAD), ("soon", WARN), ("watch", FAIR), ("long", GOOD)]


def runway_band(days_left: object) -> str:
    """below (under target today), soon (<= 30 days), watch (<= 90 days) or long."""
    if formatting.is_missing(days_left):
        return "below"
    return "soon" if days_left <= SOON_DAYS else "watch" if days_left <= WATCH_DAYS else "long"


def runway_rows(runway: pd.DataFrame) -> pd.DataFrame:
    """Clients shortest runway first: below target today (fewest knowers first), then days left."""
    rows = runway.assign(band=runway["days_left"].map(runway_band))
    rows = rows.assign(order_days=rows["days_left"].astype("Float64").fillna(-1.0))
    rows = rows.sort_values(["order_days", "knowers", "client"])
    return rows.drop(columns="order_days").reset_index(drop=True)


def runway_chart(runway: pd.DataFrame, window_days: float, lang: str = "en") -> go.Figure:
    """Horizontal bars: days each client stays covered without new work, shortest at the top;
    a client below target today gets a short red bar at 0."""
    tr = partial(translate, lang=lang)
    if runway.empty:
        return empty_figure(tr("chart.no_data"), lang)
    rows = runway_rows(runway)
    fig = go.Figure()
    for band, colour in BANDS:
        part = rows[rows["band"] == band]
        if part.empty:
            continue
        days = part["days_left"].astype("Float64").fillna(0).astype(float)
        until = [formatting.day(d, lang) for d in part["covered_until"]]
        hover = [
            tr("coverage.chart.hover", client=name, days=formatting.count(n, lang), until=u,
               knowers=formatting.count(k, lang))
            if band != "below" else tr("coverage.chart.hover_below", client=name,
                                       knowers=formatting.count(k, lang))
            for name, n, u, k in zip(plain(part["client"]), days, until, part["knowers"],
                                     strict=True)
        ]  # fmt: skip
        fig.add_trace(
            go.Bar(
                # a client below target gets a sliver of a bar, so that it still shows
                x=(days + window_days * 0.01 if band == "below" else days).tolist(),
                y=plain(part["client"]),
                orientation="h",
                marker_color=colour,
                name=tr(f"coverage.band.{band}"),
                hovertext=hover,
                hoverinfo="text",
            )
        )
    fig.add_vline(x=SOON_DAYS, line_dash="dot", line_color=WARN)
    fig.update_yaxes(autorange="reversed", categoryorder="array",
                     categoryarray=plain(rows["client"]))  # fmt: skip
    fig.update_xaxes(range=[0, max(float(window_days), 1.0)])
    apply_layout(fig, x_title=tr("coverage.chart.days_left"), y_title=tr("chart.client"),
                 height=rows_height(len(rows), per_row=22) + 90, lang=lang)  # fmt: skip
    return fig


def runway_table(runway: pd.DataFrame, lang: str = "en") -> Styler:
    """The runway as a table: client, status, knowers, covered until, days left."""
    rows = runway_rows(runway)
    # the grid shows a missing number or date as "None" whatever the Styler says: text here
    rows["covered_until"] = rows["covered_until"].map(partial(formatting.day, lang=lang))
    rows["days_left"] = rows["days_left"].map(partial(formatting.count, lang=lang))
    columns = ["client", "status", "knowers", "covered_until", "days_left"]
    return styled(rows[columns], lang, status_columns=["status"])


def reason_label(reason: object, lang: str = "en") -> object:
    """An empty slot's reason in the page's language."""
    return reason if formatting.is_missing(reason) else translate(f"coverage.reason.{reason}", lang)


def plan_table(plan: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The plan as text: client, learner, trainer, hours, hours per week, why a slot stays
    empty (a dash where a value is missing)."""
    shown = plan.assign(reason=plan["reason"].map(partial(reason_label, lang=lang)))
    return text_table(shown, lang, formats={"hours": HOURS, "hours_per_week": HOURS})


def progress_table(progress: pd.DataFrame, lang: str = "en") -> Styler:
    """Saved assignments: planned and logged hours, the learner's K against the floor."""
    tr = partial(translate, lang=lang)
    shown = progress.assign(
        plan_end_on=pd.to_datetime(progress["plan_end_on"]),
        is_knower=progress["is_knower"].map(
            {True: tr("coverage.progress.knower"), False: tr("coverage.progress.not_yet")}
        ),
    )
    formats = {"planned_hours": HOURS, "logged_hours": HOURS, "knowledge": DECIMAL,
               "knower_floor": DECIMAL, "plan_end_on": "day"}  # fmt: skip
    return styled(shown, lang, formats=formats)
