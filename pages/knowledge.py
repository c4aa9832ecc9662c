"""Knowledge: who knows each client, the clients at risk, what-if absence, the trend."""

import streamlit as st

from okam_analytics import formatting, settings, views
from okam_analytics.charts import CONFIG, tables
from okam_analytics.charts import knowledge as charts
from okam_analytics.metrics import knowledge, workload
from okam_analytics.ui import data, render, state
from okam_analytics.ui.text import t

CLIENT, ROWS, TABLE, HEATMAP = (
    "knowledge_client",
    "knowledge__rows",
    "knowledge_table",
    "knowledge_heatmap",
)
filters = state.current_filters()
lang, as_of = filters.lang, filters.as_of
scope = (tuple(filters.clients), tuple(filters.teams))


table = render.show_styled
pick_row = render.pick_from_table(TABLE, ROWS, CLIENT)
pick_cell = render.pick_from_chart(HEATMAP, ROWS, CLIENT)


st.title(t("nav.knowledge"))
st.caption(t("knowledge.caption", as_of=formatting.day(as_of, lang)))
with st.spinner(t("page.computing")):
    cfg = data.cached_call(settings.load)
    redundancy = data.cached_call(views.clients_in_scope, cfg, as_of, *scope)
    scores = data.cached_call(views.scores_in_scope, cfg, as_of, *scope)
    truck, removed = data.cached_call(views.truck_factor_in_scope, cfg, as_of, *scope)

counts = views.status_counts(redundancy)
tiles = st.columns(4)
for column, status in zip(tiles, ["covered", "single", "uncovered"], strict=False):
    column.metric(
        t(f"status.{status}"),
        formatting.count(counts[status], lang),
        border=True,
        help=t(f"overview.help.{status}", active=formatting.count(counts["active"], lang)),
    )
tiles[3].metric(
    t("knowledge.truck_factor"),
    formatting.count(truck, lang),
    border=True,
    help=t(
        "knowledge.truck_factor_help", names=", ".join(map(render.escape_markdown, removed)) or "–"
    ),
)

st.subheader(t("knowledge.at_risk"))
absent = st.multiselect(
    t("knowledge.absent"),
    sorted(scores["consultant"].unique()),
    key="knowledge_absent",
    bind="query-params",
    placeholder=t("knowledge.absent_placeholder"),
    help=t("knowledge.absent_help"),
)
at_risk = data.cached_call(views.at_risk_clients, cfg, as_of, tuple(absent), *scope)
if absent:
    fallen = int((at_risk["status_if_absent"] != at_risk["status"]).sum())
    st.caption(t("knowledge.what_if_caption", count=formatting.count(fallen, lang)))
table(tables.at_risk_table(at_risk, lang, with_absence=bool(absent)), key="knowledge_at_risk")

st.subheader(t("knowledge.redundancy"))
rows = tables.redundancy_rows(redundancy)
st.session_state[ROWS] = rows["client"].tolist()
st.caption(t("knowledge.redundancy_caption"))
table(
    tables.redundancy_table(rows, lang), key=TABLE, on_select=pick_row, selection_mode="single-row"
)

if st.session_state[ROWS]:
    if st.session_state.get(CLIENT) not in st.session_state[ROWS]:
        st.session_state.pop(CLIENT, None)  # gone from the filtered list: start over
    client = st.selectbox(
        t("knowledge.client"), st.session_state[ROWS], key=CLIENT, bind="query-params"
    )
    left, right = st.columns(2)
    floor = float(cfg["knowledge"]["knower_floor"])
    with left:
        st.markdown(f"**{t('knowledge.client_k')}**")
        fig = charts.client_knowledge_bars(scores, client, floor, lang)
        st.plotly_chart(fig, key="knowledge_client_chart", config=CONFIG)
    with right:
        st.markdown(f"**{t('knowledge.who_can_help')}**")
        helpers = data.cached_call(workload.who_can_help, cfg, as_of, client)
        table(tables.helpers_table(helpers, lang))

st.subheader(t("knowledge.heatmap"))
top = st.slider(t("knowledge.top_clients"), 5, 60, 25, step=5, key="knowledge_top")
fig = charts.knowledge_heatmap(scores, charts.top_clients(redundancy, top), lang)
st.plotly_chart(fig, key=HEATMAP, on_select=pick_cell, selection_mode="points", config=CONFIG)
st.caption(t("knowledge.heatmap_caption"))

st.subheader(t("knowledge.trend"))
trend = data.cached_call(knowledge.redundancy_trend, cfg, filters.date_from, filters.date_to)
st.plotly_chart(charts.redundancy_trend_chart(trend, lang), key="knowledge_trend", config=CONFIG)
st.caption(t("knowledge.trend_caption"))
