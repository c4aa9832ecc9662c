"""The Escalations page's sections: tiles, charts with drill-down, tables, the ticket detail."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from okam_analytics import formatting
from okam_analytics.charts import CONFIG
from okam_analytics.charts import escalation_tables as tables
from okam_analytics.charts import escalations as charts
from okam_analytics.metrics import escalation_scope as scope
from okam_analytics.ui import data, render
from okam_analytics.ui.text import current_language, t

MONTH_CHART, CLIENT_CHART = "escalations_month_chart", "escalations_client_chart"
AGE_CHART, BREACH_TABLE = "escalations_age_chart", "escalations_breach_table"
ROW_PIXELS = 35  # st.dataframe's row height
MAX_ROWS = 500  # a grid of tinted cells is sent cell by cell: keep it readable and light


def percent(value: float | None, lang: str) -> str:
    """A share as '93.4%' ('93,4 %' in French); a dash when there is nothing to judge."""
    return formatting.percent(value, lang, 1)


def tiles(head: dict[str, Any], lang: str) -> None:
    """The five headline figures of the escalations in scope."""
    columns = st.columns(5)
    columns[0].metric(t("escalations.tile.tickets"), formatting.count(head["tickets"], lang),
                      border=True, help=t("escalations.tile.tickets_help"))  # fmt: skip
    for column, measure in zip(columns[1:3], ("response", "resolution"), strict=True):
        column.metric(
            t(f"escalations.tile.{measure}"),
            percent(head[f"{measure}_compliance"], lang),
            border=True,
            help=t("escalations.tile.compliance_help"),
        )
    columns[3].metric(t("escalations.tile.open_breached"),
                      formatting.count(head["open_breached"], lang), border=True,
                      help=t("escalations.tile.open_breached_help"))  # fmt: skip
    columns[4].metric(t("escalations.tile.no_response_data"),
                      formatting.count(head["no_response_data"], lang),
                      border=True, help=t("escalations.tile.no_response_data_help"))  # fmt: skip


def chosen_point(key: str, index: int = 0) -> Any:
    """customdata[index] of the first point selected in the chart `key`, else None."""
    event = st.session_state.get(key)
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    custom = points[0].get("customdata") if points else None
    if custom is None:
        return None
    return custom[index] if isinstance(custom, list | tuple) else custom


def chart(fig, key: str, clickable: bool = False) -> None:
    """A figure; a clickable one reruns the page with the clicked point selected."""
    if clickable:
        st.plotly_chart(fig, key=key, on_select="rerun", selection_mode="points", config=CONFIG)
    else:
        st.plotly_chart(fig, key=key, config=CONFIG)


def table(shown: Styler | pd.DataFrame, **options: Any) -> Any:
    """A Styler or a frame of text as a grid, or a note when it has no rows."""
    if (shown.data if isinstance(shown, Styler) else shown).empty:
        st.caption(t("ui.no_rows"))
        return None
    return st.dataframe(shown, hide_index=True, width="stretch", **options)


def first_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """At most MAX_ROWS rows (the worst or oldest first), saying so when some are left out."""
    if len(frame) > MAX_ROWS:
        lang = current_language()
        st.caption(t("escalations.first_rows", shown=formatting.count(MAX_ROWS, lang),
                     total=formatting.count(len(frame), lang)))  # fmt: skip
    return frame.head(MAX_ROWS)


def grid_height(rows: int, most: int = 9) -> int | str:
    """A grid's height: every row when few, else about `most` rows and a scroll bar."""
    return "auto" if rows <= most else ROW_PIXELS * (most + 1) + 3


def breach_section(breaches: pd.DataFrame, lang: str) -> None:
    """The breach list, narrowed by a month/priority or client clicked in a chart; a row
    picked in the list shows that ticket's detail."""
    month, priority = chosen_point(MONTH_CHART, 0), chosen_point(MONTH_CHART, 1)
    client = chosen_point(CLIENT_CHART)
    shown = scope.focus(breaches, created_month=month, priority=priority, client=client)
    if month or client:
        month_name = formatting.month(month, lang) if month else None
        where = " · ".join(str(v) for v in (month_name, priority, client) if v)
        st.caption(t("escalations.breaches_focus", where=render.escape_markdown(where)))
    st.caption(t("escalations.breaches_caption", count=formatting.count(len(shown), lang)))
    shown = first_rows(shown)
    event = table(tables.breach_table(shown, lang), key=BREACH_TABLE, on_select="rerun",
                  selection_mode="single-row", height=grid_height(len(shown)))  # fmt: skip
    rows = event.selection.rows if event is not None else []
    if rows and rows[0] < len(shown):
        picked = shown.iloc[rows[0]]
        ticket_detail(picked["source"], picked["ticket_id"], lang)
    elif not shown.empty:
        st.caption(t("escalations.pick_row"))


def ticket_detail(source: str, ticket_id: str, lang: str) -> None:
    """One ticket's exported fields, as text (titles come from uploaded files)."""
    detail = data.cached_call(scope.ticket_detail, source, ticket_id)
    if detail.empty:
        return
    with st.container(border=True):
        st.markdown(t("escalations.detail_title", ticket=render.escape_markdown(ticket_id)))
        fields = tables.ticket_fields(detail, lang)
        height = ROW_PIXELS * (len(fields) + 1) + 3
        st.dataframe(fields, hide_index=True, width="stretch", height=height)


def linked_ticket(lang: str) -> None:
    """The ticket named by the URL's `ticket=SOURCE:ID` (links of SLA alerts and digests)."""
    source, _, ticket_id = (st.query_params.get("ticket") or "").partition(":")
    if source and ticket_id:
        ticket_detail(source, ticket_id, lang)


def open_section(open_frame: pd.DataFrame, lang: str) -> None:
    """Open escalations by age bucket; clicking a bar keeps that bucket in the table."""
    left, right = st.columns([2, 3])
    with left:
        chart(charts.open_by_age(open_frame, lang), AGE_CHART, clickable=True)
    with right:
        bucket = chosen_point(AGE_CHART)
        if bucket:
            st.caption(t("escalations.open_focus", bucket=t(charts.AGE_BUCKETS.get(bucket, ""))))
        shown = first_rows(scope.focus(open_frame, age_bucket=bucket))
        table(tables.open_table(shown, lang), height=grid_height(len(shown)))


def pressure_section(weeks: pd.DataFrame, workload_cfg: dict[str, Any], lang: str) -> None:
    """Escalations against the assignee's utilisation the same week."""
    sums = scope.pressure_totals(weeks)
    if sums["with_timesheet"]:
        share = percent(sums["when_overloaded"] / sums["with_timesheet"], lang)
        counts = {name: formatting.count(value, lang) for name, value in sums.items()}
        st.markdown(t("escalations.pressure_summary", **(counts | {"share": share})))
    busy, overload = (float(workload_cfg[k]) for k in ("busy_threshold", "overload_threshold"))
    chart(charts.pressure_scatter(weeks, busy, overload, lang), "escalations_pressure_chart")
    pressure = scope.pressure_by_consultant(weeks)
    table(tables.pressure_table(pressure, lang), height=grid_height(len(pressure)))


def agreement_section(agreement: pd.DataFrame, lang: str) -> None:
    """Agreement with the source's own SLA flag, when the export carries one."""
    compared = agreement.loc[agreement["priority"] == "all", "compared"]
    if compared.empty or int(compared.iloc[0]) == 0:
        st.caption(t("escalations.no_source_flag"))
        return
    table(tables.agreement_table(agreement, lang))
