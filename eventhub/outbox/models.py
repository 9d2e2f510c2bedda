"""Outgoing e-mail, one row per message and recipient, with what became of it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timestamps import UTCDateTime, utcnow


class DeliveryState(enum.StrEnum):
    QUEUED = "queued"  # waiting for a job consumer (or for another try after a refusal)
    SENT = "sent"  # the mail server took it
    FAILED = "failed"  # refused for good, or still refused after every try

    @property
    def finished(self) -> bool:
        return self != DeliveryState.QUEUED


def delivery_state_column() -> Enum:
    return Enum(
        DeliveryState, values_callable=lambda c: [m.value for m in c], native_enum=False, length=20
    )


class OutgoingMail(db.Model):
    """One message to one address, from the transaction that wrote it to the server's answer."""

    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the message is about, for finding it again ("invitation:12", "bilateral:7").
    topic: Mapped[str] = mapped_column(String(200), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(Text)
    # The whole message as sent (RFC 5322), kept only until it is finished: an invitation's
    # link is a secret that the database otherwise keeps only hashed.
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    state: Mapped[DeliveryState] = mapped_column(
        delivery_state_column(), default=DeliveryState.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    # The mail server's last answer ("250 2.0.0 Ok: queued as …", "550 5.1.1 No such user"),
    # word for word; with a `reason`, the technical detail of EventHub's own (outbox/sending.py).
    answer: Mapped[str | None] = mapped_column(Text)
    # Why it was not delivered, when EventHub says so rather than the server: a DeliveryReason
    # code, shown in each reader's language (outbox/reasons.py).
    reason: Mapped[str | None] = mapped_column(String(40))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<OutgoingMail {self.id} {self.topic} {self.state}>"
