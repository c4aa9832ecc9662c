"""Settings: every metric and calendar parameter, consultants, aliases and clients.

A save applies at once: the cached figures are keyed on the data version, which covers the
settings, consultants, aliases and clients tables.
"""

import streamlit as st

from okam_analytics import settings
from okam_analytics.ui import connections_form, data
from okam_analytics.ui import directory_form as tables
from okam_analytics.ui import settings_form as forms
from okam_analytics.ui.text import t

TABS = ["knowledge", "workload", "escalation", "calendar", "privacy", "steering", "delivery",
        "consultants", "aliases", "clients", "connections"]  # fmt: skip

con = data.cursor()
cfg = settings.load(con)

st.title(t("nav.settings"))
st.caption(t("settings.caption"))
forms.show_flash()

tabs = dict(zip(TABS, st.tabs([t(f"settings.tab.{name}") for name in TABS]), strict=True))
for name in forms.FORMS:
    with tabs[name]:
        st.caption(t(f"settings.intro.{name}"))
        forms.form(con, name, cfg)
with tabs["consultants"]:
    tables.consultants_editor(con)
with tabs["aliases"]:
    tables.aliases_editor(con)
with tabs["clients"]:
    tables.clients_editor(con)
with tabs["connections"]:
    st.caption(t("settings.intro.connections"))
    connections_form.connections_section(con)
