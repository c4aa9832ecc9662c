"""The Import page's actions: load with progress, what the last load did, history with undo."""

from __future__ import annotations

from contextlib import closing
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from okam_analytics import db
from okam_analytics.ingest import presets, service
from okam_analytics.ui import data, render
from okam_analytics.ui.import_render import FilePlan, escape_text, findings_table
from okam_analytics.ui.text import t

RESULTS_KEY = "import__results"  # what the last load did, shown once after the rerun
UNDO_FLASH_KEY = "import__undo_flash"  # (kind, text key, values) of the last undo
STAGES = ("versions", "current", "done")  # what the loader reports through `progress`
HISTORY_LABELS = ("import_id", "kind", "preset", "file_name", "rows_loaded", "rows_rejected",
                  "period", "imported_at", "status")  # fmt: skip


def active_imports(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, datetime]]:
    """sha256 -> (import_id, imported_at) of every active import."""
    frame = data.cached_call(service.list_imports)
    active = frame[frame["status"] == "active"]
    return {
        sha: (int(i), at)
        for sha, i, at in zip(
            active["sha256"], active["import_id"], active["imported_at"], strict=True
        )
    }


def when(value: Any) -> str:
    """A timestamp to the minute, a dash when missing."""
    return "–" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d %H:%M}"


def is_ready(plan: service.ImportPlan, n: int) -> bool:
    """True when the file can be loaded now: inspected, and its rejects accepted if any."""
    if plan.refused or plan.private is None or plan.rows_loadable <= 0:
        return False
    return not plan.rows_rejected or bool(st.session_state.get(f"import_accept_{n}"))


def load_controls(item: FilePlan, imported: dict[str, tuple[int, datetime]]) -> bool:
    """The accept box (when rows are rejected) and the load button; True when it was clicked."""
    plan, n = item.plan, item.n
    if plan.refused:
        return False
    if plan.sha256 in imported:
        import_id, at = imported[plan.sha256]
        st.info(t("import.already", id=import_id, at=when(at)), icon=":material/check_circle:")
    if plan.rows_rejected and plan.rows_loadable > 0:
        st.checkbox(
            t("import.accept", good=plan.rows_loadable, rejected=plan.rows_rejected),
            key=f"import_accept_{n}",
        )
    ready = is_ready(plan, n)
    why = None
    if not ready:
        why = t("import.blocked.none" if plan.rows_loadable <= 0 else "import.blocked.rejects")
    clicked = st.button(t("import.load_one"), key=f"import_load_{n}", type="primary",
                        disabled=not ready, help=why, icon=":material/upload:")  # fmt: skip
    if why:
        st.caption(why)
    return clicked


def _progress_of(bar: Any, name: str) -> Any:
    def report(fraction: float, stage: str) -> None:
        label = t(f"import.stage.{stage}") if stage in STAGES else stage
        bar.progress(min(max(fraction, 0.0), 1.0), text=f"{name}: {label}")

    return report


def _load_one(con: duckdb.DuckDBPyConnection, item: FilePlan) -> dict[str, Any]:
    plan = item.plan
    name = render.escape_markdown(plan.file_name)
    bar = st.progress(0.0, text=t("import.stage.start", file=name))
    try:
        accept = bool(st.session_state.get(f"import_accept_{item.n}"))
        result = service.load(con, plan, accept_rejects=accept, progress=_progress_of(bar, name))
    except Exception as exc:  # one failed file is reported; the others still load
        result = service.ImportResult(None, "refused", plan.rows_read, 0, plan.rows_rejected)
        result.errors = [t("import.load_failed", reason=exc)]
    bar.progress(1.0, text=f"{name}: {t('import.stage.done')}")
    return {"file": plan.file_name, **vars(result)}


def run_loads(items: list[FilePlan]) -> None:
    """Load the files in turn (one transaction each) with progress, then show the outcome."""
    outcomes = []
    with data.import_lock(), closing(data.cursor()) as con:
        for item in items:
            outcomes.append(_load_one(con, item))
        history = service.list_imports(con)
    dates = dict(zip(history["import_id"], history["imported_at"], strict=True))
    for outcome in outcomes:
        outcome["imported_at"] = dates.get(outcome["import_id"])
    data.invalidate()  # every page (and the sidebar's lists) sees the new data
    st.session_state[RESULTS_KEY] = outcomes
    st.rerun()


def show_results() -> None:
    """What the last load did, file by file (once: the next action clears it)."""
    for outcome in st.session_state.pop(RESULTS_KEY, []):
        values = {"file": render.escape_markdown(outcome["file"]), "id": outcome["import_id"]}
        if outcome["status"] == "loaded":
            rows = {"rows": outcome["rows_loaded"], "rejected": outcome["rows_rejected"]}
            st.success(t("import.result.loaded", **values, **rows), icon=":material/done_all:")
        elif outcome["status"] == "unchanged":
            st.info(t("import.result.unchanged", **values, at=when(outcome["imported_at"])))
        else:
            reason = "  \n".join(escape_text(error) for error in outcome["errors"])
            st.error(t("import.result.refused", **values, reason=reason))


def sample_note(con: duckdb.DuckDBPyConnection) -> None:
    """Say so while only the bundled sample data is loaded (it can be undone below)."""
    if data.is_sample_only(con):
        st.info(t("import.sample_note"), icon=":material/science:")


def history_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every import as the manager reads it: labels, the period as dates, translated words."""
    labels = {name: p.label for name, p in presets.all_presets().items()}
    start = frame["period_start"].dt.strftime("%Y-%m-%d").fillna("…")
    end = frame["period_end"].dt.strftime("%Y-%m-%d").fillna("…")
    shown = frame.assign(
        kind=frame["kind"].map(lambda k: t(f"import.kind.{k}")),
        preset=frame["preset"].map(lambda p: labels.get(p, p)),
        period=start + " – " + end,
        status=frame["status"].map(lambda s: t(f"import.status.{s}")),
    )
    return shown[list(HISTORY_LABELS)]


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
        with data.import_lock(), closing(data.cursor()) as con:
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
