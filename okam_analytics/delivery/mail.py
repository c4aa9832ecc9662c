"""E-mail messages (standard library email) and their delivery: SMTP with STARTTLS and login,
or .eml files in a folder (--dry-run)."""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

SMTP_TIMEOUT_SECONDS = 30


class DeliveryError(RuntimeError):
    """A message that could not be delivered (nothing is marked as sent)."""


@dataclass(frozen=True)
class Smtp:
    """Where and how to send: the delivery settings with the command line's overrides."""

    host: str
    port: int
    user: str
    password_env: str
    sender: str
    starttls: bool = True


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str = "application"
    subtype: str = "pdf"


def smtp_settings(cfg: dict[str, Any], host: str | None = None, port: int | None = None) -> Smtp:
    """The SMTP server of the delivery settings, host and port overridden when given."""
    d = cfg["delivery"]
    return Smtp(
        host=host or d["smtp_host"],
        port=int(port or d["smtp_port"]),
        user=d["smtp_user"],
        password_env=d["smtp_password_env"],
        sender=d["from"],
        starttls=bool(d["starttls"]),
    )


def message(
    sender: str,
    recipient: str,
    subject: str,
    text: str,
    html: str | None = None,
    attachments: tuple[Attachment, ...] = (),
) -> EmailMessage:
    """One e-mail: a text part, an HTML alternative when given, then the attachments."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, recipient, subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    for item in attachments:
        msg.add_attachment(
            item.content, maintype=item.maintype, subtype=item.subtype, filename=item.filename
        )
    return msg


def send(messages: list[EmailMessage], smtp: Smtp) -> None:
    """Send every message in one SMTP session; a DeliveryError names what failed."""
    password = os.environ.get(smtp.password_env) if smtp.user else None
    if smtp.user and not password:
        raise DeliveryError(
            f"SMTP login {smtp.user!r} needs its password in the environment variable "
            f"{smtp.password_env}, which is not set."
        )
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT_SECONDS) as server:
            if smtp.starttls:
                server.starttls(context=ssl.create_default_context())
            if smtp.user:
                server.login(smtp.user, password or "")
            for msg in messages:
                server.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(
            f"Could not send e-mail through {smtp.host}:{smtp.port}: {describe(exc)}"
        ) from exc


def describe(exc: BaseException) -> str:
    """A short reason for a failed SMTP exchange."""
    if isinstance(exc, smtplib.SMTPResponseException):
        reason = (
            exc.smtp_error.decode(errors="replace")
            if isinstance(exc.smtp_error, bytes)
            else exc.smtp_error
        )
        return f"the server answered {exc.smtp_code} {reason}"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"{exc} (turn delivery.starttls off for a server without STARTTLS)"
    return str(exc) or type(exc).__name__


def write_eml(messages: list[EmailMessage], folder: str | Path) -> list[Path]:
    """Write each message as an .eml file in folder (created); the paths written."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, msg in enumerate(messages, start=1):
        slug = re.sub(r"[^A-Za-z0-9]+", "-", f"{msg['To']} {msg['Subject']}").strip("-")[:80]
        path = target / f"{number:03d}-{slug}.eml"
        path.write_bytes(msg.as_bytes())
        paths.append(path)
    return paths
