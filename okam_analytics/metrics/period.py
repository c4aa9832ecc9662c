"""The as-of date and the reporting period shared by every metric."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import duckdb

LATEST_SQL = """
select max(t) from (
    select max(greatest(created_at, coalesce(resolved_at, created_at),
                        coalesce(closed_at, created_at))) as t from tickets
    union all
    select max(work_date)::timestamp from time_entries
)
"""


@dataclass(frozen=True)
class Period:
    """Inclusive dates; as_of is the state at the end of day as_of_date."""

    as_of_date: date
    date_from: date
    date_to: date

    @property
    def as_of(self) -> datetime:
        """The end of the as-of day (exclusive bound): the state 'at the end of day D'."""
        return datetime.combine(self.as_of_date + timedelta(days=1), time())


def latest_data_date(con: duckdb.DuckDBPyConnection) -> date:
    """The latest day present in tickets or time entries (today when empty)."""
    latest = con.execute(LATEST_SQL).fetchall()[0][0]
    return latest.date() if latest else date.today()


def parse_day(value: str | date | None, what: str) -> date | None:
    """An ISO date (YYYY-MM-DD) or None; a clear error otherwise."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{what} must be a date like 2026-01-31, got {value!r}.") from exc


def year_before(day: date) -> date:
    """The first day of the 12 months that end on day (inclusive)."""
    same_day = (
        day.replace(year=day.year - 1, day=28)
        if (day.month, day.day) == (2, 29)
        else day.replace(year=day.year - 1)
    )
    return same_day + timedelta(days=1)


def resolve(
    con: duckdb.DuckDBPyConnection,
    as_of: str | date | None = None,
    date_from: str | date | None = None,
    date_to: str | date | None = None,
) -> Period:
    """Defaults: as-of = latest data day; period = the 12 months up to the as-of day."""
    as_of_day = parse_day(as_of, "--as-of") or latest_data_date(con)
    to_day = parse_day(date_to, "--to") or as_of_day
    from_day = parse_day(date_from, "--from") or year_before(to_day)
    if from_day > to_day:
        raise ValueError(f"The period starts ({from_day}) after it ends ({to_day}).")
    return Period(as_of_day, from_day, to_day)
