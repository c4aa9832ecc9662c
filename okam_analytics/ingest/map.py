"""Column mapping: which header of an export feeds which canonical field."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from okam_analytics.ingest import presets
from okam_analytics.ingest.presets import Preset, normalise_word

# Canonical field -> value type (how normalise.py reads it).
TICKET_FIELDS: dict[str, str] = {
    "ticket_id": "id",
    "client": "name",
    "title": "text",
    "category": "text",
    "priority": "priority",
    "status": "status",
    "assignee": "name",
    "team": "name",
    "created_at": "timestamp",
    "first_response_at": "timestamp",
    "resolved_at": "timestamp",
    "closed_at": "timestamp",
    "escalation_level": "integer",
    "reassignment_count": "integer",
    "reopen_count": "integer",
    "source_sla_met": "boolean",
    "first_response_minutes": "number",
    "first_response_hours": "number",
    "source_resolution_minutes": "number",
    "source_resolution_business_minutes": "number",
    "source_response_minutes": "number",
    "event_at": "timestamp",
}
TIMESHEET_FIELDS: dict[str, str] = {
    "entry_id": "id",
    "work_date": "date",
    "started_at": "timestamp",
    "start_time": "time",
    "consultant": "name",
    "client": "name",
    "project": "text",
    "task": "text",
    "ticket_id": "id",
    "hours": "hours",
    "is_billable": "boolean",
    "description": "text",
    "team": "name",
    "role": "name",
}
FIELDS = {"tickets": TICKET_FIELDS, "timesheets": TIMESHEET_FIELDS}
REQUIRED = {
    "tickets": ["ticket_id", "created_at"],
    "timesheets": ["work_date", "consultant", "hours"],
}

# mapping value: a header as written in the file, {"concat": [headers], "sep": " "}, or
# {"positive": header} (a yes/no field read from a number: true above zero)
Mapping = dict[str, Any]


class MappingRefused(Exception):
    """The file cannot be read with this mapping; str(exc) names the problem."""


@dataclass(frozen=True)
class Source:
    """Where a canonical field's text comes from in the raw table."""

    columns: list[str]  # column names in the RawTable's table
    sep: str | None  # concat separator; None for a single column
    label: str  # how findings name the column: "Date" or "First Name + Last Name"
    positive: bool = False  # a yes/no field read from a number: true when above zero
    part: str | None = None  # a worklog part: `columns` are every repeat of the worklog header


def required_fields(kind: str, preset: Preset | None = None) -> list[str]:
    """Fields a file of this kind (and preset) cannot do without."""
    needed = list(REQUIRED[kind])
    if preset is not None and preset.event_log is not None:
        needed.append("event_at")
    return needed


def _resolve(spec: presets.ColumnSpec, index: dict[str, str]) -> str | dict[str, Any] | None:
    """The header (or concat / positive spec) of a column spec present in the file, else None."""
    if isinstance(spec, dict) and "positive" in spec:
        header = _resolve(spec["positive"], index)
        return None if header is None else {"positive": header}
    if isinstance(spec, dict) and "worklog" in spec:
        header = _resolve(spec["worklog"], index)
        return None if header is None else {"worklog": header, "part": spec["part"]}
    if isinstance(spec, dict):
        parts = [index.get(normalise_word(p)) for p in presets.candidates(spec)]
        if not parts or None in parts:
            return None
        return {"concat": parts, "sep": spec.get("sep", " ")}
    for candidate in presets.candidates(spec):
        if normalise_word(candidate) in index:
            return index[normalise_word(candidate)]
    return None


def _check_form(field: str, kind: str, spec: presets.ColumnSpec) -> None:
    """Refuse a number-above-zero source for a field that is not yes/no."""
    if isinstance(spec, dict) and "positive" in spec and FIELDS[kind][field] != "boolean":
        raise MappingRefused(f"'{field}' is not a yes/no field; it cannot be read as 'above zero'.")


def choose_mapping(preset: Preset, headers: list[str], override: Mapping | None = None) -> Mapping:
    """The preset's mapping for these headers, with the manager's corrections applied."""
    index = presets.header_index(headers)
    mapping: Mapping = {}
    for field, spec in preset.columns.items():
        if field in FIELDS[preset.kind]:
            _check_form(field, preset.kind, spec)
            found = _resolve(spec, index)
            if found is not None:
                mapping[field] = found
    for field, spec in (override or {}).items():
        if field not in FIELDS[preset.kind]:
            raise MappingRefused(f"'{field}' is not a {preset.kind} field.")
        if spec in (None, ""):
            mapping.pop(field, None)
            continue
        _check_form(field, preset.kind, spec)
        found = _resolve(spec, index)
        if found is None:
            missing = ", ".join(repr(c) for c in presets.candidates(spec))
            raise MappingRefused(f"Column {missing} mapped to {field} is not in the file.")
        mapping[field] = found
    return mapping


