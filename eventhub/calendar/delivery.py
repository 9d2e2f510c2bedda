"""Invites by e-mail, as jobs: sending queues one delivery per person and session; consumers send
them in batches over one SMTP connection each, retry what the server refused for now, and record
for every person what happened (queued, sent, failed) with the server's answer."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from email.message import EmailMessage

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..accounts.models import Person
from ..errors import Invalid
from ..extensions import db
from ..mail import DeliveryReason, mail_configured
from ..outbox.sending import NotSent, deliver_batch, queue_batches
from ..programme.models import Session
from .invites import attendees, build_invite_for, invite_message
from .models import DeliveryState, InviteDelivery

log = logging.getLogger(__name__)


def queue_invites(sessions: Iterable[Session], organiser: Person) -> int:
    """Queue every attendee's invite to each of `sessions` (sent after the commit); how many."""
    _require_mail()
    deliveries = [
        InviteDelivery(event_id=session.event_id, session=session, person=person, sent_by=organiser)
        for session in sessions
        for person in attendees(session, organiser)
    ]
    return _queue(deliveries)


def resend_failed(sessions: Iterable[Session], organiser: Person) -> int:
    """Queue again the invites whose latest delivery failed; how many."""
    _require_mail()
    failed = [d for d in latest_deliveries(sessions) if d.state == DeliveryState.FAILED]
    return _queue(
        [
            InviteDelivery(
                event_id=d.event_id, session=d.session, person=d.person, sent_by=organiser
            )
            for d in failed
        ]
    )


def _require_mail() -> None:
    if not mail_configured():
        raise Invalid(
            _(
                "E-mail is not set up on this server. Download the invites instead "
                "and send them yourself."
            )
        )


def _queue(deliveries: list[InviteDelivery]) -> int:
    db.session.add_all(deliveries)
    db.session.flush()
    if deliveries:
        from .jobs import send_invites

        queue_batches(send_invites, deliveries, subject=f"invites:{deliveries[0].event_id}")
    return len(deliveries)


def latest_deliveries(sessions: Iterable[Session]) -> list[InviteDelivery]:
    """Each person's latest delivery for each session, by session then name."""
    session_ids = [s.id for s in sessions]
    if not session_ids:
        return []
    latest = (
        select(func.max(InviteDelivery.id))
        .where(InviteDelivery.session_id.in_(session_ids))
        .group_by(InviteDelivery.session_id, InviteDelivery.person_id)
    )
    rows = db.session.scalars(
        select(InviteDelivery)
        .options(selectinload(InviteDelivery.person), selectinload(InviteDelivery.session))
        .where(InviteDelivery.id.in_(latest))
    ).all()
    return sorted(rows, key=lambda d: (d.session.starts_at, d.session_id, d.person.email))


def counts(deliveries: Iterable[InviteDelivery]) -> dict[DeliveryState, int]:
    result = dict.fromkeys(DeliveryState, 0)
    for delivery in deliveries:
        result[delivery.state] += 1
    return result


def deliver(delivery_ids: list[int], attempt: int) -> dict:
    """Send a batch over one connection (outbox/sending.py: each outcome committed as it
    comes, what was refused for now queued for another try)."""
    deliveries = db.session.scalars(
        select(InviteDelivery)
        .options(
            selectinload(InviteDelivery.person),
            selectinload(InviteDelivery.session),
            selectinload(InviteDelivery.sent_by),
        )
        .where(InviteDelivery.id.in_(delivery_ids), InviteDelivery.state == DeliveryState.QUEUED)
        .order_by(InviteDelivery.id)
    ).all()
    from .jobs import send_invites

    subject = f"invites:{deliveries[0].event_id}" if deliveries else "invites"
    return deliver_batch(deliveries, _message, attempt=attempt, task=send_invites, subject=subject)


def _message(delivery: InviteDelivery) -> EmailMessage:
    person, session = delivery.person, delivery.session
    if person is None or session is None or not person.active:
        raise NotSent(DeliveryReason.NO_LONGER_INVITED)
    organiser = delivery.sent_by
    if person.id not in {p.id for p in attendees(session, organiser)}:
        raise NotSent(
            DeliveryReason.NO_LONGER_INVITED
        )  # removed from the group since it was queued
    with force_locale(person.language or "en"):
        invite = build_invite_for(session, person, organiser)
        if invite is None:
            raise NotSent(DeliveryReason.NO_LONGER_INVITED)
        delivery.method, delivery.sequence = invite.method, session.sequence
        return invite_message(invite)
