"""One export's way through the import, a straight line of stages, each run once:

    read header -> detect -> map -> read rows -> normalise -> validate -> load

`read.open_export` reads the header row; `detect` and `map_fields` choose the preset and the
columns from it; `OpenedExport.read_rows` stores only those columns' rows; `normalise_rows` and
`validate_rows` build `staged`, `findings` and `canonical`; `service.load` writes them. Each
stage takes the previous stage's value. `service.inspect` runs a file through them;
`parsed_rows.import_parsed_rows` starts from rows an API connector already parsed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import duckdb

from okam_analytics.ingest import event_log as event_logs
from okam_analytics.ingest import map as mapping_rules
from okam_analytics.ingest import normalise, presets, validate, worklog
from okam_analytics.ingest.map import MappingRefused, Source
from okam_analytics.ingest.presets import Preset

if TYPE_CHECKING:
    from okam_analytics.ingest.read import RawTable


@dataclass(frozen=True)
class Detected:
    """The detect stage's value: the preset to read the headers with, and the ranking."""

    headers: list[str]
    duplicate_headers: list[str]
    preset: Preset | None  # None: refused (see `refusal`)
    ranked: list[tuple[Preset, float]] = field(default_factory=list)
    refusal: str | None = None


@dataclass(frozen=True)
class Mapped:
    """The map stage's value: which header feeds which field, and the headers to store."""

    detected: Detected
    mapping: dict[str, Any]
    stored_headers: list[str]  # [] when refused: the rows are read only to be counted
    refusal: str | None = None
    saved_name: str | None = None  # the saved mapping applied, if one was


@dataclass(frozen=True)
class Staged:
    """The normalise stage's value: table `staged` in the file's private connection."""

    con: duckdb.DuckDBPyConnection
    preset: Preset
    sources: dict[str, Source]
    date_format: str | None
    findings: list[tuple] = field(default_factory=list)  # (line, column, value, reason)
    rows: int | None = None  # rows staged when they are not the file's records (worklogs)


def choose_preset(
    headers: list[str], kind: str | None, name: str | None
) -> tuple[Preset, list[tuple[Preset, float]]]:
    """The preset to read a file with (named, else detected), and the ranked candidates."""
    ranked = presets.detect(headers, kind)
    if name:
        chosen = presets.get(name)
        if kind and chosen.kind != kind:
            raise MappingRefused(f"Preset '{name}' reads {chosen.kind}, not {kind}.")
        return chosen, ranked
    tools = [p for p, score in ranked if not p.is_generic]
    if tools:
        return tools[0], ranked
    kind = kind or mapping_rules.detect_kind(headers)
    if kind is None:  # neither required set is there: refuse with the better fit's gaps
        kind = next(p.kind for p, _ in ranked if p.is_generic)
    return presets.generic(kind), ranked


def detect(
    headers: list[str], duplicates: list[str], kind: str | None, preset: str | None
) -> Detected:
    """Detect stage: the preset (named, else the best fit) for a header row."""
    try:
        chosen, ranked = choose_preset(headers, kind, preset)
    except (MappingRefused, presets.UnknownPreset) as exc:
        return Detected(headers, duplicates, None, refusal=str(exc))
    return Detected(headers, duplicates, chosen, ranked)


def map_fields(detected: Detected, override: dict[str, Any] | None) -> Mapped:
    """Map stage: the preset's mapping with the manager's corrections, checked."""
    if detected.preset is None:
        return Mapped(detected, {}, [], detected.refusal)
    preset, headers = detected.preset, detected.headers
    try:
        mapping = mapping_rules.choose_mapping(preset, headers, override)
    except MappingRefused as exc:
        return Mapped(detected, {}, [], str(exc))
    try:
        mapping_rules.check(mapping, preset.kind, preset, headers, detected.duplicate_headers)
    except MappingRefused as exc:
        return Mapped(detected, mapping, [], str(exc))
    index = presets.header_index(headers)
    words = [
        presets.normalise_word(h) for spec in mapping.values() for h in presets.candidates(spec)
    ]
    return Mapped(detected, mapping, [index[w] for w in dict.fromkeys(words) if w in index])


def normalise_rows(raw: RawTable, mapped: Mapped, day_first: bool = True) -> Staged:
    """Normalise stage: typed canonical values in table `staged` (raises MappingRefused when
    a mapped header is no longer in the file, duckdb.Error on data no rule foresaw)."""
    preset = mapped.detected.preset
    try:
        sources = mapping_rules.sources(mapped.mapping, raw.headers, raw.columns or None)
    except KeyError as exc:  # the header read with the rows differs from the sniffed one
        raise MappingRefused(f"Column {exc.args[0]!r} is not in the file.") from None
    table, entries = raw.table, None
    if worklog.has_worklog(sources):  # each worklog cell is a row of its own
        table, sources = worklog.explode(raw.con, raw.table, sources)
        (entries,) = raw.con.execute(f"select count(*) from {table}").fetchall()[0]
    built = normalise.build_staged(raw.con, table, preset.kind, preset, sources, day_first)
    # free memory: staged holds all that is needed
    raw.con.execute(f"drop table if exists {normalise.quote(table)}")
    repeated = mapping_rules.unused_duplicates(mapped.mapping, mapped.detected.duplicate_headers)
    findings = [*built.findings, *repeated]
    return Staged(raw.con, preset, sources, built.date_format, findings, entries)


def validate_rows(staged: Staged) -> duckdb.DuckDBPyConnection:
    """Validate stage: tables `findings` and `canonical` (collapsed for an event log)."""
    con, preset = staged.con, staged.preset
    required = mapping_rules.required_fields(preset.kind, preset)
    is_log = preset.event_log is not None
    validate.validate(con, preset.kind, staged.sources, required, is_log)
    warnings = [*staged.findings]
    if is_log:
        warnings += event_logs.collapse(con, "canonical", preset)
    if warnings:
        con.executemany(
            "insert into findings values (?, ?, ?, ?, 'warning')", [list(w) for w in warnings]
        )
    return con
