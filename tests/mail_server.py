"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, for delivery tests."""

from __future__ import annotations

import email
import socket
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller


class Inbox:
    """aiosmtpd handler: stores each message; refuses recipients listed in `refuse`."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start() -> tuple[Controller, Inbox]:
    """A started SMTP server and its inbox (stop the controller when done)."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, inbox


def text_of(msg: EmailMessage, subtype: str) -> str:
    """The decoded text/<subtype> part of a message."""
    part = msg.get_body(preferencelist=(subtype,))
    assert part is not None and part.get_content_subtype() == subtype
    return part.get_content()
