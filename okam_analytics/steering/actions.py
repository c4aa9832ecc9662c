"""Action items of a client's steering meetings (SPEC 12): added, marked done, listed, and the
review a deck or PDF shows (the open items, and those done since the period began).

Stored in the action_items table; every statement is a named .sql file with bound parameters.
Owners are shown per the privacy setting wherever the client sees them (share.display_name).
Never imports streamlit: the command line uses it too.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

import duckdb
import pandas as pd

from okam_analytics import db, exports, formatting
from okam_analytics.i18n import translate
from okam_analytics.steering import share

COLUMNS = ["id", "client", "text", "owner", "due_on", "status", "created_at", "done_at"]
MAX_TEXT = 500  # characters: an action is a sentence, not a document
EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class ActionRefused(ValueError):
    """An action item that cannot be added or closed; str(exc) names why."""


@dataclass(frozen=True)
class ActionReview:
    """The action items one review shows: open ones, and those done since done_since."""

    open: pd.DataFrame  # COLUMNS, earliest due first
    done: pd.DataFrame  # COLUMNS, in the order they were done
    done_since: date


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _clean(value: str | None) -> str | None:
    text = " ".join(str(value or "").split())
    return text or None


def add(
    con: duckdb.DuckDBPyConnection,
    client: str,
    text: str,
    due_on: date | None = None,
    owner: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Store a new open action item for a known client; its row as a dict."""
    text_clean, owner_clean = _clean(text), _clean(owner)
    if not text_clean:
        raise ActionRefused("An action item needs a text.")
    if len(text_clean) > MAX_TEXT:
        raise ActionRefused(f"An action item's text is at most {MAX_TEXT} characters, not {len(text_clean)}.")  # fmt: skip
    if db.query_df(con, "client_known", client=client).empty:
        raise ActionRefused(f"No client named {client!r} in the database.")
    frame = db.query_df(
        con, "action_item_add", client=client, text=text_clean, owner=owner_clean,
        due_on=due_on, created_at=now or _now(),
    )  # fmt: skip
    return _records(_typed(frame))[0]


def mark_done(
    con: duckdb.DuckDBPyConnection, item_id: int, now: datetime | None = None
) -> dict[str, Any]:
    """Mark an open action item done; ActionRefused for an unknown or already done id."""
    frame = db.query_df(con, "action_item_done", id=item_id, done_at=now or _now())
    if frame.empty:
        known = db.query_df(con, "action_item_by_id", id=item_id)
        if known.empty:
            raise ActionRefused(f"No action item {item_id}.")
        raise ActionRefused(
            f"Action item {item_id} is already done (on {known['done_at'].iloc[0]:%Y-%m-%d})."
        )
    return _records(_typed(frame))[0]


def items(con: duckdb.DuckDBPyConnection, client: str | None = None) -> pd.DataFrame:
    """Every action item (of one client): open first by due day, then done, latest first."""
    return _typed(db.query_df(con, "action_items_list", client=client))


def review(con: duckdb.DuckDBPyConnection, client: str, done_since: date) -> ActionReview:
    """The client's open items, and those done on or after done_since."""
    frame = _typed(db.query_df(con, "action_items_review", client=client, done_since=done_since))
    is_open = frame["status"] == "open"
    return ActionReview(
        open=frame[is_open].reset_index(drop=True),
        done=frame[~is_open].reset_index(drop=True),
        done_since=done_since,
    )


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[COLUMNS].copy()
    frame["due_on"] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in frame["due_on"]]
    frame["owner"] = frame["owner"].astype(object).where(frame["owner"].notna(), None)
    return frame


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: days as YYYY-MM-DD, moments as YYYY-MM-DDTHH:MM:SS."""
    return [
        {name: _plain(row[name]) for name in COLUMNS} for row in frame[COLUMNS].to_dict("records")
    ]


def _plain(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, datetime | pd.Timestamp):
        return pd.Timestamp(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value


def review_table(
    frame: pd.DataFrame, lang: str, name_mode: str, done: bool = False
) -> pd.DataFrame:
    """Action items as text for the client: action, owner (per privacy setting), due or done day."""
    tr = partial(translate, lang=lang)
    when = frame["done_at"] if done else frame["due_on"]
    return pd.DataFrame(
        {
            tr("actions.col.text"): frame["text"].astype(str),
            tr("actions.col.owner"): [
                share.display_name(o, name_mode) if o else formatting.DASH for o in frame["owner"]
            ],
            tr("actions.col.done_on" if done else "actions.col.due_on"): [
                formatting.day(v, lang) if v is not None and not pd.isna(v) else formatting.DASH
                for v in when
            ],
        }
    )


# ---- command line ---------------------------------------------------------------------------


def _fail(message: str, code: int = EXIT_REFUSED) -> int:
    print(f"okam: {message}", file=sys.stderr)
    return code


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"--due must be a date written YYYY-MM-DD, not {text!r}.") from exc


def run_actions(args: argparse.Namespace) -> int:
    """`okam actions add|done|list`: JSON on stdout (list: JSON lines or CSV), 1 when refused."""
    try:
        due_on = _day(getattr(args, "due", None))
    except ValueError as exc:
        return _fail(str(exc), EXIT_USAGE)
    try:
        con = db.connect(args.db)
    except (db.DatabaseBusy, duckdb.Error, OSError) as exc:
        return _fail(str(exc))
    try:
        if args.action == "add":
            _emit(add(con, args.client, args.text, due_on, args.owner))
        elif args.action == "done":
            _emit(mark_done(con, args.item_id))
        else:
            return _list(con, args)
    except ActionRefused as exc:
        return _fail(str(exc))
    finally:
        con.close()
    return EXIT_OK


def _list(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> int:
    if args.client and db.query_df(con, "client_known", client=args.client).empty:
        return _fail(f"No client named {args.client!r} in the database.")
    frame = items(con, args.client)
    if args.format == "csv":
        # typed text may start with '=': a spreadsheet must read it as text (SPEC 8)
        exports.safe_frame(frame).to_csv(sys.stdout, index=False)
    else:
        for record in _records(frame):
            _emit(record)
    return EXIT_OK


def _emit(obj: dict[str, Any]) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str), flush=True)
