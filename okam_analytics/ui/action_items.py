"""The Client page's action items: the manager adds them and marks them done (a small form and a
pick list); a share link shows them read-only, owners named per the privacy setting."""

from __future__ import annotations

from contextlib import closing

import pandas as pd
import streamlit as st

from okam_analytics import formatting
from okam_analytics.steering import actions
from okam_analytics.steering.view import ClientSummary
from okam_analytics.ui import data, render
from okam_analytics.ui.text import t

TEXT_KEY, OWNER_KEY, DUE_KEY = "client_action_text", "client_action_owner", "client_action_due"
ADD_KEY, PICK_KEY, DONE_KEY = "client_action_add", "client_action_pick", "client_action_done"
FLASH = "client_action_flash"


def manage(summary: ClientSummary, lang: str) -> None:
    """Every action item of the client, the form to add one, and the pick list to close some."""
    flash = st.session_state.pop(FLASH, None)
    if flash:
        key, values = flash
        st.success(t(key, **values), icon=":material/check_circle:")
    with closing(data.cursor()) as con:
        frame = actions.items(con, summary.client)
    if frame.empty:
        st.caption(t("actions.none"))
    else:
        render.show_table(manager_table(frame, lang), key="client_actions_table")
    left, right = st.columns(2)
    with left, st.form("client_action_form", clear_on_submit=True, border=True):
        text = st.text_input(t("actions.text"), key=TEXT_KEY, max_chars=actions.MAX_TEXT)
        owner = st.text_input(t("actions.owner"), key=OWNER_KEY)
        due = st.date_input(t("actions.due"), value=None, key=DUE_KEY, format=_date_format(lang))
        if st.form_submit_button(t("actions.add"), key=ADD_KEY):
            _add(summary.client, text, owner, due)
    open_items = frame[frame["status"] == "open"]
    if open_items.empty:
        return
    with right:
        labels = dict(zip(open_items["id"], open_items["text"], strict=True))
        picked = st.multiselect(t("actions.pick"), list(labels), key=PICK_KEY,
                                format_func=lambda i: f"#{i} {labels[i]}")  # fmt: skip
        if st.button(t("actions.mark_done"), key=DONE_KEY, disabled=not picked):
            _close(picked)


def _date_format(lang: str) -> str:
    return "DD/MM/YYYY" if lang == "fr" else "YYYY-MM-DD"


def _add(client: str, text: str, owner: str, due) -> None:
    if not (text or "").strip():
        st.error(t("actions.text_missing"), icon=":material/error:")
        return
    try:
        with data.writing() as writer:
            actions.add(writer, client, text, due, owner)
    except actions.ActionRefused as exc:
        st.error(render.escape_markdown(exc), icon=":material/error:")
        return
    st.session_state[FLASH] = ("actions.added", {})
    st.rerun()


def _close(ids: list[int]) -> None:
    done = 0
    with data.writing() as writer:
        for item_id in ids:
            try:
                actions.mark_done(writer, int(item_id))
                done += 1
            except actions.ActionRefused:
                pass  # closed meanwhile (another tab, the command line): nothing to do
    st.session_state.pop(PICK_KEY, None)
    st.session_state[FLASH] = ("actions.marked_done", {"count": done})
    st.rerun()


def manager_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every item with full owner names: number, action, owner, due, status, done on."""
    return pd.DataFrame(
        {
            t("actions.col.id"): frame["id"].astype(str),
            t("actions.col.text"): frame["text"].astype(str),
            t("actions.col.owner"): frame["owner"].fillna("").astype(str),
            t("actions.col.due_on"): [_day(v, lang) for v in frame["due_on"]],
            t("actions.col.status"): [t(f"actions.status.{s}") for s in frame["status"]],
            t("actions.col.done_on"): [_day(v, lang) for v in frame["done_at"]],
        }
    )


def _day(value: object, lang: str) -> str:
    return "" if value is None or pd.isna(value) else formatting.day(value, lang)


def shared(summary: ClientSummary, lang: str) -> None:
    """Read-only: the open items and those done since the period began, owners per privacy."""
    with closing(data.cursor()) as con:
        review = actions.review(con, summary.client, summary.date_from)
    st.caption(t("actions.shared_caption"))
    if review.open.empty and review.done.empty:
        st.caption(t("actions.none"))
        return
    for frame, done in ((review.open, False), (review.done, True)):
        if not frame.empty:
            table = actions.review_table(frame, lang, summary.name_mode, done=done)
            render.show_table(table, key=f"client_actions_{'done' if done else 'open'}")
