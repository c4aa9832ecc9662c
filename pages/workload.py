"""Workload: the daily call, utilisation by consultant and week, one consultant against capacity."""

import streamlit as st

from okam_analytics import formatting, settings, views
from okam_analytics.charts import CALL_STATUSES, CONFIG, tables
from okam_analytics.charts import workload as charts
from okam_analytics.metrics import workload
from okam_analytics.ui import data, render, state
from okam_analytics.ui.text import t

CONSULTANT, ROWS = "workload_consultant", "workload__rows"
TABLE, HEATMAP = "workload_table", "workload_heatmap"
filters = state.current_filters()
lang, as_of = filters.lang, filters.as_of
scope = (tuple(filters.clients), tuple(filters.teams))


table = render.show_styled
pick_row = render.pick_from_table(TABLE, ROWS, CONSULTANT)
pick_cell = render.pick_from_chart(HEATMAP, ROWS, CONSULTANT)


st.title(t("nav.workload"))
st.caption(
    t(
        "workload.caption",
        start=formatting.day(filters.date_from, lang),
        end=formatting.day(filters.date_to, lang),
        as_of=formatting.day(as_of, lang),
    )
)
with st.spinner(t("page.computing")):
    cfg = data.cached_call(settings.load)
    people = data.cached_call(
        views.consultants_in_scope, filters.date_from, filters.date_to, *scope
    )
    weeks = data.cached_call(workload.weekly_utilisation, cfg, filters.date_from, filters.date_to)
    summary = data.cached_call(workload.workload_summary, cfg, filters.period)
    call = data.cached_call(workload.daily_call, cfg, as_of)

kept = people["consultant"]
weeks = weeks[weeks["consultant"].isin(kept)]
summary = summary[summary["consultant"].isin(kept)].reset_index(drop=True)
call = call[call["consultant"].isin(kept)]
busy, overload = (float(cfg["workload"][k]) for k in ("busy_threshold", "overload_threshold"))
thresholds = {
    "busy": formatting.percent(busy, lang),
    "overload": formatting.percent(overload, lang),
}

tiles = st.columns(4)
for column, status in zip(tiles, ["overloaded", "busy", "available"], strict=False):
    column.metric(
        t(f"workload.now.{status}"),
        formatting.count((call["status"] == status).sum(), lang),
        border=True,
        help=t(f"workload.help.{status}", **thresholds),
    )
tiles[3].metric(
    t("workload.overloaded_weeks"),
    formatting.count(summary["overloaded_weeks"].sum(), lang),
    border=True,
    help=t("workload.help.overloaded_weeks", **thresholds),
)

st.subheader(t("workload.daily_call"))
st.caption(t("workload.daily_call_caption", as_of=formatting.day(as_of, lang)))
chart = charts.daily_call_chart(call, busy, overload, lang)
st.plotly_chart(chart, key="workload_call_chart", config=CONFIG)
groups = [s for s in CALL_STATUSES if s != "absent" or (call["status"] == s).any()]
for column, status in zip(st.columns(len(groups)), groups, strict=True):
    members = call[call["status"] == status].sort_values("utilisation_to_date", ascending=False)
    size = formatting.count(len(members), lang)
    column.markdown(t("workload.group_title", status=t(f"status.{status}"), count=size))
    with column:
        table(tables.call_table(members, lang))

st.subheader(t("workload.heatmap"))
st.session_state[ROWS] = summary["consultant"].tolist()
shown = weeks
if len(summary) > charts.HEATMAP_ROWS:  # a bounded figure by default, every row on demand
    count = formatting.count(len(summary), lang)
    if not st.toggle(t("workload.heatmap_all", count=count), key="workload_heatmap_all"):
        st.caption(t("workload.heatmap_shown", shown=charts.HEATMAP_ROWS, count=count))
        busiest = charts.busiest_consultants(summary, charts.HEATMAP_ROWS)
        shown = weeks[weeks["consultant"].isin(busiest)]
fig = charts.utilisation_heatmap(shown, overload, lang)
st.plotly_chart(fig, key=HEATMAP, on_select=pick_cell, selection_mode="points", config=CONFIG)
st.caption(t("workload.heatmap_caption"))

st.subheader(t("workload.summary"))
st.caption(t("workload.summary_caption"))
table(
    tables.workload_table(summary, lang), key=TABLE, on_select=pick_row, selection_mode="single-row"
)

st.subheader(t("workload.one_consultant"))
if st.session_state[ROWS]:
    if st.session_state.get(CONSULTANT) not in st.session_state[ROWS]:
        st.session_state.pop(CONSULTANT, None)  # gone from the filtered list: start over
    person = st.selectbox(
        t("workload.consultant"), st.session_state[ROWS], key=CONSULTANT, bind="query-params"
    )
    mine = weeks[weeks["consultant"] == person]
    st.plotly_chart(charts.consultant_weeks(mine, busy, lang), key="workload_weeks", config=CONFIG)
else:
    st.caption(t("ui.no_rows"))
