"""Display tables: metric frames -> pandas Stylers with translated headers and status colours.

Cells stay plain text (st.dataframe never renders HTML); only background colours are styled.
Numbers and dates are shown as the page's language writes them (formatting), while the
underlying values stay numbers, so a column still sorts by value. Never imports streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

import pandas as pd
from pandas.io.formats.style import Styler

from okam_analytics import formatting
from okam_analytics.charts import KNOWLEDGE_STATUSES, status_label, status_tint
from okam_analytics.i18n import translate

# how a column reads (formatting.FORMATTERS); other columns by their values (formatting.cell)
PERCENT, HOURS, DECIMAL, WHEN = "percent", "decimal", "decimal", "moment"
MISSING = formatting.DASH
STATUS_ORDER = {status: i for i, status in enumerate(reversed(KNOWLEDGE_STATUSES))}


def joined(values: Iterable[list[str]]) -> list[str]:
    """Lists of names as 'a, b, c' texts; a dash for an empty list."""
    return [", ".join(names) if isinstance(names, list | tuple) and names else MISSING
            for names in values]  # fmt: skip


def styled(
    frame: pd.DataFrame,
    lang: str,
    *,
    status_columns: Iterable[str] = (),
    formats: dict[str, str] | None = None,
) -> Styler:
    """frame with statuses translated and tinted, numbers and dates in the language's way
    (formats: column -> a formatting.FORMATTERS kind), headers as col.<name>."""
    shown = frame.copy()
    tints: dict[str, str] = {}
    for column in status_columns:
        statuses = shown[column].dropna().unique()
        tints |= {status_label(s, lang): f"background-color: {status_tint(s)}" for s in statuses}
        shown[column] = shown[column].map(lambda s: status_label(s, lang) if pd.notna(s) else s)
    texts = shown.select_dtypes(include=["object", "string"]).columns
    shown[texts] = shown[texts].fillna(MISSING)  # Streamlit prints "None" whatever the Styler says
    headers = {name: translate(f"col.{name}", lang) for name in shown.columns}
    kinds = {headers[name]: kind for name, kind in column_kinds(shown, formats).items()}
    shown = shown.rename(columns=headers)
    # every cell through a formatter: a dash when missing (Streamlit would print "None")
    styler = shown.style.format(
        {column: formatting.formatter(kind, lang) for column, kind in kinds.items()}
    )
    tinted = [headers[c] for c in status_columns]
    if tinted:
        styler = styler.map(lambda value: tints.get(value, ""), subset=tinted)
    return styler.hide(axis="index")


def column_kinds(frame: pd.DataFrame, formats: dict[str, str] | None = None) -> dict[str, str]:
    """How each column reads (a formatting.FORMATTERS kind): formats, else counts, else cell."""
    kinds = {}
    for column in frame.columns:
        # counts that became floats (a missing value among them) still read as counts
        values = frame[column]
        whole = values.dtype.kind == "f" and values.dropna().mod(1).eq(0).all()
        kinds[column] = (formats or {}).get(column, "count" if whole else "cell")
    return kinds


def text_table(
    frame: pd.DataFrame, lang: str, *, formats: dict[str, str] | None = None
) -> pd.DataFrame:
    """frame as text the way styled writes it, headers as col.<name>, without colours: a plain
    frame goes to the browser column by column, a Styler cell by cell (far slower when long)."""
    return pd.DataFrame(
        {
            translate(f"col.{name}", lang): frame[name].map(formatting.formatter(kind, lang))
            for name, kind in column_kinds(frame, formats).items()
        }
    ).reset_index(drop=True)


def redundancy_rows(redundancy: pd.DataFrame) -> pd.DataFrame:
    """Clients worst first: uncovered, single, thin, covered; active before dormant; busiest."""
    order = redundancy.assign(
        severity=redundancy["status"].map(STATUS_ORDER),
        is_dormant=redundancy["activity"] != "active",
    )
    order = order.sort_values(
        ["is_dormant", "severity", "evidence_hours_90d", "client"],
        ascending=[True, True, False, True],
    )
    return order.drop(columns=["severity", "is_dormant"]).reset_index(drop=True)


def redundancy_table(rows: pd.DataFrame, lang: str = "en") -> Styler:
    """The redundancy table (rows as redundancy_rows ordered them), status cells tinted."""
    shown = rows.assign(knower_names=joined(rows["knower_names"]))
    shown["activity"] = shown["activity"].map(partial(translate_activity, lang=lang))
    columns = ["client", "status", "knowers", "knower_names", "absence_factor", "activity",
               "last_activity_on", "evidence_hours_90d"]  # fmt: skip
    return styled(
        shown[columns], lang, status_columns=["status"], formats={"evidence_hours_90d": HOURS}
    )


def translate_activity(activity: str, lang: str = "en") -> str:
    """'active' / 'dormant' in the page's language."""
    return status_label(activity, lang)


