"""Requests nobody answered in time: once every time proposed has come, a pending request can
no longer be accepted; it expires, and the person who asked is told (a periodic job)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..timestamps import utcnow
from . import notify
from .models import Bilateral, BilateralSlot, BilateralState


def expire_due(now: datetime | None = None) -> list[Bilateral]:
    """Expire every pending request whose latest proposal's times have all started; those."""
    now = now or utcnow()
    # A request with a time proposed that has come; its latest proposal is checked below.
    candidates = db.session.scalars(
        select(Bilateral)
        .options(selectinload(Bilateral.slots), selectinload(Bilateral.requester))
        .where(
            Bilateral.state == BilateralState.PENDING,
            Bilateral.id.in_(
                select(BilateralSlot.bilateral_id).where(BilateralSlot.starts_at <= now)
            ),
        )
        .order_by(Bilateral.id)
    ).all()
    expired = [b for b in candidates if all(s.starts_at <= now for s in b.current_slots)]
    for bilateral in expired:
        bilateral.state = BilateralState.EXPIRED
        bilateral.awaiting_id = None
        bilateral.updated_at = now
        db.session.flush()
        notify.queue(notify.EXPIRED, bilateral, [bilateral.requester])
    return expired
