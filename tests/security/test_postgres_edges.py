"""On PostgreSQL (which refuses NUL in text and ids past 2**31): hostile input is refused before
it reaches the database, so it answers "invalid" or 404, never a DataError and a 500."""

from __future__ import annotations

import os
from datetime import date

import pytest
from sqlalchemy import text

from eventhub import create_app
from eventhub.accounts.models import Person
from eventhub.extensions import db as _db
from eventhub.extensions import socketio
from eventhub.programme.models import Attribution, Event, Membership, Role, WorkingGroup
from eventhub.rooms.models import Message
from eventhub.rooms.service import room_for_group
from tests.conftest import PASSWORD, need, serve_requests_in_their_own_context

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app():
    url = os.environ.get("EVENTHUB_TEST_POSTGRES_URL")
    need(bool(url), "EVENTHUB_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL)")
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    serve_requests_in_their_own_context(app)
    with app.app_context():
        with _db.engine.begin() as connection:  # the shared test database starts empty
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


def _event_with_facilitator():
    event = Event(
        slug="pg-event",
        title="PG Event",
        host="Host",
        timezone="UTC",
        languages=["en"],
        starts=date(2030, 3, 1),
        ends=date(2030, 3, 2),
        attribution=Attribution.CHATHAM_HOUSE,
        audiences=["Donors"],
    )
    event.working_groups.append(WorkingGroup(key="wg1", title="Working group 1", position=1))
    person = Person(email="facilitator@example.org", name="Facilitator")
    person.set_password(PASSWORD)
    _db.session.add_all([event, person])
    _db.session.flush()
    _db.session.add(
        Membership(
            person=person, event=event, role=Role.FACILITATOR, working_group=event.working_groups[0]
        )
    )
    _db.session.commit()
    return event, person


def test_nul_and_out_of_range_ids_are_refused_before_postgresql(pg_app):
    event, person = _event_with_facilitator()
    room = room_for_group(event.working_groups[0])
    _db.session.commit()
    client = pg_app.test_client()
    assert (
        client.post("/login", data={"email": person.email, "password": PASSWORD}).status_code == 302
    )

    assert client.get(f"/e/{event.slug}/groups/wg1/board/items/{2**31}").status_code == 404
    response = client.post(
        f"/e/{event.slug}/groups/wg1/room", data={"body": "nul\x00", "question": str(2**31)}
    )
    assert response.status_code in (302, 303)

    sock = socketio.test_client(pg_app, flask_test_client=client)
    assert sock.emit("join", {"room": room.id}, callback=True)["ok"]
    for event_name, payload in (
        ("send", {"room": room.id, "body": "nul\x00byte", "client_id": "n1"}),
        ("join", {"room": 2**31}),
        ("history", {"room": room.id, "before": 2**40}),
        ("board_add", {"group": event.working_groups[0].id, "kind": "insight", "text": "a\x00"}),
    ):
        ack = sock.emit(event_name, payload, callback=True)
        assert ack["ok"] is False and ack["error"] == "invalid", (event_name, ack)
    sock.disconnect()
    assert _db.session.query(Message).count() == 0
