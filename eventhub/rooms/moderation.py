"""Keeping a room safe: hiding messages, muting and removing people, reports to facilitators."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from ..accounts.models import Person
from ..errors import Invalid, NotFound
from ..extensions import db
from ..text import has_controls
from ..types import utcnow
from .models import Hand, Message, MessageReport, Room, RoomMute, RoomRemoval
from .service import is_moderator

MAX_REASON = 1000


def hide(message: Message, by: Person) -> None:
    """Hide for everyone; kept, with who hid it and when, for the record."""
    if message.hidden_at is None:
        message.hidden_at = utcnow()
        message.hidden_by = by
        db.session.flush()


def unhide(message: Message) -> None:
    message.hidden_at = None
    message.hidden_by = None
    db.session.flush()


def _not_a_moderator(room: Room, person: Person) -> None:
    if is_moderator(person, room):
        raise Invalid(_("Facilitators and organisers cannot be muted or removed."))


def mute(room: Room, person: Person, minutes: int, by: Person) -> datetime:
    if not 1 <= minutes <= 1440:
        raise Invalid(_("Mute someone for between 1 minute and 24 hours."))
    _not_a_moderator(room, person)
    until = utcnow() + timedelta(minutes=minutes)
    mute = db.session.scalar(
        select(RoomMute).where(RoomMute.room_id == room.id, RoomMute.person_id == person.id)
    )
    if mute is None:
        mute = RoomMute(room_id=room.id, person=person)
        db.session.add(mute)
    mute.until = until
    mute.muted_by = by
    mute.created_at = utcnow()
    db.session.flush()
    return until


def unmute(room: Room, person: Person) -> None:
    db.session.execute(
        delete(RoomMute).where(RoomMute.room_id == room.id, RoomMute.person_id == person.id)
    )
    db.session.flush()


def remove(room: Room, person: Person, by: Person) -> None:
    """Revoke her place in the room (reversible by readmit); she leaves the queue and floor."""
    _not_a_moderator(room, person)
    exists = db.session.scalar(
        select(RoomRemoval).where(
            RoomRemoval.room_id == room.id, RoomRemoval.person_id == person.id
        )
    )
    if exists is None:
        db.session.add(
            RoomRemoval(room_id=room.id, person=person, removed_by=by, created_at=utcnow())
        )
    db.session.execute(delete(Hand).where(Hand.room_id == room.id, Hand.person_id == person.id))
    if room.floor_person_id == person.id:
        room.floor_person = None
    db.session.flush()


def readmit(room: Room, person: Person) -> None:
    db.session.execute(
        delete(RoomRemoval).where(
            RoomRemoval.room_id == room.id, RoomRemoval.person_id == person.id
        )
    )
    db.session.flush()


def report(message: Message, reporter: Person, reason: str) -> MessageReport:
    """Report a message to the facilitators; a second report by her updates the reason."""
    reason = reason.strip()
    if has_controls(reason, multiline=True):
        raise Invalid(_("The reason contains characters that cannot be shown. Remove them."))
    if len(reason) > MAX_REASON:
        raise Invalid(_("Please keep the reason under %(max)d characters.", max=MAX_REASON))
    existing = db.session.scalar(
        select(MessageReport).where(
            MessageReport.message_id == message.id, MessageReport.reporter_id == reporter.id
        )
    )
    if existing is not None:
        existing.reason = reason or existing.reason
        existing.dismissed_at = None
        existing.dismissed_by_id = None
        db.session.flush()
        return existing
    item = MessageReport(
        room_id=message.room_id,
        message=message,
        reporter=reporter,
        reason=reason,
        created_at=utcnow(),
    )
    db.session.add(item)
    db.session.flush()
    return item


def open_reports(room: Room) -> list[MessageReport]:
    return list(
        db.session.scalars(
            select(MessageReport)
            .where(MessageReport.room_id == room.id, MessageReport.dismissed_at.is_(None))
            .order_by(MessageReport.created_at, MessageReport.id)
        )
    )


def dismiss_report(room: Room, report_id: int, by: Person) -> None:
    item = db.session.get(MessageReport, report_id)
    if item is None or item.room_id != room.id:
        raise NotFound(_("That report is not in this room."))
    item.dismissed_at = utcnow()
    item.dismissed_by_id = by.id
    db.session.flush()


def sanctions(room: Room) -> tuple[list[RoomMute], list[RoomRemoval]]:
    """Mutes still running and removals, oldest first."""
    muted = db.session.scalars(
        select(RoomMute)
        .where(RoomMute.room_id == room.id, RoomMute.until > utcnow())
        .order_by(RoomMute.created_at)
    )
    removed = db.session.scalars(
        select(RoomRemoval).where(RoomRemoval.room_id == room.id).order_by(RoomRemoval.created_at)
    )
    return list(muted), list(removed)
