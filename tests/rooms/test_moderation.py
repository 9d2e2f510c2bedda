"""Moderation: hide/unhide, mute/unmute, remove/readmit, reports; participants cannot moderate."""

from __future__ import annotations

import pytest

from eventhub.rooms.models import Message, RoomRemoval
from tests.rooms.conftest import emit, received


def send(sock, room, body, **extra):
    return emit(sock, "send", {"room": room.id, "body": body, "client_id": f"c-{body}", **extra})


def test_hidden_message_disappears_for_participants_and_stays_marked_for_facilitators(
    db, room, member, group, joined
):
    fac, fs, par, ps = joined
    kept = send(ps, room, "kept")
    rude = send(ps, room, "rude")
    received(fs), received(ps)
    assert emit(fs, "hide", {"room": room.id, "message": rude["id"]})["ok"]
    assert received(ps, "hidden") == [("hidden", {"room": room.id, "id": rude["id"], "seq": 2})]
    [(_, notice)] = received(fs, "moderation")
    assert notice["action"] == "hide" and notice["by"] == {"id": fac.id, "name": "Fatou"}
    assert notice["message"]["hidden_by"] == {"id": fac.id, "name": "Fatou"}
    # History: participants never get it again; facilitators see it, marked, with who and when.
    late, ls = member("participant", group)
    ack = emit(ls, "join", {"room": room.id})
    assert [m["id"] for m in ack["messages"]] == [kept["id"]] and "rude" not in repr(ack)
    assert ack["until"] == 2
    catch_up = emit(ls, "history", {"room": room.id, "after": 0})
    assert [m["id"] for m in catch_up["messages"]] == [kept["id"]] and catch_up["until"] == 2
    seen_by_fac = emit(fs, "history", {"room": room.id, "after": 0})["messages"]
    hidden = next(m for m in seen_by_fac if m["id"] == rude["id"])
    assert hidden["hidden"] is True and hidden["body"] == "rude" and hidden["hidden_at"]
    # Kept in the database: hidden, never erased.
    assert db.session.get(Message, rude["id"]).body == "rude"


def test_unhide_shows_the_message_again(room, joined):
    _fac, fs, _par, ps = joined
    sent = send(ps, room, "misunderstood")
    emit(fs, "hide", {"room": room.id, "message": sent["id"]})
    received(ps)
    assert emit(fs, "unhide", {"room": room.id, "message": sent["id"]})["ok"]
    [(_, event)] = received(ps, "unhidden")
    assert event["message"]["body"] == "misunderstood" and event["message"]["hidden"] is False
    assert [m["id"] for m in emit(ps, "history", {"room": room.id, "after": 0})["messages"]] == [
        sent["id"]
    ]


def test_muted_participant_cannot_send_until_unmuted(room, joined):
    _fac, fs, par, ps = joined
    ack = emit(fs, "mute", {"room": room.id, "person": par.id, "minutes": 10})
    assert ack["ok"] and ack["until"]
    assert received(ps, "muted") == [("muted", {"room": room.id, "until": ack["until"]})]
    refused = send(ps, room, "let me speak")
    assert refused["ok"] is False and refused["error"] == "muted"
    assert "muted you" in refused["message"] and refused["until"] == ack["until"]
    assert received(fs, "message") == []
    assert emit(ps, "join", {"room": room.id})["room"]["you"]["muted_until"] == ack["until"]
    assert emit(fs, "unmute", {"room": room.id, "person": par.id})["ok"]
    assert received(ps, "muted")[-1][1]["until"] is None
    assert send(ps, room, "thank you")["ok"]


def test_removed_participant_is_kicked_out_refused_and_can_be_readmitted(
    db, room, member, group, joined
):
    fac, fs, par, ps = joined
    emit(ps, "raise_hand", {"room": room.id})
    received(fs), received(ps)
    assert emit(fs, "remove", {"room": room.id, "person": par.id})["ok"]
    assert ("removed", {"room": room.id}) in received(ps)
    assert [p["id"] for p in received(fs, "presence")[-1][1]["people"]] == [fac.id]
    assert db.session.query(RoomRemoval).count() == 1
    # Out of the Socket.IO room: she no longer receives its messages...
    send(fs, room, "after she left")
    assert received(ps, "message") == []
    # ...and is refused on re-join and on every event.
    for event, payload in [
        ("join", {}),
        ("send", {"body": "x", "client_id": "z"}),
        ("history", {"after": 0}),
        ("raise_hand", {}),
    ]:
        ack = emit(ps, event, {"room": room.id, **payload})
        assert ack["ok"] is False and ack["error"] == "removed", event
        assert "messages" not in ack
    assert emit(fs, "readmit", {"room": room.id, "person": par.id})["ok"]
    assert ("readmitted", {"room": room.id}) in received(ps)
    ack = emit(ps, "join", {"room": room.id})
    assert ack["ok"] and [m["body"] for m in ack["messages"]] == ["after she left"]


