"""Okam Analytics: navigation, the shared sidebar filters (kept in the URL), then the page."""

import streamlit as st

from okam_analytics import db
from okam_analytics.ui import auth, client_render, data, render, state, warm
from okam_analytics.ui.text import t

st.set_page_config(layout="wide", page_title="Okam Analytics", page_icon=":material/insights:")

# Section title key -> pages (file, title key, icon, url_path). The URL path names the page in links.
PAGES = {
    "nav.section.overview": [
        ("pages/today.py", "nav.today", ":material/today:", "today"),
        ("pages/overview.py", "nav.overview", ":material/dashboard:", "overview"),
    ],
    "nav.section.analyse": [
        ("pages/knowledge.py", "nav.knowledge", ":material/school:", "knowledge"),
        ("pages/workload.py", "nav.workload", ":material/work_history:", "workload"),
        ("pages/escalations.py", "nav.escalations", ":material/priority_high:", "escalations"),
        ("pages/client.py", "nav.client", ":material/handshake:", "client"),
        ("pages/coverage.py", "nav.coverage", ":material/shield_person:", "coverage"),
    ],
    "nav.section.data": [
        ("pages/import.py", "nav.import", ":material/upload_file:", "import"),
        ("pages/settings.py", "nav.settings", ":material/settings:", "settings"),
    ],
}


# Opened in the background whenever the data changes, when OKAM_WARM_CACHES=1 (ui/warm.py).
WARMED = ("today", "overview", "knowledge", "workload", "escalations", "client", "coverage")


def page(path: str, title_key: str, icon: str, url_path: str) -> st.Page:
    return st.Page(path, title=t(title_key), icon=icon, url_path=url_path)


data.begin_run()  # the run reads the database until its end; a waiting writer went first
try:
    try:
        data.connection()  # waits, a bounded time, while another program writes
    except db.DatabaseBusy:
        st.error(t("ui.db_busy"))
        st.stop()
    con = data.cursor()
    data.forget_version()  # each run reads the data version once
    warm.start([spec[3] for specs in PAGES.values() for spec in specs if spec[3] in WARMED])

    if data.import_count(con) == 0:
        with st.spinner(t("ui.sample_loading")):
            render.show_messages(data.ensure_sample(con), kind="info")

    shared = state.is_shared_view()
    if shared:
        # A share link sees one client's steering view only: no menu, no sidebar listing clients.
        # /client?token=... is that view; any other path lands on the default page, a plain refusal.
        elsewhere = st.Page(client_render.refuse_elsewhere, title=t("nav.client"), default=True)
        current = st.navigation(
            [elsewhere, page(*PAGES["nav.section.analyse"][3])], position="hidden"
        )
    else:
        # Signed out: the menu stays hidden (the requested page is kept for after sign-in).
        current = st.navigation(
            {t(section): [page(*spec) for spec in specs] for section, specs in PAGES.items()},
            position="sidebar" if auth.is_signed_in() else "hidden",
        )
        if not auth.require_manager():
            st.stop()
        state.sidebar_filters(con)
        link_slot = state.link_box(current.url_path)
        if current.url_path != "import":
            render.sample_banner(con)

    current.run()

    if not shared:
        state.show_link(link_slot, current.url_path)
finally:
    data.end_run()
