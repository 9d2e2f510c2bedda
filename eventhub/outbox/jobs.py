"""The outbox's jobs: send a batch of queued messages; nightly, apply its retention rule."""

from __future__ import annotations

import email
import email.policy

from flask import current_app
from huey import crontab
from sqlalchemy import select

from ..extensions import db
from ..jobs import periodic, task
from ..mail import DeliveryReason
from . import retention
from .models import DeliveryState, OutgoingMail
from .sending import NotSent, deliver_batch


@task()
def send_mail_batch(mail_ids: list[int], attempt: int) -> dict:
    """Send these queued messages over one SMTP connection (`attempt`: 1 for the first try).

    Refusals are retried by the batch itself, per message (outbox/sending.py), so the job is
    not: a retried job would send again what already went out."""
    rows = db.session.scalars(
        select(OutgoingMail)
        .where(OutgoingMail.id.in_(mail_ids), OutgoingMail.state == DeliveryState.QUEUED)
        .order_by(OutgoingMail.id)
    ).all()
    topic = rows[0].topic if rows else "none"
    return deliver_batch(
        rows,
        _message,
        attempt=attempt,
        task=send_mail_batch,
        subject=f"mail:{topic}"[:200],
        finished=_forget_content,
    )


def _message(row: OutgoingMail) -> email.message.EmailMessage:
    if row.content is None:
        raise NotSent(DeliveryReason.CONTENT_GONE)
    return email.message_from_bytes(row.content, policy=email.policy.default)


def _forget_content(row: OutgoingMail) -> None:
    row.content = None


@periodic(crontab(minute="37", hour="3"))
def purge_old_mail() -> None:
    """What the outbox keeps, and how long (outbox/retention.py)."""
    retention.purge(current_app.config["OUTBOX_KEEP_DAYS"])
