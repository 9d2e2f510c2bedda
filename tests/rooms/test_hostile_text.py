"""Text that shows nothing or that the database refuses is refused at once (finding 13)."""

from __future__ import annotations

import pytest

from eventhub import realtime
from eventhub.board import participation, rules
from eventhub.errors import Invalid
from eventhub.rooms.models import Message
from tests.rooms.conftest import emit

INVISIBLE = ["\u200b", "\u200b\u200c\u200d", "\u2060\ufeff", " \u200e\u200f ", "\u202e", "\u00ad"]
WITH_CONTROLS = ["hello\x00world", "\x00", "bell\x07", "esc\x1b[31m", "c1\x85x", "\ud800"]


@pytest.fixture
def joined(room, member, group):
    person, sock = member("participant", group)
    assert emit(sock, "join", {"room": room.id})["ok"]
    return person, sock


def _stored(db):
    return db.session.query(Message).count()


@pytest.mark.parametrize("body", INVISIBLE)
def test_a_message_of_only_invisible_characters_is_empty(db, room, joined, body):
    _person, sock = joined
    ack = emit(sock, "send", {"room": room.id, "body": body, "client_id": "z1"})
    assert ack["ok"] is False and ack["error"] == "invalid"
    assert "empty" in ack["message"]
    assert _stored(db) == 0


@pytest.mark.parametrize("body", WITH_CONTROLS)
def test_a_message_with_control_characters_is_refused(db, room, joined, body):
    _person, sock = joined
    ack = emit(sock, "send", {"room": room.id, "body": body, "client_id": "z2"})
    assert ack["ok"] is False and ack["error"] == "invalid"
    assert _stored(db) == 0


def test_line_breaks_tabs_and_joiners_inside_text_are_kept(db, room, joined):
    _person, sock = joined
    body = "First line\n\tsecond line: می\u200cخواهم 👩\u200d👩\u200d👧"
    ack = emit(sock, "send", {"room": room.id, "body": body, "client_id": "z3"})
    assert ack["ok"] is True
    assert db.session.scalar(db.select(Message.body)) == body


def test_an_unknown_event_gets_an_error_ack(room, joined):
    _person, sock = joined
    ack = emit(sock, "sned", {"room": room.id, "body": "typo"})
    assert ack["ok"] is False
    assert ack["error"] == "unknown-event"
    assert "sned" in ack["message"]
    assert emit(sock, "no_payload_at_all")["error"] == "unknown-event"


def test_history_is_rate_limited(app, room, joined):
    realtime._limiter = None
    app.config["ROOM_HISTORY_RATE"] = "3 per minute"
    _person, sock = joined
    acks = [emit(sock, "history", {"room": room.id, "after": 0}) for _ in range(4)]
    assert [a["ok"] for a in acks] == [True, True, True, False]
    assert acks[-1]["error"] == "rate-limited"


@pytest.mark.parametrize("text", INVISIBLE + WITH_CONTROLS)
def test_board_text_and_comments_refuse_invisible_or_control_text(event, group, text):
    _text, _audience, _question, problems = rules.clean_fields(
        group, kind="insight", text=text, audience=None, guiding_question_id=None
    )
    assert problems


def test_a_comment_with_nul_is_refused(db, event, group, make_person, add_member):
    from eventhub.board import service as board

    person = make_person()
    add_member(person, event, "facilitator", group)
    item = board.add_item(person, group, kind="insight", text="An insight")
    with pytest.raises(Invalid):
        participation.add_comment(person, item, "nul\x00byte")
