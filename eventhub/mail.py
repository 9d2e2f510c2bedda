"""Outgoing e-mail over SMTP (standard library), configured by EVENTHUB_MAIL_* settings.

Only job consumers talk to the mail server: the web process writes messages into the outbox
(eventhub/outbox) and jobs send them over `smtp_connection()`, many on one connection.

A message carrying a `MeetingRequest` (session invites, booked bilaterals) is built as Google
Calendar and Thunderbird send theirs, which Outlook and Gmail apply by themselves (an update or
a cancellation changes the entry already in her calendar):

    multipart/mixed
      multipart/alternative
        text/plain                                (her language)
        text/calendar; method=REQUEST or CANCEL   (inline)
      application/ics  invite.ics                 (the same calendar, attached)
"""

from __future__ import annotations

import email.policy
import enum
import logging
import re
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # e.g. "text/calendar; method=REQUEST"
    data: bytes


@dataclass(frozen=True)
class MeetingRequest:
    """An iTIP calendar message (RFC 6047) to send inline and attached, as the module says."""

    method: str  # REQUEST or CANCEL: the calendar's own METHOD
    ics: bytes
    filename: str = "invite.ics"


# Line breaks, control characters and runs of spaces; not the no-break spaces of French
# typography ("Annulée : …"), which str.split() would take too.
_HEADER_BREAKS = re.compile(r"[ \x00-\x1f\x7f\x85\u2028\u2029]+")


def _one_line(text: str) -> str:
    """A title with a line break must not break a header (nor raise): one line of it."""
    return _HEADER_BREAKS.sub(" ", text).strip()


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def build_message(
    *,
    to: list[str],
    subject: str,
    body: str,
    attachments=(),
    sender=None,
    meeting: MeetingRequest | None = None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender or current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = ", ".join(to)
    message["Subject"] = _one_line(subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="eventhub")
    if meeting is None:
        message.set_content(body)
    else:
        message.set_content(body, cte="quoted-printable")
        message.add_alternative(
            meeting.ics.decode("utf-8"),
            subtype="calendar",
            cte="quoted-printable",
            params={"method": meeting.method},
        )
        message.make_mixed()
        message.add_attachment(
            meeting.ics, maintype="application", subtype="ics", filename=meeting.filename
        )
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        subtype, *params = subtype.split(";")
        message.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype.strip(),
            filename=attachment.filename,
            params=dict(p.strip().split("=", 1) for p in params if "=" in p),
        )
    return message


class DeliveryReason(enum.StrEnum):
    """Why a message was not delivered, in EventHub's words rather than the mail server's:
    stored as a code and shown in the reader's language (outbox/reasons.py)."""

    NO_MAIL_SERVER = "no-mail-server"
    UNREACHABLE = "unreachable"  # the server could not be reached (the detail: host, error)
    CONNECTION_LOST = "connection-lost"  # the connection dropped (the detail: the error)
    CONTENT_GONE = "content-gone"  # the message's text was no longer kept
    NO_LONGER_INVITED = "no-longer-invited"  # a calendar invite for someone no longer invited
    EXPIRED = "expired"  # still waiting when the outbox's retention ended it


class DeliveryError(Exception):
    """The server refused a message: `temporary` for a 4xx answer or a lost connection.

    `answer` is the server's own answer, or with a `reason` the technical detail of ours."""

    def __init__(
        self,
        answer: str,
        *,
        temporary: bool,
        connection_lost: bool = False,
        reason: DeliveryReason | None = None,
    ):
        super().__init__(answer)
        self.answer = answer
        self.temporary = temporary
        self.connection_lost = connection_lost
        self.reason = reason


def _answer(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(text.split())}".strip()


class Mailer:
    """One open SMTP connection: send many messages, each with the server's answer."""

    def __init__(self, smtp: smtplib.SMTP):
        self.smtp = smtp

    def send(self, message: EmailMessage) -> str:
        """Send one message; the server's answer to it (e.g. "250 2.0.0 Ok: queued as 4F1A").

        Raises DeliveryError: temporary (4xx, connection lost) or not (5xx).
        """
        sender = message["From"]
        recipients = [a.strip() for a in str(message["To"]).split(",") if a.strip()]
        try:
            self.smtp.ehlo_or_helo_if_needed()
            self._expect(self.smtp.mail(sender), 250)
            for recipient in recipients:
                self._expect(self.smtp.rcpt(recipient), 250, 251)
            code, text = self.smtp.data(message.as_bytes(policy=email.policy.SMTP))
            self._expect((code, text), 250)
        except DeliveryError:
            self._reset()
            raise
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            raise DeliveryError(
                str(error),
                temporary=True,
                connection_lost=True,
                reason=DeliveryReason.CONNECTION_LOST,
            ) from error
        return _answer(code, text)

    def _expect(self, reply: tuple[int, bytes], *good: int) -> None:
        code, text = reply
        if code not in good:
            raise DeliveryError(_answer(code, text), temporary=400 <= code < 500)

    def _reset(self) -> None:
        with suppress(smtplib.SMTPException, OSError):
            self.smtp.rset()


@contextmanager
def smtp_connection() -> Iterator[Mailer]:
    """One connection to the configured server (TLS and login as configured).

    Raises DeliveryError (temporary) when the server cannot be reached or refuses the login
    for a reason that may pass.
    """
    config = current_app.config
    try:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
    except OSError as error:
        raise DeliveryError(
            f"{config['MAIL_SERVER']}:{config['MAIL_PORT']}: {error}",
            temporary=True,
            connection_lost=True,
            reason=DeliveryReason.UNREACHABLE,
        ) from error
    try:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        yield Mailer(smtp)
    except smtplib.SMTPResponseException as error:
        raise DeliveryError(
            _answer(error.smtp_code, error.smtp_error),
            temporary=400 <= error.smtp_code < 500,
            connection_lost=True,
        ) from error
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
