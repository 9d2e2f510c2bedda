"""Presence is coalesced: a wave of joins in one room costs each member one `presence` per
interval, not one per join; the joiner's own list comes in her `join` ack; no change is lost.

The room's timers are caught instead of started, and fired when the test says: the frames are
counted, not timed. The real timers run in the real-server tests (tests/rooms/test_presence_wave.py).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from eventhub.extensions import socketio
from eventhub.rooms import presence
from tests.rooms.conftest import emit, received


@pytest.fixture
def timers(app, monkeypatch):
    """Coalescing on; each room timer presence starts is kept, and `fire()` runs them (without
    their wait), returning how many ran."""
    app.config["PRESENCE_FLUSH_SECONDS"] = 0.5
    caught: list[tuple] = []
    start = socketio.start_background_task

    def catch(target, *args, **kwargs):
        if target is presence._announce_later:
            caught.append(args)
            return None
        return start(target, *args, **kwargs)

    monkeypatch.setattr(socketio, "start_background_task", catch)

    def fire() -> int:
        batch = list(caught)
        caught.clear()
        for app_, room_id, token, _seconds in batch:
            presence._announce_later(app_, room_id, token, 0)
        return len(batch)

    return SimpleNamespace(caught=caught, fire=fire)


def ids(people: list[dict]) -> list[int]:
    return [p["id"] for p in people]


def by_name(people) -> list[int]:
    return [p.id for p in sorted(people, key=lambda p: (p.public_name.lower(), p.id))]


def test_a_wave_of_joins_costs_one_presence_per_member_not_one_per_join(
    room, member, group, timers
):
    wave = [member("participant", group, display_name=f"Member {n:02}") for n in range(12)]
    for n, (_person, sock) in enumerate(wave):
        ack = emit(sock, "join", {"room": room.id})
        assert ack["ok"]
        # Her own list is right at once: herself and everyone who joined before her.
        assert ids(ack["room"]["presence"]) == by_name(p for p, _ in wave[: n + 1])
    # One timer for the whole wave, and nothing sent yet.
    assert len(timers.caught) == 1
    assert all(received(sock, "presence") == [] for _, sock in wave)

    assert timers.fire() == 1
    everyone = by_name(p for p, _ in wave)
    frames = [received(sock, "presence") for _, sock in wave]
    # 12 frames in all; one broadcast per join would have been 1 + 2 + ... + 12 = 78.
    assert sum(len(f) for f in frames) == len(wave)
    for f in frames:
        [(_, data)] = f
        assert data["room"] == room.id and ids(data["people"]) == everyone
    assert timers.fire() == 0  # nothing left to say


def test_with_no_interval_each_join_is_broadcast_at_once(app, room, member, group):
    app.config["PRESENCE_FLUSH_SECONDS"] = 0
    wave = [member("participant", group) for _ in range(5)]
    for _, sock in wave:
        emit(sock, "join", {"room": room.id})
    # The first joiner heard all five joins, the last only her own: 5 + 4 + 3 + 2 + 1.
    assert [len(received(sock, "presence")) for _, sock in wave] == [5, 4, 3, 2, 1]


def test_leave_disconnect_and_removal_reach_everyone_left(db, room, member, group, timers):
    fac, fs = member("facilitator", group, display_name="Fatou")
    ana, sa = member("participant", group, display_name="Ana")
    bea, sb = member("participant", group, display_name="Bea")
    cara, sc = member("participant", group, display_name="Cara")
    for sock in (fs, sa, sb, sc):
        emit(sock, "join", {"room": room.id})
    timers.fire()
    for sock in (fs, sa, sb, sc):
        received(sock)

    def latest(sock) -> list[int]:
        return ids(received(sock, "presence")[-1][1]["people"])

    assert emit(sb, "leave", {"room": room.id})["ok"]
    assert timers.fire() == 1
    assert latest(fs) == latest(sa) == latest(sc) == [ana.id, cara.id, fac.id]
    assert received(sb, "presence") == []  # she left the room: she hears it no more

    sc.disconnect()
    assert timers.fire() == 1
    assert latest(fs) == latest(sa) == [ana.id, fac.id]

    assert emit(fs, "remove", {"room": room.id, "person": ana.id})["ok"]
    assert timers.fire() == 1
    assert latest(fs) == [fac.id]
    assert received(sa, "presence") == []


def test_a_change_while_the_list_goes_out_starts_a_new_timer(room, member, group, timers):
    (ana, sa), (bea, _sb) = member("participant", group), member("participant", group)
    emit(sa, "join", {"room": room.id})
    tell = presence.announce

    def late_join_then_tell(room_id: int) -> None:
        # Bea's socket enters after the timer took its turn, before the list is read and sent.
        presence.enter(room_id, "bea-late-socket", bea.id, bea.public_name)
        presence.changed(room_id)
        tell(room_id)

    presence.announce = late_join_then_tell
    try:
        assert timers.fire() == 1
    finally:
        presence.announce = tell
    # The list already had her, and her change is still due: it goes out again, not lost.
    assert ids(received(sa, "presence")[-1][1]["people"]) == by_name([ana, bea])
    assert len(timers.caught) == 1
    presence.leave(room.id, "bea-late-socket")
    presence.changed(room.id)  # the timer already due carries this change too
    assert timers.fire() == 1
    assert ids(received(sa, "presence")[-1][1]["people"]) == [ana.id]


def test_a_timer_of_a_forgotten_process_state_sends_nothing(room, member, group, timers):
    _ana, sa = member("participant", group)
    emit(sa, "join", {"room": room.id})
    [(app_, room_id, token, _)] = timers.caught
    presence.clear()
    presence._announce_later(app_, room_id, token, 0)
    assert received(sa, "presence") == []


def test_a_broadcast_that_failed_is_tried_again(room, member, group, timers, monkeypatch):
    (ana, sa), (bea, sb) = member("participant", group), member("participant", group)
    emit(sa, "join", {"room": room.id})
    emit(sb, "join", {"room": room.id})
    tell = presence.announce

    def redis_away(room_id: int) -> None:
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(presence, "announce", redis_away)
    assert timers.fire() == 1
    assert received(sa, "presence") == []
    monkeypatch.setattr(presence, "announce", tell)
    assert timers.fire() == 1  # the retry
    assert ids(received(sa, "presence")[-1][1]["people"]) == by_name([ana, bea])
