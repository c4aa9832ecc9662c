"""Row validation (SPEC 7), set-wise: findings, then the `canonical` table of rows that load.

A row is rejected only when it cannot be interpreted or is impossible (no id, date or hours;
unparseable or impossible dates; negative hours or more than 24 in one entry; resolved or
closed before created). What is odd but usable is a warning and the row loads.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from okam_analytics import db
from okam_analytics.ingest.map import FIELDS, Source
from okam_analytics.ingest.normalise import Params, quote, raw_column

FINDINGS_DDL = (
    'create or replace table findings (line bigint, "column" varchar, value varchar,'
    " reason varchar, severity varchar)"
)
TICKET_COLUMNS = [
    "ticket_id", "client", "title", "category", "priority", "priority_raw", "status",
    "status_raw", "assignee", "team", "created_at", "first_response_at", "resolved_at",
    "closed_at", "escalation_level", "reassignment_count", "reopen_count", "source_sla_met",
    "source_resolution_minutes", "source_resolution_business_minutes",
    "source_response_minutes", "event_at", "__line",
]  # fmt: skip
TIMESHEET_COLUMNS = [
    "entry_id", "work_date", "started_at", "consultant", "client", "project", "task",
    "ticket_id", "hours", "is_billable", "description", "team", "role", "__line",
]  # fmt: skip
MISSING = {
    "ticket_id": "missing ticket id",
    "created_at": "missing creation date",
    "event_at": "missing event date",
    "work_date": "missing work date",
    "consultant": "missing consultant",
    "hours": "missing hours",
}
UNREADABLE = {
    "timestamp": ("unparseable or impossible date", "reject"),
    "date": ("unparseable or impossible date", "reject"),
    "time": ("unparseable time of day", "reject"),
    "hours": ("unreadable hours", "reject"),
    "number": ("unreadable number; left empty", "warning"),
    "integer": ("unreadable number; left empty", "warning"),
    "boolean": ("unknown yes/no word; left empty", "warning"),
}


@dataclass(frozen=True)
class Check:
    where: str  # condition on a row of the checked table
    column: str  # the file's column the finding names
    value: str  # SQL for the offending text
    reason: str  # SQL for the reason (usually a bound constant)
    severity: str


class Checks:
    """Accumulates findings rules for one file; renders them as one union query."""

    def __init__(self, kind: str, sources: dict[str, Source], params: Params) -> None:
        self.kind, self.sources, self.params, self.items = kind, sources, params, []

    def add(
        self, where: str, field: str, reason: str, severity: str, value: str | None = None
    ) -> None:
        """One rule: rows of `where` are findings about `field` (reason text, or "sql:..")."""
        label = self.sources[field].label if field in self.sources else field
        raw = raw_column(self.kind, field)
        value_sql = value or (quote(raw) if field in self.sources else "null")
        reason_sql = self.params.bind(reason) if not reason.startswith("sql:") else reason[4:]
        self.items.append(Check(where, label, value_sql, reason_sql, severity))

    def union(self, table: str) -> str:
        """The findings of every rule over a table, as one query."""
        return " union all ".join(
            f"select __line, {self.params.bind(c.column)}, cast({c.value} as varchar), {c.reason},"
            f" {self.params.bind(c.severity)} from {quote(table)} where {c.where}"
            for c in self.items
        )


def reject_checks(
    kind: str, sources: dict[str, Source], required: list[str], params: Params
) -> Checks:
    """Rules that keep a row out."""
    checks = Checks(kind, sources, params)
    fields = FIELDS[kind]
    for field in required:
        if field in sources:
            checks.add(f"{raw_column(kind, field)} is null", field, MISSING[field], "reject")
        elif field == "work_date" and "started_at" in sources:
            checks.add("r_started_at is null", "started_at", MISSING[field], "reject")
    for field, kind_of in fields.items():
        reason = UNREADABLE.get(kind_of)
        if field in sources and reason and reason[1] == "reject":
            checks.add(f"r_{field} is not null and {field} is null", field, *reason)
    if kind == "tickets":
        for field in ("resolved_at", "closed_at"):
            if field in sources:
                what = field.split("_")[0]
                checks.add(f"{field} < created_at", field, f"{what} before created", "reject")
    elif "hours" in sources:
        checks.add("hours < 0", "hours", "negative hours", "reject")
        checks.add("hours > 24", "hours", "more than 24 hours in one entry", "reject")
    return checks


def warning_checks(kind: str, sources: dict[str, Source], params: Params) -> Checks:
    """Rules that flag a row that still loads."""
    checks = Checks(kind, sources, params)
    for field, kind_of in FIELDS[kind].items():
        reason = UNREADABLE.get(kind_of)
        if field in sources and reason and reason[1] == "warning":
            checks.add(f"r_{field} is not null and {field} is null", field, *reason)
    if "priority" in sources:
        known = params.bind("unknown priority word; left empty")
        guess = params.bind("unknown priority word; read as ")
        reason = f"sql:case when priority is null then {known} else {guess} || priority end"
        checks.add("not __priority_known", "priority", reason, "warning")
    if "status" in sources:
        checks.add(
            "not __status_known",
            "status",
            f"sql:{params.bind('unknown status word; read as ')} || status",
            "warning",
        )
    response = ("first_response_at", "first_response_minutes", "first_response_hours")
    given = [f for f in response if f in sources]
    if kind == "tickets" and given:
        checks.add(
            "first_response_at < created_at",
            given[0],
            "first response before creation; left empty",
            "warning",
        )
    return checks


def run_checks(con: duckdb.DuckDBPyConnection, checks: Checks, table: str) -> None:
    """Append the findings of some checks over a table."""
    if checks.items:
        sql = f"insert into findings {checks.union(table)}"
        db.run_sql(con, sql, **checks.params.values)


def keep_valid(con: duckdb.DuckDBPyConnection) -> str:
    """The relation of rows without a reject: staged itself when nothing was rejected."""
    con.execute(
        "create or replace temp table rejected as"
        " select distinct line from findings where severity = 'reject'"
    )
    if not con.execute("select count(*) from rejected").fetchall()[0][0]:
        return "staged"
    con.execute(
        "create or replace view kept as"
        " select * from staged s anti join rejected r on r.line = s.__line"
    )
    return "kept"


def mark_duplicates(
    con: duckdb.DuckDBPyConnection, table: str, field: str, sources: dict[str, Source]
) -> bool:
    """Warn on earlier rows of an id present twice in the file (the last one wins); any found?"""
    key = quote(field)
    con.execute(
        f"""
        create or replace temp table dropped as
        with twice as (
            select {key} as id, max(__line) as kept_line from {quote(table)}
            where {key} is not null group by {key} having count(*) > 1
        )
        select t.__line as line, t.{key} as id, twice.kept_line
        from {quote(table)} t join twice on twice.id = t.{key}
        where t.__line < twice.kept_line
        """
    )
    con.execute(
        "insert into findings select line, $column, id, $reason || kept_line || ' kept', 'warning'"
        " from dropped",
        {
            "column": sources[field].label,
            "reason": f"duplicate {field.replace('_', ' ')} in this file; line ",
        },
    )
    return bool(con.execute("select count(*) from dropped").fetchall()[0][0])


def ticket_canonical(
    con: duckdb.DuckDBPyConnection, table: str, sources: dict[str, Source], event_log: bool
) -> None:
    """View canonical = valid ticket rows (last of duplicates), early first responses emptied."""
    dropped = not event_log and mark_duplicates(con, table, "ticket_id", sources)
    columns = [quote(c) for c in TICKET_COLUMNS]
    columns[TICKET_COLUMNS.index("first_response_at")] = (
        "case when first_response_at < created_at then null else first_response_at end"
        " as first_response_at"
    )
    skip = " anti join dropped d on d.line = t.__line" if dropped else ""
    con.execute(
        f"create or replace view canonical as"
        f" select {', '.join(columns)} from {quote(table)} t{skip}"
    )


def timesheet_canonical(
    con: duckdb.DuckDBPyConnection, table: str, sources: dict[str, Source]
) -> None:
    """View canonical = valid time entries with their entry_key: the source id, else the
    content hash and the occurrence number among identical rows of the file."""
    columns = ", ".join(quote(c) for c in TIMESHEET_COLUMNS)
    if "entry_id" in sources:
        dropped = mark_duplicates(con, table, "entry_id", sources)
        skip = " anti join dropped d on d.line = t.__line" if dropped else ""
        con.execute(
            f"create or replace view canonical as select {columns}, entry_id as entry_key"
            f" from {quote(table)} t{skip}"
        )
        return
    # only identical rows need numbering: the rest is occurrence 1 (no window over the file)
    con.execute(
        f"""
        create or replace temp table occurrences as
        with twice as (
            select __content_hash from {quote(table)} group by __content_hash having count(*) > 1
        )
        select __line, row_number() over same_content as occurrence,
            min(__line) over same_content as first_line
        from {quote(table)} semi join twice using (__content_hash)
        window same_content as (partition by __content_hash order by __line)
        """
    )
    numbered = con.execute("select count(*) from occurrences").fetchall()[0][0]
    occurrence = "coalesce(o.occurrence, 1)" if numbered else "1"
    join = " left join occurrences o on o.__line = t.__line" if numbered else ""
    con.execute(
        f"""
        create or replace view canonical as
        select {", ".join("t." + quote(c) for c in TIMESHEET_COLUMNS)},
            t.__content_hash || '-' || {occurrence} as entry_key
        from {quote(table)} t{join}
        """
    )
    con.execute(
        "insert into findings select __line, $column, null,"
        " $reason || first_line || '; both loaded', 'warning'"
        " from occurrences where occurrence > 1",
        {"column": "(row)", "reason": "duplicate of line "},
    )


def validate(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    sources: dict[str, Source],
    required: list[str],
    event_log: bool,
) -> None:
    """Create `findings` (line, column, value, reason, severity) and `canonical` from `staged`."""
    params = Params()
    con.execute(FINDINGS_DDL)
    run_checks(con, reject_checks(kind, sources, required, params), "staged")
    table = keep_valid(con)
    run_checks(con, warning_checks(kind, sources, Params()), table)
    if kind == "tickets":
        ticket_canonical(con, table, sources, event_log)
    else:
        timesheet_canonical(con, table, sources)
