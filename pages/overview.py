"""Overview: headline figures of knowledge, workload and escalations; data freshness."""

from datetime import date

import streamlit as st

from okam_analytics import formatting, freshness, settings, views
from okam_analytics.charts import tables
from okam_analytics.metrics import workload
from okam_analytics.ui import data, state
from okam_analytics.ui.text import t

filters = state.current_filters()
lang, as_of = filters.lang, filters.as_of
scope = (tuple(filters.clients), tuple(filters.teams))
links = state.to_query(filters)


def table(styler) -> None:
    if styler.data.empty:
        st.caption(t("ui.no_rows"))
    else:
        st.dataframe(styler, hide_index=True, width="stretch")


st.title(t("nav.overview"))
st.caption(t("overview.caption", as_of=formatting.day(as_of, lang)))

with st.spinner(t("page.computing")):
    cfg = data.cached_call(settings.load)
    redundancy = data.cached_call(views.clients_in_scope, cfg, as_of, *scope)
    people = data.cached_call(
        views.consultants_in_scope, filters.date_from, filters.date_to, *scope
    )
    call = data.cached_call(workload.daily_call, cfg, as_of)
    sla = data.cached_call(views.sla_last_30_days, as_of, *scope)
    sources = data.cached_call(freshness.data_freshness, date.today())

counts = views.status_counts(redundancy)
call = call[call["consultant"].isin(people["consultant"])]
overloaded = call[call["status"] == "overloaded"]

st.subheader(t("overview.knowledge"))
shown = ["covered", "thin", "single", "uncovered"]
if int(cfg["knowledge"]["target_knowers"]) <= 2:
    shown.remove("thin")  # thin exists only when more than two knowers are wanted
for column, status in zip(st.columns(len(shown)), shown, strict=True):
    column.metric(
        t(f"status.{status}"),
        formatting.count(counts[status], lang),
        help=t(f"overview.help.{status}", active=formatting.count(counts["active"], lang)),
        border=True,
    )

st.subheader(t("overview.workload_escalations"))
tiles = st.columns(4)
tiles[0].metric(
    t("overview.overloaded"),
    formatting.count(len(overloaded), lang),
    help=t("overview.help.overloaded", total=formatting.count(len(call), lang)),
    border=True,
)
tiles[1].metric(
    t("overview.response_sla"),
    formatting.percent(sla["response_compliance"], lang),
    help=t("overview.help.sla", tickets=formatting.count(sla["tickets"], lang)),
    border=True,
)
tiles[2].metric(
    t("overview.resolution_sla"),
    formatting.percent(sla["resolution_compliance"], lang),
    help=t("overview.help.sla", tickets=formatting.count(sla["tickets"], lang)),
    border=True,
)
tiles[3].metric(
    t("overview.open_breached"), formatting.count(sla["open_breached"], lang), border=True
)

left, right = st.columns(2)
with left:
    st.markdown(f"**{t('overview.at_risk')}**")
    at_risk = redundancy[
        (redundancy["activity"] == "active") & redundancy["status"].isin(views.AT_RISK)
    ].sort_values("evidence_hours_90d", ascending=False)
    table(tables.at_risk_list(at_risk.head(8), lang))
    st.page_link("pages/knowledge.py", label=t("overview.to_knowledge"), query_params=links)
with right:
    st.markdown(f"**{t('overview.overloaded_list')}**")
    top = overloaded.sort_values("utilisation_to_date", ascending=False)
    table(tables.call_table(top.head(8), lang))
    st.page_link("pages/workload.py", label=t("overview.to_workload"), query_params=links)

st.subheader(t("overview.freshness"))
table(tables.freshness_table(sources, lang))
