"""User-facing text for the current language: the sidebar choice, else ?lang=, else the setting."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from okam_analytics import db, i18n, settings
from okam_analytics.ui import data

LANG_KEY = "sidebar_lang"
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


def default_language() -> str:
    """The language from the `ui.language` setting (English when unset or unknown)."""
    try:
        lang = data.cached_call(_setting_language)
    except db.DatabaseBusy:  # the busy message itself must still be shown
        return "en"
    return lang if lang in i18n.LANGUAGES else "en"


def _setting_language(con) -> str:
    return settings.load(con)["ui"]["language"]


_last_language = ["en"]  # the language of the latest script run in this process


def current_language() -> str:
    """The language of this run: the sidebar widget, else the URL's `lang`, else the setting."""
    if get_script_run_ctx() is None:
        # Outside a script run (AppTest calls a widget's format_func from the test thread) the
        # session is out of reach: answer like the run that drew the widget.
        return _last_language[0]
    chosen = st.session_state.get(LANG_KEY)
    if chosen not in i18n.LANGUAGES:
        from_url = st.query_params.get("lang")
        chosen = from_url if from_url in i18n.LANGUAGES else default_language()
    _last_language[0] = chosen
    return chosen


def t(key: str, **values: object) -> str:
    """The text of key in the current language, formatted with values."""
    return i18n.translate(key, current_language(), **values)
