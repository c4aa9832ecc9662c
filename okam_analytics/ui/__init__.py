"""Streamlit-side helpers: shared filters, cached data access, text, safe rendering.

Only this package (and app.py, pages/) may import streamlit; the rest of okam_analytics never does.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx


def _leave_pages_folder_mode() -> None:
    # A folder named pages/ beside app.py makes Streamlit run the first script of the process as
    # a v1 multipage app: a deep link (/workload) would run pages/workload.py alone, with file
    # names in the menu and no app.py frame. This package is first imported during that run:
    # switch to st.navigation mode and rerun, so app.py draws the frame from the first request.
    if PagesManager.uses_pages_directory and get_script_run_ctx() is not None:
        PagesManager.uses_pages_directory = False
        st.rerun()


_leave_pages_folder_mode()
