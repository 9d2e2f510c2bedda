"""Quick polls: opened by a facilitator, answered once and changeable until closed, counts seen
live by everyone and never names; every refusal with its reason (docs/realtime.md, "Polls")."""

from __future__ import annotations

import pytest

from eventhub.rooms.models import Poll, PollAnswer
from tests.rooms.conftest import emit, received


@pytest.fixture
def joined(room, member, group):
    fac, fs = member("facilitator", group)
    a, sa = member("participant", group)
    b, sb = member("participant", group)
    for sock in (fs, sa, sb):
        assert emit(sock, "join", {"room": room.id})["ok"] is True
    for sock in (fs, sa, sb):
        received(sock)
    return fs, sa, sb, (fac, a, b)


def open_poll(sock, room, **fields):
    payload = {"room": room.id, "question": "Which first?", "kind": "single"}
    payload.update(fields)
    if payload["kind"] != "scale" and "options" not in fields:
        payload["options"] = ["Funding", "Protection", "Training"]
    return emit(sock, "poll_open", payload)


def polls_heard(sock) -> list[dict]:
    return [data["poll"] for _, data in received(sock, "poll")]


def test_a_poll_opened_answered_by_two_and_closed_is_seen_by_everyone(db, room, joined):
    fs, sa, sb, _people = joined
    ack = open_poll(fs, room)
    assert ack["ok"] is True
    poll = ack["poll"]
    assert poll["open"] is True and poll["counts"] == [0, 0, 0] and poll["voters"] == 0
    assert polls_heard(sa) == [poll] and polls_heard(sb) == [poll]

    assert emit(sa, "poll_answer", {"room": room.id, "poll": poll["id"], "choices": [1]})[
        "yours"
    ] == [1]
    assert emit(sb, "poll_answer", {"room": room.id, "poll": poll["id"], "choices": [1]})["ok"]
    # She changes her mind while it is open: one answer each, counted once.
    changed = emit(sb, "poll_answer", {"room": room.id, "poll": poll["id"], "choices": [2]})
    assert changed["poll"]["counts"] == [0, 1, 1] and changed["poll"]["voters"] == 2
    heard = polls_heard(fs)
    assert [p["counts"] for p in heard[1:]] == [[0, 1, 0], [0, 2, 0], [0, 1, 1]]
    for p in heard:  # counts only: nobody's name or id in what everyone receives
        assert set(p) == {
            "id",
            "room",
            "question",
            "kind",
            "options",
            "counts",
            "voters",
            "open",
            "opened_at",
            "closed_at",
        }

    closed = emit(fs, "poll_close", {"room": room.id, "poll": poll["id"]})
    assert closed["poll"]["open"] is False and closed["poll"]["counts"] == [0, 1, 1]
    for sock in (sa, sb):
        assert polls_heard(sock)[-1]["open"] is False
    late = emit(sa, "poll_answer", {"room": room.id, "poll": poll["id"], "choices": [0]})
    assert late["ok"] is False and late["error"] == "conflict"
    assert db.session.query(PollAnswer).count() == 2


def test_a_scale_from_one_to_five_and_several_choices(db, room, joined):
    fs, sa, _sb, _people = joined
    scale = open_poll(fs, room, kind="scale")["poll"]
    assert scale["options"] == ["1", "2", "3", "4", "5"]
    assert emit(sa, "poll_answer", {"room": room.id, "poll": scale["id"], "choices": [4]})["ok"]
    emit(fs, "poll_close", {"room": room.id, "poll": scale["id"]})
    several = open_poll(fs, room, kind="multiple")["poll"]
    ack = emit(sa, "poll_answer", {"room": room.id, "poll": several["id"], "choices": [0, 2]})
    assert ack["poll"]["counts"] == [1, 0, 1] and ack["poll"]["voters"] == 1


def test_joining_gives_the_latest_polls_with_her_own_answer(db, room, joined, member, group):
    fs, sa, _sb, _people = joined
    poll = open_poll(fs, room)["poll"]
    emit(sa, "poll_answer", {"room": room.id, "poll": poll["id"], "choices": [0]})
    again = emit(sa, "join", {"room": room.id, "after": 0})
    [shown] = again["room"]["polls"]
    assert shown["id"] == poll["id"] and shown["yours"] == [0] and shown["counts"] == [1, 0, 0]
    _c, sc = member("participant", group)
    assert emit(sc, "join", {"room": room.id})["room"]["polls"][0]["yours"] is None


