"""Business calendar: opening windows, public and extra holidays, business time (SPEC section 5)."""

from __future__ import annotations

from datetime import date
from typing import Any

import holidays as holidays_lib


def closed_dates(calendar: dict[str, Any], start: date, end: date) -> list[date]:
    """Public holidays of the calendar's country/subdivision plus extra holidays, in [start, end]."""
    days: set[date] = set()
    country = calendar.get("holiday_country")
    if country:
        years = range(start.year, end.year + 1)
        public = holidays_lib.country_holidays(
            country, subdiv=calendar.get("holiday_subdivision") or None, years=years
        )
        days.update(d for d in public if start <= d <= end)
    for iso in calendar.get("extra_holidays") or []:
        day = date.fromisoformat(iso)
        if start <= day <= end:
            days.add(day)
    return sorted(days)
