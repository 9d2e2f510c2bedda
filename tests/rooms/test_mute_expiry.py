"""A mute lasts exactly as long as the facilitator chose: still in force a minute before its end,
over a minute after, wherever it is read (sending, the join state, the facilitators' list)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from eventhub.rooms.models import RoomMute
from tests.rooms.conftest import emit, received


@pytest.fixture
def muted(db, room, member, group):
    fac, fs = member("facilitator", group, display_name="Fatou")
    par, ps = member("participant", group, display_name="Pia")
    emit(fs, "join", {"room": room.id})
    emit(ps, "join", {"room": room.id})
    before = datetime.now(UTC)
    ack = emit(fs, "mute", {"room": room.id, "person": par.id, "minutes": 10})
    after = datetime.now(UTC)
    received(fs), received(ps)
    until = datetime.fromisoformat(ack["until"])
    assert before + timedelta(minutes=10) <= until <= after + timedelta(minutes=10)
    return fs, ps, par


def _mute_ends_in(db, delta: timedelta) -> None:
    db.session.expire_all()
    mute = db.session.scalars(select(RoomMute)).one()
    mute.until = datetime.now(UTC) + delta
    db.session.commit()


def test_a_mute_still_holds_one_minute_before_its_end(db, room, muted):
    fs, ps, par = muted
    _mute_ends_in(db, timedelta(minutes=1))
    refused = emit(ps, "send", {"room": room.id, "body": "now?", "client_id": "a"})
    assert refused["ok"] is False and refused["error"] == "muted"
    assert emit(ps, "join", {"room": room.id})["room"]["you"]["muted_until"] is not None
    joined = emit(fs, "join", {"room": room.id})
    assert [m["id"] for m in joined["room"]["sanctions"]["muted"]] == [par.id]


def test_a_mute_is_over_one_minute_after_its_end(db, room, muted):
    fs, ps, par = muted
    _mute_ends_in(db, timedelta(minutes=-1))
    assert emit(ps, "send", {"room": room.id, "body": "back", "client_id": "b"})["ok"]
    assert emit(ps, "join", {"room": room.id})["room"]["you"]["muted_until"] is None
    assert emit(fs, "join", {"room": room.id})["room"]["sanctions"]["muted"] == []
