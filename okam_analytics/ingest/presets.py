"""Import presets: one declarative TOML per tool, loaded and matched against a header row."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

PRESET_DIR = Path(__file__).resolve().parents[1] / "presets"
KINDS = ("tickets", "timesheets")
GENERIC = {"tickets": "generic_tickets", "timesheets": "generic_timesheets"}

# A column source: one header, a list of candidate headers, {concat = [...], sep = " "}, or
# {positive = header or [candidates]} (a yes/no field true when that number is above zero),
# or {worklog = header or [candidates], part = ...} (see WORKLOG_PARTS).
ColumnSpec = str | list[str] | dict[str, Any]
# A detect entry: a header that must be present, or a list of headers of which one must be.
DetectItem = str | list[str]
SPEC_FORMS = ("concat", "positive", "worklog")
# {worklog = header or [candidates], part = ...}: one part of the repeated worklog cells
# "comment;date;author;seconds" (Jira's Log Work), each cell a time entry of its row
WORKLOG_PARTS = ("comment", "date", "author", "hours")
# [cleaning] flags a preset may set: how its tool writes cells (applied by ingest/cleaning.py)
CLEANING_FLAGS = {
    "html_entities": bool,  # &amp; &#039; ... decoded
    "strip_user_ids": bool,  # "Marie Dupont (1974)" is Marie Dupont
    "id_digit_grouping": bool,  # "49 541" (also with a no-break space) is 49541
    "actor_separator": str,  # several actors in one cell: the first one is kept
    "duration_words": bool,  # "2 heures 52 minutes" read as a duration
}


class UnknownPreset(KeyError):
    """A preset name that no TOML file defines."""

    def __str__(self) -> str:
        names = ", ".join(sorted(all_presets()))
        return f"Unknown preset '{self.args[0]}' (known: {names})."


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    kind: str
    detect: list[DetectItem] = field(default_factory=list)
    date_formats: list[str] = field(default_factory=list)
    time_formats: list[str] = field(default_factory=list)
    decimal: str = "."
    duration: str = "decimal"
    null_values: list[str] = field(default_factory=list)
    columns: dict[str, ColumnSpec] = field(default_factory=dict)
    split_last: dict[str, str] = field(default_factory=dict)
    priority: dict[str, str] = field(default_factory=dict)  # normalised word -> P1..P4
    status: dict[str, str] = field(default_factory=dict)  # normalised word -> open|pending|...
    boolean: dict[str, bool] = field(default_factory=dict)  # normalised word -> bool
    scale: dict[str, float] = field(default_factory=dict)  # number field -> factor (hours -> x60)
    event_log: dict[str, Any] | None = None
    cleaning: dict[str, Any] = field(default_factory=dict)

    @property
    def is_generic(self) -> bool:
        """A fallback preset that matches columns by synonyms rather than by tool."""
        return self.name in GENERIC.values()


def normalise_word(text: str) -> str:
    """Casefold, strip accents and collapse whitespace: how headers and words are compared."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", bare).strip().lower()


def _vocabulary(table: dict[str, Any]) -> dict[str, Any]:
    return {normalise_word(k): v for k, v in table.items()}


def _scale(name: str, table: dict[str, Any]) -> dict[str, float]:
    """The [scale] table: field -> a positive number (bool is not a number here)."""
    for field_name, factor in table.items():
        if isinstance(factor, bool) or not isinstance(factor, int | float) or factor <= 0:
            raise ValueError(f"Preset {name!r}: [scale] {field_name} must be a positive number.")
    return {k: float(v) for k, v in table.items()}


def _cleaning(name: str, table: dict[str, Any]) -> dict[str, Any]:
    """The [cleaning] table: known flags only, each of its type."""
    for flag, value in table.items():
        if flag not in CLEANING_FLAGS or not isinstance(value, CLEANING_FLAGS[flag]):
            known = ", ".join(CLEANING_FLAGS)
            raise ValueError(f"Preset {name!r}: [cleaning] {flag} is not one of {known}.")
    return dict(table)


