"""The Import page's per-file outcome: preview, validation report, load with progress, results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from okam_analytics import formatting
from okam_analytics.ingest import service
from okam_analytics.ingest.service import ImportPlan
from okam_analytics.ui import data, render
from okam_analytics.ui.import_render import FINDING_LABELS, FilePlan, escape_text
from okam_analytics.ui.text import current_language, t

RESULTS_KEY = "import__results"  # what the last load did, shown once after the rerun
STAGES = ("versions", "current", "done")  # what the loader reports through `progress`


def count(value: Any) -> str:
    """A number of rows as the page's language writes it (16,602 / 16 602)."""
    return formatting.count(value, current_language())


def field_label(column: str) -> str:
    """A canonical column as the manager reads it: 'Priority', 'Priority (as in the file)'."""
    if column.endswith("_raw"):
        return t("import.col.raw", field=t(f"field.{column.removesuffix('_raw')}"))
    return t(f"field.{column}")


def preview_frame(plan: ImportPlan) -> pd.DataFrame:
    """The first canonical rows: the line, the mapped fields and their raw words."""
    mapped = set(plan.mapping) | {f"{f}_raw" for f in plan.mapping}
    columns = [c for c in plan.preview.columns if c in mapped]
    shown = plan.preview[["__line", *columns]]
    labels = {"__line": t("import.col.line")} | {c: field_label(c) for c in columns}
    return shown.rename(columns=labels)


def preview(plan: ImportPlan) -> None:
    """The first 20 rows as they will be stored."""
    st.caption(t("import.preview.caption", rows=count(min(len(plan.preview), 20))))
    render.show_table(preview_frame(plan))


def findings_table(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings with translated headers and severities, ready for a grid or a download."""
    shown = findings[list(FINDING_LABELS)].copy()
    shown["severity"] = shown["severity"].map(lambda s: t(f"import.severity.{s}"))
    return shown.rename(columns={c: t(f"import.col.{c}") for c in FINDING_LABELS})


def report(plan: ImportPlan, n: int) -> None:
    """Counts of rejected and warned rows, the findings, and their download."""
    if not plan.findings_count:
        st.success(t("import.report.clean", rows=count(plan.rows_read)))
        return
    counts = {"rejected": count(plan.rows_rejected), "warned": count(plan.rows_warned)}
    st.write(t("import.report.counts", loadable=count(plan.rows_loadable), **counts))
    table = findings_table(plan.findings)
    if plan.findings_count > len(table):
        shown, total = count(len(table)), count(plan.findings_count)
        st.caption(t("import.report.truncated", shown=shown, total=total))
    render.show_table(table, height=min(len(table) + 1, 12) * 35 + 3)
    stem = render.file_stem(plan.file_name.rsplit(".", 1)[0])
    render.download_buttons(table, f"{stem}_findings", key=f"import_findings_{n}")


def report_tab_label(plan: ImportPlan) -> str:
    """The validation tab's title, with the number of rejected rows when there are any."""
    if plan.rows_rejected:
        return t("import.tab.report_rejects", rejected=count(plan.rows_rejected))
    return t("import.tab.report")


def active_imports(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], tuple[int, datetime]]:
    """(sha256, kind) -> (import_id, imported_at) of every active import (a Jira export may be
    imported once as tickets and once as its work logs)."""
    frame = data.cached_call(service.list_imports)
    active = frame[frame["status"] == "active"]
    return {
        (sha, kind): (int(i), at)
        for sha, kind, i, at in zip(
            active["sha256"],
            active["kind"],
            active["import_id"],
            active["imported_at"],
            strict=True,
        )
    }


def when(value: Any) -> str:
    """A timestamp to the minute in the page's language, a dash when missing."""
    return formatting.moment(value, current_language())


def is_ready(plan: ImportPlan, n: int) -> bool:
    """True when the file can be loaded now: inspected, and its rejects accepted if any."""
    if plan.refused or plan.private is None or plan.rows_loadable <= 0:
        return False
    return not plan.rows_rejected or bool(st.session_state.get(f"import_accept_{n}"))


def load_controls(item: FilePlan, imported: dict[tuple[str, str], tuple[int, datetime]]) -> bool:
    """The accept box (when rows are rejected) and the load button; True when it was clicked."""
    plan, n = item.plan, item.n
    if plan.refused:
        return False
    if (plan.sha256, plan.kind) in imported:
        import_id, at = imported[(plan.sha256, plan.kind)]
        st.info(t("import.already", id=import_id, at=when(at)), icon=":material/check_circle:")
    if plan.rows_rejected and plan.rows_loadable > 0:
        st.checkbox(
            t("import.accept", good=count(plan.rows_loadable), rejected=count(plan.rows_rejected)),
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
    with data.writing() as con:
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
            rows = {
                "rows": count(outcome["rows_loaded"]),
                "rejected": count(outcome["rows_rejected"]),
            }
            st.success(t("import.result.loaded", **values, **rows), icon=":material/done_all:")
        elif outcome["status"] == "unchanged":
            st.info(t("import.result.unchanged", **values, at=when(outcome["imported_at"])))
        else:
            reason = "  \n".join(escape_text(error) for error in outcome["errors"])
            st.error(t("import.result.refused", **values, reason=reason))