def test_only_facilitators_open_and_close_polls(db, room, joined):
    fs, sa, sb, _people = joined
    ack = open_poll(sa, room)
    assert ack["ok"] is False and ack["error"] == "forbidden"
    poll = open_poll(fs, room)["poll"]
    ack = emit(sa, "poll_close", {"room": room.id, "poll": poll["id"]})
    assert ack["ok"] is False and ack["error"] == "forbidden"
    received(sb)
    assert emit(fs, "poll_close", {"room": room.id, "poll": poll["id"]})["ok"]
    assert polls_heard(sb)[0]["open"] is False


def test_one_open_poll_at_a_time(db, room, joined):
    fs, _sa, _sb, _people = joined
    assert open_poll(fs, room)["ok"]
    second = open_poll(fs, room, question="Another?")
    assert second["ok"] is False and second["error"] == "conflict"
    assert db.session.query(Poll).count() == 1


@pytest.mark.parametrize(
    "fields, problem",
    [
        ({"question": "  "}, "question"),
        ({"options": ["Only one"]}, "between 2 and 10"),
        ({"options": ["Same", "same"]}, "same"),
        ({"kind": "scale", "options": ["a", "b"]}, "no options"),
        ({"options": ["x" * 201, "y"]}, "200"),
    ],
)
def test_an_invalid_poll_is_refused_with_its_problems(db, room, joined, fields, problem):
    fs, sa, _sb, _people = joined
    ack = open_poll(fs, room, **fields)
    assert ack["ok"] is False and ack["error"] == "invalid"
    assert any(problem in p for p in ack["problems"]), ack
    assert db.session.query(Poll).count() == 0 and received(sa) == []


@pytest.mark.parametrize(
    "payload",
    [
        {"kind": "ranking", "question": "Q", "options": ["a", "b"]},
        {"kind": "single", "question": 5, "options": ["a", "b"]},
        {"kind": "single", "question": "Q", "options": "a,b"},
        {"kind": "single", "question": "Q", "options": ["a", "b"], "anonymous": False},
        {"kind": "single", "question": "Q", "options": ["o"] * 11},
    ],
)
def test_a_malformed_poll_open_is_refused(db, room, joined, payload):
    fs, _sa, _sb, _people = joined
    ack = emit(fs, "poll_open", {"room": room.id, **payload})
    assert ack["ok"] is False and ack["error"] == "invalid" and ack["problems"]


@pytest.mark.parametrize(
    "choices, problem",
    [
        ([3], "options"),
        ([0, 1], "one option"),
        ([], "one option"),
        ([1, 1], "options"),
        (["1"], "choices"),
    ],
)
def test_an_invalid_answer_is_refused(db, room, joined, choices, problem):
    fs, sa, _sb, _people = joined
    poll = open_poll(fs, room)["poll"]
    received(fs)
    ack = emit(sa, "poll_answer", {"room": room.id, "poll": poll["id"], "choices": choices})
    assert ack["ok"] is False and ack["error"] == "invalid"
    assert any(problem in p for p in ack["problems"]), ack
    assert received(fs) == [] and db.session.query(PollAnswer).count() == 0


def test_a_poll_of_another_room_is_not_found(db, room, joined, other_group, member):
    from eventhub.rooms.service import room_for_group

    fs, _sa, _sb, _people = joined
    poll = open_poll(fs, room)["poll"]
    other = room_for_group(other_group)
    db.session.commit()
    _o, so = member("participant", other_group)
    emit(so, "join", {"room": other.id})
    ack = emit(so, "poll_answer", {"room": other.id, "poll": poll["id"], "choices": [0]})
    assert ack["ok"] is False and ack["error"] == "not-found"
    ack = emit(so, "poll_answer", {"room": room.id, "poll": poll["id"], "choices": [0]})
    assert ack["ok"] is False and ack["error"] == "forbidden"


def test_answering_too_fast_is_rate_limited(app, db, room, joined):
    app.config["ROOM_ACTION_RATE"] = "3 per minute"
    fs, sa, _sb, _people = joined
    poll = open_poll(fs, room)["poll"]
    acks = [
        emit(sa, "poll_answer", {"room": room.id, "poll": poll["id"], "choices": [i % 3]})
        for i in range(4)
    ]
    assert [a["ok"] for a in acks] == [True, True, True, False]
    assert acks[-1]["error"] == "rate-limited"
