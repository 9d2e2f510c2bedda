"""The room's hot path, locked: a message costs three statements and one commit (posting.py).

One more statement per message is a regression in what every member pays for every message;
if a change needs one, change the figure here and say why in docs/performance.md.
"""

from __future__ import annotations

import gc
from collections import Counter

from flask.ctx import RequestContext
from werkzeug.exceptions import NotFound

from tests.rooms.conftest import emit

MESSAGE_STATEMENTS = 3


def _message(room_id: int, body: str, **extra) -> dict:
    # Built before counting: reading `room.id` of an expired test object is a query of the test's.
    return {"room": room_id, "body": body, "client_id": f"c-{body}", **extra}


def test_a_message_costs_three_statements_and_one_commit(room, joined, count_queries):
    _fac, _fs, _par, ps = joined
    room_id = room.id
    assert emit(ps, "send", _message(room_id, "warm-up"))["ok"]
    payload = _message(room_id, "Fund the protection desks")
    with count_queries() as queries:
        ack = emit(ps, "send", payload)
    assert ack["ok"] and ack["seq"] == 2
    assert len(queries) == MESSAGE_STATEMENTS, queries.statements
    assert queries.commits == 1


def test_an_answer_in_reply_costs_one_more_check_each_for_its_question_and_message(
    room, group, joined, count_queries
):
    _fac, _fs, _par, ps = joined
    room_id, question_id = room.id, group.guiding_questions[0].id
    first = emit(ps, "send", _message(room_id, "first"))
    payload = _message(room_id, "an answer", question=question_id, reply_to=first["id"])
    with count_queries() as queries:
        ack = emit(ps, "send", payload)
    assert ack["ok"], ack
    assert len(queries) == MESSAGE_STATEMENTS + 2, queries.statements  # both are in this room
    assert queries.commits == 1


def test_a_resent_message_costs_one_statement_and_stores_nothing(room, joined, count_queries):
    _fac, _fs, _par, ps = joined
    payload = _message(room.id, "once")
    stored = emit(ps, "send", payload)
    with count_queries() as queries:
        again = emit(ps, "send", payload)
    assert again["seq"] == stored["seq"]
    assert len(queries) == 1, queries.statements  # the read that finds it already stored


def test_a_message_leaves_no_request_context_for_the_garbage_collector(room, joined):
    """Each event's request context is freed when the event is done, not by a collection:
    the collector's pauses hold up every socket of the process. (Flask-SocketIO's context
    matches no route; the NotFound it kept closed a cycle through the context, ~60 objects a
    message here and ~200 in the server.)"""
    _fac, _fs, _par, ps = joined
    room_id = room.id
    assert emit(ps, "send", _message(room_id, "warm-up"))["ok"]
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection finds unreachable is kept to look at
    try:
        for body in ("one", "two", "three"):
            assert emit(ps, "send", _message(room_id, body))["ok"]
        gc.collect()
    finally:
        gc.set_debug(0)
        garbage, gc.garbage[:] = list(gc.garbage), []
    # Only what these events leave is counted: a thread of an earlier test may end meanwhile.
    kinds = Counter(type(o).__name__ for o in garbage)
    assert not [o for o in garbage if isinstance(o, RequestContext | NotFound)], kinds
