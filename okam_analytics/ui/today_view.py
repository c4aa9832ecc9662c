"""The Today page's rendering: big tiles, short tables in two columns, and the watcher that
reruns the page when new data arrives (st.fragment with run_every)."""

from __future__ import annotations

import os
from contextlib import closing
from datetime import datetime

import pandas as pd
import streamlit as st

from okam_analytics import db, formatting
from okam_analytics.delivery import alerts, today
from okam_analytics.ui import data
from okam_analytics.ui.text import t

# How often an open Today page checks for new data ($OKAM_TODAY_REFRESH_SECONDS, default 60).
REFRESH_SECONDS = max(1, int(os.environ.get("OKAM_TODAY_REFRESH_SECONDS") or 60))
FULL_RUN_KEY = "today__full_run"
ROW_PIXELS = 35


def tiles(view: today.Today, lang: str) -> None:
    """Five headline counts, large enough to read on a screen shared in a call."""
    states = view.escalations["risk_state"].value_counts()
    ending = (
        "–" if view.coverage_ending is None else formatting.count(len(view.coverage_ending), lang)
    )
    counts = [
        ("today.tile.overloaded", formatting.count(len(view.overloaded), lang)),
        ("today.tile.with_room", formatting.count(len(view.with_room), lang)),
        ("today.tile.at_risk", formatting.count(int(states.get("at_risk", 0)), lang)),
        ("today.tile.breached", formatting.count(int(states.get("breached", 0)), lang)),
        ("today.tile.coverage", ending),
    ]
    helps = {"today.tile.coverage": t("today.help.coverage")}
    for column, (key, value) in zip(st.columns(len(counts)), counts, strict=True):
        column.metric(t(key), value, border=True, help=helps.get(key))


def grid(frame: pd.DataFrame, empty_key: str, key: str, **config) -> None:
    """A short table without index, every row visible; a sentence when there is none."""
    if frame.empty:
        st.info(t(empty_key))
        return
    st.dataframe(frame, hide_index=True, width="stretch", key=key, column_config=config,
                 height=ROW_PIXELS * (len(frame) + 1) + 3)  # fmt: skip


def people(frame: pd.DataFrame, lang: str, empty_key: str, key: str) -> None:
    """Consultants with their utilisation this week and open escalations."""
    shown = pd.DataFrame(
        {
            t("col.consultant"): frame["consultant"],
            t("today.col.utilisation"): [
                formatting.percent(v, lang) for v in frame["utilisation_to_date"]
            ],
            t("col.open_escalations"): frame["open_escalations"].astype(int),
        }
    )
    grid(shown, empty_key, key)


def escalations(view: today.Today, lang: str) -> None:
    """Open escalations: share of the target used (a bar) and time left on the right clock."""
    frame = view.escalations
    used = t("today.col.consumed")
    shown = pd.DataFrame(
        {
            t("col.ticket_id"): frame["ticket_id"].astype(str),
            t("col.client"): frame["client"],
            t("col.priority"): frame["priority"],
            t("today.col.state"): [t(f"alerts.state.{s}") for s in frame["risk_state"]],
            used: frame["consumed_share"].astype(float) * 100,
            t("today.col.left"): [
                alerts.describe(row, lang)["when_text"] for _, row in frame.iterrows()
            ],
        }
    )
    # in percent, so the text reads the same in both languages; the bar is full from 100 %
    bar = st.column_config.ProgressColumn(used, min_value=0.0, max_value=100.0, format="%.0f %%")
    grid(shown, "today.none_open", "today_escalations", **{used: bar})


def coverage(view: today.Today, lang: str) -> None:
    """Clients whose coverage ends within 30 days, soonest first."""
    if view.coverage_ending is None:
        st.info(t("today.coverage_pending"))
        return
    frame = view.coverage_ending
    shown = pd.DataFrame(
        {
            t("col.client"): frame["client"],
            t("today.col.covered_until"): [formatting.day(d, lang) for d in frame["covered_until"]],
            t("today.col.days_left"): frame["days_left"].astype(int),
        }
    )
    grid(shown, "today.none_ending", "today_coverage")


def helpers(view: today.Today, lang: str) -> None:
    """For each open escalation, who knows its client and has room."""
    frame = today.helpers_by_escalation(view, lang)
    shown = pd.DataFrame(
        {
            t("col.ticket_id"): frame["ticket_id"].astype(str),
            t("col.client"): frame["client"],
            t("today.col.helpers"): frame["helpers"].replace("", t("today.nobody")),
        }
    )
    grid(shown, "today.none_open", "today_helpers")


def watch_for_new_data(seen_version: str, moment: datetime, live: bool) -> None:
    """Rerun the whole page when an import or a setting changed the data version, and each
    minute while the page shows today's live state (the SLA clocks keep running)."""
    st.session_state[FULL_RUN_KEY] = True  # the page's own run has just read the version
    _watch(seen_version, moment, live)


@st.fragment(run_every=REFRESH_SECONDS)
def _watch(seen_version: str, moment: datetime, live: bool) -> None:
    if st.session_state.pop(FULL_RUN_KEY, False):
        return
    with closing(data.cursor()) as con:
        version = db.data_version(con)
    minute_passed = live and today.local_now(data.cached_call(_settings)) > moment
    if version != seen_version or minute_passed:
        data.forget_version()
        st.rerun(scope="app")


def _settings(con) -> dict:
    from okam_analytics import settings

    return settings.load(con)
