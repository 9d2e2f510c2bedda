"""Rooms and their messages: who may enter, posting with a per-room sequence, reading history."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import Person
from ..errors import NotAllowed, NotFound
from ..extensions import db
from ..permissions import memberships, room_access
from ..programme.models import GuidingQuestion, Session, WorkingGroup
from ..timestamps import utcnow
from .models import Message, Room, RoomKind, RoomMute, RoomRemoval

MAX_BODY = 4000
RECENT = 50
MAX_PAGE = 100


class Muted(NotAllowed):
    code = "muted"

    def __init__(self, until: datetime):
        super().__init__(
            _(
                "A facilitator has muted you in this room until %(time)s UTC. "
                "You can still read the discussion.",
                time=until.strftime("%H:%M"),
            )
        )
        self.details = {"until": until.isoformat()}


class Removed(NotAllowed):
    code = "removed"

    def __init__(self):
        super().__init__(
            _(
                "A facilitator has removed you from this room. "
                "If you think this is a mistake, contact the event's organisers."
            )
        )


# Rooms ----------------------------------------------------------------------------------------


def room_for_group(group: WorkingGroup) -> Room:
    """The working group's room, made on first use."""
    room = db.session.scalar(select(Room).where(Room.working_group_id == group.id))
    if room is None:
        room = _create(
            Room(event=group.event, kind=RoomKind.WORKING_GROUP, working_group=group),
            Room.working_group_id == group.id,
        )
    return room


def room_for_session(session: Session) -> Room:
    """The plenary session's Q&A room, made on first use."""
    room = db.session.scalar(select(Room).where(Room.session_id == session.id))
    if room is None:
        room = _create(
            Room(event=session.event, kind=RoomKind.QA, session=session),
            Room.session_id == session.id,
        )
    return room


def _create(room: Room, existing) -> Room:
    # Two first visitors at once: the unique constraint lets one win; the other reads it.
    try:
        with db.session.begin_nested():
            db.session.add(room)
    except IntegrityError:
        return db.session.scalars(select(Room).where(existing)).one()
    return room


def get_room(room_id: int) -> Room:
    """The room, with what its permission checks read (its event and its session)."""
    room = db.session.get(
        Room,
        room_id,
        options=[joinedload(Room.event), joinedload(Room.session)],
    )
    if room is None:
        raise NotFound(_("This room does not exist (any more)."))
    return room


def access(person: Person, room: Room) -> tuple[bool, bool]:
    """(may enter, runs it): a member of the group, or for a Q&A room of the event; its
    facilitators and the event's organisers run it. Removals are not counted here."""
    return room_access(
        memberships(person, room.event),
        group_id=room.working_group_id,
        plenary=room.session is not None and room.session.is_plenary,
    )


def may_enter(person: Person, room: Room) -> bool:
    return access(person, room)[0]


def is_moderator(person: Person, room: Room) -> bool:
    return access(person, room)[1]


def removal(room: Room, person: Person) -> RoomRemoval | None:
    return db.session.scalar(
        select(RoomRemoval).where(
            RoomRemoval.room_id == room.id,
            RoomRemoval.person_id == person.id,
            RoomRemoval.readmitted_at.is_(None),
        )
    )


def require_member(person: Person, room: Room) -> None:
    """Raise unless she may be in the room now (member, and not removed)."""
    enter, runs = access(person, room)
    check_entry(
        room.working_group_id is not None,
        enter=enter,
        removed=enter and not runs and removal(room, person) is not None,
    )


def check_entry(group_room: bool, *, enter: bool, removed: bool) -> None:
    """Raise unless she may enter the room and no facilitator removed her from it."""
    if not enter:
        raise NotAllowed(
            _("Only members of this working group can enter its room.")
            if group_room
            else _("Only participants of this event can take part in this Q&A.")
        )
    if removed:
        raise Removed()


def require_moderator(person: Person, room: Room) -> None:
    require_member(person, room)
    if not is_moderator(person, room):
        raise NotAllowed(_("Only the room's facilitators can do this."))


def muted_until(room: Room, person: Person) -> datetime | None:
    until = db.session.scalar(
        select(RoomMute.until).where(
            RoomMute.room_id == room.id,
            RoomMute.person_id == person.id,
            RoomMute.ended_at.is_(None),
        )
    )
    return mute_in_force(until)


def mute_in_force(until: datetime | None) -> datetime | None:
    """The end of a mute that has not ended yet; None for none, or one already over."""
    return until if until is not None and until > utcnow() else None


def questions(room: Room) -> list[GuidingQuestion]:
    return list(room.working_group.guiding_questions) if room.working_group is not None else []


# Messages -------------------------------------------------------------------------------------


def current_last_seq(room: Room) -> int:
    """The room's last sequence number as committed now (not as first loaded)."""
    return db.session.scalar(select(Room.last_seq).where(Room.id == room.id)) or 0


def _visible(query, moderator: bool):
    return query if moderator else query.where(Message.hidden_at.is_(None))


def _load(query) -> list[Message]:
    return list(
        db.session.scalars(
            query.options(selectinload(Message.author), selectinload(Message.hidden_by))
        )
    )


def recent_messages(room: Room, moderator: bool, limit: int = RECENT) -> tuple[list[Message], bool]:
    """The last `limit` messages she may see, oldest first, and whether older ones exist."""
    query = _visible(select(Message).where(Message.room_id == room.id), moderator)
    rows = _load(query.order_by(Message.seq.desc()).limit(limit + 1))
    return list(reversed(rows[:limit])), len(rows) > limit


def messages_before(
    room: Room, before: int, moderator: bool, limit: int = RECENT
) -> tuple[list[Message], bool]:
    query = _visible(
        select(Message).where(Message.room_id == room.id, Message.seq < before), moderator
    )
    rows = _load(query.order_by(Message.seq.desc()).limit(limit + 1))
    return list(reversed(rows[:limit])), len(rows) > limit


def messages_after(
    room: Room, after: int, moderator: bool, limit: int = MAX_PAGE
) -> tuple[list[Message], bool, int]:
    """Messages with seq > after, oldest first; whether there are more; the last seq covered."""
    last_seq = current_last_seq(room)
    query = select(Message).where(
        Message.room_id == room.id, Message.seq > after, Message.seq <= last_seq
    )
    # Page over every message (hidden ones too) so that `until` is exact, then filter.
    rows = _load(query.order_by(Message.seq).limit(limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    until = rows[-1].seq if more else max(last_seq, after)
    visible = [m for m in rows if moderator or not m.hidden]
    return visible, more, until


def get_message(room: Room, message_id: int) -> Message:
    message = db.session.get(Message, message_id)
    if message is None or message.room_id != room.id:
        raise NotFound(_("That message is not in this room."))
    return message


def message_rate() -> str:
    return current_app.config.get("ROOM_MESSAGE_RATE", "10 per 10 seconds")


def report_rate() -> str:
    return current_app.config.get("ROOM_REPORT_RATE", "5 per minute")


def action_rate() -> str:
    """Joins and hand raising, which everyone in the room hears about (presence, queue)."""
    return current_app.config.get("ROOM_ACTION_RATE", "30 per minute")


def history_rate() -> str:
    """Pages of earlier messages (`history`): enough to scroll back and catch up after a drop."""
    return current_app.config.get("ROOM_HISTORY_RATE", "60 per minute")
