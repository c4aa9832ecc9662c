"""Signed, expiring share links: one client's steering view for one period (SPEC 8).

The token is an itsdangerous URL-safe timed signature over {client, period, validity}. The
client scope of a shared view comes only from a verified token; anything wrong with it
(tampered, expired, signed with another secret, no client) raises ShareRefused. Never imports
streamlit: the command line mints links too.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from itsdangerous import BadData, URLSafeTimedSerializer

from okam_analytics import db
from okam_analytics.metrics import period

SALT = "okam-analytics.client-share.v1"  # a token minted for anything else never verifies here
SECRET_ENV = "OKAM_SECRET"
SECRET_KEY = "share_secret"  # the key in Streamlit secrets (.streamlit/secrets.toml)
MIN_SECRET_CHARS = 16
MAX_DAYS = 366  # no link lives longer than a year, whatever it says
TOKEN_PARAM = "token"  # the URL parameter; app.py's ui.state.SHARE_TOKEN_PARAM is the same name
CLIENT_PAGE = "client"
NAME_MODES = ("full", "initials", "hidden")
HIDDEN_NAME = "—"
EXIT_OK, EXIT_ERROR = 0, 1


class ShareRefused(Exception):
    """A share token that must not open anything; str(exc) says why (for logs, not viewers)."""


class MissingSecret(ValueError):
    """No secret (or one too short) is configured, so no link can be minted or verified."""


@dataclass(frozen=True)
class ShareScope:
    """What a verified token opens: one client, one inclusive period."""

    client: str
    date_from: date
    date_to: date


def _serializer(secret: str) -> URLSafeTimedSerializer:
    if not secret or len(secret) < MIN_SECRET_CHARS:
        raise MissingSecret(
            f"Set {SECRET_ENV} (or {SECRET_KEY} in Streamlit secrets) to a secret of at least "
            f"{MIN_SECRET_CHARS} characters to create or open share links."
        )
    return URLSafeTimedSerializer(secret, salt=SALT)


def mint(client: str, date_from: date, date_to: date, days: int, secret: str) -> str:
    """A signed token opening client's view of [date_from, date_to] for `days` days."""
    client = (client or "").strip()
    if not client:
        raise ValueError("A share link needs a client.")
    if date_from > date_to:
        raise ValueError(f"The period starts ({date_from}) after it ends ({date_to}).")
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"A share link lives from 1 to {MAX_DAYS} days, not {days}.")
    payload = {"c": client, "f": date_from.isoformat(), "t": date_to.isoformat(), "d": days}
    return _serializer(secret).dumps(payload)


def verify(
    token: str, secret: str, max_age: int = MAX_DAYS * 86400, now: float | None = None
) -> ShareScope:
    """The scope of a valid token; ShareRefused for a tampered, expired, foreign or empty one."""
    try:
        serializer = _serializer(secret)
    except MissingSecret as exc:
        raise ShareRefused("no secret configured") from exc
    try:
        payload, signed_at = serializer.loads(token or "", return_timestamp=True)
    except BadData as exc:  # bad signature, bad payload, wrong salt or secret
        raise ShareRefused("invalid signature") from exc
    scope, days = _scope_of(payload)
    age = (time.time() if now is None else now) - signed_at.timestamp()
    if age < -300:  # signed in the future: a clock far off, or a forged timestamp
        raise ShareRefused("signed in the future")
    if age > min(days * 86400, max_age):
        raise ShareRefused("expired")
    return scope


def _scope_of(payload: object) -> tuple[ShareScope, int]:
    if not isinstance(payload, dict):
        raise ShareRefused("malformed payload")
    client, days = payload.get("c"), payload.get("d")
    if not isinstance(client, str) or not client.strip():
        raise ShareRefused("no client")
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise ShareRefused("no validity")
    try:
        date_from = date.fromisoformat(payload["f"])
        date_to = date.fromisoformat(payload["t"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ShareRefused("no period") from exc
    if date_from > date_to:
        raise ShareRefused("empty period")
    return ShareScope(client, date_from, date_to), days


def share_url(base_url: str, token: str, lang: str | None = None) -> str:
    """The link of the app at base_url that opens the Client page with token."""
    query = {TOKEN_PARAM: token} | ({"lang": lang} if lang else {})
    return f"{base_url.rstrip('/')}/{CLIENT_PAGE}?{urlencode(query)}"


def secret_from_env() -> str | None:
    """The share secret from $OKAM_SECRET (None when unset or blank)."""
    value = os.environ.get(SECRET_ENV, "").strip()
    return value or None


def display_name(name: str | None, mode: str) -> str:
    """A consultant's name as a shared view shows it: full, initials ('J. M.'), or hidden."""
    if mode not in NAME_MODES:
        raise ValueError(f"Consultant names are shown full, initials or hidden, not {mode!r}.")
    text = " ".join(str(name or "").split())
    if mode == "hidden" or not text:
        return HIDDEN_NAME
    if mode == "full":
        return text
    return " ".join(_initial(word) for word in text.split(" "))


def _initial(word: str) -> str:
    # "Jean-Pierre" -> "J.-P."
    return "-".join(part[:1].upper() + "." for part in word.split("-") if part)


def run_share(args: argparse.Namespace) -> int:
    """`okam share --client NAME [--days N] [--from] [--to] [--base-url]`: print the link."""
    secret = secret_from_env()
    try:
        _serializer(secret or "")
    except MissingSecret as exc:
        print(f"okam: {exc}", file=sys.stderr)
        return EXIT_ERROR
    try:
        con = db.connect(args.db, read_only=db.database_path(args.db).exists())
        span = period.resolve(con, None, args.date_from, args.date_to)
        if db.query_df(con, "client_known", client=args.client).empty:
            raise ValueError(f"No client named {args.client!r} in the database.")
        token = mint(args.client, span.date_from, span.date_to, args.days, secret)
    except (ValueError, db.DatabaseBusy) as exc:
        print(f"okam: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(share_url(args.base_url, token))
    return EXIT_OK
