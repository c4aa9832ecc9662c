"""Safe rendering: data is always shown as text, never as HTML or live Markdown."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from okam_analytics import exports
from okam_analytics.charts import clicked
from okam_analytics.ui import data, text

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")
MAX_SHOWN_CHARS = 80
SAFE_FILE_NAME = re.compile(r"[^\w.-]+")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def escape_markdown(value: object) -> str:
    """value as literal text inside Markdown (links, images, emphasis disarmed), shortened."""
    shown = str(value)
    if len(shown) > MAX_SHOWN_CHARS:
        shown = shown[: MAX_SHOWN_CHARS - 1] + "…"
    return MARKDOWN_SPECIAL.sub(r"\\\1", shown)


def escape_values(values: Mapping[str, Any]) -> dict[str, str]:
    """Escape every value of a message, ready for t(key, **values) shown as Markdown."""
    return {name: escape_markdown(value) for name, value in values.items()}


def show_messages(messages: list[tuple[str, dict]], kind: str = "warning") -> None:
    """Show (text key, values) messages as st.warning / st.info / st.error boxes."""
    box = {"warning": st.warning, "info": st.info, "error": st.error}[kind]
    for key, values in messages:
        box(text.t(key, **escape_values(values)))


def show_table(
    frame: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    column_config: Mapping[str, Any] | None = None,
    height: int | str = "auto",
    key: str | None = None,
) -> None:
    """A DataFrame as an interactive grid (cells are text, never HTML); a note when empty."""
    if frame.empty:
        st.caption(text.t("ui.no_rows"))
        return
    shown = frame.rename(columns=dict(labels)) if labels else frame
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=height,
        column_config=dict(column_config) if column_config else None,
        key=key,
    )


def show_styled(styler: Any, **options: Any) -> Any:
    """A styled table (pandas Styler) as a grid, or a note when it has no rows."""
    if styler.data.empty:
        st.caption(text.t("ui.no_rows"))
        return None
    return st.dataframe(styler, hide_index=True, width="stretch", **options)


def pick_from_table(table_key: str, rows_key: str, target_key: str) -> Callable[[], None]:
    """An on_select callback: the name of the row picked in a table goes to target_key."""

    def pick() -> None:
        picked = st.session_state[table_key].selection.rows
        if picked:
            st.session_state[target_key] = st.session_state[rows_key][picked[0]]

    return pick


def pick_from_chart(chart_key: str, rows_key: str, target_key: str) -> Callable[[], None]:
    """An on_select callback: the name of the heat map cell clicked goes to target_key."""

    def pick() -> None:
        name = clicked(st.session_state[chart_key].selection.points)
        if name in st.session_state[rows_key]:
            st.session_state[target_key] = name

    return pick


def sample_banner(con: duckdb.DuckDBPyConnection) -> None:
    """The banner shown while only the bundled sample data is loaded."""
    if data.is_sample_only(con):
        st.info(text.t("ui.sample_banner"), icon=":material/science:")


def file_stem(name: str) -> str:
    """A download file name from any text (letters, digits, dot, dash, underscore)."""
    return SAFE_FILE_NAME.sub("_", name).strip("._") or "table"


def download_buttons(frame: pd.DataFrame, name: str, key: str | None = None) -> None:
    """CSV and XLSX downloads of frame, formulas neutralised (exports.safe_csv / safe_xlsx)."""
    stem, key = file_stem(name), key or f"download_{file_stem(name)}"
    row = st.container(horizontal=True)
    row.download_button(
        text.t("ui.download_csv"),
        data=lambda: exports.safe_csv(frame),  # built when clicked, not on every rerun
        file_name=f"{stem}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key=f"{key}_csv",
    )
    row.download_button(
        text.t("ui.download_xlsx"),
        data=lambda: exports.safe_xlsx(frame, sheet=stem),
        file_name=f"{stem}.xlsx",
        mime=XLSX_MIME,
        on_click="ignore",
        icon=":material/download:",
        key=f"{key}_xlsx",
    )
