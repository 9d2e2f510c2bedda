"""Invites by e-mail, as jobs: sending queues one delivery per person and session; consumers send
them in batches over one SMTP connection each, retry what the server refused for now, and record
for every person what happened (queued, sent, failed) with the server's answer."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..accounts.models import Person
from ..errors import Invalid
from ..extensions import db
from ..jobs import enqueue_after_commit
from ..mail import DeliveryError, mail_configured, smtp_connection
from ..programme.models import Session
from ..timestamps import utcnow
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
    size = current_app.config["INVITE_BATCH_SIZE"]
    ids = [d.id for d in deliveries]
    from .jobs import send_invites

    for start in range(0, len(ids), size):
        batch = ids[start : start + size]
        enqueue_after_commit(send_invites, batch, 1, subject=f"invites:{deliveries[0].event_id}")
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
    """Send a batch over one connection; commit each outcome as it comes (what went out stays
    on the record if the batch dies later); queue another try for what was refused for now."""
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
    if not deliveries:
        return {"sent": 0, "failed": 0, "retrying": 0}
    if not mail_configured():
        for delivery in deliveries:
            _record(delivery, DeliveryState.FAILED, "no mail server is configured")
        return {"sent": 0, "failed": len(deliveries), "retrying": 0}
    later: list[InviteDelivery] = []
    try:
        with smtp_connection() as mailer:
            for delivery in deliveries:
                _send_one(mailer, delivery, later)
    except DeliveryError as error:
        # The connection is gone: whatever was not tried yet waits for the next try too.
        for delivery in deliveries:
            if delivery.state == DeliveryState.QUEUED and delivery not in later:
                later.append(delivery)
                _record(delivery, DeliveryState.QUEUED, error.answer)
    if later:
        _try_again(later, attempt)
    outcome = counts(deliveries)
    return {
        "sent": outcome[DeliveryState.SENT],
        "failed": outcome[DeliveryState.FAILED],
        "retrying": outcome[DeliveryState.QUEUED],
    }


def _send_one(mailer, delivery: InviteDelivery, later: list[InviteDelivery]) -> None:
    """Send one invite and record what the server said; raises DeliveryError when the
    connection is lost (the rest of the batch then waits for the next try)."""
    message = _message(delivery)
    if message is None:
        _record(delivery, DeliveryState.FAILED, "not sent: no longer invited")
        return
    try:
        answer = mailer.send(message)
    except DeliveryError as error:
        if not error.temporary:
            _record(delivery, DeliveryState.FAILED, error.answer)
            return
        later.append(delivery)
        _record(delivery, DeliveryState.QUEUED, error.answer)
        if error.connection_lost:
            raise
        return
    _record(delivery, DeliveryState.SENT, answer)


def _message(delivery: InviteDelivery):
    person, session = delivery.person, delivery.session
    if person is None or session is None or not person.active:
        return None
    organiser = delivery.sent_by
    if person.id not in {p.id for p in attendees(session, organiser)}:
        return None  # removed from the group (or the session moved) since it was queued
    with force_locale(person.language or "en"):
        invite = build_invite_for(session, person, organiser)
        if invite is None:
            return None
        delivery.method, delivery.sequence = invite.method, session.sequence
        return invite_message(invite)


def _record(
    delivery: InviteDelivery, state: DeliveryState, answer: str, *, tried: bool = True
) -> None:
    delivery.state = state
    delivery.answer = answer[:2000]
    delivery.attempts += 1 if tried else 0
    delivery.updated_at = utcnow()
    db.session.commit()


def _try_again(later: list[InviteDelivery], attempt: int) -> None:
    from .jobs import send_invites

    delays = current_app.config["INVITE_RETRY_DELAYS"]
    if attempt > len(delays):
        for delivery in later:
            _record(delivery, DeliveryState.FAILED, delivery.answer or "not sent", tried=False)
        return
    log.info("%d invite(s) refused for now; trying again in %ss", len(later), delays[attempt - 1])
    enqueue_after_commit(
        send_invites,
        [d.id for d in later],
        attempt + 1,
        delay=delays[attempt - 1],
        subject=f"invites:{later[0].event_id}",
    )
