"""Board fixtures: an event with people in every role and a room with messages per group."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from werkzeug.security import generate_password_hash

from eventhub import realtime
from eventhub.accounts.models import Person
from eventhub.board import service
from eventhub.programme.models import Event, WorkingGroup
from eventhub.rooms.models import Message, Room, RoomKind
from tests.conftest import PASSWORD

# The same password as conftest's people, hashed cheaply: these fixtures make seven people a test.
FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


@dataclass
class Board:
    event: Event
    group: WorkingGroup
    other_group: WorkingGroup
    organiser: Person
    facilitator: Person
    rapporteur: Person
    participant: Person
    participant2: Person
    outsider: Person  # a participant of the other group
    observer: Person
    messages: list[Message]
    other_messages: list[Message]

    def add(self, person=None, **fields):
        fields.setdefault("kind", "recommendation")
        fields.setdefault("text", "Fund women mediators' networks for the long term.")
        fields.setdefault("audience", "Donors")
        return service.add_item(person or self.facilitator, self.group, **fields)


def _room(db, event, group, bodies):
    room = Room(event=event, kind=RoomKind.WORKING_GROUP, working_group=group)
    db.session.add(room)
    db.session.flush()
    messages = []
    for seq, body in enumerate(bodies, start=1):
        messages.append(Message(room=room, seq=seq, body=body))
    room.last_seq = len(bodies)
    db.session.add_all(messages)
    db.session.commit()
    return messages


@pytest.fixture(autouse=True)
def _fresh_state(app):
    """Rate-limit counters (process memory) start clean each test."""
    realtime._limiter = None
    yield
    realtime._limiter = None


@pytest.fixture
def make_board(db, make_event, add_member):
    def make(**event_fields) -> Board:
        event = make_event(**event_fields)
        group, other = event.working_groups
        people = {}
        for role, in_group in [
            ("organiser", None),
            ("facilitator", group),
            ("rapporteur", group),
            ("participant", group),
            ("participant2", group),
            ("outsider", other),
            ("observer", None),
        ]:
            person = Person(
                email=f"{role}@example.org",
                name=role.capitalize(),
                display_name=f"{role}-shown",
                password_hash=FAST_HASH,
            )
            db.session.add(person)
            add_member(person, event, role.rstrip("2").replace("outsider", "participant"), in_group)
            people[role] = person
        messages = _room(db, event, group, ["Long-term funding matters", "Mentoring too"])
        other_messages = _room(db, event, other, ["Another room"])
        return Board(
            event, group, other, messages=messages, other_messages=other_messages, **people
        )

    return make


@pytest.fixture
def in_request(app):
    """Services translate their messages, which needs a request (the viewer's language)."""
    with app.test_request_context():
        yield


@pytest.fixture
def board(make_board, in_request) -> Board:
    return make_board()
