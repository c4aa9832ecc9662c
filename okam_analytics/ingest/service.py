"""The import API used by the Import page and the command line: inspect, load, list, undo."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from okam_analytics import db
from okam_analytics.ingest import load as loader
from okam_analytics.ingest import map as mapping_rules
from okam_analytics.ingest import normalise, pipeline, presets, validate
from okam_analytics.ingest.refused import ImportRefused

if TYPE_CHECKING:
    from okam_analytics.ingest.read import RawTable

MAX_ERRORS = 20
# The upload cap: the same number as server.maxUploadSize in .streamlit/config.toml (checked
# by tests/test_reliability_bad_input.py); files given by path (okam import) have no size cap.
MAX_UPLOAD_MB = 200
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
# Rows one file may hold: above the largest real export (5 million time entries in a year),
# below what would exhaust the reader's memory; the reader stops at it before loading rows.
MAX_ROWS = 8_000_000
MAX_FINDINGS = 100_000  # rows of the report kept in the plan (all go to import_rejects)
FINDING_COLUMNS = ["line", "column", "value", "reason", "severity"]
SavedMapping = tuple[str, str, dict[str, Any]]  # name, kind, mapping


@dataclass
class ImportPlan:
    """What inspecting one file found; `load` writes it."""

    file_name: str
    kind: str | None = None
    preset: str | None = None
    preset_label: str | None = None
    candidates: list[tuple[str, float]] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    header_line: int | None = None
    date_format: str | None = None
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, Any] = field(default_factory=dict)
    preview: pd.DataFrame = field(default_factory=pd.DataFrame)
    rows_read: int = 0
    findings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FINDING_COLUMNS))
    rows_rejected: int = 0
    rows_warned: int = 0
    findings_count: int = 0  # all findings; `findings` holds the first MAX_FINDINGS by line
    refused: str | None = None
    sha256: str | None = None
    # for the loader: the private connection holding `canonical` and `findings`
    private: duckdb.DuckDBPyConnection | None = field(default=None, repr=False)
    event_log: bool = False
    rows_loadable: int = 0
    period: tuple[datetime | None, datetime | None] = (None, None)
    saved_mapping: str | None = None  # the name of the saved mapping the file was read with


@dataclass
class ImportResult:
    """What loading one plan did."""

    import_id: int | None
    status: str  # loaded | unchanged | refused
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    errors: list[str] = field(default_factory=list)


def _too_big(source: bytes | Path) -> str | None:
    """Why an upload (bytes) is over the size cap, else None."""
    if isinstance(source, bytes | bytearray | memoryview) and len(source) > MAX_UPLOAD_BYTES:
        return (
            f"The file is larger than {MAX_UPLOAD_MB} MB, the most an upload may be; "
            "export a shorter period, or import it with `okam import` on the server."
        )
    return None


def fill_from_raw(plan: ImportPlan, raw: RawTable) -> None:
    """What reading found: encoding, dialect, sheet, headers, rows, digest."""
    plan.encoding, plan.delimiter = raw.encoding, raw.delimiter
    plan.sheet, plan.sheets, plan.header_line = raw.sheet, list(raw.sheets), raw.header_line
    plan.headers, plan.rows_read, plan.sha256 = list(raw.headers), raw.rows_read, raw.sha256


def fill_from_mapped(plan: ImportPlan, mapped: pipeline.Mapped) -> None:
    """What detection and mapping chose (kept when refused, for the mapping editor)."""
    detected = mapped.detected
    plan.candidates = [(p.name, score) for p, score in detected.ranked]
    if detected.preset is not None:
        chosen = detected.preset
        plan.kind, plan.preset, plan.preset_label = chosen.kind, chosen.name, chosen.label
    plan.mapping, plan.saved_mapping = mapped.mapping, mapped.saved_name


def inspect(
    source: bytes | Path,
    file_name: str,
    kind: str | None = None,
    preset: str | None = None,
    sheet: str | None = None,
    mapping: dict[str, Any] | None = None,
    day_first: bool = True,
    saved: list[SavedMapping] | None = None,
) -> ImportPlan:
    """Read, detect, map, normalise and validate one export without touching the database.

    day_first: how to read dates no value of their column decides (03/04: 3 April when true);
    `dates.locale_day_first(settings)` gives the business calendar's order. saved: the saved
    mappings (`saved_mappings`); without a `mapping`, the latest that fits the header row is
    used, unless it no longer fits the file (then the preset's own mapping is)."""
    plan = ImportPlan(file_name=file_name, kind=kind)
    plan.refused = _too_big(source)
    if plan.refused:
        return plan
    from okam_analytics.ingest import read  # slow to import (openpyxl): only when reading

    try:
        opened = read.open_export(source, file_name, sheet=sheet, max_rows=MAX_ROWS)
    except (ImportRefused, OSError) as exc:
        plan.refused = _read_refusal(file_name, exc)
        return plan
    try:
        headers, duplicates = opened.headers, opened.duplicate_headers
        mapped = _detect_and_map(headers, duplicates, kind, preset, mapping, saved)
    except BaseException:
        opened.close()
        raise
    fill_from_mapped(plan, mapped)
    try:
        raw = opened.read_rows(mapped.stored_headers if mapped.refusal is None else [])
    except (ImportRefused, OSError) as exc:
        plan.refused = _read_refusal(file_name, exc)
        return plan
    fill_from_raw(plan, raw)
    return inspect_raw(plan, raw, mapped, day_first)


def _detect_and_map(
    headers: list[str],
    duplicates: list[str],
    kind: str | None,
    preset: str | None,
    mapping: dict[str, Any] | None,
    saved: list[SavedMapping] | None,
) -> pipeline.Mapped:
    """The detect and map stages; with the saved mapping that fits the headers, if any."""
    fits = fitting_mapping(saved or [], headers, kind) if mapping is None else None
    if fits is not None:
        name, saved_kind, saved_mapping = fits
        detected = pipeline.detect(headers, duplicates, saved_kind, preset)
        mapped = pipeline.map_fields(detected, saved_mapping)
        if mapped.refusal is None:
            return dataclasses.replace(mapped, saved_name=name)
    detected = pipeline.detect(headers, duplicates, kind, preset)
    return pipeline.map_fields(detected, mapping)


def _read_refusal(file_name: str, exc: Exception) -> str:
    if isinstance(exc, ImportRefused):
        return str(exc)
    return f"Cannot read {file_name}: {getattr(exc, 'strerror', None) or exc}."


def inspect_raw(
    plan: ImportPlan, raw: RawTable, mapped: pipeline.Mapped, day_first: bool = True
) -> ImportPlan:
    """The normalise and validate stages over rows read; the plan's report from them."""
    if mapped.refusal is not None:
        plan.refused = mapped.refusal
        raw.close()  # nothing will be loaded: free the file's memory now
        return plan
    try:
        staged = pipeline.normalise_rows(raw, mapped, day_first)
        plan.date_format = staged.date_format
        plan.rows_read = plan.rows_read if staged.rows is None else staged.rows
        plan.preview = preview_rows(staged.con, staged.preset.kind)
        plan.event_log = staged.preset.event_log is not None
        con = pipeline.validate_rows(staged)
    except mapping_rules.MappingRefused as exc:
        plan.refused = str(exc)
        raw.close()
        return plan
    except duckdb.Error as exc:  # data no rule foresaw: refuse the file, say why
        plan.refused = f"The file could not be interpreted: {exc}"
        raw.close()
        return plan
    summarise(plan, con, staged.preset.kind)
    plan.private = con
    return plan


def preview_rows(con: duckdb.DuckDBPyConnection, kind: str) -> pd.DataFrame:
    """The first 20 staged rows, every canonical column."""
    columns = validate.TICKET_COLUMNS if kind == "tickets" else validate.TIMESHEET_COLUMNS
    listed = ", ".join(normalise.quote(c) for c in columns)
    return con.execute(f"select {listed} from staged order by __line limit 20").df()


def summarise(plan: ImportPlan, con: duckdb.DuckDBPyConnection, kind: str) -> None:
    """Counts, findings and the period the file covers."""
    plan.findings = con.execute(
        'select line, "column", value, reason, severity from findings'
        ' order by line, severity, "column" limit $limit',
        {"limit": MAX_FINDINGS},
    ).df()
    counts = con.execute(
        "select count(distinct line) filter (where severity = 'reject'),"
        " count(distinct line) filter (where severity = 'warning'), count(*) from findings"
    ).fetchall()[0]
    plan.rows_rejected, plan.rows_warned, plan.findings_count = (int(n) for n in counts)
    plan.rows_loadable = plan.rows_read - plan.rows_rejected
    if kind == "tickets":
        span = (
            "select min(least(created_at, event_at)), max(greatest(created_at, first_response_at,"
            " resolved_at, closed_at, event_at)) from canonical"
        )
    else:
        span = (
            "select min(cast(work_date as timestamp)),"
            " max(greatest(cast(work_date as timestamp), started_at)) from canonical"
        )
    plan.period = tuple(con.execute(span).fetchall()[0])


def _reject_errors(plan: ImportPlan) -> list[str]:
    """The first rejects with their lines, how many more, and what to do."""
    rejects = plan.private.execute(
        'select line, "column", value, reason, count(*) over () from findings'
        " where severity = 'reject' order by line, \"column\" limit $limit",
        {"limit": MAX_ERRORS},
    ).fetchall()
    errors = [
        f"line {line}: {column}: {reason}" + (f" ({value!r})" if value is not None else "")
        for line, column, value, reason, _ in rejects
    ]
    if rejects and rejects[0][4] > MAX_ERRORS:
        errors.append(f"... and {rejects[0][4] - MAX_ERRORS} more rejects")
    errors.append(
        f"{plan.rows_rejected} row(s) rejected; nothing loaded"
        " (accept the rejects to load the other rows)."
    )
    return errors


def load(
    con: duckdb.DuckDBPyConnection,
    plan: ImportPlan,
    accept_rejects: bool = False,
    progress: loader.Progress = None,
    joined: bool = False,
) -> ImportResult:
    """Write an inspected file (one transaction), or say why not: unchanged or refused.

    joined: the caller holds the transaction and commits it (a sync writes its imports and
    its cursor as one)."""
    result = ImportResult(None, "refused", plan.rows_read, 0, plan.rows_rejected)
    if plan.refused or plan.private is None:
        result.errors = [plan.refused or "The file was not inspected."]
        return result
    with loader.LOCK:
        same = con.execute(
            # the same file read as the other kind (a Jira export's work logs) is another import
            "select min(import_id) from imports"
            " where sha256 = $sha and kind = $kind and status = 'active'",
            {"sha": plan.sha256, "kind": plan.kind},
        ).fetchall()[0][0]
        if same is not None:
            return ImportResult(same, "unchanged", plan.rows_read, 0, plan.rows_rejected)
        if plan.rows_rejected and not accept_rejects:
            result.errors = _reject_errors(plan)
            return result
        import_id = loader.write_import(con, plan, progress, joined)
    return ImportResult(import_id, "loaded", plan.rows_read, plan.rows_loadable, plan.rows_rejected)


def list_imports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every import, newest first."""
    return db.query_df(con, "imports_list")


def undo(con: duckdb.DuckDBPyConnection, import_id: int) -> None:
    """Undo one active import (ValueError naming the problem for an unknown or undone id)."""
    with loader.LOCK:
        loader.undo_import(con, int(import_id))


def refresh_current(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute tickets, events and time entries entirely (after an alias or settings change)."""
    with loader.LOCK:
        loader.refresh_all(con)


def save_mapping(
    con: duckdb.DuckDBPyConnection, name: str, kind: str, mapping: dict[str, Any]
) -> None:
    """Keep a manager's corrected mapping under a name."""
    con.execute(
        "insert or replace into saved_mappings (name, kind, mapping, saved_at)"
        " values ($name, $kind, $mapping, $at)",
        {"name": name, "kind": kind, "mapping": json.dumps(mapping), "at": datetime.now()},
    )


def saved_mappings(con: duckdb.DuckDBPyConnection) -> list[SavedMapping]:
    """Every saved mapping (name, kind, mapping), the most recent first."""
    rows = con.execute(
        "select name, kind, mapping from saved_mappings order by saved_at desc"
    ).fetchall()
    return [(name, kind, json.loads(text)) for name, kind, text in rows]


def fitting_mapping(
    saved: list[SavedMapping], headers: list[str], kind: str | None = None
) -> SavedMapping | None:
    """The first saved mapping whose headers are all in this header row (and of this kind)."""
    index = presets.header_index(headers)
    for name, saved_kind, mapping in saved:
        needed = [h for spec in mapping.values() if spec for h in presets.candidates(spec)]
        if (kind in (None, saved_kind)) and all(presets.normalise_word(h) in index for h in needed):
            return name, saved_kind, mapping
    return None


def saved_mapping_for(
    con: duckdb.DuckDBPyConnection, headers: list[str], kind: str | None = None
) -> SavedMapping | None:
    """The most recent saved mapping whose headers are all in this header row, if any."""
    return fitting_mapping(saved_mappings(con), headers, kind)
