"""The facilitator runs the room: current question, speaking queue, timer; participants cannot."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.rooms.conftest import emit, received


def test_facilitator_sets_the_current_question_and_everyone_sees_it(room, group, joined):
    _fac, fs, _par, ps = joined
    question = group.guiding_questions[1]
    assert emit(fs, "set_question", {"room": room.id, "question": question.id})["ok"]
    [(_, event)] = received(ps, "question")
    assert event == {
        "room": room.id,
        "question": {"id": question.id, "position": 2, "text": "WG1 question 2"},
    }
    assert emit(ps, "join", {"room": room.id})["room"]["current_question"]["id"] == question.id
    assert emit(fs, "set_question", {"room": room.id, "question": None})["ok"]
    assert received(ps, "question")[-1][1]["question"] is None


def test_question_of_another_group_is_refused(room, other_group, joined):
    _fac, fs, _par, ps = joined
    ack = emit(
        fs, "set_question", {"room": room.id, "question": other_group.guiding_questions[0].id}
    )
    assert ack["ok"] is False and ack["error"] == "invalid"
    assert received(ps, "question") == []


def test_speaking_queue_raise_lower_give_floor_and_clear(room, joined):
    fac, fs, par, ps = joined
    ack = emit(ps, "raise_hand", {"room": room.id})
    assert [h["name"] for h in ack["queue"]] == ["Pia"]
    assert emit(ps, "raise_hand", {"room": room.id})["queue"][0]["id"] == par.id  # keeps her place
    assert [h["id"] for h in received(fs, "queue")[-1][1]["queue"]] == [par.id]
    assert emit(ps, "lower_hand", {"room": room.id})["queue"] == []
    emit(ps, "raise_hand", {"room": room.id})
    assert emit(fs, "give_floor", {"room": room.id, "person": par.id})["ok"]
    state = received(ps, "queue")[-1][1]
    assert state["floor"] == {"id": par.id, "name": "Pia"} and state["queue"] == []
    emit(ps, "raise_hand", {"room": room.id})
    assert emit(fs, "clear_queue", {"room": room.id})["ok"]
    assert received(ps, "queue")[-1][1] == {"room": room.id, "queue": [], "floor": None}


def test_facilitator_can_lower_someone_elses_hand_but_a_participant_cannot(
    room, member, group, joined
):
    fac, fs, par, ps = joined
    other, os_ = member("participant", group)
    emit(os_, "join", {"room": room.id})
    emit(ps, "raise_hand", {"room": room.id})
    refused = emit(os_, "lower_hand", {"room": room.id, "person": par.id})
    assert refused["ok"] is False and refused["error"] == "forbidden"
    assert emit(fs, "lower_hand", {"room": room.id, "person": par.id})["queue"] == []


def test_timer_starts_for_everyone_and_stops(room, joined):
    _fac, fs, _par, ps = joined
    ack = emit(fs, "start_timer", {"room": room.id, "seconds": 120})
    assert ack["ok"]
    [(_, timer)] = received(ps, "timer")
    ends, now = datetime.fromisoformat(timer["ends_at"]), datetime.fromisoformat(timer["now"])
    assert 100 <= (ends - now).total_seconds() <= 120
    assert emit(ps, "join", {"room": room.id})["room"]["timer"]["ends_at"] == timer["ends_at"]
    assert emit(fs, "stop_timer", {"room": room.id})["ok"]
    assert received(ps, "timer")[-1][1]["ends_at"] is None


@pytest.mark.parametrize("seconds", [9, 3601, "60", 60.5, True])
def test_timer_out_of_range_or_wrong_type_is_refused(room, joined, seconds):
    _fac, fs, _par, ps = joined
    ack = emit(fs, "start_timer", {"room": room.id, "seconds": seconds})
    assert ack["ok"] is False and ack["error"] == "invalid" and "seconds" in ack["message"]
    assert received(ps, "timer") == []


@pytest.mark.parametrize(
    "action, payload",
    [
        ("set_question", {"question": None}),
        ("give_floor", {"person": None}),
        ("clear_queue", {}),
        ("start_timer", {"seconds": 60}),
        ("stop_timer", {}),
    ],
)
def test_participants_cannot_facilitate(room, joined, action, payload):
    _fac, fs, _par, ps = joined
    ack = emit(ps, action, {"room": room.id, **payload})
    assert ack["ok"] is False and ack["error"] == "forbidden"
    assert ack["message"] == "Only the room's facilitators can do this."
    assert [name for name, _ in received(fs)] == []


def test_organiser_of_the_event_facilitates_every_group(room, member, joined):
    _org, os_ = member("organiser")
    assert emit(os_, "join", {"room": room.id})["room"]["you"]["moderator"] is True
    assert emit(os_, "start_timer", {"room": room.id, "seconds": 30})["ok"]
