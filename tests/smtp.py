"""A real SMTP server on the loopback for tests (aiosmtpd): it keeps what it received, and
can refuse an address for now (4xx, a given number of times) or for good (5xx)."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailServer:
    """An aiosmtpd handler: `received` holds (envelope recipients, parsed message)."""

    def __init__(self):
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse_for_good: dict[str, str] = {}  # address -> the server's answer
        self.refuse_for_now: dict[str, int] = {}  # address -> how many more times
        self.connections: set = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.connections.add(session.peer)
        if address in self.refuse_for_good:
            return self.refuse_for_good[address]
        if self.refuse_for_now.get(address, 0) > 0:
            self.refuse_for_now[address] -= 1
            return "451 4.7.1 greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def recipients(self) -> list[str]:
        return sorted(r for rcpt, _m in self.received for r in rcpt)

    def to(self, address: str) -> email.message.EmailMessage:
        (message,) = [m for rcpt, m in self.received if address in rcpt]
        return message


@contextmanager
def mail_server(app, port: int | None = None) -> Iterator[MailServer]:
    """Run a server and point the app's MAIL_* settings at it; retries without waiting."""
    server = MailServer()
    controller = Controller(server, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_RETRY_DELAYS=(0, 0))
    try:
        yield server
    finally:
        controller.stop()
