"""Bilateral meetings: requests and their proposed slots, bookings, her settings and blocks.

The windows they happen in are part of the programme (programme.models.BilateralWindow).

A `Bilateral` is a request that becomes a meeting when one of its proposed slots is accepted.
Accepting claims `BilateralBooking` rows: one per person and one for the table, each unique on
its start, so that even a check that raced past the locks in service.py cannot give a slot,
a table or a person's time twice.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Person
from ..extensions import db
from ..programme.models import BilateralWindow, Event, Network, _enum
from ..timestamps import UTCDateTime, utcnow


class Accepting(enum.StrEnum):
    """From whom a person takes bilateral requests."""

    EVERYONE = "everyone"
    MY_NETWORKS = "my-networks"
    NOBODY = "nobody"


class BilateralState(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # still pending when the last time proposed came (bilaterals/expiry.py)


class BilateralPreferences(db.Model):
    """Her bilateral settings: from whom she takes requests, and her working hours (her zone)."""

    __tablename__ = "bilateral_preferences"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    accepting: Mapped[Accepting] = mapped_column(_enum(Accepting), default=Accepting.EVERYONE)
    # Minutes after local midnight in her profile's zone.
    work_starts: Mapped[int] = mapped_column(default=9 * 60)
    work_ends: Mapped[int] = mapped_column(default=17 * 60)


class BilateralBlock(db.Model):
    """She blocked someone: that person cannot ask her, and is never told so."""

    __tablename__ = "bilateral_block"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    blocked_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    blocked: Mapped[Person] = relationship(foreign_keys=[blocked_id])


class Bilateral(db.Model):
    """A request for a meeting between two people (or a person and a network), and its outcome."""

    __tablename__ = "bilateral"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    requester_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    # The person asked; for a request to a network, the member who answered it (None until then).
    invitee_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    network_id: Mapped[int | None] = mapped_column(ForeignKey("network.id", ondelete="SET NULL"))
    window_id: Mapped[int | None] = mapped_column(
        ForeignKey("bilateral_window.id", ondelete="SET NULL")
    )
    purpose: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[BilateralState] = mapped_column(
        _enum(BilateralState), default=BilateralState.PENDING
    )
    # Whose answer is awaited: the invitee, or the requester after a counter-proposal.
    awaiting_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    # The meeting, once accepted.
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    call_url: Mapped[str] = mapped_column(String(1000), default="")
    # The last answer's message (a decline, a counter-proposal, a cancellation).
    message: Mapped[str] = mapped_column(Text, default="")
    cancelled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    # iCalendar SEQUENCE: bumped on every change a calendar should learn of.
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    requester: Mapped[Person] = relationship(foreign_keys=[requester_id])
    invitee: Mapped[Person | None] = relationship(foreign_keys=[invitee_id])
    network: Mapped[Network | None] = relationship()
    window: Mapped[BilateralWindow | None] = relationship()
    slots: Mapped[list[BilateralSlot]] = relationship(
        back_populates="bilateral",
        cascade="all, delete-orphan",
        order_by="(BilateralSlot.round, BilateralSlot.starts_at)",
    )

    @property
    def party_ids(self) -> set[int]:
        return {i for i in (self.requester_id, self.invitee_id) if i is not None}

    @property
    def current_slots(self) -> list[BilateralSlot]:
        """The slots of the latest proposal."""
        if not self.slots:
            return []
        last = max(s.round for s in self.slots)
        return [s for s in self.slots if s.round == last]

    def other_party(self, person_id: int) -> Person | None:
        return self.invitee if person_id == self.requester_id else self.requester


class BilateralSlot(db.Model):
    """A proposed time; each counter-proposal is a new round."""

    __tablename__ = "bilateral_slot"

    id: Mapped[int] = mapped_column(primary_key=True)
    bilateral_id: Mapped[int] = mapped_column(
        ForeignKey("bilateral.id", ondelete="CASCADE"), index=True
    )
    round: Mapped[int] = mapped_column(default=1)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    bilateral: Mapped[Bilateral] = relationship(back_populates="slots")


class BilateralBooking(db.Model):
    """A claim on time: a person's (person_id) or a table's (window_id and place)."""

    __tablename__ = "bilateral_booking"
    __table_args__ = (
        UniqueConstraint("person_id", "starts_at"),
        UniqueConstraint("window_id", "place", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bilateral_id: Mapped[int] = mapped_column(
        ForeignKey("bilateral.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    window_id: Mapped[int | None] = mapped_column(
        ForeignKey("bilateral_window.id", ondelete="CASCADE")
    )
    place: Mapped[str | None] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
