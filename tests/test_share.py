"""Share tokens: mint/verify over every way a token can be wrong, links, names per privacy, CLI."""

from __future__ import annotations

import json
import time
from datetime import date
from types import SimpleNamespace

import pytest
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode

from okam_analytics import db
from okam_analytics.steering import share

SECRET = "test-secret-0123456789abcdef"
OTHER_SECRET = "another-secret-0123456789abcdef"
JAN = (date(2026, 1, 1), date(2026, 1, 31))
DAY = 86400


def mint(client: str = "Acme", days: int = 30, secret: str = SECRET) -> str:
    return share.mint(client, *JAN, days, secret)


def tampered_payload(token: str) -> str:
    """The same signature over another client's payload."""
    forged = {"c": "Globex", "f": "2026-01-01", "t": "2026-01-31", "d": 30}
    payload = base64_encode(json.dumps(forged, separators=(",", ":")).encode()).decode()
    timestamp, signature = token.rsplit(".", 2)[1:]  # a compressed payload starts with "."
    return f"{payload}.{timestamp}.{signature}"


def tampered_signature(token: str) -> str:
    """One character of the signature changed: its first, since the last base64 character
    carries unused bits and may decode to the same signature."""
    head, signature = token.rsplit(".", 1)
    return f"{head}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"


def signed(payload: object, secret: str = SECRET, salt: str = share.SALT) -> str:
    """A correctly signed token with any payload (what only the secret's holder can make)."""
    return URLSafeTimedSerializer(secret, salt=salt).dumps(payload)


def test_a_valid_token_gives_its_scope() -> None:
    assert share.verify(mint(), SECRET) == share.ShareScope("Acme", *JAN)


def test_the_forged_payload_is_well_formed_and_only_its_signature_is_wrong() -> None:
    token = tampered_payload(mint())
    assert share._serializer(SECRET).loads_unsafe(token) == (
        False,
        {"c": "Globex", "f": "2026-01-01", "t": "2026-01-31", "d": 30},
    )


@pytest.mark.parametrize(
    ("case", "token", "now_offset"),
    [
        ("tampered payload", tampered_payload(mint()), 0),
        ("tampered signature", tampered_signature(mint()), 0),
        ("other secret", mint(secret=OTHER_SECRET), 0),
        ("expired", mint(days=30), 30 * DAY + 1),
        ("expired, long link", mint(days=366), 366 * DAY + 1),
        ("no client", signed({"f": "2026-01-01", "t": "2026-01-31", "d": 30}), 0),
        ("blank client", signed({"c": "  ", "f": "2026-01-01", "t": "2026-01-31", "d": 30}), 0),
        ("client not text", signed({"c": ["Acme"], "f": "2026-01-01", "t": "2026-01-31", "d": 30}), 0),
        ("no period", signed({"c": "Acme", "d": 30}), 0),
        ("bad date", signed({"c": "Acme", "f": "2026-13-01", "t": "2026-01-31", "d": 30}), 0),
        ("period reversed", signed({"c": "Acme", "f": "2026-02-01", "t": "2026-01-31", "d": 30}), 0),
        ("no validity", signed({"c": "Acme", "f": "2026-01-01", "t": "2026-01-31"}), 0),
        ("validity not a number", signed({"c": "Acme", "f": "2026-01-01", "t": "2026-01-31", "d": True}), 0),
        ("payload not an object", signed(["Acme"]), 0),
        ("other salt", signed({"c": "Acme", "f": "2026-01-01", "t": "2026-01-31", "d": 30}, salt="x"), 0),
        ("signed in the future", mint(), -3600),
        ("empty", "", 0),
        ("garbage", "not.a.token", 0),
    ],
)  # fmt: skip
def test_every_bad_token_is_refused(case: str, token: str, now_offset: int) -> None:
    with pytest.raises(share.ShareRefused):
        share.verify(token, SECRET, now=time.time() + now_offset)


