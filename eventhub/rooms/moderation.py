"""Keeping a room safe: hiding messages, muting and removing people, reports to facilitators."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from ..accounts.models import Person
from ..errors import Invalid, NotFound
from ..extensions import db
from ..permissions import forget_memberships
from ..programme import activity
from ..text import has_controls
from ..timestamps import utcnow
from .models import Hand, Message, MessageReport, Room, RoomMute, RoomRemoval
from .service import is_moderator, removal

MAX_REASON = 1000


def _place(room: Room) -> dict:
    """Where, for the activity log: the working group's or the session's key (stable in archives)."""
    if room.working_group is not None:
        return {"group": room.working_group.key}
    return {"session": room.session.key} if room.session is not None else {}


def hide(message: Message, by: Person, reason: str | None = None) -> None:
    """Hide for everyone; kept, with who hid it and when, for the record."""
    if message.hidden_at is None:
        message.hidden_at = utcnow()
        message.hidden_by = by
        activity.record(
            message.room.event,
            by,
            "message.hide",
            subject=message.author,
            reason=reason,
            seq=message.seq,
            **_place(message.room),
        )
        db.session.flush()


def unhide(message: Message, by: Person, reason: str | None = None) -> None:
    """Show it again; who hid it stays on the message and both actions stay in the log."""
    if message.hidden_at is not None:
        message.hidden_at = None
        activity.record(
            message.room.event,
            by,
            "message.unhide",
            subject=message.author,
            reason=reason,
            seq=message.seq,
            **_place(message.room),
        )
        db.session.flush()


def _not_a_moderator(room: Room, person: Person) -> None:
    if is_moderator(person, room):
        raise Invalid(_("Facilitators and organisers cannot be muted or removed."))


def current_mute(room: Room, person: Person) -> RoomMute | None:
    """Her mute in the room that nobody ended (it may have lapsed by its time)."""
    return db.session.scalar(
        select(RoomMute).where(
            RoomMute.room_id == room.id,
            RoomMute.person_id == person.id,
            RoomMute.ended_at.is_(None),
        )
    )


def mute(
    room: Room, person: Person, minutes: int, by: Person, reason: str | None = None
) -> datetime:
    """Refuse her messages for `minutes`; a new mute replaces (ends) an earlier one."""
    if not 1 <= minutes <= 1440:
        raise Invalid(_("Mute someone for between 1 minute and 24 hours."))
    _not_a_moderator(room, person)
    now = utcnow()
    until = now + timedelta(minutes=minutes)
    earlier = current_mute(room, person)
    if earlier is not None:
        earlier.ended_at, earlier.ended_by = now, by
        db.session.flush()  # before the new row: one mute in force per person and room
    db.session.add(
        RoomMute(room_id=room.id, person=person, until=until, muted_by=by, created_at=now)
    )
    activity.record(
        room.event,
        by,
        "person.mute",
        subject=person,
        reason=reason,
        minutes=minutes,
        until=until.isoformat(),
        **_place(room),
    )
    db.session.flush()
    return until


def unmute(room: Room, person: Person, by: Person, reason: str | None = None) -> None:
    """End her mute now; the mute stays on the record."""
    running = current_mute(room, person)
    if running is None:
        return
    running.ended_at, running.ended_by = utcnow(), by
    activity.record(room.event, by, "person.unmute", subject=person, reason=reason, **_place(room))
    db.session.flush()


def remove(room: Room, person: Person, by: Person, reason: str | None = None) -> None:
    """Revoke her place in the room (reversible by readmit); she leaves the queue and floor."""
    _not_a_moderator(room, person)
    if removal(room, person) is None:
        db.session.add(
            RoomRemoval(room_id=room.id, person=person, removed_by=by, created_at=utcnow())
        )
        activity.record(
            room.event, by, "person.remove", subject=person, reason=reason, **_place(room)
        )
    db.session.execute(delete(Hand).where(Hand.room_id == room.id, Hand.person_id == person.id))
    if room.floor_person_id == person.id:
        room.floor_person = None
    db.session.flush()
    forget_memberships()


def readmit(room: Room, person: Person, by: Person, reason: str | None = None) -> None:
    """Let her back in; the removal stays on the record, marked with who readmitted her."""
    current = removal(room, person)
    if current is None:
        return
    current.readmitted_at, current.readmitted_by = utcnow(), by
    activity.record(room.event, by, "person.readmit", subject=person, reason=reason, **_place(room))
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
        _record_report(message, reporter, reason)
        return existing
    item = MessageReport(
        room_id=message.room_id,
        message=message,
        reporter=reporter,
        reason=reason,
        created_at=utcnow(),
    )
    db.session.add(item)
    _record_report(message, reporter, reason)
    return item


def _record_report(message: Message, reporter: Person, reason: str) -> None:
    activity.record(
        message.room.event,
        reporter,
        "message.report",
        subject=message.author,
        reason=reason,
        seq=message.seq,
        **_place(message.room),
    )
    db.session.flush()


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
    activity.record(
        room.event,
        by,
        "report.dismiss",
        subject=item.message.author,
        seq=item.message.seq,
        **_place(room),
    )
    db.session.flush()


def sanctions(room: Room) -> tuple[list[RoomMute], list[RoomRemoval]]:
    """Mutes still running and removals, oldest first."""
    muted = db.session.scalars(
        select(RoomMute)
        .where(RoomMute.room_id == room.id, RoomMute.ended_at.is_(None), RoomMute.until > utcnow())
        .order_by(RoomMute.created_at)
    )
    removed = db.session.scalars(
        select(RoomRemoval)
        .where(RoomRemoval.room_id == room.id, RoomRemoval.readmitted_at.is_(None))
        .order_by(RoomRemoval.created_at)
    )
    return list(muted), list(removed)
