"""The real server (`python wsgi.py`, gevent and eventlet) driven by python-socketio clients.

A socket that is not signed in is refused. Two members talk in their working group's room while an outsider is kept out; the server is
killed with SIGKILL mid-conversation and restarted; the members reconnect, catch up with
`join {after}` and resend what was never acknowledged. Every acknowledged message must then
be there for both, exactly once, in order.
"""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import socketio
from sqlalchemy import select

from eventhub.extensions import db
from eventhub.programme.models import Role
from eventhub.rooms.models import Message
from eventhub.rooms.service import room_for_group
from tests import live
from tests.conftest import PASSWORD
from tests.live import ASYNC_MODES, RoomMember, sign_in

live_server = live.live_server  # the fixture

pytestmark = [pytest.mark.slow, pytest.mark.fresh_database, pytest.mark.timeout(180)]


@pytest.fixture
def room_setup(app, make_event, make_person, add_member):
    """An event whose first working group has two members; a third person is in another group."""
    event = make_event()
    wg1, wg2 = event.working_groups
    amina = make_person("amina@example.org", name="Amina")
    bea = make_person("bea@example.org", name="Béatrice")
    olga = make_person("olga@example.org", name="Olga")
    add_member(amina, event, Role.PARTICIPANT, wg1)
    add_member(bea, event, Role.FACILITATOR, wg1)
    add_member(olga, event, Role.PARTICIPANT, wg2)
    room = room_for_group(wg1)
    db.session.commit()
    return {"room": room.id, "database_url": app.config["SQLALCHEMY_DATABASE_URI"]}


def stored_messages(room_id: int) -> list[tuple[int, str, str]]:
    """What the database holds for the room: (seq, client_id, body) in seq order."""
    db.session.rollback()  # see what the server committed since
    rows = db.session.scalars(
        select(Message).where(Message.room_id == room_id).order_by(Message.seq)
    )
    return [(m.seq, m.client_id, m.body) for m in rows]


class Talker(threading.Thread):
    """Sends numbered messages one after another until the connection fails or `count` is sent.

    Remembers what was acknowledged, and keeps what was not in an outbox (same client_id), as
    the browser client does.
    """

    def __init__(self, member: RoomMember, room_id: int, name: str, count: int, pause: float):
        super().__init__(daemon=True)
        self.member, self.room_id, self.name = member, room_id, name
        self.count, self.pause = count, pause
        self.acked: dict[str, int] = {}  # client_id -> seq
        self.bodies: dict[str, str] = {}
        self.outbox: list[tuple[str, str]] = []
        self.refusals: list[dict] = []

    def run(self) -> None:
        for n in range(self.count):
            client_id, body = uuid.uuid4().hex, f"{self.name} says {n}"
            self.bodies[client_id] = body
            try:
                ack = self.member.send(self.room_id, body, client_id, timeout=3)
            except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError):
                self.outbox.append((client_id, body))
                return
            if ack.get("ok"):
                self.acked[client_id] = ack["seq"]
            else:
                self.refusals.append(ack)
                return
            time.sleep(self.pause)

    def resend_outbox(self) -> None:
        for client_id, body in self.outbox:
            ack = self.member.send(self.room_id, body, client_id)
            assert ack.get("ok"), ack
            self.acked[client_id] = ack["seq"]
        self.outbox.clear()


def wait_until(condition, timeout: float = 15, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.parametrize("async_mode", ASYNC_MODES)
def test_acknowledged_messages_survive_a_server_crash_exactly_once(
    room_setup, live_server, async_mode
):
    room = room_setup["room"]
    server = live_server(room_setup["database_url"], async_mode=async_mode)
    with pytest.raises(socketio.exceptions.ConnectionError):
        RoomMember(server.url, reconnection=False).connect()  # not signed in: refused
    amina, bea, olga = (
        RoomMember(server.url, sign_in(server.url, email, PASSWORD)).connect()
        for email in ("amina@example.org", "bea@example.org", "olga@example.org")
    )

    assert amina.join(room)["ok"]
    assert bea.join(room)["ok"]
    refused = olga.join(room)
    assert refused["ok"] is False and refused["error"] == "forbidden"
    assert "messages" not in refused

    # A first exchange, both ways.
    first = amina.send(room, "Good morning, everyone", uuid.uuid4().hex)
    assert first["ok"] and first["seq"] == 1
    reply = bea.send(room, "Good morning, Amina", uuid.uuid4().hex)
    assert reply["ok"] and reply["seq"] == 2
    wait_until(lambda: len(amina.seen(room)) == 2 and len(bea.seen(room)) == 2, what="hello")

    # Both talk at once; the server dies in the middle of it.
    talkers = [Talker(amina, room, "Amina", 8, 0.2), Talker(bea, room, "Béatrice", 8, 0.2)]
    for t in talkers:
        t.start()
    wait_until(lambda: sum(len(t.acked) for t in talkers) >= 4, what="messages before crash")
    server.kill()
    for t in talkers:
        t.join(15)
        assert not t.is_alive()
        assert t.refusals == []
    # Killed mid-conversation: someone's last message went unacknowledged.
    assert any(t.outbox for t in talkers)

    server.start()  # same port, same database
    for member in (amina, bea):
        member.wait_connected()
        assert member.join(room, catch_up=True)["ok"]
    for t in talkers:
        t.resend_outbox()
    after_restart = amina.send(room, "We are back", uuid.uuid4().hex)
    assert after_restart["ok"]

    acked = {cid: seq for t in talkers for cid, seq in t.acked.items()}
    stored = stored_messages(room)
    last_seq = stored[-1][0]
    assert last_seq == after_restart["seq"]
    # Stored once each, numbered without gaps, every acknowledged message among them.
    assert [seq for seq, _, _ in stored] == list(range(1, last_seq + 1))
    client_ids = [cid for _, cid, _ in stored]
    assert len(client_ids) == len(set(client_ids))
    by_client_id = {cid: seq for seq, cid, _ in stored}
    assert all(by_client_id[cid] == seq for cid, seq in acked.items())

    # Both members hold exactly what is stored, once each, in order.
    for member in (amina, bea):
        wait_until(lambda m=member: len(m.seen(room)) == last_seq, what="catch-up")
        seen = [(m["seq"], m["body"]) for m in member.seen(room)]
        assert seen == [(seq, body) for seq, _, body in stored]
    # The outsider saw nothing of it.
    assert olga.live == []
    for member in (amina, bea, olga):
        member.disconnect()
