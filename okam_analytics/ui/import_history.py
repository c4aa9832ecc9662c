"""The Import page's history: every import, undo of an active one, the report of a past one."""

from __future__ import annotations

import duckdb
import pandas as pd
import streamlit as st

from okam_analytics import db, formatting
from okam_analytics.ingest import service
from okam_analytics.ui import data, render
from okam_analytics.ui.import_actions import findings_table
from okam_analytics.ui.import_render import escape_text, preset_label
from okam_analytics.ui.text import current_language, t

UNDO_FLASH_KEY = "import__undo_flash"  # (kind, text key, values) of the last undo
HISTORY_LABELS = ("import_id", "kind", "preset", "file_name", "rows_loaded", "rows_rejected",
                  "period", "imported_at", "status")  # fmt: skip


def sample_note(con: duckdb.DuckDBPyConnection) -> None:
    """Say so while only the bundled sample data is loaded (it can be undone below)."""
    if data.is_sample_only(con):
        st.info(t("import.sample_note"), icon=":material/science:")


def history_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every import as the manager reads it: labels, dates in the page's language, translated
    words (row counts stay numbers, so the column sorts)."""
    lang = current_language()
    ends = zip(frame["period_start"], frame["period_end"], strict=True)
    period = [f"{_day(start, lang)} – {_day(end, lang)}" for start, end in ends]
    shown = frame.assign(
        kind=frame["kind"].map(lambda k: t(f"import.kind.{k}")),
        preset=frame["preset"].map(preset_label),
        period=period,
        status=frame["status"].map(lambda s: t(f"import.status.{s}")),
        imported_at=[formatting.moment(v, lang) for v in frame["imported_at"]],
    )
    return shown[list(HISTORY_LABELS)]


def _day(value: object, lang: str) -> str:
    return "…" if pd.isna(value) else formatting.day(value, lang)  # an open end: "…"


def history(con: duckdb.DuckDBPyConnection) -> None:
    """The import history, undo of an active import, the findings of any import."""
    frame = data.cached_call(service.list_imports)
    if frame.empty:
        st.caption(t("import.history.empty"))
        return
    table = history_frame(frame)
    labels = {c: t(f"import.history.{c}") for c in HISTORY_LABELS}
    render.show_table(table, labels=labels, height=min(len(table) + 1, 10) * 35 + 3)
    undo_controls(frame)
    past_findings(frame)


def _undo(import_id: int) -> None:
    # A button callback: it runs before the page is drawn, so the page shows the data after undo.
    try:
        with data.writing() as con:
            service.undo(con, import_id)
        st.session_state[UNDO_FLASH_KEY] = ("success", "import.undo.done", {"id": import_id})
    except ValueError as exc:
        st.session_state[UNDO_FLASH_KEY] = ("error", "import.undo.failed", {"reason": exc})
    data.invalidate()
    st.session_state["import_undo_confirm"] = False


def undo_controls(frame: pd.DataFrame) -> None:
    """Pick an active import, confirm, undo."""
    st.subheader(t("import.undo.title"))
    flash = st.session_state.pop(UNDO_FLASH_KEY, None)
    if flash:
        box = st.success if flash[0] == "success" else st.error
        box(t(flash[1], **{k: escape_text(v) for k, v in flash[2].items()}))
    active = frame[frame["status"] == "active"]
    if active.empty:
        st.caption(t("import.undo.none"))
        return
    names = dict(zip(active["import_id"], active["file_name"], strict=True))
    chosen = st.selectbox(
        t("import.undo.pick"),
        list(names),
        key="import_undo_id",
        format_func=lambda i: t("import.undo.option", id=i, file=names.get(i, "")),
    )
    confirmed = st.checkbox(t("import.undo.confirm"), key="import_undo_confirm")
    st.button(t("import.undo.button"), key="import_undo_button", disabled=not confirmed,
              on_click=_undo, args=(int(chosen),), icon=":material/undo:")  # fmt: skip


def findings_of(con: duckdb.DuckDBPyConnection, import_id: int) -> pd.DataFrame:
    """The rejected and warned rows recorded for one import."""
    return db.query_df(con, "import_findings", import_id=import_id)


def past_findings(frame: pd.DataFrame) -> None:
    """The validation report of a past import, shown and downloadable."""
    with_findings = frame[(frame["rows_rejected"] > 0) | (frame["rows_warned"] > 0)]
    if with_findings.empty:
        return
    st.subheader(t("import.past.title"))
    names = dict(zip(with_findings["import_id"], with_findings["file_name"], strict=True))
    chosen = st.selectbox(
        t("import.past.pick"),
        list(names),
        key="import_past_id",
        format_func=lambda i: t("import.undo.option", id=i, file=names.get(i, "")),
    )
    table = findings_table(data.cached_call(findings_of, int(chosen)))
    render.show_table(table, height=min(len(table) + 1, 10) * 35 + 3)
    render.download_buttons(table, f"import_{int(chosen)}_findings", key="import_past_findings")
