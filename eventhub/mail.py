"""Outgoing e-mail over SMTP (standard library), configured by EVENTHUB_MAIL_* settings."""

from __future__ import annotations

import logging
import smtplib
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


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def build_message(
    *, to: list[str], subject: str, body: str, attachments=(), sender=None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender or current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="eventhub")
    message.set_content(body)
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


def send_mail(*, to: list[str], subject: str, body: str, attachments=(), sender=None) -> bool:
    """Send one message; False (nothing sent) when no SMTP server is configured."""
    if not mail_configured():
        return False
    config = current_app.config
    message = build_message(
        to=to, subject=subject, body=body, attachments=attachments, sender=sender
    )
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)
    log.info("mail %r sent to %d recipient(s)", subject, len(to))
    return True