def _closest(field: str, kind: str, headers: list[str]) -> list[str]:
    """Headers of the file that look most like a missing field or one of its synonyms."""
    names = [field, field.replace("_", " ")]
    names += presets.candidates(presets.generic(kind).columns.get(field, []))
    index = presets.header_index(headers)
    scored: dict[str, float] = {}
    for name in names:
        for key in difflib.get_close_matches(normalise_word(name), list(index), n=3, cutoff=0.5):
            ratio = difflib.SequenceMatcher(None, normalise_word(name), key).ratio()
            scored[index[key]] = max(scored.get(index[key], 0.0), ratio)
    return sorted(scored, key=lambda h: -scored[h])[:3]


def missing_fields(mapping: Mapping, kind: str, preset: Preset | None) -> list[str]:
    """Required fields the mapping leaves out (a start timestamp stands in for the work date)."""
    missing = [f for f in required_fields(kind, preset) if f not in mapping]
    if "work_date" in missing and "started_at" in mapping:
        missing.remove("work_date")
    return missing


def check(
    mapping: Mapping, kind: str, preset: Preset, headers: list[str], duplicates: list[str]
) -> None:
    """Refuse a mapping that misses required fields or uses a header present twice."""
    missing = missing_fields(mapping, kind, preset)
    if missing:
        parts = []
        for field in missing:
            near = _closest(field, kind, headers)
            hint = ", ".join(f"'{h}'" for h in near) if near else "none"
            parts.append(f"{field} (closest headers: {hint})")
        raise MappingRefused(
            f"No column found for the required {kind} field(s): " + "; ".join(parts) + "."
        )
    twice = {normalise_word(h) for h in duplicates}
    for field, spec in mapping.items():
        if isinstance(spec, dict) and "worklog" in spec:
            continue  # worklog cells are meant to repeat: each one is an entry
        for header in presets.candidates(spec):
            if normalise_word(header) in twice:
                raise MappingRefused(
                    f"Column '{header}' appears twice in the file; it is needed for {field}."
                )


UNUSED_REPEAT = "column repeated in the file; no field reads it, so it is not imported"


def unused_duplicates(mapping: Mapping, duplicates: list[str]) -> list[tuple]:
    """A warning finding per repeated header the mapping does not read (a used one is refused
    by `check`): Jira repeats Labels, Comment, Watchers, Log Work... as lists."""
    used = {normalise_word(h) for spec in mapping.values() for h in presets.candidates(spec)}
    return [
        (None, header, None, UNUSED_REPEAT)
        for header in duplicates
        if normalise_word(header) not in used
    ]


def sources(
    mapping: Mapping, headers: list[str], columns: list[str] | None = None
) -> dict[str, Source]:
    """The raw-table columns of each mapped field (first occurrence of a header)."""
    names: dict[str, str] = {}
    repeats: dict[str, list[str]] = {}
    for header, column in zip(headers, columns or headers, strict=True):
        names.setdefault(header, column)
        repeats.setdefault(header, []).append(column)
    index = presets.header_index(headers)
    found: dict[str, Source] = {}
    for field, spec in mapping.items():
        if isinstance(spec, dict) and "worklog" in spec:
            header = index[normalise_word(spec["worklog"])]
            label = f"{header} ({spec['part']})"
            found[field] = Source(repeats[header], None, label, part=spec["part"])
            continue
        picked = [names[index[normalise_word(h)]] for h in presets.candidates(spec)]
        concat = isinstance(spec, dict) and "concat" in spec
        sep = spec.get("sep", " ") if concat else None
        label = " + ".join(index[normalise_word(h)] for h in presets.candidates(spec))
        positive = isinstance(spec, dict) and "positive" in spec
        found[field] = Source(columns=picked, sep=sep, label=label, positive=positive)
    return found


def detect_kind(headers: list[str]) -> str | None:
    """The kind whose generic required fields the headers satisfy (the better fit if both)."""
    fits = []
    for kind in presets.KINDS:
        generic = presets.generic(kind)
        mapping = choose_mapping(generic, headers)
        if not missing_fields(mapping, kind, None):
            fits.append((len(mapping) / len(generic.columns), kind))
    return max(fits)[1] if fits else None
