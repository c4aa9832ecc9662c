"""Raw export text -> typed canonical values, set-wise in the RawTable's private connection.

Builds table `staged`: `__line`, every canonical field typed (unmapped ones NULL), the text as
read of each parsed field as `r_<field>` (for the findings), `priority_raw`, `status_raw`, the
flags `__priority_known` / `__status_known` (false when the word is in no vocabulary) and, for
time entries without a source id, `__content_hash`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import duckdb

from okam_analytics import db
from okam_analytics.ingest import cleaning, date_columns, dates, presets
from okam_analytics.ingest.map import FIELDS, Source
from okam_analytics.ingest.presets import Preset

SQL_TYPES = {
    "id": "varchar",
    "text": "varchar",
    "name": "varchar",
    "priority": "varchar",
    "status": "varchar",
    "timestamp": "timestamp",
    "date": "date",
    "time": "time",
    "number": "double",
    "integer": "integer",
    "hours": "double",
    "boolean": "boolean",
}
VOCABULARY_TYPES = ("priority", "status", "boolean")
# Types whose text is parsed: staged keeps the text too (r_<field>) for the findings.
PARSED = ("timestamp", "date", "time", "number", "integer", "hours", *VOCABULARY_TYPES)
DURATION_UNITS = {"decimal": 1.0, "hms": 1.0, "minutes": 60.0, "seconds": 3600.0}
# What identifies a time entry without a source id (plus its occurrence number in the file).
ENTRY_CONTENT = [
    "consultant", "work_date", "started_at", "client", "project", "task", "ticket_id",
    "hours", "description",
]  # fmt: skip


def quote(name: str) -> str:
    """A safely quoted SQL identifier (embedded quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


class Params:
    """Collects bound values while SQL text is generated; only `$pN` names reach the text."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def bind(self, value: Any) -> str:
        """The `$name` standing for value in the SQL text."""
        name = f"p{len(self.values)}x"  # no name is a prefix of another
        self.values[name] = value
        return f"${name}"


def clean_expr(field: str, source: Source, preset: Preset, params: Params) -> str:
    """SQL for a field's raw text: null words removed, concatenated, cleaned as the preset
    declares, last segment kept.
    (The reader already trims values and turns empty cells into NULL.)"""
    parts = [quote(c) for c in source.columns]
    expr = parts[0]
    if source.sep is not None:
        expr = f"nullif(concat_ws({params.bind(source.sep)}, {', '.join(parts)}), '')"
    if preset.null_values:
        nulls = params.bind(preset.null_values)
        expr = f"(case when list_contains({nulls}, {expr}) then null else {expr} end)"
    expr = cleaning.apply(field, FIELDS[preset.kind][field], expr, preset.cleaning, params)
    if field in preset.split_last:
        sep = params.bind(preset.split_last[field])
        expr = f"nullif(trim(split_part({expr}, {sep}, -1)), '')"
    return expr


def raw_column(kind: str, field: str) -> str:
    """The staged column holding a field's text as read: r_<field> for parsed fields."""
    return f"r_{field}" if FIELDS[kind][field] in PARSED else field


@dataclass(frozen=True)
class Built:
    """What build_staged decided: the main date format, and column-level warnings."""

    date_format: str | None
    findings: list[tuple] = dataclasses.field(default_factory=list)  # (line, column, ...)


def typed_expr(
    kind_of: str,
    r: str,
    preset: Preset,
    date_format: dates.DateFormat | None,
    params: Params,
    scale: float | None = None,
) -> str:
    """SQL typing the cleaned text `r` of one field (`positive`: a number read as yes/no;
    `scale` multiplies a number, e.g. hours into a minutes field)."""
    comma = preset.decimal == ","
    number = f"okam_number_{'comma' if comma else 'dot'}({r})"
    if scale is not None and kind_of in ("number", "integer"):
        # rounded: 1.81 h is 108.6 min, not 108.60000000000001
        number = f"round({number} * {params.bind(scale)}, 6)"
    if kind_of == "positive":
        return f"{number} > 0"  # null stays null: an empty cell says nothing
    if kind_of in ("timestamp", "date"):
        stamp = date_columns.date_expr(r, date_format or dates.DateFormat(), params)
        return stamp if kind_of == "timestamp" else f"cast({stamp} as date)"
    if kind_of == "time":
        clock = f"try_cast({r} as time)"
        if preset.time_formats:
            formats_param = params.bind(preset.time_formats)
            clock = f"coalesce(cast(try_strptime({r}, {formats_param}) as time), {clock})"
        return clock
    if kind_of == "number":
        return number
    if kind_of == "integer":
        return f"try_cast(round({number}) as integer)"
    if kind_of == "hours":
        unit = params.bind(DURATION_UNITS.get(preset.duration, 1.0))
        # H:MM[:SS] is recognised whatever the preset says; the expected shape is tried first
        if preset.duration == "hms":
            return f"coalesce(okam_hms({r}), {number} / {unit})"
        return f"coalesce({number} / {unit}, okam_hms({r}))"
    return r


def register_vocabulary(con: duckdb.DuckDBPyConnection, preset: Preset) -> None:
    """Table `vocab(kind, key, value, rank)`: the preset's words (rank 0) then the generic ones."""
    rows: list[tuple[str, str, str, int]] = []
    fallbacks = [presets.generic(k) for k in presets.KINDS]
    for rank, source in enumerate([preset, *fallbacks]):
        for kind_of in VOCABULARY_TYPES:
            for key, value in getattr(source, kind_of).items():
                rows.append(
                    (kind_of, key, str(value).lower() if kind_of == "boolean" else str(value), rank)
                )
    kinds, keys, values, ranks = (list(column) for column in zip(*rows, strict=True))
    con.execute(
        "create or replace temp table vocab as select unnest($kinds) as kind, unnest($keys) as key,"
        " unnest($values) as value, unnest($ranks)::integer as rank",
        {"kinds": kinds, "keys": keys, "values": values, "ranks": ranks},
    )


def build_vocabulary_map(
    con: duckdb.DuckDBPyConnection, table: str, name: str, kind_of: str, clean: str, params: Params
) -> None:
    """Table `name`(raw_value, value, known): each distinct word of a column, interpreted."""
    guess = {"priority": "okam_priority_guess(key)", "status": "okam_status_guess(key)"}.get(
        kind_of, "null"
    )
    kind_param = params.bind(kind_of)
    sql = f"""
        create or replace temp table {quote(name)} as
        with words as (
            select raw_value, okam_key(raw_value) as key
            from (select distinct {clean} as raw_value from {quote(table)})
            where raw_value is not null
        ),
        hits as (
            select w.raw_value, arg_min(v.value, v.rank) as value
            from words w join vocab v on v.kind = {kind_param} and v.key = w.key
            group by w.raw_value
        )
        select w.raw_value, coalesce(h.value, {guess}) as value, h.value is not null as known
        from words w left join hits h using (raw_value)
    """
    db.run_sql(con, sql, **params.values)


def vocabulary_join(
    con: duckdb.DuckDBPyConnection,
    table: str,
    field: str,
    kind_of: str,
    clean: str,
    params: Params,
    joins: list[str],
) -> list[str]:
    """Build the field's word map, add its join; the select items it gives."""
    alias, name = f"v_{field}", f"map_{field}"
    build_vocabulary_map(con, table, name, kind_of, clean, params)
    joins.append(f"left join {quote(name)} {alias} on {alias}.raw_value = c.{quote('r_' + field)}")
    if kind_of == "boolean":
        return [f"cast({alias}.value as boolean) as {quote(field)}"]
    return [
        f"{alias}.value as {quote(field)}",
        f"{alias}.known as {quote('__' + field + '_known')}",
    ]


def build_staged(
    con: duckdb.DuckDBPyConnection,
    table: str,
    kind: str,
    preset: Preset,
    sources: dict[str, Source],
    day_first: bool = True,
) -> Built:
    """Create `staged` from the raw table; each date column parsed with its inferred format
    (day_first: the calendar locale's order, for columns no value decides)."""
    con.execute(db.sql_text("ingest_macros"))
    register_vocabulary(con, preset)
    params = Params()
    fields = FIELDS[kind]
    cleans = {f: clean_expr(f, s, preset, params) for f, s in sources.items()}
    date_cleans = {f: cleans[f] for f in cleans if fields[f] in ("timestamp", "date")}
    formats = date_columns.infer_formats(con, table, date_cleans, preset, day_first, params)
    cleaned, selects, joins = ["__line"], ["c.*"], []
    for field, kind_of in fields.items():
        if field not in sources:
            selects.append(f"cast(null as {SQL_TYPES[kind_of]}) as {quote(field)}")
        elif kind_of not in PARSED:
            text = f"okam_name({cleans[field]})" if kind_of == "name" else cleans[field]
            cleaned.append(f"{text} as {quote(field)}")
        elif kind_of in VOCABULARY_TYPES and not sources[field].positive:
            cleaned.append(f"{cleans[field]} as {quote('r_' + field)}")
            selects += vocabulary_join(con, table, field, kind_of, cleans[field], params, joins)
        else:
            cleaned.append(f"{cleans[field]} as {quote('r_' + field)}")
            how = "positive" if sources[field].positive else kind_of
            r = f"c.{quote('r_' + field)}"
            fmt = formats.get(field)
            expr = typed_expr(how, r, preset, fmt, params, preset.scale.get(field))
            selects.append(f"cast({expr} as {SQL_TYPES[kind_of]}) as {quote(field)}")
    fix, replaced = derived(kind, sources)
    exclude = f" exclude ({', '.join(quote(c) for c in replaced)})" if replaced else ""
    sql = f"""
        create or replace table staged as
        with c as (select {", ".join(cleaned)} from {quote(table)}),
        t as (select {", ".join(selects)} from c {" ".join(joins)})
        select *{exclude}{"".join(", " + f for f in fix)} from t
    """
    db.run_sql(con, sql, **params.values)
    main = next((formats[f] for f in date_columns.MAIN_DATES if f in formats), None)
    return Built(main.label if main else None, date_columns.ambiguity_findings(formats, sources))


def timesheet_derived(sources: dict[str, Source]) -> tuple[list[str], list[str]]:
    """Start time on the work date, work date of a start; the content hash of an entry."""
    made: dict[str, str] = {}
    if "started_at" not in sources and "start_time" in sources:
        made["started_at"] = "work_date + start_time"
    if "work_date" not in sources and "started_at" in sources:
        made["work_date"] = "cast(started_at as date)"
    fix = [f"{expr} as {name}" for name, expr in made.items()]
    if "entry_id" not in sources:
        # identifies an entry without a source id; md5 is stable across DuckDB versions
        content = ", ".join(
            f"coalesce(cast({made.get(c, c)} as varchar), chr(1))" for c in ENTRY_CONTENT
        )
        fix.append(f"md5(concat_ws(chr(31), {content})) as __content_hash")
    return fix, list(made)


def derived(kind: str, sources: dict[str, Source]) -> tuple[list[str], list[str]]:
    """Select items computed from typed fields, and the typed columns they replace."""
    if kind == "timesheets":
        return timesheet_derived(sources)
    fix = [
        "r_priority as priority_raw"
        if "priority" in sources
        else "cast(null as varchar) as priority_raw",
        "r_status as status_raw" if "status" in sources else "cast(null as varchar) as status_raw",
        # a ticket whose status word means nothing is placed by its own dates
        "coalesce(status, case when closed_at is not null then 'closed'"
        " when resolved_at is not null then 'resolved' else 'open' end) as status",
    ]
    replaced = ["status"]
    delay = {
        "first_response_minutes": "first_response_minutes",
        "first_response_hours": "first_response_hours * 60",
    }
    for field, minutes in delay.items():
        if "first_response_at" not in sources and field in sources:
            fix.append(
                "created_at + to_microseconds(cast(round("
                f"{minutes} * 60000000) as bigint)) as first_response_at"
            )
            replaced.append("first_response_at")
            break
    for counter in ("escalation_level", "reassignment_count", "reopen_count"):
        fix.append(f"coalesce({counter}, 0) as {counter}")
        replaced.append(counter)
    return fix, replaced
