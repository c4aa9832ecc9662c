"""The consultants, aliases and clients the Settings page edits: read, check, write.

Edited tables come back as DataFrames (st.data_editor); each save checks the whole table first
and writes nothing when a row is wrong, returning the problems as (text key, values) messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import duckdb
import pandas as pd

from okam_analytics import db

Message = tuple[str, dict[str, Any]]
CONSULTANT_COLUMNS = [
    "consultant", "team", "role", "weekly_capacity_hours", "active_from", "active_to",
]  # fmt: skip
ALIAS_COLUMNS = ["alias", "consultant"]
CLIENT_COLUMNS = ["client", "contract_hours_per_month", "sla_tier", "target_knowers", "contacts"]
HOURS_IN_WEEK = 168
HOURS_IN_MONTH = 744
MAX_TARGET_KNOWERS = 20  # as the Settings page's limit of knowledge.target_knowers
EMAIL = re.compile(r"[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\".]+")


def consultants(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every consultant: CONSULTANT_COLUMNS, by name."""
    return db.query_df(con, "consultants_directory")


def aliases(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every alias: alias, consultant."""
    return db.query_df(con, "consultant_aliases_directory")


def clients(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every client: CLIENT_COLUMNS, by name; contacts as text ("a@x.com, b@y.com") or None."""
    frame = db.query_df(con, "clients_directory")
    texts = [contacts_text(c) for c in frame["contacts"]]
    frame["contacts"] = pd.Series(texts, index=frame.index, dtype=object)
    return frame


def clean_text(values: pd.Series) -> pd.Series:
    """Trimmed text; blank or missing cells become None."""
    text = values.astype("string").str.strip()
    keep = (text.notna() & (text != "")).fillna(False).astype(bool)
    return text.astype(object).where(keep, None)


def clean_number(values: pd.Series) -> pd.Series:
    """Numbers as floats; blank cells become NaN (not set), text that is no number too."""
    return pd.to_numeric(values.replace("", None), errors="coerce").astype(float)


def clean_date(values: pd.Series) -> pd.Series:
    """Dates (datetime.date) or None."""
    days = pd.to_datetime(values, errors="coerce")
    return pd.Series([d.date() if pd.notna(d) else None for d in days], index=values.index)


def _names_problems(names: pd.Series, what: str) -> list[Message]:
    problems: list[Message] = []
    if names.isna().any():
        problems.append((f"directory.error.blank_{what}", {}))
    repeated = sorted(set(names[names.duplicated() & names.notna()]))
    if repeated:
        problems.append((f"directory.error.repeated_{what}", {"names": ", ".join(repeated)}))
    return problems


def _range_problems(frame: pd.DataFrame, column: str, name: str, high: float) -> list[Message]:
    bad = frame[(frame[column] < 0) | (frame[column] > high)]
    return [
        ("directory.error.range", {"name": row[name], "value": row[column], "high": high})
        for _, row in bad.iterrows()
    ]


def prepare_consultants(frame: pd.DataFrame) -> pd.DataFrame:
    """The edited consultants table with clean values in CONSULTANT_COLUMNS."""
    edited = frame.reindex(columns=CONSULTANT_COLUMNS)
    return pd.DataFrame(
        {
            "consultant": clean_text(edited["consultant"]),
            "team": clean_text(edited["team"]),
            "role": clean_text(edited["role"]),
            "weekly_capacity_hours": clean_number(edited["weekly_capacity_hours"]),
            "active_from": clean_date(edited["active_from"]),
            "active_to": clean_date(edited["active_to"]),
        }
    )


def check_consultants(edited: pd.DataFrame, known: Iterable[str]) -> list[Message]:
    """Problems of a cleaned consultants table: blank or repeated names, a known consultant
    missing (renamed: that is an alias), capacity outside 0-168 h, active_to before active_from."""
    problems = _names_problems(edited["consultant"], "consultant")
    missing = sorted(set(known) - set(edited["consultant"].dropna()))
    if missing:
        problems.append(("directory.error.renamed", {"names": ", ".join(missing)}))
    problems += _range_problems(edited, "weekly_capacity_hours", "consultant", HOURS_IN_WEEK)
    both = edited.dropna(subset=["active_from", "active_to"])
    for _, row in both[both["active_to"] < both["active_from"]].iterrows():
        problems.append(("directory.error.dates", {"name": row["consultant"]}))
    return problems


def save_consultants(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> list[Message]:
    """Check and write the edited consultants table; the problems (nothing written) or []."""
    edited = prepare_consultants(frame)
    problems = check_consultants(edited, consultants(con)["consultant"])
    if not problems:
        _write(con, "consultants_save", edited_consultants=edited)
    return problems


def prepare_aliases(frame: pd.DataFrame) -> pd.DataFrame:
    """The edited alias table, clean; rows left entirely blank are dropped."""
    edited = frame.reindex(columns=ALIAS_COLUMNS)
    clean = pd.DataFrame({c: clean_text(edited[c]) for c in ALIAS_COLUMNS})
    return clean.dropna(how="all").reset_index(drop=True)


def check_aliases(edited: pd.DataFrame, known: Iterable[str]) -> list[Message]:
    """Problems of a cleaned alias table: blank or repeated aliases, a blank or unknown
    consultant, an alias of itself, a consultant that is itself an alias (no chains)."""
    problems = _names_problems(edited["alias"], "alias")
    known = set(known)
    for alias, consultant in zip(edited["alias"], edited["consultant"], strict=True):
        if consultant is None:
            problems.append(("directory.error.alias_target", {"alias": alias}))
        elif consultant == alias:
            problems.append(("directory.error.alias_self", {"alias": alias}))
        elif consultant in set(edited["alias"]):
            problems.append(("directory.error.alias_chain", {"name": consultant}))
        elif consultant not in known:
            problems.append(("directory.error.alias_unknown", {"name": consultant}))
    return problems


def save_aliases(
    con: duckdb.DuckDBPyConnection,
    frame: pd.DataFrame,
    refresh: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> list[Message]:
    """Check and write the edited alias table, merge each alias into its consultant, then
    recompute the current tickets and time entries (names are applied at load)."""
    edited = prepare_aliases(frame)
    known = set(consultants(con)["consultant"]) | set(aliases(con)["alias"])
    problems = check_aliases(edited, known)
    if problems:
        return problems
    _write(con, "consultant_aliases_save", edited_aliases=edited)
    if refresh is None:
        from okam_analytics.ingest.service import refresh_current as refresh
    refresh(con)
    return []


def prepare_clients(frame: pd.DataFrame) -> pd.DataFrame:
    """The edited clients table with clean values in CLIENT_COLUMNS (contacts as lists)."""
    edited = frame.reindex(columns=CLIENT_COLUMNS)
    return pd.DataFrame(
        {
            "client": clean_text(edited["client"]),
            "contract_hours_per_month": clean_number(edited["contract_hours_per_month"]),
            "sla_tier": clean_text(edited["sla_tier"]),
            "target_knowers": clean_number(edited["target_knowers"]),
            "contacts": [parse_contacts(text) for text in edited["contacts"]],
        }
    )


def check_clients(edited: pd.DataFrame) -> list[Message]:
    """Problems of a cleaned clients table: blank or repeated names, hours outside 0-744, a
    knower target that is not a whole number from 1 to 20, contacts that are not e-mail
    addresses."""
    problems = _names_problems(edited["client"], "client")
    problems += _range_problems(edited, "contract_hours_per_month", "client", HOURS_IN_MONTH)
    target = edited["target_knowers"]
    wrong = target.notna() & ((target < 1) | (target > MAX_TARGET_KNOWERS) | (target % 1 != 0))
    problems += [
        ("directory.error.target", {"name": row.client, "value": row.target_knowers,
                                    "high": MAX_TARGET_KNOWERS})
        for row in edited[wrong].itertuples()
    ]  # fmt: skip
    for client, contacts in zip(edited["client"], edited["contacts"], strict=True):
        problems += contact_problems(client, contacts or [])
    return problems


def save_clients(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> list[Message]:
    """Check and write the edited clients table; the problems (nothing written) or []."""
    edited = prepare_clients(frame)
    problems = check_clients(edited)
    if not problems:
        edited["target_knowers"] = edited["target_knowers"].astype("Int64")
        _write(con, "clients_save", edited_clients=edited)
    return problems


def contacts_text(contacts: Any) -> str | None:
    """A contacts list as the text the Settings page edits ("a@x.com, b@y.com")."""
    if contacts is None or pd.api.types.is_scalar(contacts):  # NULL reads as None, NaN or NA
        return None
    return ", ".join(str(c) for c in contacts) or None


def parse_contacts(text: Any) -> list[str] | None:
    """Addresses separated by commas, semicolons, spaces or lines; None when blank."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    parts = [p.strip() for p in re.split(r"[,;\s]+", str(text))]
    unique = list(dict.fromkeys(p for p in parts if p))
    return unique or None


def contact_problems(client: str | None, contacts: Iterable[str]) -> list[Message]:
    """One message per contact that is not an e-mail address (name@domain.tld)."""
    return [
        ("directory.error.contact", {"name": client, "value": address})
        for address in contacts
        if not EMAIL.fullmatch(address)
    ]


def set_contacts(con: duckdb.DuckDBPyConnection, client: str, contacts: list[str]) -> list[Message]:
    """Replace one known client's pack contacts (an empty list clears them)."""
    if client not in set(clients(con)["client"]):
        return [("directory.error.unknown_client", {"name": client})]
    problems = contact_problems(client, contacts)
    if not problems:
        db.execute(con, "client_contacts_save", client=client, contacts=contacts or None)
    return problems


def _write(con: duckdb.DuckDBPyConnection, name: str, **frames: pd.DataFrame) -> None:
    # a private cursor: the registered frames and the transaction stay off the caller's cursor
    with con.cursor() as cur:
        for view, frame in frames.items():
            cur.register(view, frame)
        cur.begin()
        try:
            db.execute(cur, name)
            cur.commit()
        except BaseException:
            cur.rollback()
            raise
