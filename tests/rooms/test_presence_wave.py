"""A wave of joins against the real server (`python wsgi.py`, gevent and eventlet): everyone joins
one room at once, as after a Wi-Fi drop or at the start of a session. Presence is coalesced
(`PRESENCE_FLUSH_SECONDS`), so the frames everyone receives grow with the number of members,
not with its square; every list ends complete and right, and a leave and a disconnect reach
everyone left. The frames are counted, never timed.
"""

from __future__ import annotations

import pytest

from eventhub.extensions import db
from eventhub.programme.models import Role
from eventhub.rooms.service import room_for_group
from tests import live
from tests.conftest import PASSWORD
from tests.live import (
    ASYNC_MODES,
    PresenceWatcher,
    RoomMember,
    join_at_once,
    settle,
    sign_in,
    wait_until,
)

live_server = live.live_server  # the fixture

pytestmark = [pytest.mark.slow, pytest.mark.fresh_database, pytest.mark.timeout(240)]

WAVE = 40
# Long enough that a wave of 40 joins, on a loaded machine, spans a few intervals at most.
FLUSH_SECONDS = "1.0"
# The most broadcasts the wave may cost: one per interval it spans, plus the last. One per join
# would be WAVE of them for the first to join (WAVE * (WAVE + 1) / 2 = 820 frames in all).
MAX_BROADCASTS = 6


@pytest.fixture
def wave_room(app, make_event, make_person, add_member):
    event = make_event()
    wg1 = event.working_groups[0]
    people = [make_person(f"m{n:02}@example.org", name=f"Member {n:02}") for n in range(WAVE)]
    for person in people:
        add_member(person, event, Role.PARTICIPANT, wg1)
    room = room_for_group(wg1)
    db.session.commit()
    return room.id, people, app.config["SQLALCHEMY_DATABASE_URI"]


@pytest.mark.parametrize("async_mode", ASYNC_MODES)
def test_a_wave_of_joins_costs_frames_in_proportion_to_the_members(
    wave_room, live_server, async_mode
):
    room, people, database_url = wave_room
    server = live_server(
        database_url,
        async_mode=async_mode,
        env={
            "EVENTHUB_PRESENCE_FLUSH_SECONDS": FLUSH_SECONDS,
            "EVENTHUB_LOGIN_ADDRESS_RATE_LIMIT": "1000 per minute",
        },
    )
    watchers = [
        PresenceWatcher(RoomMember(server.url, sign_in(server.url, p.email, PASSWORD)).connect())
        for p in people
    ]
    everyone = sorted(p.id for p in people)
    try:
        acks = join_at_once(watchers, room)
        assert all(a and a["ok"] for a in acks), [a for a in acks if not (a and a["ok"])][:3]
        # Her own list comes with her join, herself in it.
        for person, ack in zip(people, acks, strict=True):
            assert person.id in [p["id"] for p in ack["room"]["presence"]]

        wait_until(lambda: all(w.last() == everyone for w in watchers), "every list complete")
        settle(watchers, quiet=2 * float(FLUSH_SECONDS))
        assert all(w.last() == everyone for w in watchers)
        counts = [w.count() for w in watchers]
        # Each broadcast reaches everyone in the room then, so the member who got the most frames
        # got every broadcast.
        assert max(counts) <= MAX_BROADCASTS, counts
        assert sum(counts) <= MAX_BROADCASTS * WAVE < WAVE * (WAVE + 1) // 2

        # A leave and a disconnect reach everyone left.
        leaving, dropping, staying = watchers[0], watchers[1], watchers[2:]
        assert leaving.member.call("leave", {"room": room})["ok"]
        dropping.member.disconnect()
        rest = sorted(p.id for p in people[2:])
        wait_until(lambda: all(w.last() == rest for w in staying), "the two gone from every list")
        assert leaving.last() == everyone  # she left the room: its presence no longer reaches her
    finally:
        for w in watchers:
            w.member.disconnect()
