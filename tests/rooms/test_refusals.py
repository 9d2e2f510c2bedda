"""Every refusal: not signed in, not a member, rate limits, oversized and malformed payloads.

A refused event gets an error ack with a clear reason, changes nothing and broadcasts nothing.
"""

from __future__ import annotations

import pytest

from eventhub.extensions import socketio
from eventhub.rooms.models import Message, Room
from eventhub.rooms.service import room_for_group
from tests.rooms.conftest import connect_socket, emit, received


def nothing_stored(db):
    return db.session.query(Message).count() == 0


def test_unauthenticated_socket_is_refused_on_connect(app, room, socket_client):
    anonymous = connect_socket(socket_client, app.test_client())
    assert not anonymous.is_connected()


def test_signed_out_person_cannot_connect_any_more(app, room, member, group, socket_client):
    _p, flask_client = member("participant", group, connect=False)
    flask_client.post("/logout")
    assert not connect_socket(socket_client, flask_client).is_connected()


def test_non_member_cannot_join_nor_read_history_nor_hear_the_room(
    db, room, member, group, other_group, joined
):
    _fac, fs, _par, ps = joined
    emit(ps, "send", {"room": room.id, "body": "members only", "client_id": "m1"})
    outsider, os_ = member("participant", other_group)
    ack = emit(os_, "join", {"room": room.id})
    assert ack["ok"] is False and ack["error"] == "forbidden"
    assert ack["message"] == "Only members of this working group can enter its room."
    assert "messages" not in ack and "room" not in ack
    assert emit(os_, "history", {"room": room.id, "after": 0})["error"] == "forbidden"
    assert (
        emit(os_, "send", {"room": room.id, "body": "hi", "client_id": "x"})["error"] == "forbidden"
    )
    emit(ps, "send", {"room": room.id, "body": "still private", "client_id": "m2"})
    assert received(os_, "message") == []
    assert outsider.id not in [
        p["id"] for p in emit(fs, "join", {"room": room.id})["room"]["presence"]
    ]


def test_observer_of_the_event_cannot_enter_a_group_room(room, member):
    _obs, os_ = member("observer")
    assert emit(os_, "join", {"room": room.id})["error"] == "forbidden"


def test_unknown_room_is_refused(joined):
    _fac, _fs, _par, ps = joined
    ack = emit(ps, "join", {"room": 9999})
    assert ack["ok"] is False and ack["error"] == "not-found"


def test_sending_too_fast_is_rate_limited(app, db, room, joined):
    app.config["ROOM_MESSAGE_RATE"] = "3 per minute"
    _fac, fs, _par, ps = joined
    acks = [
        emit(ps, "send", {"room": room.id, "body": f"m{i}", "client_id": f"r{i}"}) for i in range(4)
    ]
    assert [a["ok"] for a in acks] == [True, True, True, False]
    assert acks[3]["error"] == "rate-limited" and "too fast" in acks[3]["message"]
    assert db.session.query(Message).count() == 3
    assert len(received(fs, "message")) == 3
    # A resend of an already stored message is not counted against her.
    assert emit(ps, "send", {"room": room.id, "body": "m0", "client_id": "r0"})["duplicate"]
    # The limit is per person: others can still speak.
    assert emit(fs, "send", {"room": room.id, "body": "calm down", "client_id": "f"})["ok"]


def test_oversized_body_is_refused_with_the_limit(db, room, joined):
    _fac, fs, _par, ps = joined
    ack = emit(ps, "send", {"room": room.id, "body": "x" * 4001, "client_id": "big"})
    assert ack["ok"] is False and ack["error"] == "invalid"
    assert "4000" in ack["message"]
    assert nothing_stored(db) and received(fs) == []
    assert emit(ps, "send", {"room": room.id, "body": "x" * 4000, "client_id": "max"})["ok"]


def test_oversized_frames_are_refused_by_the_server(app):
    assert socketio.server.eio.max_http_buffer_size == app.config["SOCKETIO_MAX_BUFFER"]


