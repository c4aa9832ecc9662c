"""Today: the daily 15-minute call on one screen (SPEC 11). Who not to solicit and who has
room, open escalations against their SLA, coverage ending within 30 days, who can help."""

import streamlit as st

from okam_analytics import formatting, settings, views
from okam_analytics.delivery import today
from okam_analytics.ui import data, state
from okam_analytics.ui import today_view as view
from okam_analytics.ui.text import t

filters = state.current_filters()
lang = filters.lang

with st.spinner(t("page.computing")):
    cfg = data.cached_call(settings.load)
    moment = today.evaluation_moment(filters.as_of, today.local_now(cfg))
    blocks = data.cached_call(today.today, cfg, filters.as_of, moment)
    members = data.cached_call(views.team_members, tuple(filters.teams)) if filters.teams else None
    blocks = today.in_scope(blocks, filters.clients, members)

live = moment.date() == filters.as_of
view.watch_for_new_data(data.run_version(), moment, live)

st.title(t("nav.today"))
when = (
    t("today.caption", moment=formatting.moment(moment, lang))
    if live
    else t("today.caption_day", day=formatting.day(filters.as_of, lang))
)
st.caption(when)
st.caption(t("today.refreshes"))
view.tiles(blocks, lang)

left, right = st.columns(2)
with left:
    st.subheader(t("today.not_to_solicit"))
    view.people(blocks.overloaded, lang, "today.none_overloaded", "today_overloaded")
with right:
    st.subheader(t("today.with_room"))
    view.people(blocks.with_room, lang, "today.none_with_room", "today_with_room")

st.subheader(t("today.escalations"))
view.escalations(blocks, lang)

st.subheader(t("today.helpers"))
view.helpers(blocks, lang)

st.subheader(t("today.coverage"))
view.coverage(blocks, lang)
