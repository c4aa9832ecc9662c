"""The Import page's per-file pieces: cached inspection, detection and overrides, the mapping
editor (import_actions: preview, report, load; import_history: history and undo).

An uploaded file is inspected once per set of overrides (kind, preset, sheet, mapping): the plan
waits in the session, so a rerun (ticking a box, switching a tab) never reads the file again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from okam_analytics import formatting, settings
from okam_analytics.i18n import translate
from okam_analytics.ingest import dates, presets, service
from okam_analytics.ingest import map as mapping_rules
from okam_analytics.ingest.service import ImportPlan
from okam_analytics.ui import render
from okam_analytics.ui.text import current_language, t

UPLOAD_TYPES = ["csv", "txt", "tsv", "xlsx"]
PLANS_KEY = "import__plans"  # plan key -> FilePlan; only the plans of the files on screen
DIGESTS_KEY = "import__digests"  # uploaded file_id -> sha256 of its bytes
FILE_AT_KEY = "import__file_at"  # file index -> sha256 of the file drawn there last run
PLAN_AT_KEY = "import__plan_at"  # file index -> key of the plan drawn there last run
MAPPING_KEY = "import__mapping_{n}"  # the manager's corrected mapping of file n
SAVED_KEY = "import__saved_{n}"  # name of the mapping just saved from file n, shown once
# Per-file widgets are keyed by the file's index; they start afresh when another file takes it.
PER_FILE_KEYS = ("import_kind_{n}", "import_preset_{n}", "import_sheet_{n}", "import_accept_{n}",
                 "import_mapping_name_{n}", MAPPING_KEY)  # fmt: skip
FINDING_LABELS = ("line", "column", "value", "reason", "severity")


@dataclass
class FilePlan:
    """One uploaded file as inspected with its current overrides."""

    n: int
    key: str  # sha256 of the file's digest and overrides
    plan: ImportPlan
    saved_mapping: str | None = None  # name of a saved mapping applied on its own


def digest(upload: UploadedFile) -> str:
    """The sha256 of an uploaded file, computed once per upload."""
    known = st.session_state.setdefault(DIGESTS_KEY, {})
    if upload.file_id not in known:
        known[upload.file_id] = hashlib.sha256(upload.getvalue()).hexdigest()
    return known[upload.file_id]


def overrides(n: int) -> dict[str, Any]:
    """The manager's choices for file n: kind, preset, sheet, mapping (None = as detected)."""
    state = st.session_state
    return {
        "kind": state.get(f"import_kind_{n}") or None,
        "preset": state.get(f"import_preset_{n}") or None,
        "sheet": state.get(f"import_sheet_{n}") or None,
        "mapping": state.get(MAPPING_KEY.format(n=n)),
    }


def _forget_choices(n: int, sha: str) -> None:
    drawn = st.session_state.setdefault(FILE_AT_KEY, {})
    if drawn.get(n) != sha:
        for key in PER_FILE_KEYS:
            st.session_state.pop(key.format(n=n), None)
        drawn[n] = sha


def _forget_acceptance(n: int, plan_key: str) -> None:
    # Rejects accepted for one reading of the file are not accepted for another one.
    drawn = st.session_state.setdefault(PLAN_AT_KEY, {})
    if drawn.get(n) != plan_key:
        st.session_state.pop(f"import_accept_{n}", None)
        drawn[n] = plan_key


def _inspect(upload: UploadedFile, choices: dict[str, Any]) -> ImportPlan:
    try:
        return service.inspect(upload.getvalue(), upload.name, **choices)
    except Exception as exc:  # a bug in one file's reading must not take the page down
        return ImportPlan(file_name=upload.name, refused=t("import.inspect_failed", reason=exc))


def file_plans(con: duckdb.DuckDBPyConnection, uploads: list[UploadedFile]) -> list[FilePlan]:
    """The inspected plan of every uploaded file (from the session when already inspected)."""
    cache: dict[str, FilePlan] = st.session_state.setdefault(PLANS_KEY, {})
    shown: list[FilePlan] = []
    # dates no value decides are read in the order of the business calendar's country
    day_first = dates.locale_day_first(settings.load(con))
    for n, upload in enumerate(uploads):
        sha = digest(upload)
        _forget_choices(n, sha)
        choices = {**overrides(n), "day_first": day_first}
        key = hashlib.sha256(f"{sha}|{json.dumps(choices, sort_keys=True)}".encode()).hexdigest()
        if key not in cache:
            # the latest saved mapping that fits the file is chosen in the one inspection
            saved = service.saved_mappings(con) if choices["mapping"] is None else []
            with st.spinner(t("import.inspecting", file=render.escape_markdown(upload.name))):
                plan = _inspect(upload, {**choices, "saved": saved})
            cache[key] = FilePlan(n, key, plan, plan.saved_mapping)
        _forget_acceptance(n, key)
        shown.append(FilePlan(n, key, cache[key].plan, cache[key].saved_mapping))
    _prune(cache, {item.key for item in shown})
    current = {upload.file_id for upload in uploads}
    digests = st.session_state.setdefault(DIGESTS_KEY, {})
    for file_id in [f for f in digests if f not in current]:
        del digests[file_id]
    return shown


