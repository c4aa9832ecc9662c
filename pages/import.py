"""Import: upload exports, check what was detected, correct the mapping, preview, validate, load;
the history of imports with undo."""

import streamlit as st

from okam_analytics.ui import data
from okam_analytics.ui import import_actions as actions
from okam_analytics.ui import import_history as past
from okam_analytics.ui import import_render as view
from okam_analytics.ui.text import t

con = data.cursor()

st.title(t("nav.import"))
st.caption(t("import.caption"))
past.sample_note(con)
actions.show_results()

uploads = st.file_uploader(
    t("import.upload"),
    type=view.UPLOAD_TYPES,
    accept_multiple_files=True,
    key="import_files",
    help=t("import.upload_help"),
)
items = view.file_plans(con, uploads or [])
imported = actions.active_imports(con)
to_load: list[view.FilePlan] = []

for item in items:
    plan = item.plan
    attention = bool(plan.refused or plan.rows_rejected)
    with st.expander(view.file_label(plan), expanded=len(items) == 1 or attention):
        if plan.refused:
            st.error(t("import.refused", reason=view.escape_text(plan.refused)))
        if plan.headers:  # read, so it can be re-read another way
            view.detection(plan)
            view.override_controls(plan, item.n)
        if plan.kind and plan.headers and plan.refused:
            view.mapping_editor(con, item)  # a missing column is fixed here
        elif plan.kind and plan.headers:
            mapping_tab, preview_tab, report_tab = st.tabs(
                [t("import.tab.mapping"), t("import.tab.preview"), actions.report_tab_label(plan)]
            )
            with mapping_tab:
                view.mapping_editor(con, item)
            with preview_tab:
                actions.preview(plan)
            with report_tab:
                actions.report(plan, item.n)
        if actions.load_controls(item, imported):
            to_load = [item]

if len(items) > 1:
    ready = [item for item in items if actions.is_ready(item.plan, item.n)]
    label = t("import.load_all", count=len(ready))
    if st.button(label, key="import_load_all", disabled=not ready, icon=":material/upload:"):
        to_load = ready
if to_load:
    actions.run_loads(to_load)

st.header(t("import.history.title"))
past.history(con)
