"""Escalations: SLA compliance of the escalated tickets, breaches, open ones, who they land on."""

import streamlit as st

from okam_analytics import formatting, settings
from okam_analytics.charts import escalation_tables as tables
from okam_analytics.charts import escalations as charts
from okam_analytics.metrics import escalation_scope as scope
from okam_analytics.ui import data, state
from okam_analytics.ui import escalations_view as view
from okam_analytics.ui.text import t

filters = state.current_filters()
lang = filters.lang
within = (filters.period, tuple(filters.clients), tuple(filters.teams))
period, chosen = within[0], within[1:]

st.title(t("nav.escalations"))
st.caption(
    t(
        "escalations.caption",
        start=formatting.day(filters.date_from, lang),
        end=formatting.day(filters.date_to, lang),
        as_of=formatting.day(filters.as_of, lang),
    )
)
with st.spinner(t("page.computing")):
    cfg = data.cached_call(settings.load)
    head = data.cached_call(scope.headline, *within)
    if head["tickets"]:
        by_month = data.cached_call(scope.compliance, period, "month", *chosen)
        stats = data.cached_call(scope.time_distribution, *within)
        breaches = data.cached_call(scope.breaches, *within)
        open_now = data.cached_call(scope.open_escalations, *within)
        counts = data.cached_call(scope.client_states, *within)
        by_client = data.cached_call(scope.compliance, period, "client", *chosen)
        weeks = data.cached_call(scope.consultant_weeks, *within)
        agreement = data.cached_call(scope.source_agreement, *within)

view.tiles(head, lang)
view.linked_ticket(lang)
if not head["tickets"]:
    st.info(t("escalations.none"))
else:
    st.subheader(t("escalations.by_month"))
    view.chart(charts.compliance_by_month(by_month, lang), view.MONTH_CHART, clickable=True)
    st.caption(t("escalations.by_month_caption"))

    st.subheader(t("escalations.distributions"))
    view.chart(charts.time_distributions(stats, lang), "escalations_time_chart")
    st.caption(t("escalations.distributions_caption"))

    st.subheader(t("escalations.breaches"))
    view.breach_section(breaches, lang)

    st.subheader(t("escalations.open"))
    view.open_section(open_now, lang)

    st.subheader(t("escalations.by_client"))
    left, right = st.columns(2)
    with left:
        view.chart(charts.states_by_client(counts, lang), view.CLIENT_CHART, clickable=True)
        st.caption(t("escalations.by_client_caption"))
    with right:
        worst = view.first_rows(tables.client_rows(by_client))
        view.table(tables.client_table(worst, lang), height=view.grid_height(len(worst), 12))

    st.subheader(t("escalations.pressure"))
    view.pressure_section(weeks, cfg["workload"], lang)

    st.subheader(t("escalations.agreement"))
    view.agreement_section(agreement, lang)
