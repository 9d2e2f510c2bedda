"""Calendar invites sent by e-mail: one row per person, session and sending, with its fate."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Person
from ..extensions import db
from ..outbox.models import DeliveryState, delivery_state_column
from ..programme.models import Event, Session
from ..timestamps import UTCDateTime, utcnow


class InviteDelivery(db.Model):
    """One invite to one person for one session, from the moment an organiser sends it."""

    __tablename__ = "invite_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("session.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    # Who sent it: the invite's ORGANIZER.
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    state: Mapped[DeliveryState] = mapped_column(
        delivery_state_column(), default=DeliveryState.QUEUED
    )
    # REQUEST or CANCEL, and the session's SEQUENCE, as sent.
    method: Mapped[str | None] = mapped_column(String(10))
    sequence: Mapped[int | None]
    attempts: Mapped[int] = mapped_column(default=0)
    # The mail server's last answer ("250 2.0.0 Ok: queued as …", "550 5.1.1 No such user"),
    # word for word; with a `reason`, the technical detail of EventHub's own (outbox/sending.py).
    answer: Mapped[str | None] = mapped_column(Text)
    # Why it was not delivered, when EventHub says so rather than the server: a DeliveryReason
    # code, shown in each reader's language (outbox/reasons.py).
    reason: Mapped[str | None] = mapped_column(String(40))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    session: Mapped[Session] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    sent_by: Mapped[Person | None] = relationship(foreign_keys=[sent_by_id])

    def __repr__(self) -> str:
        return f"<InviteDelivery {self.session_id} {self.person_id} {self.state}>"
