"""Rooms and messages as the plain data sent to clients (docs/realtime.md, "Objects").

Only public names ever leave: never an e-mail address, whatever the event's attribution rule.
"""

from __future__ import annotations

from datetime import datetime

from ..accounts.models import Person
from ..extensions import db
from ..markup import render_light
from ..programme import identity
from ..programme.models import GuidingQuestion, Role
from ..types import utcnow
from . import facilitation, moderation, presence
from .models import Hand, Message, MessageReport, Room
from .posting import Posted
from .service import is_moderator, muted_until, questions


def iso(instant: datetime | None) -> str | None:
    return instant.isoformat() if instant is not None else None


def person(p: Person | None) -> dict | None:
    return {"id": p.id, "name": p.public_name} if p is not None else None


def author(p: Person | None, marks: dict[int, Role]) -> dict | None:
    """A message's author with her role mark in the room (None for participants)."""
    if p is None:
        return None
    role = marks.get(p.id)
    return {"id": p.id, "name": p.public_name, "role": role.value if role else None}


def room_marks(room: Room) -> dict[int, Role]:
    """Person id -> role mark in this room, for presenting its messages and people."""
    return identity.marks(room.event, room.working_group)


def people_in(room_id: int, room: Room | None = None) -> list[dict]:
    """Everyone present (rooms.presence), each with her role mark in the room."""
    people = presence.people(room_id)
    room = room if room is not None else db.session.get(Room, room_id)
    marks = room_marks(room) if room is not None and people else {}
    return [{**p, "role": marks[p["id"]].value if p["id"] in marks else None} for p in people]


def question(q: GuidingQuestion | None) -> dict | None:
    return {"id": q.id, "position": q.position, "text": q.text} if q is not None else None


def _message(room_id, id, seq, author, body, question, reply_to, created_at, hidden) -> dict:
    return {
        "room": room_id,
        "id": id,
        "seq": seq,
        "author": author,
        "body": body,
        "html": render_light(body),
        "question": question,
        "reply_to": reply_to,
        "created_at": iso(created_at),
        "hidden": hidden,
    }


def posted(p: Posted) -> dict:
    """A message just posted, as `message` presents it (a new message is not hidden)."""
    author = {"id": p.author_id, "name": p.author_name, "role": p.author_role}
    return _message(
        p.room_id, p.id, p.seq, author, p.body, p.question_id, p.reply_to_id, p.created_at, False
    )


def message(m: Message, *, moderator: bool = False, marks: dict[int, Role] | None = None) -> dict:
    """The message as clients get it; `marks` (from `room_marks`) saves a query per message."""
    if marks is None:
        marks = room_marks(m.room)
    data = _message(
        m.room_id,
        m.id,
        m.seq,
        author(m.author, marks),
        m.body,
        m.guiding_question_id,
        m.reply_to_id,
        m.created_at,
        m.hidden,
    )
    if m.hidden:
        if not moderator:  # never reached in practice: participants' lists leave hidden ones out
            data.update(author=None, body="", html="")
        else:
            data.update(hidden_at=iso(m.hidden_at), hidden_by=person(m.hidden_by))
    return data


def hand(h: Hand) -> dict:
    return {"id": h.person_id, "name": h.person.public_name, "raised_at": iso(h.raised_at)}


def queue(room: Room) -> dict:
    return {
        "room": room.id,
        "queue": [hand(h) for h in facilitation.queue(room)],
        "floor": person(room.floor_person),
    }


def timer(room: Room) -> dict:
    ends_at = room.timer_ends_at
    if ends_at is not None and ends_at <= utcnow():
        ends_at = None
    return {"room": room.id, "ends_at": iso(ends_at), "now": iso(utcnow())}


def report(r: MessageReport) -> dict:
    return {
        "id": r.id,
        "message": message(r.message, moderator=True),
        "reporter": person(r.reporter),
        "reason": r.reason,
        "created_at": iso(r.created_at),
    }


def room_state(room: Room, viewer: Person) -> dict:
    """The room as the `join` ack gives it to `viewer`."""
    moderator = is_moderator(viewer, room)
    q = queue(room)
    data = {
        "id": room.id,
        "kind": room.kind.value,
        "title": room.title,
        "event": room.event.slug,
        "chatham_house": room.event.chatham_house,
        "current_question": question(room.current_question),
        "questions": [question(item) for item in questions(room)],
        "queue": q["queue"],
        "floor": q["floor"],
        "timer": {"ends_at": timer(room)["ends_at"], "now": iso(utcnow())},
        "presence": people_in(room.id, room),
        "you": {
            "id": viewer.id,
            "name": viewer.public_name,
            "moderator": moderator,
            "muted_until": iso(muted_until(room, viewer)),
        },
    }
    if moderator:
        data["reports"] = [report(r) for r in moderation.open_reports(room)]
        data["sanctions"] = sanctions(room)
    return data


def sanctions(room: Room) -> dict:
    """Who is muted (until when) and who is removed, for the facilitators' list."""
    muted, removed = moderation.sanctions(room)
    return {
        "muted": [{**person(m.person), "until": iso(m.until)} for m in muted],
        "removed": [person(r.person) for r in removed],
    }
