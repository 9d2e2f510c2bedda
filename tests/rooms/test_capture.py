"""Capturing from the room: the board's events as the room uses them (docs/realtime.md,
"Capturing from the room"), and every refusal with its `problems`."""

from __future__ import annotations

import pytest

from eventhub.board.models import BoardItem
from eventhub.rooms.service import room_for_group
from tests.rooms.conftest import emit, received


def send(sock, room, body):
    ack = emit(sock, "send", {"room": room.id, "body": body, "client_id": body[:60]})
    assert ack["ok"] is True, ack
    return ack["id"]


@pytest.fixture
def present(room, member, group):
    """A facilitator and a participant in the room and on its board; two messages posted."""
    fac, fs = member("facilitator", group)
    par, ps = member("participant", group)
    for sock in (fs, ps):
        assert emit(sock, "join", {"room": room.id})["ok"] is True
        assert emit(sock, "board_join", {"group": group.id})["ok"] is True
    first = send(ps, room, "Envoys should name a standing contact.")
    second = send(ps, room, "And report every year.")
    received(fs), received(ps)
    return fs, ps, first, second


def test_a_capture_of_several_messages_reaches_everyone_with_its_sources(present, group, db):
    fs, ps, first, second = present
    ack = emit(
        fs,
        "board_add",
        {
            "group": group.id,
            "kind": "insight",
            "text": "A standing contact",
            "sources": [first, second],
        },
    )
    assert ack["ok"] is True and ack["item"]["reference"] == "WG1-I1"
    [(_, item)] = received(ps, "board_item")
    assert {s["message"] for s in item["sources"]} == {first, second}
    assert received(ps, "message") == []  # nothing in the room's own stream


def test_adding_a_source_to_an_existing_item(present, group, db):
    fs, ps, first, second = present
    item = emit(
        fs, "board_add", {"group": group.id, "kind": "insight", "text": "T", "sources": [first]}
    )
    received(ps)
    ack = emit(fs, "board_source", {"item": item["item"]["id"], "message": second})
    assert ack["ok"] is True
    [(_, broadcast)] = received(ps, "board_item")
    assert [s["message"] for s in broadcast["sources"]] == [first, second]


def test_a_participant_cannot_add_a_source(present, group, db):
    fs, ps, first, second = present
    item = emit(fs, "board_add", {"group": group.id, "kind": "insight", "text": "T"})
    received(fs)
    ack = emit(ps, "board_source", {"item": item["item"]["id"], "message": first})
    assert ack["ok"] is False and ack["error"] == "forbidden"
    assert received(fs) == []


def test_the_same_source_twice_is_invalid_with_its_problem(present, group, db):
    fs, _ps, first, _second = present
    item = emit(
        fs, "board_add", {"group": group.id, "kind": "insight", "text": "T", "sources": [first]}
    )
    ack = emit(fs, "board_source", {"item": item["item"]["id"], "message": first})
    assert ack["ok"] is False and ack["error"] == "invalid"
    assert ack["problems"] == [ack["message"]]


def test_messages_of_another_room_or_hidden_ones_are_refused_each_named(
    present, room, group, other_group, member, db
):
    fs, _ps, first, _second = present
    elsewhere_room = room_for_group(other_group)
    db.session.commit()
    _o, os_ = member("participant", other_group)
    emit(os_, "join", {"room": elsewhere_room.id})
    foreign = send(os_, elsewhere_room, "Not from this group")
    assert emit(fs, "hide", {"room": room.id, "message": first})["ok"] is True
    ack = emit(
        fs,
        "board_add",
        {"group": group.id, "kind": "insight", "text": "T", "sources": [first, foreign]},
    )
    assert ack["ok"] is False and ack["error"] == "invalid"
    assert len(ack["problems"]) == 2 and str(foreign) in " ".join(ack["problems"])
    assert db.session.query(BoardItem).count() == 0


@pytest.mark.parametrize(
    "payload",
    [
        {"kind": "insight", "text": "T", "sources": "1"},
        {"kind": "opinion", "text": "T"},
        {"kind": "insight", "text": "T", "sources": [0]},
        {"kind": "insight", "text": "T", "question": "1"},
    ],
)
def test_malformed_captures_are_refused_with_problems(present, group, db, payload):
    fs, ps, _first, _second = present
    ack = emit(fs, "board_add", {"group": group.id, **payload})
    assert ack["ok"] is False and ack["error"] == "invalid" and ack["problems"]
    assert received(ps) == [] and db.session.query(BoardItem).count() == 0