def test_a_token_lives_its_days_and_no_more_than_max_age() -> None:
    token = mint(days=30)
    assert share.verify(token, SECRET, now=time.time() + 30 * DAY - 60).client == "Acme"
    with pytest.raises(share.ShareRefused):
        share.verify(token, SECRET, max_age=DAY, now=time.time() + DAY + 60)


@pytest.mark.parametrize("secret", ["", "short-secret"])
def test_no_or_short_secret_neither_mints_nor_verifies(secret: str) -> None:
    with pytest.raises(share.MissingSecret):
        share.mint("Acme", *JAN, 30, secret)
    with pytest.raises(share.ShareRefused):
        share.verify(mint(), secret)


@pytest.mark.parametrize(
    ("client", "period", "days"),
    [("", JAN, 30), ("  ", JAN, 30), ("Acme", JAN[::-1], 30), ("Acme", JAN, 0), ("Acme", JAN, 367)],
)
def test_mint_refuses_what_cannot_be_shared(client, period, days) -> None:
    with pytest.raises(ValueError):
        share.mint(client, *period, days, SECRET)


def test_share_url_opens_the_client_page() -> None:
    assert (
        share.share_url("http://host:8501/", "abc.def") == "http://host:8501/client?token=abc.def"
    )
    assert (
        share.share_url("https://x.org/okam", "t-1", lang="fr")
        == "https://x.org/okam/client?token=t-1&lang=fr"
    )


def test_secret_from_env(monkeypatch) -> None:
    monkeypatch.delenv(share.SECRET_ENV, raising=False)
    assert share.secret_from_env() is None
    monkeypatch.setenv(share.SECRET_ENV, "  ")
    assert share.secret_from_env() is None
    monkeypatch.setenv(share.SECRET_ENV, " s3cret ")
    assert share.secret_from_env() == "s3cret"


@pytest.mark.parametrize(
    ("name", "mode", "shown"),
    [
        ("Julien Marchand", "full", "Julien Marchand"),
        ("  Julien   Marchand ", "full", "Julien Marchand"),
        ("Julien Marchand", "initials", "J. M."),
        ("jean-pierre de la Tour", "initials", "J.-P. D. L. T."),
        ("Léa Fontaine", "initials", "L. F."),
        ("Julien Marchand", "hidden", "—"),
        (None, "full", "—"),
        ("", "initials", "—"),
    ],
)
def test_display_name(name, mode, shown) -> None:
    assert share.display_name(name, mode) == shown


def test_display_name_refuses_an_unknown_mode() -> None:
    with pytest.raises(ValueError):
        share.display_name("Ana", "nicknames")


def cli_args(tmp_path, client: str = "Acme") -> SimpleNamespace:
    return SimpleNamespace(
        client=client, days=7, date_from="2026-01-01", date_to="2026-01-31",
        base_url="http://okam.example", db=str(tmp_path / "okam.duckdb"),
    )  # fmt: skip


def test_run_share_prints_a_verifiable_link(tmp_path, monkeypatch, capsys) -> None:
    con = db.connect(tmp_path / "okam.duckdb")
    con.execute("insert into clients (client) values ('Acme')")
    con.close()
    monkeypatch.setenv(share.SECRET_ENV, SECRET)
    assert share.run_share(cli_args(tmp_path)) == 0
    url = capsys.readouterr().out.strip()
    assert url.startswith("http://okam.example/client?token=")
    assert share.verify(url.split("token=")[1], SECRET) == share.ShareScope("Acme", *JAN)


def test_run_share_without_a_secret_or_for_an_unknown_client(tmp_path, monkeypatch, capsys) -> None:
    db.connect(tmp_path / "okam.duckdb").close()
    monkeypatch.delenv(share.SECRET_ENV, raising=False)
    assert share.run_share(cli_args(tmp_path)) == 1
    assert "OKAM_SECRET" in capsys.readouterr().err
    monkeypatch.setenv(share.SECRET_ENV, SECRET)
    assert share.run_share(cli_args(tmp_path, client="Nobody")) == 1
    captured = capsys.readouterr()
    assert "No client named 'Nobody'" in captured.err and captured.out == ""