def _prune(cache: dict[str, FilePlan], keep: set[str]) -> None:
    """Drop the plans of removed files and of overrides since changed (and their memory)."""
    for key in [k for k in cache if k not in keep]:
        private = cache.pop(key).plan.private
        if private is not None:
            private.close()


def escape_text(text: object) -> str:
    """Any text shown literally inside Markdown (st.error, st.info), at full length."""
    return render.MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def preset_label(name: str | None) -> str:
    """A preset's name for the manager: its translation (preset.<name>), else its label."""
    if not name:
        return "–"
    text = t(f"preset.{name}")
    if text != f"preset.{name}":
        return text
    known = presets.all_presets().get(name)
    return known.label if known else name


def file_label(plan: ImportPlan) -> str:
    """An expander title: the file name as text, then what it is or why it is refused."""
    name = render.escape_markdown(plan.file_name)
    if plan.refused:
        return t("import.label.refused", file=name)
    kind = t(f"import.kind.{plan.kind}")
    rows = formatting.count(plan.rows_read, current_language())
    return t("import.label", file=name, preset=preset_label(plan.preset), kind=kind, rows=rows)


def date_format_label(fmt: str | None) -> str:
    """A strptime format as a manager reads it: '%d-%m-%Y %H:%M' -> 'DD-MM-YYYY hh:mm'."""
    if not fmt:
        return "–"
    parts = {"%d": "DD", "%m": "MM", "%Y": "YYYY", "%y": "YY", "%H": "hh", "%I": "hh",
             "%M": "mm", "%S": "ss", "%p": "AM/PM", "%b": "Mon", "%B": "Month", "%f": "µs"}  # fmt: skip
    for code, shown in parts.items():
        fmt = fmt.replace(code, shown)
    return fmt


def delimiter_label(delimiter: str | None) -> str:
    """The CSV delimiter, with the invisible tab named."""
    if delimiter is None:
        return "–"
    return t("import.delimiter.tab") if delimiter == "\t" else delimiter


def detection_frame(plan: ImportPlan) -> pd.DataFrame:
    """What reading the file found, as one row of text (kind, preset, encoding, ... period)."""
    start, end = plan.period
    lang = current_language()
    found = {
        "kind": t(f"import.kind.{plan.kind}") if plan.kind else "–",
        "preset": preset_label(plan.preset),
        "encoding": plan.encoding or "–",
        "delimiter": delimiter_label(plan.delimiter),
        "sheet": plan.sheet or "–",
        "header_line": str(plan.header_line or "–"),
        "date_format": date_format_label(plan.date_format),
        "rows": formatting.count(plan.rows_read, lang),
        "period": formatting.period(start, end, lang) if start and end else "–",
    }
    return pd.DataFrame([{t(f"import.detect.{name}"): value for name, value in found.items()}])


def detection(plan: ImportPlan) -> None:
    """The detection result as a one-row table."""
    render.show_table(detection_frame(plan))


def _reset_preset(n: int) -> None:
    st.session_state.pop(f"import_preset_{n}", None)
    st.session_state.pop(MAPPING_KEY.format(n=n), None)


def override_controls(plan: ImportPlan, n: int) -> None:
    """Kind, preset and sheet choices; changing one re-inspects the file."""
    kind_box, preset_box, sheet_box = st.columns(3)
    kind_box.selectbox(
        t("import.override.kind"),
        ["", *presets.KINDS],
        key=f"import_kind_{n}",
        format_func=lambda k: t(f"import.kind.{k}") if k else t("import.auto"),
        on_change=_reset_preset,
        args=(n,),
    )
    kind = st.session_state.get(f"import_kind_{n}") or plan.kind
    names = [p.name for p in presets.all_presets().values() if kind in (None, p.kind)]
    forget_mapping = {"on_change": st.session_state.pop, "args": (MAPPING_KEY.format(n=n), None)}
    preset_box.selectbox(
        t("import.override.preset"),
        ["", *names],
        key=f"import_preset_{n}",
        format_func=lambda p: preset_label(p) if p else t("import.auto"),
        **forget_mapping,
    )
    if len(plan.sheets) > 1:
        at = plan.sheets.index(plan.sheet) if plan.sheet in plan.sheets else 0
        sheet_box.selectbox(
            t("import.override.sheet"),
            plan.sheets,
            index=at,
            key=f"import_sheet_{n}",
            **forget_mapping,
        )


