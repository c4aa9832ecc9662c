"""The Settings page's tables of consultants, aliases and clients (st.data_editor), saved
through okam_analytics.directory: checked whole, written whole, or the problems shown."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import streamlit as st

from okam_analytics import directory, formatting, settings
from okam_analytics.ui import data
from okam_analytics.ui.settings_form import finish, show_problems
from okam_analytics.ui.state import DATE_FORMATS
from okam_analytics.ui.text import current_language, t

CONSULTANTS, ALIASES, CLIENTS = "settings_consultants", "settings_aliases", "settings_clients"
ROW_PIXELS = 35  # st.data_editor's row height


def save_button(
    key: str, save: Callable[[duckdb.DuckDBPyConnection], list], message: str, also: tuple = ()
) -> None:
    """A Save button under an editor: write (through the app's write connection), then draw
    the table (and `also`) again from the data, forgetting edits made on rows that may have moved."""
    if st.button(t("settings.save"), key=f"{key}_save", type="primary"):
        with data.writing() as writer:
            problems = save(writer)
        if problems:
            show_problems(problems)
        else:
            finish(message, [key, *also])


def consultants_editor(con: duckdb.DuckDBPyConnection) -> None:
    """Team, role, weekly capacity and active dates of each consultant; new ones can be added."""
    frame = data.cached_call(directory.consultants)
    default = float(settings.load(con)["workload"]["weekly_capacity_hours"])
    lang = current_language()
    hours = formatting.number(default, lang, 0 if default.is_integer() else 1)
    days = DATE_FORMATS[lang]  # the sidebar's date format: 31/01/2026 in French
    st.caption(t("settings.consultants_caption", hours=hours))
    column = st.column_config
    edited = st.data_editor(
        frame,
        key=CONSULTANTS,
        num_rows="add",
        hide_index=True,
        placeholder="–",
        height=ROW_PIXELS * (min(len(frame), 20) + 2) + 3,
        column_config={
            "consultant": column.TextColumn(t("col.consultant"), required=True),
            "team": column.TextColumn(t("col.team")),
            "role": column.TextColumn(t("settings.col.role")),
            "weekly_capacity_hours": column.NumberColumn(
                t("settings.col.weekly_capacity_hours"), min_value=0, max_value=168, step=0.5,
                format="%.1f", help=t("settings.col.weekly_capacity_help", hours=hours),
            ),
            "active_from": column.DateColumn(t("settings.col.active_from"), format=days),
            "active_to": column.DateColumn(t("settings.col.active_to"), format=days),
        },
    )  # fmt: skip
    save_button(CONSULTANTS, lambda writer: directory.save_consultants(writer, edited),
                "settings.saved_consultants")  # fmt: skip


def aliases_editor(con: duckdb.DuckDBPyConnection) -> None:
    """Other spellings of a consultant's name; saving applies them to the loaded data."""
    frame = data.cached_call(directory.aliases)
    names = data.cached_call(directory.consultants)["consultant"].tolist()
    spellings = sorted(set(names) | set(frame["alias"]))
    st.caption(t("settings.aliases_caption"))
    column = st.column_config
    edited = st.data_editor(
        frame.astype(object),
        key=ALIASES,
        num_rows="dynamic",
        hide_index=True,
        column_config={
            "alias": column.SelectboxColumn(t("settings.col.alias"), options=spellings,
                                            required=True),
            "consultant": column.SelectboxColumn(t("settings.col.alias_of"), options=names,
                                                 required=True),
        },
    )  # fmt: skip

    def save(writer: duckdb.DuckDBPyConnection) -> list:
        with st.spinner(t("settings.refreshing")):
            return directory.save_aliases(writer, edited)

    save_button(ALIASES, save, "settings.saved_aliases", also=(CONSULTANTS,))  # rows merged


def clients_editor(con: duckdb.DuckDBPyConnection) -> None:
    """Contract hours per month, SLA tier and own knower target of each client."""
    frame = data.cached_call(directory.clients)
    column = st.column_config
    edited = st.data_editor(
        frame,
        key=CLIENTS,
        num_rows="fixed",
        hide_index=True,
        placeholder="–",
        height=ROW_PIXELS * (min(len(frame), 20) + 1) + 3,
        disabled=["client"],
        column_config={
            "client": column.TextColumn(t("col.client")),
            "contract_hours_per_month": column.NumberColumn(
                t("settings.col.contract_hours_per_month"), min_value=0, max_value=744, step=1,
                format="%.1f",
            ),
            "sla_tier": column.TextColumn(t("settings.col.sla_tier")),
            "target_knowers": column.NumberColumn(
                t("settings.col.target_knowers"), min_value=1, max_value=20, step=1, format="%d",
                help=t("settings.col.target_knowers_help"),
            ),
            "contacts": column.TextColumn(t("settings.col.contacts"),
                                          help=t("settings.col.contacts_help")),
        },
    )  # fmt: skip
    save_button(CLIENTS, lambda writer: directory.save_clients(writer, edited),
                "settings.saved_clients")  # fmt: skip