def at_risk_table(at_risk: pd.DataFrame, lang: str = "en", with_absence: bool = False) -> Styler:
    """At-risk clients; with_absence adds the status and knowers without the absent consultants."""
    shown = at_risk.assign(
        knower_names=joined(at_risk["knower_names"]), successors=joined(at_risk["successors"])
    )
    columns = ["client", "status", "knowers", "knower_names"]
    if with_absence:
        columns += ["status_if_absent", "knowers_if_absent"]
    columns += ["successors", "evidence_hours_90d"]
    statuses = ["status", "status_if_absent"] if with_absence else ["status"]
    return styled(
        shown[columns], lang, status_columns=statuses, formats={"evidence_hours_90d": HOURS}
    )


def at_risk_list(at_risk: pd.DataFrame, lang: str = "en") -> Styler:
    """A short at-risk list: client, status, knowers, recent evidence hours."""
    columns = ["client", "status", "knowers", "evidence_hours_90d"]
    return styled(
        at_risk[columns], lang, status_columns=["status"], formats={"evidence_hours_90d": HOURS}
    )


def helpers_table(helpers: pd.DataFrame, lang: str = "en") -> Styler:
    """who_can_help rows: K, knower or not, this week's utilisation and daily-call status."""
    tr = partial(translate, lang=lang)
    shown = helpers.assign(
        is_knower=helpers["is_knower"].map(
            {True: tr("chart.knowledge.knower"), False: tr("chart.knowledge.near_knower")}
        )
    )
    return styled(
        shown,
        lang,
        status_columns=["status"],
        formats={"knowledge": DECIMAL, "utilisation_this_week": PERCENT},
    )


def workload_table(summary: pd.DataFrame, lang: str = "en") -> Styler:
    """workload_summary per consultant: percentages, hours, streaks and open tickets."""
    formats = {"utilisation": PERCENT, "billable_utilisation": PERCENT, "worked_hours": HOURS,
               "capacity_hours": HOURS, "billable_hours": HOURS, "overtime_hours": HOURS}  # fmt: skip
    columns = ["consultant", "team", "utilisation", "billable_utilisation", "worked_hours",
               "capacity_hours", "overtime_hours", "overloaded_weeks", "longest_streak",
               "current_streak", "clients", "open_tickets", "open_escalations"]  # fmt: skip
    return styled(summary[columns], lang, formats=formats)


def call_table(call: pd.DataFrame, lang: str = "en") -> Styler:
    """Daily-call rows of one status group: utilisation to date, streak, open work."""
    columns = ["consultant", "utilisation_to_date", "current_streak", "open_tickets"]
    return styled(call[columns], lang, formats={"utilisation_to_date": PERCENT})


def freshness_table(freshness: pd.DataFrame, lang: str = "en") -> Styler:
    """Per source: imports, rows, last import time, the latest day in the data, and the API
    connections feeding it with their latest sync."""
    shown = freshness.assign(kind=freshness["kind"].map(lambda k: translate(f"kind.{k}", lang)))
    if shown["connections"].isna().all():  # no API connection: the columns would stay empty
        shown = shown.drop(columns=["connections", "last_sync_at", "last_sync_status"])
        return styled(shown, lang, formats={"last_imported_at": WHEN})
    formats = {"last_imported_at": WHEN, "last_sync_at": WHEN}
    return styled(shown, lang, status_columns=["last_sync_status"], formats=formats)