def spec_label(spec: Any) -> str:
    """How a mapping entry shows in the editor: the header, or 'First + Last' for a concat."""
    if not spec:
        return ""
    return " + ".join(presets.candidates(spec)) if isinstance(spec, dict) else str(spec)


def mapping_frame(
    plan: ImportPlan, lang: str | None = None
) -> tuple[pd.DataFrame, list[str], dict[str, Any]]:
    """The editor's rows (label, field, required, column), its column choices, and label ->
    spec. `label` is the field's name in the page's language; `field` its key, as in the
    refusal messages and docs/import-formats.md."""
    required = set(mapping_rules.required_fields(plan.kind, presets.all_presets().get(plan.preset)))
    # required fields, then the mapped ones, then the rest: what matters is on top
    fields = sorted(
        mapping_rules.FIELDS[plan.kind], key=lambda f: (f not in required, f not in plan.mapping)
    )
    labels = {spec_label(spec): spec for spec in plan.mapping.values()}
    options = list(dict.fromkeys(["", *plan.headers, *labels]))
    frame = pd.DataFrame({
        "label": [translate(f"field.{f}", lang or current_language()) for f in fields],
        "field": fields,
        "required": [f in required for f in fields],
        "column": [spec_label(plan.mapping.get(f)) for f in fields],
    })  # fmt: skip
    return frame, options, labels


def mapping_from_frame(frame: pd.DataFrame, labels: dict[str, Any]) -> dict[str, Any]:
    """The edited table as a mapping override: every field, None where nothing is mapped."""
    return {
        str(field): labels.get(column, column) if isinstance(column, str) and column else None
        for field, column in zip(frame["field"], frame["column"], strict=True)
    }


def mapping_editor(con: duckdb.DuckDBPyConnection, item: FilePlan) -> None:
    """The editable mapping, re-inspection with it, and saving it under a name."""
    plan, n = item.plan, item.n
    if item.saved_mapping:
        st.caption(t("import.map.saved_applied", name=render.escape_markdown(item.saved_mapping)))
    frame, options, labels = mapping_frame(plan)
    edited = st.data_editor(
        frame,
        key=f"import_mapping_{n}_{item.key[:12]}",  # a new plan starts a new table of edits
        hide_index=True,
        num_rows="fixed",
        height=(min(len(frame), 14) + 1) * 35 + 3,
        disabled=["label", "field", "required"],
        column_config={
            "label": st.column_config.TextColumn(t("import.map.field"), width="medium"),
            "field": st.column_config.TextColumn(t("import.map.key"), width="medium"),
            "required": st.column_config.CheckboxColumn(t("import.map.required"), width="small"),
            "column": st.column_config.SelectboxColumn(
                t("import.map.column"), options=options, required=False, width="large"
            ),
        },
    )
    mapping = mapping_from_frame(edited, labels)
    if st.button(t("import.map.reinspect"), key=f"import_reinspect_{n}", icon=":material/refresh:"):
        st.session_state[MAPPING_KEY.format(n=n)] = mapping
        st.rerun()
    save_mapping(con, item, mapping)


def save_mapping(con: duckdb.DuckDBPyConnection, item: FilePlan, mapping: dict[str, Any]) -> None:
    """Keep the edited mapping under a name; it then reads this file and the next ones."""
    n = item.n
    flash = st.session_state.pop(SAVED_KEY.format(n=n), None)
    if flash:
        st.success(t("import.map.saved", name=render.escape_markdown(flash)))
    name_box, save_box = st.columns([3, 1], vertical_alignment="bottom")
    name = name_box.text_input(t("import.map.name"), key=f"import_mapping_name_{n}", max_chars=80)
    # never disabled: a name typed just before the click reaches the script with the click
    if save_box.button(t("import.map.save"), key=f"import_save_mapping_{n}"):
        if not name.strip():
            st.warning(t("import.map.name_needed"))
            return
        service.save_mapping(con, name.strip(), item.plan.kind, mapping)
        st.session_state[MAPPING_KEY.format(n=n)] = mapping
        st.session_state[SAVED_KEY.format(n=n)] = name.strip()
        st.rerun()
