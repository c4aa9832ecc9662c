"""The Settings page's Connections tab: each connection's latest sync, test, sync now, add."""

from __future__ import annotations

from contextlib import closing

import duckdb
import pandas as pd
import streamlit as st

from okam_analytics.charts.tables import styled
from okam_analytics.connectors import TYPES, store
from okam_analytics.connectors.commands import build_connection, parse_options
from okam_analytics.connectors.sync import sync_one, test_connection
from okam_analytics.ui import data
from okam_analytics.ui.text import current_language, t

SHOWN = ["name", "type", "base_url", "last_sync_at", "last_status", "last_rows", "last_error"]
FLASH = "settings_connections_flash"


def connections_table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The connections with their latest result (never a token: none is stored)."""
    rows = [{k: getattr(c, k) for k in SHOWN} for c in store.all_connections(con)]
    return pd.DataFrame(rows, columns=SHOWN)


def show_flash() -> None:
    """The message of the latest action, kept across the rerun that follows it."""
    kind, text = st.session_state.pop(FLASH, (None, None))
    if kind:
        getattr(st, kind)(text)


def finish(kind: str, text: str) -> None:
    """Keep the message, forget the cached figures, draw the page again."""
    st.session_state[FLASH] = (kind, text)
    data.forget_version()
    st.rerun()


def actions(names: list[str]) -> None:
    """Test or sync the chosen connection, in this process, like an import from the page."""
    name = st.selectbox(t("connections.choose"), names, key="settings_connections_name")
    test, sync = st.columns(2)
    if test.button(t("connections.test"), key="settings_connections_test"):
        # a test only reads the connection's row: the shared reader, not the app's writer
        ok, message = test_connection(None, name, opener=lambda: closing(data.cursor()))
        key = "connections.test_ok" if ok else "connections.test_failed"
        finish("success" if ok else "error", t(key, name=name, message=message))
    if sync.button(t("connections.sync_now"), key="settings_connections_sync", type="primary"):
        with st.spinner(t("connections.syncing", name=name)):
            outcome = sync_one(None, name, opener=data.writing)
        if outcome.status == "failed":
            finish(
                "error", t("connections.sync_failed", name=name, message="; ".join(outcome.errors))
            )
        status = t(f"status.{outcome.status}")
        finish(
            "success", t("connections.synced", name=name, status=status, rows=outcome.rows_loaded)
        )


def add_form() -> None:
    """A new connection: its tool, address, user or account, and the variable of its token."""
    with st.expander(t("connections.add")), st.form("settings_connections_add"):
        name = st.text_input(t("connections.field.name"))
        type_name = st.selectbox(
            t("connections.field.type"),
            list(TYPES),
            format_func=lambda k: t(f"connections.type.{k}"),
        )
        base_url = st.text_input(t("connections.field.base_url"))
        user = st.text_input(t("connections.field.user"))
        account = st.text_input(t("connections.field.account_id"))
        secret_env = st.text_input(
            t("connections.field.secret_env"), help=t("connections.help.secret_env")
        )
        options = st.text_area(t("connections.field.options"), help=t("connections.help.options"))
        if st.form_submit_button(t("connections.add_button")):
            try:
                extra = parse_options([line for line in options.splitlines() if line.strip()])
                extra |= {k: v for k, v in (("user", user), ("account_id", account)) if v.strip()}
                connection = build_connection(
                    name.strip(), type_name, base_url, extra, secret_env.strip()
                )
                with data.writing() as writer:
                    store.add(writer, connection)
            except ValueError as exc:
                st.error(t("connections.add_refused", reason=str(exc)))
                return
            finish(
                "success",
                t("connections.added", name=connection.name, variable=connection.secret_env),
            )


def connections_section(con: duckdb.DuckDBPyConnection) -> None:
    """The tab: the table of connections, then test / sync now, then the add form."""
    show_flash()
    frame = connections_table(con)
    if frame.empty:
        st.info(t("connections.none"))
    else:
        st.dataframe(
            styled(frame, current_language(), status_columns=["last_status"],
                   formats={"last_sync_at": "moment"}),
            hide_index=True,
        )  # fmt: skip
        actions(frame["name"].tolist())
    add_form()
