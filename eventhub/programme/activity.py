"""The event's activity log: an append-only record of moderation and organiser actions.

Every domain that moderates or organises calls one function:

    from eventhub.programme import activity
    activity.record(event, actor, "person.mute", subject=who, reason="…", group="wg1", minutes=30)

- `actor` is the person who acted (None: EventHub itself, e.g. the command line or a job);
- `action` is a dotted name (`ACTIONS` lists those in use; `activity_text.SENTENCES` says how each
  reads in the log, and a test fails when an action has no sentence);
- `subject` is the person it was done to, if any ("to whom");
- `reason` is the free text the actor gave ("why"), kept as written;
- `details` are plain JSON values that say what exactly, by stable keys rather than database ids
  where an archive must restore them (`group="wg1"`, `session="opening"`, `seq=12`,
  `item="WG1-R3"`, `version=2`), so an entry reads the same after an export and an import.

Entries store structured data, never translated text: the activity page renders each entry in the
reader's language (activity_text.py). Nothing updates or deletes an entry (the ORM refuses);
reversing an action records another entry. Entries go with their event, and keep no name: a
person who deletes her account reads as "a former participant".
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, select
from sqlalchemy import event as orm_event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Person
from ..extensions import db
from ..timestamps import UTCDateTime, utcnow
from .models import Event

MAX_REASON = 1000
PAGE = 100

# The actions recorded, by kind (the activity page filters by kind). Add a new action here and
# give it a sentence in activity_text.SENTENCES.
KINDS: dict[str, tuple[str, ...]] = {
    "moderation": (
        "message.hide",
        "message.unhide",
        "message.report",
        "report.dismiss",
        "person.mute",
        "person.unmute",
        "person.remove",
        "person.readmit",
        "comment.hide",
        "question.approve",
        "question.hide",
        "question.unhide",
        "question.merge",
        "qa.premoderate",
        "qa.open",
    ),
    "people": (
        "role.grant",
        "role.change",
        "role.remove",
        "invitation.send",
        "invitation.withdraw",
        "invitation.accept",
    ),
    "programme": (
        "session.add",
        "session.edit",
        "session.move",
        "session.cancel",
        "session.restore",
        "programme.import",
        "bilateral.move",
        "bilateral.cancel",
    ),
    "report": (
        "board.freeze",
        "board.unfreeze",
        "report.publish",
        "report.public",
        "report.private",
        # The silence procedure (reports/silence.py).
        "report.circulate",
        "report.revise",
        "report.object",
        "report.approve",
        "report.withdraw",
        "report.return",
        "report.adopt",
    ),
}
ACTIONS = frozenset(action for actions in KINDS.values() for action in actions)


class ActivityEntry(db.Model):
    """One action on the record: who did what, to whom, when, why, and the details."""

    __tablename__ = "activity_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(64))
    # Who acted; NULL with `system` false: her account was deleted since.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    # True when no person acted (the command line, a background job).
    system: Mapped[bool] = mapped_column(default=False)
    # To whom, if to a person; NULL for none, or an account deleted since.
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    event: Mapped[Event] = relationship()
    actor: Mapped[Person | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[Person | None] = relationship(foreign_keys=[subject_id])

    @property
    def kind(self) -> str:
        return next((k for k, actions in KINDS.items() if self.action in actions), "other")


class AppendOnly(RuntimeError):
    """An attempt to change or delete an entry of the activity log (a programming error)."""


@orm_event.listens_for(ActivityEntry, "before_update")
def _refuse_update(_mapper, _connection, entry):
    raise AppendOnly(f"activity entry {entry.id} is on the record and cannot be changed")


@orm_event.listens_for(ActivityEntry, "before_delete")
def _refuse_delete(_mapper, _connection, entry):
    raise AppendOnly(f"activity entry {entry.id} is on the record and cannot be deleted")


def record(
    event: Event,
    actor: Person | None,
    action: str,
    subject: Person | None = None,
    reason: str | None = None,
    **details,
) -> ActivityEntry:
    """Append one entry to `event`'s log (flushed with the caller's transaction, never alone)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown activity action {action!r}: add it to activity.KINDS")
    # Plain JSON only: an entry must read the same after an export and an import.
    json.dumps(details, allow_nan=False)
    entry = ActivityEntry(
        event=event,
        at=utcnow(),
        action=action,
        actor=actor,
        system=actor is None,
        subject=subject,
        reason=(reason or "").strip()[:MAX_REASON],
        details=details,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def entries(
    event: Event,
    *,
    kind: str | None = None,
    before: int | None = None,
    subject: Person | None = None,
    limit: int = PAGE,
) -> tuple[list[ActivityEntry], bool]:
    """The event's entries newest first (older than entry `before`), and whether there are more."""
    query = select(ActivityEntry).where(ActivityEntry.event_id == event.id)
    if kind in KINDS:
        query = query.where(ActivityEntry.action.in_(KINDS[kind]))
    if before is not None:
        query = query.where(ActivityEntry.id < before)
    if subject is not None:
        query = query.where(ActivityEntry.subject_id == subject.id)
    rows = list(db.session.scalars(query.order_by(ActivityEntry.id.desc()).limit(limit + 1)))
    return rows[:limit], len(rows) > limit
