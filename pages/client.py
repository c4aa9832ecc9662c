"""Client: one client's steering view for one period. Opened by a share link, it shows only the
token's client and period, read-only (action items too); the manager picks the client, makes
links, PDFs and PowerPoint decks, and keeps the client's action items."""

import streamlit as st

from okam_analytics.charts.client import client_figures
from okam_analytics.steering import format as client_format
from okam_analytics.ui import action_items, data, render, state
from okam_analytics.ui import client_render as view
from okam_analytics.ui.text import current_language, t

shared = state.is_shared_view()
lang = current_language()

st.title(t("nav.client"))
if shared:
    scope = view.shared_scope()  # a bad link stops here with a plain refusal
    client, date_from, date_to = scope.client, scope.date_from, scope.date_to
else:
    filters = state.current_filters()
    client = view.pick_client(filters)
    date_from, date_to = filters.date_from, filters.date_to
    if client is None:
        st.info(t("client.none"))
        st.stop()

with st.spinner(t("page.computing")):
    summary = data.cached_call(view.summary_of, client, date_from, date_to)
    figures = client_figures(summary, lang)

st.header(render.escape_markdown(summary.client), anchor=False)
view.caption(summary, lang)
if shared:
    st.caption(t("client.shared.notice"))
view.tiles(summary, lang)

with st.container(horizontal=True):
    view.pdf_button(summary, lang)
    if not shared:  # the deck is the presenter's to edit: not offered on share links
        view.deck_button(summary, lang)
if not shared:
    view.share_box(summary, lang)

st.subheader(t("client.section.comparison"), anchor=False)
view.table(client_format.comparison_table(summary, lang))

st.subheader(t("client.section.tickets"), anchor=False)
left, right = st.columns(2)
with left:
    view.chart(figures, "tickets")
with right:
    view.chart(figures, "times")
    st.caption(t("client.times_caption"))

st.subheader(t("client.section.escalations"), anchor=False)
view.chart(figures, "compliance")
view.table(client_format.priority_table(summary, lang))

st.subheader(t("client.section.breaches"), anchor=False)
if summary.breaches.empty:
    st.caption(t("client.breaches_none"))
else:
    view.table(client_format.breach_table(summary, lang))
    view.downloads(summary.breaches, summary, "breaches")

st.subheader(t("client.section.hours"), anchor=False)
view.chart(figures, "hours")

st.subheader(t("client.section.knowledge"), anchor=False)
st.caption(client_format.knowledge_sentence(summary, lang))
left, right = st.columns(2)
with left:
    view.table(client_format.knowledge_table(summary, lang))
with right:
    view.chart(figures, "knowledge")
view.downloads(summary.knowledge, summary, "knowledge")

st.subheader(t("client.section.monthly"), anchor=False)
view.table(client_format.monthly_table(summary, lang))
view.downloads(summary.monthly, summary, "monthly")

st.subheader(t("actions.title"), anchor=False)
if shared:
    action_items.shared(summary, lang)
else:
    action_items.manage(summary, lang)
