"""At risk and breached open escalations at a given moment (SPEC 11), on each priority's clock.

An open escalation is at risk once its response (until the first response) or its resolution
has consumed `alerts.at_risk_share` of its target, breached at 100 %. Computed set-wise over
the escalation_tickets view of metrics/escalations.py, evaluated at `now` instead of the end
of a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb
import pandas as pd

from okam_analytics import db
from okam_analytics.metrics import escalations
from okam_analytics.metrics.period import Period

RISK_COLUMNS = [
    "source", "ticket_id", "client", "priority", "assignee", "created_at", "clock", "target",
    "response_share", "resolution_share", "consumed_share", "minutes_left", "risk_state",
]  # fmt: skip
RISK_STATES = ("ok", "at_risk", "breached")


@dataclass(frozen=True)
class Moment(Period):
    """A period whose state is read at an exact local time, not at the end of a day."""

    now: datetime

    @property
    def as_of(self) -> datetime:
        """The evaluated moment (exclusive bound, like Period.as_of)."""
        return self.now


def moment(con: duckdb.DuckDBPyConnection, now: datetime) -> Moment:
    """The span from the oldest ticket open at now to now."""
    oldest = db.query_df(con, "earliest_open_ticket", now=now)["created_at"].iloc[0]
    first_day = pd.Timestamp(oldest).date() if pd.notna(oldest) else now.date()
    return Moment(now.date(), first_day, now.date(), now)


def escalation_risk(
    con: duckdb.DuckDBPyConnection, cfg: dict[str, Any], now: datetime
) -> pd.DataFrame:
    """Every escalation open at now (naive local time): RISK_COLUMNS, the most consumed first.

    minutes_left is on the priority's clock (business minutes for a business clock); it is
    negative once breached (the overdue minutes).
    """
    share = float(cfg.get("alerts", {}).get("at_risk_share", 0.75))
    frame = escalations.prepared_query(
        con, cfg, moment(con, now), "escalation_risk", at_risk_share=share
    )
    return frame[RISK_COLUMNS]


def end_of_day(day: date) -> datetime:
    """The moment the daily view evaluates: the end of day (as the as-of date means)."""
    return Period(day, day, day).as_of
