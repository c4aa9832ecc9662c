"""Coverage: how long each client stays covered without new work, and who should learn whom."""

import streamlit as st

from okam_analytics import formatting, settings, views
from okam_analytics.charts import CONFIG
from okam_analytics.charts import coverage as charts
from okam_analytics.metrics import coverage_progress, coverage_views
from okam_analytics.ui import data, render, state
from okam_analytics.ui.text import t

filters = state.current_filters()
lang, as_of = filters.lang, filters.as_of
scope = (tuple(filters.clients), tuple(filters.teams))

st.title(t("nav.coverage"))
st.caption(t("coverage.caption", as_of=formatting.day(as_of, lang)))
cfg = data.cached_call(settings.load)
scores = data.cached_call(views.scores_in_scope, cfg, as_of)
absent = st.multiselect(
    t("knowledge.absent"),
    sorted(scores["consultant"].unique()),
    key="knowledge_absent",  # the Knowledge page's what-if, under the same URL parameter
    bind="query-params",
    placeholder=t("knowledge.absent_placeholder"),
    help=t("coverage.absent_help"),
)
gone = tuple(sorted(absent))

st.subheader(t("coverage.runway"))
with st.spinner(t("page.computing")):
    runway = data.cached_call(coverage_views.runway_in_scope, cfg, as_of, gone, *scope)
soon = runway[runway["days_left"].notna() & (runway["days_left"] <= charts.SOON_DAYS)]
tiles = st.columns(3)
tiles[0].metric(t("coverage.tile.below"), formatting.count(runway["days_left"].isna().sum(), lang),
                border=True, help=t("coverage.tile.below_help"))  # fmt: skip
tiles[1].metric(t("coverage.tile.soon"), formatting.count(len(soon), lang), border=True,
                help=t("coverage.tile.soon_help", days=charts.SOON_DAYS))  # fmt: skip
tiles[2].metric(t("coverage.tile.active"), formatting.count(len(runway), lang), border=True)
window = float(cfg["knowledge"]["window_days"])
st.plotly_chart(charts.runway_chart(runway, window, lang), key="coverage_runway_chart",
                config=CONFIG)  # fmt: skip
st.caption(t("coverage.runway_caption"))
with st.expander(t("coverage.runway_table")):
    render.show_styled(charts.runway_table(runway, lang), key="coverage_runway_table")
    render.download_buttons(runway, f"coverage-runway-{as_of}", key="coverage_runway_download")

st.subheader(t("coverage.plan"))
c = cfg["coverage"]
left, right = st.columns(2)
weeks = left.number_input(t("coverage.weeks"), min_value=1, max_value=52,
                          value=int(c["plan_weeks"]), step=1, key="coverage_weeks",
                          bind="query-params", help=t("coverage.weeks_help"))  # fmt: skip
budget = right.number_input(t("coverage.budget"), min_value=0, max_value=100,
                            value=round(float(c["budget_share"]) * 100), step=5,
                            key="coverage_budget", bind="query-params",
                            help=t("coverage.budget_help"))  # fmt: skip
with st.spinner(t("page.computing")):
    plan = data.cached_call(coverage_views.plan_in_scope, cfg, as_of, int(weeks),
                            budget / 100, gone, *scope)  # fmt: skip
assigned = plan[plan["learner"].notna()]
st.caption(t("coverage.plan_caption", filled=formatting.count(len(assigned), lang),
             slots=formatting.count(len(plan), lang),
             hours=formatting.hours(assigned["hours"].sum(), lang)))  # fmt: skip
render.show_table(charts.plan_table(plan, lang), key="coverage_plan_table")
render.download_buttons(plan, f"coverage-plan-{as_of}", key="coverage_plan_download")
if st.button(t("coverage.save"), key="coverage_save", disabled=assigned.empty,
             help=t("coverage.save_help")):  # fmt: skip
    with data.writing() as writer:
        saved = coverage_progress.save_plan(writer, plan, as_of, int(weeks))
    data.invalidate()
    st.success(
        t("coverage.saved", count=formatting.count(saved, lang), day=formatting.day(as_of, lang))
    )

st.subheader(t("coverage.progress"))
days = data.cached_call(coverage_progress.saved_plan_days)
if not days:
    st.caption(t("coverage.no_saved_plan"))
else:
    plan_on = st.selectbox(t("coverage.saved_plan"), days, key="coverage_saved",
                           format_func=lambda d: formatting.day(d, lang))  # fmt: skip
    progress = data.cached_call(coverage_progress.plan_progress, cfg, plan_on, as_of)
    render.show_styled(charts.progress_table(progress, lang), key="coverage_progress_table")
    st.caption(t("coverage.progress_caption"))
