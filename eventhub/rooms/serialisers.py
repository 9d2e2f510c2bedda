"""Serialisers: rooms, messages, hands and reports as the plain data sent to clients
(docs/realtime.md, "Objects"). Who is online is presence.py.

Only public names ever leave: never an e-mail address, whatever the event's attribution rule.
"""

from __future__ import annotations

from datetime import datetime

from ..accounts.models import Person
from ..extensions import db
from ..markup import render_light
from ..programme import identity
from ..programme.models import GuidingQuestion, Role
from ..programme.roles import shown_roles
from ..timestamps import utcnow
from . import facilitation, moderation, polls, presence, voices
from .models import Hand, Message, MessageReport, Poll, Room
from .posting import Posted
from .service import is_moderator, muted_until, questions


def iso(instant: datetime | None) -> str | None:
    return instant.isoformat() if instant is not None else None


def person(p: Person | None) -> dict | None:
    return {"id": p.id, "name": p.public_name} if p is not None else None


def author(author_id: int, name: str, role: Role | None) -> dict:
    """A message's author: her public name and the role shown beside it (None: participant)."""
    return {"id": author_id, "name": name, "role": role.value if role is not None else None}


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
    by = author(p.author_id, p.author_name, p.author_role)
    return _message(
        p.room_id, p.id, p.seq, by, p.body, p.question_id, p.reply_to_id, p.created_at, False
    )


def messages(room: Room, items: list[Message], *, moderator: bool = False) -> list[dict]:
    """Several messages of one room, their authors' roles read in one query."""
    roles = shown_roles(room.event_id, room.working_group_id, {m.author_id for m in items})
    return [message(m, moderator=moderator, role=roles.get(m.author_id)) for m in items]


def message(m: Message, *, moderator: bool = False, role: Role | None = None) -> dict:
    """One message; `role` is its author's mark (see `messages` for several at once)."""
    by = author(m.author.id, m.author.public_name, role) if m.author is not None else None
    data = _message(
        m.room_id,
        m.id,
        m.seq,
        by,
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
        "first_time_first": room.first_time_first,
    }


def unheard(data: voices.Unheard) -> dict:
    """For facilitators only: how many have spoken in this session, and who has not."""
    return {
        "since": iso(data.since),
        "spoken": data.spoken,
        "total": data.total,
        "groups": [
            {"region": region, "network": network, "people": [person(p) for p in people]}
            for region, network, people in data.groups
        ],
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
        "first_time_first": room.first_time_first,
        "timer": {"ends_at": timer(room)["ends_at"], "now": iso(utcnow())},
        "presence": people_in(room.id, room),
        "you": {
            "id": viewer.id,
            "name": viewer.public_name,
            "moderator": moderator,
            "muted_until": iso(muted_until(room, viewer)),
        },
    }
    shown = polls.shown_polls(room)
    mine = polls.choices_of(viewer, shown)
    data["polls"] = [{**poll(p), "yours": mine.get(p.id)} for p in shown]
    if moderator:
        data["reports"] = [report(r) for r in moderation.open_reports(room)]
        data["sanctions"] = sanctions(room)
    return data


def poll(p: Poll) -> dict:
    """A poll with its counts: how many chose each option, never who."""
    counts, voters = polls.results(p)
    return {
        "id": p.id,
        "room": p.room_id,
        "question": p.question,
        "kind": p.kind.value,
        "options": list(p.options),
        "counts": counts,
        "voters": voters,
        "open": p.is_open,
        "opened_at": iso(p.opened_at),
        "closed_at": iso(p.closed_at),
    }


def sanctions(room: Room) -> dict:
    """Who is muted (until when) and who is removed, for the facilitators' list."""
    muted, removed = moderation.sanctions(room)
    return {
        "muted": [{**person(m.person), "until": iso(m.until)} for m in muted],
        "removed": [person(r.person) for r in removed],
    }