@pytest.mark.parametrize("body", ["", "   \n\t  "])
def test_empty_message_is_refused(db, room, joined, body):
    _fac, _fs, _par, ps = joined
    ack = emit(ps, "send", {"room": room.id, "body": body, "client_id": "e"})
    assert ack["ok"] is False and ack["error"] == "invalid" and "empty" in ack["message"]
    assert nothing_stored(db)


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"room": "1", "body": "hi", "client_id": "a"}, "room"),  # wrong type
        ({"room": 1, "body": 42, "client_id": "a"}, "body"),
        ({"room": 1, "body": "hi", "client_id": 7}, "client_id"),
        ({"room": True, "body": "hi", "client_id": "a"}, "room"),
        ({"room": 1, "body": "hi", "client_id": "a", "question": "1"}, "question"),
        ({"room": 1, "body": "hi"}, "client_id"),  # missing
        ({"body": "hi", "client_id": "a"}, "room"),
        ({"room": 1, "body": "hi", "client_id": "a", "admin": True}, "admin"),  # extra
        ({"room": 1, "body": "hi", "client_id": "x" * 65}, "client_id"),  # too long
        ({"room": 1, "body": "hi", "client_id": ""}, "client_id"),
        ({"room": 0, "body": "hi", "client_id": "a"}, "room"),
    ],
)
def test_malformed_send_is_refused_and_names_the_field(db, room, joined, payload, field):
    _fac, fs, _par, ps = joined
    ack = emit(ps, "send", payload)
    assert ack["ok"] is False and ack["error"] == "invalid"
    assert field in ack["message"] and ack["problems"]
    assert nothing_stored(db) and received(fs) == []


@pytest.mark.parametrize("payload", [None, "hello", 5, ["room", 1]])
def test_payload_that_is_not_an_object_is_refused(room, joined, payload):
    _fac, _fs, _par, ps = joined
    ack = ps.emit("send", callback=True) if payload is None else emit(ps, "send", payload)
    assert ack["ok"] is False and ack["error"] == "invalid"


@pytest.mark.parametrize(
    "action, payload",
    [
        ("join", {"room": 1, "after": -1}),
        ("join", {"room": 1, "after": "3"}),
        ("join", {"room": 1, "extra": 1}),
        ("leave", {}),
        ("history", {"room": 1}),
        ("history", {"room": 1, "before": 5, "after": 2}),
        ("history", {"room": 1, "after": 0, "limit": 101}),
        ("history", {"room": 1, "before": 0}),
        ("report", {"room": 1}),
        ("report", {"room": 1, "message": 1, "reason": "x" * 1001}),
        ("raise_hand", {"room": 1, "person": 3}),
        ("set_question", {"room": 1}),
        ("give_floor", {"room": 1, "person": "me"}),
        ("hide", {"room": 1, "message": "1"}),
        ("remove", {"room": 1}),
    ],
)
def test_malformed_payload_of_each_event_is_refused(room, joined, action, payload):
    _fac, fs, _par, ps = joined
    ack = emit(fs, action, payload)
    assert ack["ok"] is False and ack["error"] == "invalid", ack
    assert received(fs) == [] and received(ps) == []


def test_question_from_another_group_is_refused(db, room, other_group, joined):
    _fac, fs, _par, ps = joined
    foreign = other_group.guiding_questions[0].id
    ack = emit(ps, "send", {"room": room.id, "body": "hi", "client_id": "q", "question": foreign})
    assert ack["ok"] is False and ack["error"] == "invalid"
    assert ack["message"] == "That guiding question does not belong to this room."
    assert nothing_stored(db)


def test_reply_to_a_message_of_another_room_is_refused(db, room, member, other_group, joined):
    _fac, fs, _par, ps = joined
    other_room = room_for_group(other_group)
    db.session.commit()
    _o, os_ = member("participant", other_group)
    elsewhere = emit(os_, "send", {"room": other_room.id, "body": "there", "client_id": "t"})
    ack = emit(
        ps, "send", {"room": room.id, "body": "hi", "client_id": "r", "reply_to": elsewhere["id"]}
    )
    assert ack["ok"] is False and ack["error"] == "invalid"
    assert ack["message"] == "The message you reply to is not in this room."
    assert db.session.query(Message).filter_by(room_id=room.id).count() == 0
    assert db.session.get(Room, room.id).last_seq == 0  # no sequence number was used up


