"""The import API used by the Import page and the command line: inspect, load, list, undo."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from okam_analytics import db
from okam_analytics.ingest import load as loader
from okam_analytics.ingest import map as mapping_rules
from okam_analytics.ingest import normalise, presets, validate
from okam_analytics.ingest.presets import Preset

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


@dataclass
class ImportResult:
    """What loading one plan did."""

    import_id: int | None
    status: str  # loaded | unchanged | refused
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    errors: list[str] = field(default_factory=list)


def choose_preset(headers: list[str], kind: str | None, name: str | None) -> tuple[Preset, list]:
    """The preset to read a file with (named, else detected), and the ranked candidates."""
    ranked = presets.detect(headers, kind)
    if name:
        chosen = presets.get(name)
        if kind and chosen.kind != kind:
            raise mapping_rules.MappingRefused(f"Preset '{name}' reads {chosen.kind}, not {kind}.")
        return chosen, ranked
    tools = [p for p, score in ranked if not p.is_generic]
    if tools:
        return tools[0], ranked
    kind = kind or mapping_rules.detect_kind(headers)
    if kind is None:  # neither required set is there: refuse with the better fit's gaps
        kind = next(p.kind for p, _ in ranked if p.is_generic)
    return presets.generic(kind), ranked


def mapped_headers(
    kind: str | None, preset: str | None, mapping: dict[str, Any] | None
) -> Callable[[list[str]], list[str] | None]:
    """For a header row, the headers the chosen mapping reads (None: keep all, to refuse later)."""

    def needed(headers: list[str]) -> list[str] | None:
        try:
            chosen, _ = choose_preset(headers, kind, preset)
            chosen_mapping = mapping_rules.choose_mapping(chosen, headers, mapping)
        except (mapping_rules.MappingRefused, presets.UnknownPreset):
            return None
        index = presets.header_index(headers)
        words = [
            presets.normalise_word(h) for spec in chosen_mapping.values() if spec
            for h in presets.candidates(spec)
        ]  # fmt: skip
        return [index[word] for word in words if word in index]

    return needed


def _stored_all_needed(raw: Any, needed: Callable[[list[str]], list[str] | None]) -> bool:
    """Whether the raw table holds every column the mapping (chosen on all headers) reads."""
    stored = {
        row[0] for row in raw.con.execute(f"describe {normalise.quote(raw.table)}").fetchall()
    }
    names = dict(zip(raw.headers, raw.columns, strict=True))
    return all(names[header] in stored for header in needed(raw.headers) or raw.headers)


def _read(source: bytes | Path, file_name: str, sheet: str | None, columns: Any = None) -> Any:
    from okam_analytics.ingest.read import read_export

    return read_export(source, file_name, sheet=sheet, max_rows=MAX_ROWS, columns=columns)


def _too_big(source: bytes | Path) -> str | None:
    """Why an upload (bytes) is over the size cap, else None."""
    if isinstance(source, bytes | bytearray | memoryview) and len(source) > MAX_UPLOAD_BYTES:
        return (
            f"The file is larger than {MAX_UPLOAD_MB} MB, the most an upload may be; "
            "export a shorter period, or import it with `okam import` on the server."
        )
    return None


def _fill_from_raw(plan: ImportPlan, raw: Any) -> None:
    plan.encoding, plan.delimiter = raw.encoding, raw.delimiter
    plan.sheet, plan.sheets, plan.header_line = raw.sheet, list(raw.sheets), raw.header_line
    plan.headers, plan.rows_read, plan.sha256 = list(raw.headers), raw.rows_read, raw.sha256


def inspect(
    source: bytes | Path,
    file_name: str,
    kind: str | None = None,
    preset: str | None = None,
    sheet: str | None = None,
    mapping: dict[str, Any] | None = None,
) -> ImportPlan:
    """Read, map, normalise and validate one export without touching the database."""
    from okam_analytics.ingest.read import ImportRefused

    plan = ImportPlan(file_name=file_name, kind=kind)
    plan.refused = _too_big(source)
    if plan.refused:
        return plan
    try:
        # only the mapped columns are stored; should the final header row pick another
        # mapping (trailing blank headers dropped), the file is read again in full
        needed = mapped_headers(kind, preset, mapping)
        raw = _read(source, file_name, sheet, needed)
        if not _stored_all_needed(raw, needed):
            raw.close()
            raw = _read(source, file_name, sheet)
    except ImportRefused as exc:
        plan.refused = str(exc)
        return plan
    except OSError as exc:
        plan.refused = f"Cannot read {file_name}: {exc.strerror or exc}."
        return plan
    _fill_from_raw(plan, raw)
    try:
        chosen, ranked = choose_preset(raw.headers, kind, preset)
        plan.candidates = [(p.name, score) for p, score in ranked]
        plan.kind, plan.preset, plan.preset_label = chosen.kind, chosen.name, chosen.label
        plan.mapping = mapping_rules.choose_mapping(chosen, raw.headers, mapping)
        mapping_rules.check(plan.mapping, chosen.kind, chosen, raw.headers, raw.duplicate_headers)
    except (mapping_rules.MappingRefused, presets.UnknownPreset) as exc:
        plan.refused = str(exc)
        raw.con.close()  # nothing will be loaded: free the file's memory now
        return plan
    try:
        prepare(plan, raw, chosen)
    except duckdb.Error as exc:  # data no rule foresaw: refuse the file, say why
        plan.refused = f"The file could not be interpreted: {exc}"
        raw.con.close()
    return plan


def prepare(plan: ImportPlan, raw: Any, preset: Preset) -> None:
    """Normalise and validate in the file's private connection; fill the plan's report."""
    con, kind = raw.con, preset.kind
    sources = mapping_rules.sources(plan.mapping, raw.headers, getattr(raw, "columns", None))
    plan.date_format = normalise.build_staged(con, raw.table, kind, preset, sources)
    columns = validate.TICKET_COLUMNS if kind == "tickets" else validate.TIMESHEET_COLUMNS
    preview_cols = ", ".join(normalise.quote(c) for c in columns)
    plan.preview = con.execute(f"select {preview_cols} from staged order by __line limit 20").df()
    required = mapping_rules.required_fields(kind, preset)
    plan.event_log = preset.event_log is not None
    validate.validate(con, kind, sources, required, plan.event_log)
    if plan.event_log:
        from okam_analytics.ingest import event_log

        warnings = event_log.collapse(con, "canonical", preset)
        if warnings:
            con.executemany(
                "insert into findings values (?, ?, ?, ?, 'warning')", [list(w) for w in warnings]
            )
    # free memory: staged holds all that is needed (canonical is a view over it)
    con.execute(f"drop table if exists {normalise.quote(raw.table)}")
    summarise(plan, con, kind)
    plan.private = con


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
    within: loader.Within = None,
) -> ImportResult:
    """Write an inspected file (one transaction), or say why not: unchanged or refused.

    `within(con, import_id)` runs inside that transaction (a sync stores its cursor there)."""
    result = ImportResult(None, "refused", plan.rows_read, 0, plan.rows_rejected)
    if plan.refused or plan.private is None:
        result.errors = [plan.refused or "The file was not inspected."]
        return result
    with loader.LOCK:
        same = con.execute(
            "select min(import_id) from imports where sha256 = $sha and status = 'active'",
            {"sha": plan.sha256},
        ).fetchall()[0][0]
        if same is not None:
            return ImportResult(same, "unchanged", plan.rows_read, 0, plan.rows_rejected)
        if plan.rows_rejected and not accept_rejects:
            result.errors = _reject_errors(plan)
            return result
        import_id = loader.write_import(con, plan, progress, within)
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


def saved_mapping_for(
    con: duckdb.DuckDBPyConnection, headers: list[str], kind: str | None = None
) -> tuple[str, str, dict[str, Any]] | None:
    """The most recent saved mapping whose headers are all in this header row, if any."""
    index = presets.header_index(headers)
    rows = con.execute(
        "select name, kind, mapping from saved_mappings order by saved_at desc"
    ).fetchall()
    for name, saved_kind, text in rows:
        saved = json.loads(text)
        needed = [h for spec in saved.values() if spec for h in presets.candidates(spec)]
        if (kind in (None, saved_kind)) and all(presets.normalise_word(h) in index for h in needed):
            return name, saved_kind, saved
    return None
