"""`python wsgi.py` with no setting serves under gevent, WebSockets included (without
gevent-websocket); under eventlet it says once, at start, that eventlet is deprecated."""

from __future__ import annotations

import time
import uuid

import pytest

from eventhub.extensions import db
from eventhub.programme.models import Role
from eventhub.rooms.service import room_for_group
from tests import live
from tests.conftest import PASSWORD
from tests.live import RoomMember, sign_in

live_server = live.live_server  # the fixture

pytestmark = [pytest.mark.slow, pytest.mark.fresh_database, pytest.mark.timeout(120)]


@pytest.fixture
def two_members(app, make_event, make_person, add_member):
    event = make_event()
    wg1 = event.working_groups[0]
    people = [make_person(f"{n}@example.org", name=n.title()) for n in ("amina", "bea")]
    for person in people:
        add_member(person, event, Role.PARTICIPANT, wg1)
    room = room_for_group(wg1).id
    db.session.commit()
    return app.config["SQLALCHEMY_DATABASE_URI"], room, people


def test_with_no_setting_the_server_runs_gevent_and_rooms_talk_over_websocket(
    two_members, live_server
):
    database_url, room, people = two_members
    server = live_server(database_url, async_mode=None)
    assert "(gevent)" in server.log_tail()
    amina, bea = (RoomMember(server.url, sign_in(server.url, p.email, PASSWORD)) for p in people)
    for member in (amina, bea):
        member.sio.connect(server.url, transports=["websocket"], wait_timeout=10)
        assert member.sio.transport() == "websocket"
        assert member.join(room)["ok"]
    ack = amina.send(room, "over a WebSocket", uuid.uuid4().hex)
    assert ack["ok"]
    deadline = time.monotonic() + 10
    while not bea.seen(room) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [m["body"] for m in bea.seen(room)] == ["over a WebSocket"]
    for member in (amina, bea):
        member.disconnect()


def test_a_member_whose_server_died_stops_reconnecting_when_she_leaves(two_members, live_server):
    # A client left reconnecting keeps calling random.random() in its own thread, inside the
    # Hypothesis draws of later tests (a HypothesisDeprecationWarning now and then).
    from socketio import base_client

    database_url, _room, people = two_members
    server = live_server(database_url, async_mode=None)
    amina = RoomMember(server.url, sign_in(server.url, people[0].email, PASSWORD)).connect()
    server.kill()
    deadline = time.monotonic() + 10
    while amina.sio not in base_client.reconnecting_clients and time.monotonic() < deadline:
        time.sleep(0.05)
    assert amina.sio in base_client.reconnecting_clients
    amina.disconnect()
    assert amina.sio not in base_client.reconnecting_clients


def test_under_eventlet_the_server_warns_once_that_it_is_deprecated(two_members, live_server):
    database_url, _room, people = two_members
    server = live_server(database_url, async_mode="eventlet")
    sign_in(server.url, people[0].email, PASSWORD)
    log = server.log_tail()
    assert "(eventlet)" in log
    assert log.count("eventlet is deprecated upstream") == 1
