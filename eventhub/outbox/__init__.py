"""The outbox: e-mail written in a transaction and sent by a job once it commits.

How to send mail (invitations, bilateral notifications, silence reminders do it this way)::

    from eventhub import outbox

    with force_locale(person.language or "en"):
        mail = outbox.Mail(person.email, _("Subject"), _("Body"))
    outbox.queue([mail, ...], topic=f"bilateral:{bilateral.id}")

`queue` adds one `OutgoingMail` row per message to the current transaction; once it commits,
jobs send them in batches over one SMTP connection each (outbox/sending.py), try again what the
server refused for now (MAIL_RETRY_DELAYS), and record each recipient's state with the
server's answer. A rolled-back transaction sends nothing. With no mail server configured,
nothing is queued and `queue` returns no rows: say so, or offer another way (a link to copy).
`latest(topics)` gives each topic's latest message, to show where it stands. How long the
outbox keeps messages, and what of them: outbox/retention.py (OUTBOX_KEEP_DAYS).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..mail import Attachment, MeetingRequest, build_message, mail_configured
from .models import DeliveryState, OutgoingMail

__all__ = [
    "Attachment",
    "DeliveryState",
    "Mail",
    "MeetingRequest",
    "OutgoingMail",
    "init_app",
    "latest",
    "queue",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mail:
    """One message to one address, written in the recipient's language."""

    to: str
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()
    # A calendar entry to put in (or take out of) her calendar: the mail is then a meeting
    # request, its text beside the calendar (eventhub/mail.py).
    meeting: MeetingRequest | None = None


def queue(mails: Iterable[Mail], *, topic: str) -> list[OutgoingMail]:
    """Write the messages into the outbox; they are sent once the transaction commits."""
    mails = list(mails)
    if not mail_configured():
        if mails:
            log.info("no mail server: %d message(s) about %s not sent", len(mails), topic)
        return []
    rows = []
    for mail in mails:
        message = build_message(
            to=[mail.to],
            subject=mail.subject,
            body=mail.body,
            attachments=mail.attachments,
            meeting=mail.meeting,
        )
        rows.append(
            OutgoingMail(
                topic=topic,
                recipient=mail.to,
                subject=str(message["Subject"]),
                content=message.as_bytes(),
            )
        )
    if not rows:
        return rows
    db.session.add_all(rows)
    db.session.flush()
    from .jobs import send_mail_batch
    from .sending import queue_batches

    queue_batches(send_mail_batch, rows, subject=f"mail:{topic}"[:200])
    return rows


def latest(topics: Iterable[str]) -> dict[str, OutgoingMail]:
    """Each topic's latest message (by topic), for those that have one."""
    topics = list(topics)
    if not topics:
        return {}
    newest = (
        select(func.max(OutgoingMail.id))
        .where(OutgoingMail.topic.in_(topics))
        .group_by(OutgoingMail.topic)
    )
    rows = db.session.scalars(select(OutgoingMail).where(OutgoingMail.id.in_(newest)))
    return {row.topic: row for row in rows}


def init_app(app) -> None:
    """The outbox's table and the job that sends it (a consumer knows only imported tasks)."""
    from . import jobs, models  # noqa: F401
    from .reasons import delivery_reason

    app.add_template_global(delivery_reason)
