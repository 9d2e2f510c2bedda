"""Fixtures for the live rooms: a group's room with a facilitator and participants, signed in."""

from __future__ import annotations

import pytest

from eventhub import realtime
from eventhub.rooms import presence
from eventhub.rooms.service import room_for_group, room_for_session


@pytest.fixture(autouse=True)
def _fresh_process_state():
    """Rate-limit counters and presence live in process memory: start each test clean."""
    realtime._limiter = None
    presence.clear()
    yield
    realtime._limiter = None
    presence.clear()


@pytest.fixture
def event(make_event):
    return make_event()


@pytest.fixture
def group(event):
    return event.working_groups[0]


@pytest.fixture
def other_group(event):
    return event.working_groups[1]


@pytest.fixture
def room(db, group):
    room = room_for_group(group)
    db.session.commit()
    return room


@pytest.fixture
def qa_room(db, event):
    opening = next(s for s in event.sessions if s.key == "opening")
    room = room_for_session(opening)
    db.session.commit()
    return room


@pytest.fixture
def member(app, make_person, add_member, login, socket_client, event):
    """`member(role, group=...)`: a new person with that role, signed in on her own client,
    with a connected socket. Returns (person, socket)."""

    def make(role: str = "participant", group=None, *, connect: bool = True, **fields):
        person = make_person(**fields)
        add_member(person, event, role, group)
        flask_client = app.test_client()
        login(person, flask_client)
        sock = connect_socket(socket_client, flask_client) if connect else None
        if not connect:
            return person, flask_client
        return person, sock

    return make


@pytest.fixture
def joined(room, member, group):
    """A facilitator (Fatou) and a participant (Pia), both in the room, event queues emptied:
    (facilitator, her socket, participant, her socket)."""
    fac, fs = member("facilitator", group, display_name="Fatou")
    par, ps = member("participant", group, display_name="Pia")
    emit(fs, "join", {"room": room.id})
    emit(ps, "join", {"room": room.id})
    received(fs), received(ps)
    return fac, fs, par, ps


def connect_socket(socket_client, flask_client):
    return socket_client(flask_client)


def emit(sock, event: str, data=None):
    """Emit with an ack and return the ack."""
    if data is None:
        return sock.emit(event, callback=True)
    return sock.emit(event, data, callback=True)


def received(sock, name: str | None = None) -> list:
    """The events the socket got since last asked, as (name, payload), optionally one kind."""
    events = [(e["name"], _payload(e)) for e in sock.get_received()]
    return [e for e in events if name is None or e[0] == name]


def _payload(event: dict):
    # Flask-SocketIO's test client unwraps the arguments of events named "message" or "json".
    if event["name"] in ("message", "json"):
        return event["args"]
    return event["args"][0] if event["args"] else None
