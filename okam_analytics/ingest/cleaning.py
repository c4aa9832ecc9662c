"""Cells as the tools write them: a preset's [cleaning] flags turned into SQL on a cell.

Each rule is a macro of sql/ingest_macros.sql applied set-wise to the column's text, before
the value is typed; which rules apply depends on the field's value type (ids, names, texts,
durations). No rule runs unless the preset declares it.
"""

from __future__ import annotations

from typing import Any, Protocol

TEXTUAL = ("id", "name", "text", "priority", "status")
PEOPLE = ("assignee", "consultant")  # the fields a user id may follow: "Marie Dupont (1974)"
DURATION_UNIT = {"hours": 1.0, "number": 60.0}  # a duration field in hours, or in minutes


class Binder(Protocol):
    def bind(self, value: Any) -> str: ...


def duration_text(expr: str, field: str) -> str:
    """A duration in words as the number of the field's unit (hours, or minutes for a
    `*_minutes` field), as text; other values unchanged."""
    factor = DURATION_UNIT["number"] if field.endswith("_minutes") else DURATION_UNIT["hours"]
    words = f"okam_duration_words({expr})"
    return f"coalesce(printf('%.9f', {words} * {factor}), {expr})"


def apply(field: str, kind_of: str, expr: str, rules: dict[str, Any], params: Binder) -> str:
    """SQL for a cell's text after the preset's cleaning rules (expr unchanged without any)."""
    if not rules:
        return expr
    if rules.get("html_entities") and kind_of in TEXTUAL:
        expr = f"okam_unescape_html({expr})"
    if kind_of == "name" and field != "client" and rules.get("actor_separator"):
        expr = f"okam_first_actor({expr}, {params.bind(rules['actor_separator'])})"
    if field in PEOPLE and rules.get("strip_user_ids"):
        expr = f"okam_strip_user_id({expr})"
    if kind_of == "id" and rules.get("id_digit_grouping"):
        expr = f"okam_ungroup_digits({expr})"
    timed = kind_of == "hours" or field.endswith(("_minutes", "_hours"))
    if rules.get("duration_words") and timed:
        expr = duration_text(expr, field)
    return expr
