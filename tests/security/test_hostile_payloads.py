"""Random and malformed input to every socket event and every form (property-based, item 6 of
issue 11): never a 500 or an `internal` ack, never an exception in the log, and nothing changed
when the input was refused.

The examples are bounded (`EXAMPLES` per event or route) so that the suite stays fast; run with
`HYPOTHESIS_PROFILE=thorough` for many more.
"""

from __future__ import annotations

import logging
import os

import pytest
from flask import url_for
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from eventhub.board import service as board
from eventhub.board.models import BoardItem
from eventhub.extensions import db as _db
from eventhub.extensions import socketio
from eventhub.qa import service as qa
from eventhub.rooms import presence
from eventhub.rooms.models import Message, Room
from eventhub.rooms.service import room_for_group

settings.register_profile(
    "ci",
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
settings.register_profile(
    "thorough",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Every field name any payload or form knows, so that examples reach past "unknown field".
FIELDS = [
    "room", "body", "client_id", "after", "before", "limit", "question", "reply_to", "message",
    "reason", "person", "seconds", "minutes", "report", "group", "kind", "text", "audience",
    "sources", "state", "item", "version", "into", "endorse", "items", "frozen", "summary",
]  # fmt: skip
FORM_FIELDS = FIELDS + [
    "email", "password", "confirm", "current", "name", "display_name", "language", "timezone",
    "role", "working_group", "title", "starts", "ends", "key", "location", "join_url",
    "description", "public", "next", "direction", "remember", "format",
]  # fmt: skip
HOSTILE_TEXT = ["", " ", "\x00", "\u200b", "\u202e", "a\nb", "<script>x</script>", "x" * 5000]
HUGE = [0, -1, 2**31, 2**63, 2**70]
# Endpoints that end the organiser's own session: valid whatever the form says.
SIGN_OUT = {"accounts.logout", "accounts.sign_out_everywhere", "accounts.end_sign_in"}
KNOWN_ERRORS = {
    "invalid", "forbidden", "not-found", "conflict", "rate-limited", "muted", "removed",
    "unknown-event", "frozen", "stale", "final",
}  # fmt: skip


@pytest.fixture
def world(app, db, make_event, make_person, add_member, login):
    """An event where one person is organiser and wg1's facilitator (she may try everything),
    with a room, messages, a board item and another participant."""
    app.config["SOCKET_RATE_LIMITS_ENABLED"] = False
    presence.clear()
    event = make_event()
    wg1 = event.working_groups[0]
    boss = make_person()
    add_member(boss, event, "organiser")
    add_member(boss, event, "facilitator", wg1)
    other = make_person()
    add_member(other, event, "participant", wg1)
    room = room_for_group(wg1)
    db.session.flush()
    room.last_seq = 2
    db.session.add_all(
        [
            Message(room=room, seq=1, body="First", author=other),
            Message(room=room, seq=2, body="Second", author=boss),
        ]
    )
    item = board.add_item(boss, wg1, kind="insight", text="An insight")
    plenary = next(s for s in event.sessions if s.key == "opening")
    question, _new = qa.ask(plenary, other, "A question for the panel?")
    db.session.commit()
    login(boss)
    ids = [room.id, wg1.id, item.id, other.id, boss.id, plenary.id, question.id, 1, 2]
    R, G, It, P = room.id, wg1.id, item.id, other.id  # noqa: N806
    M, Q = room_messages(room)[0], wg1.guiding_questions[0].id  # noqa: N806
    S, Qn = plenary.id, question.id  # noqa: N806
    valid = {
        "join": {"room": R}, "leave": {"room": R}, "raise_hand": {"room": R},
        "lower_hand": {"room": R}, "stop_timer": {"room": R}, "clear_queue": {"room": R},
        "send": {"room": R, "body": "hi", "client_id": "c1"},
        "history": {"room": R, "after": 0}, "report": {"room": R, "message": M, "reason": "x"},
        "set_question": {"room": R, "question": Q}, "give_floor": {"room": R, "person": P},
        "start_timer": {"room": R, "seconds": 60}, "hide": {"room": R, "message": M},
        "unhide": {"room": R, "message": M}, "mute": {"room": R, "person": P, "minutes": 5},
        "unmute": {"room": R, "person": P}, "remove": {"room": R, "person": P},
        "readmit": {"room": R, "person": P}, "dismiss_report": {"room": R, "report": 1},
        "board_join": {"group": G}, "board_leave": {"group": G},
        "board_add": {"group": G, "kind": "insight", "text": "t"},
        "board_edit": {"item": It, "version": 1, "text": "t"},
        "board_state": {"item": It, "version": 1, "state": "proposed"},
        "board_merge": {"item": It, "version": 1, "into": It},
        "board_endorse": {"item": It, "endorse": True}, "board_comment": {"item": It, "body": "c"},
        "board_source": {"item": It, "message": M}, "board_reorder": {"group": G, "items": [It]},
        "board_freeze": {"group": G, "frozen": False}, "no_such_event": {"room": R},
        "qa_join": {"session": S}, "qa_leave": {"session": S},
        "qa_ask": {"session": S, "body": "Why?", "client_id": "q1"},
        "qa_edit": {"question": Qn, "body": "Why not?"}, "qa_withdraw": {"question": Qn},
        "qa_vote": {"question": Qn, "up": True},
        "qa_moderate": {"question": Qn, "action": "approve"},
        "qa_merge": {"question": Qn, "into": Qn}, "qa_report": {"question": Qn, "included": True},
        "qa_settings": {"session": S, "premoderated": True},
        "poll_open": {"room": R, "question": "Which?", "kind": "single", "options": ["A", "B"]},
        "poll_answer": {"room": R, "poll": 1, "choices": [0]},
        "poll_close": {"room": R, "poll": 1},
        "not_heard": {"room": R}, "queue_order": {"room": R, "first_time_first": True},
    }  # fmt: skip
    yield {"event": event, "room": room, "ids": ids, "boss": boss, "valid": valid}
    presence.clear()


def _ints(ids):
    return st.one_of(st.sampled_from(ids), st.sampled_from(HUGE), st.integers())


def _values(ids):
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        _ints(ids),
        st.floats(allow_nan=True),
        st.sampled_from(HOSTILE_TEXT),
        st.text(max_size=50),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=8,
    )


def room_messages(room):
    return _db.session.scalars(select(Message.id).where(Message.room_id == room.id)).all()


@st.composite
def _near_valid(draw, base, ids):
    """A valid payload with one or two fields made hostile, dropped, or added."""
    payload = dict(base)
    for _ in range(draw(st.integers(1, 2))):
        key = draw(st.one_of(st.sampled_from(sorted(base)), st.sampled_from(FIELDS)))
        action = draw(st.sampled_from(["hostile", "hostile", "drop"]))
        if action == "drop":
            payload.pop(key, None)
        else:
            payload[key] = draw(
                st.one_of(st.sampled_from(HUGE), st.sampled_from(HOSTILE_TEXT), _values(ids))
            )
    return payload


def _payloads(ids, base):
    return st.one_of(
        _near_valid(base, ids),
        _near_valid(base, ids),
        st.dictionaries(st.sampled_from(FIELDS), _values(ids), max_size=6),
        _values(ids),
    )


def _fingerprint() -> tuple:
    """Row counts of every table, and the rooms' and board items' mutable state."""
    counts = tuple(
        _db.session.scalar(select(func.count()).select_from(table))
        for table in _db.metadata.sorted_tables
    )
    rooms = _db.session.execute(select(Room.__table__)).all()
    items = _db.session.execute(select(BoardItem.__table__)).all()
    messages = _db.session.execute(select(Message.__table__)).all()
    return counts, rooms, items, messages


def _socket_events() -> list[str]:
    return sorted(
        e for e in socketio.server.handlers["/"] if e not in ("connect", "disconnect", "*")
    )


def _check_socket_event(app, world, socket_client, caplog, event_name):
    sock = socket_client()
    assert sock.is_connected()
    sock.emit("join", {"room": world["room"].id}, callback=True)

    base = world["valid"][event_name]

    def check(payload):
        _db.session.rollback()
        _db.session.expire_all()
        before = _fingerprint()
        caplog.clear()
        ack = sock.emit(event_name, payload, callback=True)
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert not errors, (event_name, payload, errors[0].getMessage())
        assert isinstance(ack, dict) and "ok" in ack, (event_name, payload, ack)
        if not ack["ok"]:
            assert ack["error"] in KNOWN_ERRORS, (event_name, payload, ack)
            _db.session.expire_all()
            assert _fingerprint() == before, (event_name, payload, ack)

    # The boundaries every time (each field out of range, negative, NUL, missing), then random.
    check = given(payload=_payloads(world["ids"], base))(check)
    for key in base:
        for value in (2**70, 2**31, -1, "\x00", None):
            check = example(payload={**base, key: value})(check)
        check = example(payload={k: v for k, v in base.items() if k != key})(check)
    example(payload=base)(check)()


SOCKET_EVENTS = [
    "join", "leave", "send", "history", "report", "raise_hand", "lower_hand", "set_question",
    "give_floor", "start_timer", "stop_timer", "hide", "unhide", "mute", "unmute", "remove",
    "readmit", "dismiss_report", "board_join", "board_leave", "board_add", "board_edit",
    "board_state", "board_merge", "board_endorse", "board_comment", "board_source",
    "board_reorder", "board_freeze", "clear_queue", "no_such_event", "qa_join", "qa_leave",
    "qa_ask", "qa_edit", "qa_withdraw", "qa_vote", "qa_moderate", "qa_merge", "qa_report",
    "qa_settings", "poll_open", "poll_answer", "poll_close", "not_heard", "queue_order",
]  # fmt: skip


@pytest.mark.parametrize("event_name", SOCKET_EVENTS)
def test_random_payloads_to_a_socket_event(app, world, socket_client, caplog, event_name):
    _check_socket_event(app, world, socket_client, caplog, event_name)


def test_the_list_of_socket_events_is_complete(app):
    # A new event must join the walk above.
    assert set(_socket_events()) <= set(SOCKET_EVENTS), set(_socket_events()) - set(SOCKET_EVENTS)


def _post_routes(app):
    return sorted(
        (r for r in app.url_map.iter_rules() if "POST" in r.methods and r.endpoint not in SIGN_OUT),
        key=lambda r: r.rule,
    )


def _url(rule, world, number):
    values = {}
    for name in rule.arguments:
        if name == "slug":
            values[name] = world["event"].slug
        elif name == "key":
            values[name] = "wg1-meeting" if "/sessions/" in rule.rule else "wg1"
        elif "token" in name:
            values[name] = "x" * 43
        elif name == "fmt":
            values[name] = "json"
        else:
            values[name] = number
    with world["app"].test_request_context():
        return url_for(rule.endpoint, **values)


def _forms(ids):
    text = st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.text(max_size=60),
        st.sampled_from([str(v) for v in HUGE + ids]),
    )
    return st.dictionaries(st.sampled_from(FORM_FIELDS), text, max_size=8)


def test_random_forms_to_every_post_route(app, world, client, caplog):
    world["app"] = app
    routes = _post_routes(app)
    assert len(routes) > 20

    for rule in routes:
        _check_route(rule, world, client, caplog)


def _check_route(rule, world, client, caplog):
    @settings(max_examples=max(3, settings.default.max_examples // 3))
    @given(
        form=_forms(world["ids"]),
        number=st.one_of(st.sampled_from(world["ids"]), st.sampled_from([2**31 - 1, 999])),
    )
    @example(form=dict.fromkeys(FORM_FIELDS, str(2**70)), number=world["ids"][0])
    @example(form=dict.fromkeys(FORM_FIELDS, "\x00"), number=world["ids"][2])
    @example(form=dict.fromkeys(FORM_FIELDS, "\u200b"), number=world["ids"][2])
    def check(form, number):
        url = _url(rule, world, number)
        _db.session.rollback()
        _db.session.expire_all()
        before = _fingerprint()
        caplog.clear()
        response = client.post(url, data=form)
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert not errors, (url, form, errors[0].getMessage())
        assert response.status_code < 500, (url, form, response.status_code)
        if response.status_code >= 400:
            _db.session.expire_all()
            assert _fingerprint() == before, (url, form, response.status_code)

    check()