def _columns(name: str, table: dict[str, Any]) -> dict[str, ColumnSpec]:
    """The [columns] table, each inline table of exactly one known form."""
    for field_name, spec in table.items():
        if isinstance(spec, dict) and len([f for f in SPEC_FORMS if f in spec]) != 1:
            raise ValueError(
                f"Preset {name!r}: column {field_name} needs one of {', '.join(SPEC_FORMS)}."
            )
        if isinstance(spec, dict) and "worklog" in spec and spec.get("part") not in WORKLOG_PARTS:
            raise ValueError(
                f"Preset {name!r}: column {field_name} needs a part among {', '.join(WORKLOG_PARTS)}."
            )
    return dict(table)


def parse_preset(data: dict[str, Any]) -> Preset:
    """A Preset from the dict of one TOML file."""
    kind = data.get("kind")
    if kind not in KINDS:
        raise ValueError(f"Preset {data.get('name')!r} has an unknown kind {kind!r}.")
    return Preset(
        name=data["name"],
        label=data.get("label", data["name"]),
        kind=kind,
        detect=list(data.get("detect", [])),
        date_formats=list(data.get("date_formats", [])),
        time_formats=list(data.get("time_formats", [])),
        decimal=data.get("decimal", "."),
        duration=data.get("duration", "decimal"),
        null_values=[str(v) for v in data.get("null_values", [])],
        columns=_columns(data["name"], data.get("columns", {})),
        split_last=dict(data.get("split_last", {})),
        priority=_vocabulary(data.get("priority", {})),
        status=_vocabulary(data.get("status", {})),
        boolean=_vocabulary(data.get("boolean", {})),
        scale=_scale(data["name"], data.get("scale", {})),
        event_log=data.get("event_log"),
        cleaning=_cleaning(data["name"], data.get("cleaning", {})),
    )


@cache
def all_presets() -> dict[str, Preset]:
    """Every preset of okam_analytics/presets/, by name."""
    found: dict[str, Preset] = {}
    for path in sorted(PRESET_DIR.glob("*.toml")):
        with path.open("rb") as handle:
            preset = parse_preset(tomllib.load(handle))
        found[preset.name] = preset
    return found


def get(name: str) -> Preset:
    """The preset called name, or UnknownPreset."""
    try:
        return all_presets()[name]
    except KeyError:
        raise UnknownPreset(name) from None


def generic(kind: str) -> Preset:
    """The synonym-matching fallback preset of a kind."""
    return get(GENERIC[kind])


def header_index(headers: list[str]) -> dict[str, str]:
    """Normalised header -> header as written (first occurrence wins)."""
    index: dict[str, str] = {}
    for header in headers:
        index.setdefault(normalise_word(header), header)
    return index


def candidates(spec: ColumnSpec) -> list[str]:
    """The header names a column spec may refer to."""
    if isinstance(spec, str):
        return [spec]
    if isinstance(spec, list):
        return [str(s) for s in spec]
    if "positive" in spec:
        return candidates(spec["positive"])
    if "worklog" in spec:
        return candidates(spec["worklog"])
    return [str(s) for s in spec.get("concat", [])]


def alternatives(item: DetectItem) -> list[str]:
    """The headers any one of which satisfies a detect entry."""
    return [item] if isinstance(item, str) else [str(h) for h in item]


def is_present(spec: ColumnSpec, index: dict[str, str]) -> bool:
    """Whether the file has what a column spec needs: every part of a concat, else one
    candidate."""
    found = [normalise_word(c) in index for c in candidates(spec)]
    return all(found) if isinstance(spec, dict) and "concat" in spec else any(found)


def detect(headers: list[str], kind: str | None = None) -> list[tuple[Preset, float]]:
    """Presets ranked by fit to a header row: tool presets whose detect entries are all present
    (a list entry by any one of its headers) first (score >= 1), then the generic presets
    (score < 1, the share of their fields found)."""
    index = header_index(headers)
    ranked: list[tuple[Preset, float]] = []
    for preset in all_presets().values():
        if kind and preset.kind != kind:
            continue
        found = sum(is_present(spec, index) for spec in preset.columns.values())
        if preset.is_generic:
            ranked.append((preset, round(0.9 * found / max(len(preset.columns), 1), 3)))
        elif preset.detect and all(
            any(normalise_word(h) in index for h in alternatives(item)) for item in preset.detect
        ):
            ranked.append((preset, round(1 + len(preset.detect) + found / 100, 3)))
    ranked.sort(key=lambda pair: (-pair[1], pair[0].name))
    return ranked
