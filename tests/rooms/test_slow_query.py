"""Under gevent a slow PostgreSQL query in one request does not hold up the rooms served by the
same worker (psycopg 3 waits cooperatively); under eventlet it does, which is why gevent is the
default.

The slow query is real: a trigger makes updating a person take `pg_sleep(2)`, and a member
changes her language (an UPDATE of her row) while two others talk in a room on the same server.
"""

from __future__ import annotations

import html
import os
import threading
import time
import uuid

import pytest
from sqlalchemy import text

from eventhub import create_app
from eventhub.extensions import db as _db
from eventhub.programme.models import Role
from eventhub.rooms.service import room_for_group
from tests import live
from tests.conftest import PASSWORD, need
from tests.live import _CSRF_INPUT, _VALUE, RoomMember, sign_in

live_server = live.live_server  # the fixture

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.timeout(180)]

SLOW_UPDATE = """
CREATE OR REPLACE FUNCTION eventhub_test_slow() RETURNS trigger AS $$
BEGIN PERFORM pg_sleep(2); RETURN NEW; END $$ LANGUAGE plpgsql;
CREATE TRIGGER eventhub_test_slow BEFORE UPDATE ON person
FOR EACH ROW EXECUTE FUNCTION eventhub_test_slow();
"""


@pytest.fixture
def app():
    url = os.environ.get("EVENTHUB_TEST_POSTGRES_URL")
    need(bool(url), "EVENTHUB_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL)")
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()
        with _db.engine.begin() as connection:
            connection.execute(text("DROP FUNCTION IF EXISTS eventhub_test_slow()"))
        _db.engine.dispose()


def _sleeping_queries() -> int:
    with _db.engine.connect() as connection:
        return connection.scalar(
            text("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'")
        )


def _talk_during_a_slow_request(app, make_event, make_person, add_member, live_server, mode):
    """Returns (when the slow request ended, when each message reached the other member)."""
    event = make_event()
    wg1 = event.working_groups[0]
    amina, bea, olga = (
        make_person(f"{n}@example.org", name=n.title()) for n in ("amina", "bea", "olga")
    )
    for person in (amina, bea, olga):
        add_member(person, event, Role.PARTICIPANT, wg1)
    room = room_for_group(wg1).id
    _db.session.commit()
    server = live_server(app.config["SQLALCHEMY_DATABASE_URI"], async_mode=mode)
    members = []
    for person in (amina, bea):
        member = RoomMember(server.url, sign_in(server.url, person.email, PASSWORD)).connect()
        assert member.join(room)["ok"]
        members.append(member)
    sender, reader = members
    olga_http = sign_in(server.url, olga.email, PASSWORD)
    page = olga_http.get(f"{server.url}/profile", timeout=10).text
    token = html.unescape(_VALUE.search(_CSRF_INPUT.search(page).group(0)).group(1))
    with _db.engine.begin() as connection:
        connection.execute(text(SLOW_UPDATE))

    slow = {}

    def change_language():
        response = olga_http.post(
            f"{server.url}/language",
            data={"language": "fr", "csrf_token": token},
            allow_redirects=False,
            timeout=30,
        )
        slow["status"], slow["ended"] = response.status_code, time.monotonic()

    thread = threading.Thread(target=change_language)
    thread.start()
    deadline = time.monotonic() + 10
    while _sleeping_queries() == 0:  # her UPDATE is in pg_sleep now
        assert time.monotonic() < deadline, "the slow query never started"
        time.sleep(0.02)
    sent = []
    for n in range(3):
        body = f"while she waits {n}"
        # Sent at once, not waiting for acks: a stalled server answers after the query ends.
        sender.sio.emit("send", {"room": room, "body": body, "client_id": uuid.uuid4().hex})
        sent.append(body)
    received: dict[str, float] = {}
    deadline = time.monotonic() + 20
    while len(received) < len(sent) and time.monotonic() < deadline:
        with reader.lock:
            for message in reader.live:
                received.setdefault(message["body"], time.monotonic())
        time.sleep(0.01)
    thread.join(30)
    for member in members:
        member.disconnect()
    assert slow["status"] in (302, 303)
    assert sorted(received) == sorted(sent), "messages were lost"
    return slow["ended"], [received[c] for c in sent]


def test_under_gevent_a_slow_query_does_not_stop_room_messages(
    app, make_event, make_person, add_member, live_server
):
    ended, deliveries = _talk_during_a_slow_request(
        app, make_event, make_person, add_member, live_server, "gevent"
    )
    # Every message reached the other member while the slow request was still waiting.
    assert all(delivered < ended for delivered in deliveries)


def test_under_eventlet_a_slow_query_stalls_the_room_until_it_ends(
    app, make_event, make_person, add_member, live_server
):
    """Why eventlet is deprecated here: psycopg 3 blocks its loop (the same check, failing)."""
    ended, deliveries = _talk_during_a_slow_request(
        app, make_event, make_person, add_member, live_server, "eventlet"
    )
    assert all(delivered > ended for delivered in deliveries)
