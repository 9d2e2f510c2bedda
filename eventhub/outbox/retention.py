"""How long the outbox keeps mail: OUTBOX_KEEP_DAYS after a message last changed, then only what
the organisers' delivery lists show.

A message's text (body and attachments: an invitation's link, a call's place, the names of
the people meeting) is already dropped once it is sent or has failed for good (outbox/jobs.py).
What stays on the row afterwards still names people (its subject, its address), so once a
message has been finished for OUTBOX_KEEP_DAYS:

- if a newer message on the same topic exists (an invitation sent again), it is deleted:
  nobody reads it again, every list shows a topic's latest message only;
- the latest message of its topic is kept as its delivery record only (topic, state, when,
  attempts; for a failure, the server's answer, which says why and lets the organiser send
  again): its subject and address are emptied, and a sent one's answer too.

A message still waiting OUTBOX_KEEP_DAYS after its last try (no consumer ran it, or its job was
lost) is not sent any more: what it says is stale (an invitation's link has expired), so it is
marked failed, its text dropped, and the organiser can send it again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from ..extensions import db
from ..mail import DeliveryReason
from ..timestamps import utcnow
from .models import DeliveryState, OutgoingMail

log = logging.getLogger(__name__)

FINISHED = (DeliveryState.SENT, DeliveryState.FAILED)


def purge(days: int, *, now: datetime | None = None) -> dict[str, int]:
    """Apply the rule above to every message last changed more than `days` days before `now`;
    how many were expired, deleted and reduced to their delivery record."""
    now = now or utcnow()
    cutoff = now - timedelta(days=days)
    old = OutgoingMail.updated_at < cutoff
    expired = db.session.execute(
        update(OutgoingMail)
        .where(old, OutgoingMail.state == DeliveryState.QUEUED)
        .values(
            state=DeliveryState.FAILED,
            reason=DeliveryReason.EXPIRED,
            content=None,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    latest = select(func.max(OutgoingMail.id)).group_by(OutgoingMail.topic)
    deleted = db.session.execute(
        delete(OutgoingMail)
        .where(old, OutgoingMail.state.in_(FINISHED), OutgoingMail.id.not_in(latest))
        .execution_options(synchronize_session=False)
    ).rowcount
    reduced = 0
    for state, keep_answer in ((DeliveryState.SENT, False), (DeliveryState.FAILED, True)):
        values = {"subject": "", "recipient": "", "content": None}
        if not keep_answer:
            values["answer"] = None
        reduced += db.session.execute(
            update(OutgoingMail)
            .where(old, OutgoingMail.state == state, OutgoingMail.recipient != "")
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
    if expired:
        log.warning(
            "outbox: %d message(s) still waiting after %d days were not sent (failed)",
            expired,
            days,
        )
    db.session.expire_all()
    return {"expired": expired, "deleted": deleted, "reduced": reduced}