def test_hand_raising_too_fast_is_rate_limited(app, room, joined):
    app.config["ROOM_ACTION_RATE"] = "3 per minute"
    _fac, fs, _par, ps = joined
    acks = [
        emit(ps, e, {"room": room.id})
        for e in ("raise_hand", "lower_hand", "raise_hand", "lower_hand")
    ]
    assert [a["ok"] for a in acks] == [True, True, True, False]
    assert acks[-1]["error"] == "rate-limited"


def test_deactivated_account_cannot_send_on_a_socket_opened_before(db, joined, room):
    _fac, _fs, par, ps = joined
    par.active = False
    db.session.commit()
    ack = emit(ps, "send", {"room": room.id, "body": "still here?", "client_id": "d1"})
    assert ack["ok"] is False and ack["error"] == "forbidden"
    assert ack["message"] == "Please sign in again."
    assert nothing_stored(db)


def test_send_to_a_room_that_does_not_exist_is_refused(db, joined):
    _fac, _fs, _par, ps = joined
    ack = emit(ps, "send", {"room": 999_999, "body": "hello", "client_id": "n1"})
    assert ack["ok"] is False and ack["error"] == "not-found"
    assert nothing_stored(db)


def test_session_cookie_is_verified_once_per_connection(joined, room, monkeypatch):
    from itsdangerous import URLSafeTimedSerializer

    calls = []
    verify = URLSafeTimedSerializer.loads

    def counted(self, *args, **kwargs):
        calls.append(1)
        return verify(self, *args, **kwargs)

    monkeypatch.setattr(URLSafeTimedSerializer, "loads", counted)
    _fac, _fs, _par, ps = joined
    for i in range(5):
        assert emit(ps, "send", {"room": room.id, "body": f"m{i}", "client_id": f"m{i}"})["ok"]
    assert emit(ps, "history", {"room": room.id, "after": 0})["ok"]
    assert calls == []  # read when the socket joined, kept in its environ since


def test_socket_events_are_refused_once_the_session_cookie_expires(
    app, db, joined, room, monkeypatch
):
    import time

    _fac, _fs, _par, ps = joined
    later = time.time() + app.permanent_session_lifetime.total_seconds() + 60
    monkeypatch.setattr(time, "time", lambda: later)
    for event, data in [
        ("send", {"room": room.id, "body": "late", "client_id": "late"}),
        ("history", {"room": room.id, "after": 0}),
    ]:
        ack = emit(ps, event, data)
        assert ack["ok"] is False and ack["message"] == "Please sign in again."
    assert nothing_stored(db)


def test_every_invalid_ack_lists_its_problems(db, room, other_group, joined):
    """The error table's promise, for the refusals that have one reason only."""
    _fac, _fs, _par, ps = joined
    foreign_question = other_group.guiding_questions[0].id
    for payload in (
        {"room": room.id, "body": "  ", "client_id": "e"},
        {"room": room.id, "body": "hi", "client_id": "q", "question": foreign_question},
        {"room": room.id, "body": "hi", "client_id": "r", "reply_to": 10_000},
    ):
        ack = emit(ps, "send", payload)
        assert ack["error"] == "invalid" and ack["problems"] == [ack["message"]], ack
    ack = emit(ps, "send", "not an object")
    assert ack["error"] == "invalid" and ack["problems"] == [ack["message"]]
    assert nothing_stored(db)


@pytest.mark.parametrize(
    ("language", "wrong_type", "extra"),
    [
        ("fr", "attendu", "n’est pas un champ"),
        ("ar", "والموجود", "ليس حقلًا"),
    ],
)
def test_a_malformed_request_lists_its_problems_in_her_language(
    db, room, member, group, language, wrong_type, extra
):
    """Not pydantic's English ("Input should be a valid string", "Extra inputs are not
    permitted"): the same words a programme file's problems use."""
    _person, sock = member("participant", group, display_name="Noor", language=language)
    emit(sock, "join", {"room": room.id})
    received(sock)
    ack = emit(sock, "send", {"room": room.id, "body": "hi", "client_id": 7, "admin": True})
    assert ack["ok"] is False and ack["error"] == "invalid"
    problems = dict(p.split(": ", 1) for p in ack["problems"])
    assert set(problems) == {"client_id", "admin"}
    assert wrong_type in problems["client_id"]
    assert extra in problems["admin"]
    assert not any("Input should" in p or "Extra inputs" in p for p in ack["problems"])
    assert nothing_stored(db)