def test_facilitators_cannot_be_muted_or_removed(room, member, group, joined):
    fac, fs, _par, _ps = joined
    other_fac, ofs = member("facilitator", group)
    for event, extra in [("mute", {"minutes": 5}), ("remove", {})]:
        ack = emit(ofs, event, {"room": room.id, "person": fac.id, **extra})
        assert ack["ok"] is False and ack["error"] == "invalid"


def test_member_reports_a_message_and_facilitators_are_told(room, member, group, joined):
    fac, fs, par, ps = joined
    other, os_ = member("participant", group, display_name="Olga")
    emit(os_, "join", {"room": room.id})
    sent = send(ps, room, "something hurtful")
    received(fs), received(os_)
    ack = emit(os_, "report", {"room": room.id, "message": sent["id"], "reason": "personal attack"})
    assert ack["ok"] and ack["report"]
    [(_, event)] = received(fs, "report")
    assert event["report"]["reason"] == "personal attack"
    assert event["report"]["reporter"] == {"id": other.id, "name": "Olga"}
    assert event["report"]["message"]["body"] == "something hurtful"
    assert received(ps, "report") == []  # participants are not told
    assert [r["id"] for r in emit(fs, "join", {"room": room.id})["room"]["reports"]] == [
        ack["report"]
    ]
    assert emit(fs, "dismiss_report", {"room": room.id, "report": ack["report"]})["ok"]
    assert emit(fs, "join", {"room": room.id})["room"]["reports"] == []


@pytest.mark.parametrize(
    "action, payload",
    [
        ("hide", {"message": 1}),
        ("unhide", {"message": 1}),
        ("mute", {"person": 1, "minutes": 5}),
        ("unmute", {"person": 1}),
        ("remove", {"person": 1}),
        ("readmit", {"person": 1}),
        ("dismiss_report", {"report": 1}),
    ],
)
def test_participants_cannot_moderate(room, joined, action, payload):
    fac, fs, _par, ps = joined
    send(fs, room, "facilitator speaking")
    received(fs), received(ps)
    payload = {**payload, **({"person": fac.id} if "person" in payload else {})}
    ack = emit(ps, action, {"room": room.id, **payload})
    assert ack["ok"] is False and ack["error"] == "forbidden"
    assert received(fs) == [] and received(ps) == []


@pytest.mark.parametrize("minutes", [0, 1441, "5", None])
def test_mute_duration_is_validated(room, joined, minutes):
    _fac, fs, par, ps = joined
    ack = emit(fs, "mute", {"room": room.id, "person": par.id, "minutes": minutes})
    assert ack["ok"] is False and ack["error"] == "invalid"
    assert send(ps, room, "still here")["ok"]


def test_hiding_a_message_from_another_room_is_refused(room, member, group, other_group, joined):
    from eventhub.rooms.service import room_for_group

    _fac, fs, _par, _ps = joined
    other_room = room_for_group(other_group)
    from eventhub.extensions import db

    db.session.commit()
    stranger, ss = member("participant", other_group)
    sent = emit(ss, "send", {"room": other_room.id, "body": "elsewhere", "client_id": "e1"})
    assert sent["ok"]
    ack = emit(fs, "hide", {"room": room.id, "message": sent["id"]})
    assert ack["ok"] is False and ack["error"] == "not-found"


def test_removal_made_on_another_worker_is_found_by_the_sweep(db, room, joined):
    from eventhub.rooms import moderation, removals

    fac, fs, par, ps = joined
    # As if a facilitator removed her through another worker: stored, but her socket here
    # was not told to leave.
    moderation.remove(room, par, fac)
    db.session.commit()
    send(fs, room, "before the sweep")
    assert [m["body"] for _, m in received(ps, "message")] == ["before the sweep"]
    received(fs)

    assert removals.sweep() == [(room.id, par.id)]
    assert [p["id"] for p in received(fs, "presence")[-1][1]["people"]] == [fac.id]
    send(fs, room, "after the sweep")
    assert received(ps, "message") == []
    assert removals.sweep() == []  # nothing left to find


def test_removal_sweep_runs_only_where_workers_share_a_message_queue(app, monkeypatch):
    from eventhub.extensions import socketio
    from eventhub.rooms import removals

    started = []
    monkeypatch.setattr(socketio, "start_background_task", lambda *a: started.append(a))
    monkeypatch.setattr(removals, "_started", set())
    removals.start(app)
    assert started == []  # one worker: `remove` makes her sockets leave at once
    app.config["SOCKETIO_MESSAGE_QUEUE"] = "redis://127.0.0.1:6379/0"
    removals.start(app)
    removals.start(app)
    assert len(started) == 1
