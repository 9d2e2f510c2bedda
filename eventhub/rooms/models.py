"""Live rooms and the messages posted in them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Person
from ..extensions import db
from ..programme.models import Event, GuidingQuestion, Session, WorkingGroup
from ..timestamps import UTCDateTime, utcnow


class RoomKind(enum.StrEnum):
    WORKING_GROUP = "working-group"  # one per working group
    QA = "qa"  # one per plenary session, for questions and answers


class Room(db.Model):
    __tablename__ = "room"
    __table_args__ = (
        UniqueConstraint("working_group_id"),
        UniqueConstraint("session_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RoomKind] = mapped_column(
        Enum(RoomKind, values_callable=lambda c: [m.value for m in c], native_enum=False, length=20)
    )
    working_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_group.id", ondelete="CASCADE")
    )
    session_id: Mapped[int | None] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"))
    # The last sequence number handed out; the next message gets last_seq + 1.
    last_seq: Mapped[int] = mapped_column(default=0)
    current_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("guiding_question.id", ondelete="SET NULL")
    )
    # Who has the floor (the speaking queue itself is in Hand).
    floor_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    # The facilitator's countdown, visible to all; None when no timer runs.
    timer_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The speaking queue puts those not yet heard in this session before the others.
    first_time_first: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    event: Mapped[Event] = relationship()
    working_group: Mapped[WorkingGroup | None] = relationship()
    session: Mapped[Session | None] = relationship()
    current_question: Mapped[GuidingQuestion | None] = relationship()
    floor_person: Mapped[Person | None] = relationship()

    @property
    def title(self) -> str:
        if self.working_group is not None:
            return self.working_group.title
        return self.session.title if self.session is not None else ""


class Message(db.Model):
    """A message in a room, ordered by its per-room sequence number. Hidden, never erased."""

    __tablename__ = "message"
    __table_args__ = (
        # Its index also serves history and catch-up (by room, in sequence order).
        UniqueConstraint("room_id", "seq"),
        # Idempotent sends: one message per client id per author per room.
        UniqueConstraint("room_id", "author_id", "client_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"))
    seq: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    # Idempotency: the client's id for this message, so a resend after a lost ack is not a duplicate.
    client_id: Mapped[str | None] = mapped_column(String(64))
    guiding_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("guiding_question.id", ondelete="SET NULL")
    )
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who hid it last; kept when it is shown again (the activity log has every hide and unhide).
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    room: Mapped[Room] = relationship()
    author: Mapped[Person | None] = relationship(foreign_keys=[author_id])
    hidden_by: Mapped[Person | None] = relationship(foreign_keys=[hidden_by_id])
    guiding_question: Mapped[GuidingQuestion | None] = relationship()
    reply_to: Mapped[Message | None] = relationship(remote_side=[id])

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None


class Hand(db.Model):
    """A raised hand in a room's speaking queue, in the order raised."""

    __tablename__ = "hand"
    __table_args__ = (UniqueConstraint("room_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person] = relationship()


class RoomMute(db.Model):
    """A participant muted in a room until a time: her messages are refused until then.

    Kept when it ends: a facilitator's unmute, or a new mute replacing it, sets `ended_at`
    (the activity log says who did what); at most one mute per person and room is not ended.
    """

    __tablename__ = "room_mute"
    __table_args__ = (
        Index(
            "uq_room_mute_current",
            "room_id",
            "person_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    until: Mapped[datetime] = mapped_column(UTCDateTime)
    muted_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    muted_by: Mapped[Person | None] = relationship(foreign_keys=[muted_by_id])
    ended_by: Mapped[Person | None] = relationship(foreign_keys=[ended_by_id])


class RoomRemoval(db.Model):
    """A person removed from a room by a facilitator; readmitting her sets `readmitted_at`.

    Kept after a readmission, for the record; at most one removal per person and room is in force.
    """

    __tablename__ = "room_removal"
    __table_args__ = (
        Index(
            "uq_room_removal_current",
            "room_id",
            "person_id",
            unique=True,
            sqlite_where=text("readmitted_at IS NULL"),
            postgresql_where=text("readmitted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    readmitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    readmitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    removed_by: Mapped[Person | None] = relationship(foreign_keys=[removed_by_id])
    readmitted_by: Mapped[Person | None] = relationship(foreign_keys=[readmitted_by_id])


class MessageReport(db.Model):
    """A member's report of a message to the room's facilitators."""

    __tablename__ = "message_report"
    __table_args__ = (UniqueConstraint("message_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when a facilitator dismisses it (dealt with); kept for the record.
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dismissed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )

    message: Mapped[Message] = relationship()
    reporter: Mapped[Person | None] = relationship(foreign_keys=[reporter_id])


class PollKind(enum.StrEnum):
    SINGLE = "single"  # one option
    MULTIPLE = "multiple"  # one or more options
    SCALE = "scale"  # one value from 1 to 5


class Poll(db.Model):
    """A facilitator's quick poll in a room: answered once per person, changeable until closed.

    Only counts ever leave the server; who chose what stays here (Chatham House or not).
    """

    __tablename__ = "poll"

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(String(300))
    kind: Mapped[PollKind] = mapped_column(
        Enum(PollKind, values_callable=lambda c: [m.value for m in c], native_enum=False, length=20)
    )
    # The options' texts in order; answers refer to them by position (for a scale, "1".."5").
    options: Mapped[list[str]] = mapped_column(JSON)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    room: Mapped[Room] = relationship()
    opened_by: Mapped[Person | None] = relationship()
    answers: Mapped[list[PollAnswer]] = relationship(
        back_populates="poll", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class PollAnswer(db.Model):
    """One person's answer to a poll: the positions of the options she chose."""

    __tablename__ = "poll_answer"
    __table_args__ = (UniqueConstraint("poll_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    choices: Mapped[list[int]] = mapped_column(JSON)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    poll: Mapped[Poll] = relationship(back_populates="answers")
