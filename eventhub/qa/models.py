"""A plenary's questions from the audience, their upvotes, and how the session runs them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Person
from ..extensions import db
from ..programme.models import Event, Session
from ..timestamps import UTCDateTime, utcnow


class QuestionState(enum.StrEnum):
    PENDING = "pending"  # waiting for a moderator's approval (pre-moderation)
    OPEN = "open"  # in the list, to be answered
    ANSWERING = "answering"  # being answered now: highlighted for everyone
    ANSWERED = "answered"
    HIDDEN = "hidden"  # taken out of the list by a moderator, with a reason; kept
    WITHDRAWN = "withdrawn"  # taken back by the asker; kept
    MERGED = "merged"  # a duplicate, folded into another question with its votes


# The states everyone sees in the list.
LISTED = frozenset({QuestionState.OPEN, QuestionState.ANSWERING, QuestionState.ANSWERED})
# The states in which the asker may still edit or withdraw.
EDITABLE = frozenset({QuestionState.PENDING, QuestionState.OPEN})


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, values_callable=lambda c: [m.value for m in c], native_enum=False, length=20)


class PlenaryQA(db.Model):
    """How one plenary session runs its questions."""

    __tablename__ = "qa_settings"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("session.id", ondelete="CASCADE"), primary_key=True
    )
    # Questions wait for a moderator's approval before anyone else sees them.
    premoderated: Mapped[bool] = mapped_column(default=False)

    session: Mapped[Session] = relationship()


class AudienceQuestion(db.Model):
    """A question asked in a plenary. Hidden, withdrawn or merged questions are kept."""

    __tablename__ = "qa_question"
    __table_args__ = (
        # Idempotent asking: a resend after a lost ack is not a second question.
        UniqueConstraint("session_id", "asker_id", "client_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("session.id", ondelete="CASCADE"), index=True
    )
    asker_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    client_id: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    # Whom it is for: a panellist of the session, as the asker typed it ("" for anyone).
    addressed_to: Mapped[str] = mapped_column(String(120), default="")
    # Only moderators ever learn who asked (under the Chatham House rule, always so).
    anonymous: Mapped[bool] = mapped_column(default=False)
    state: Mapped[QuestionState] = mapped_column(_enum(QuestionState), default=QuestionState.OPEN)
    # Upvotes, kept equal to its QuestionVote rows by atomic updates.
    votes: Mapped[int] = mapped_column(default=0)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("qa_question.id", ondelete="SET NULL")
    )
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    # A moderator put this answered question into the report's key messages of the session.
    in_report: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    session: Mapped[Session] = relationship()
    asker: Mapped[Person | None] = relationship()
    merged_into: Mapped[AudienceQuestion | None] = relationship(remote_side=[id])

    @property
    def listed(self) -> bool:
        return self.state in LISTED


class QuestionVote(db.Model):
    """One member's upvote of one question; never shown to anyone as a name."""

    __tablename__ = "qa_vote"
    __table_args__ = (UniqueConstraint("question_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("qa_question.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
