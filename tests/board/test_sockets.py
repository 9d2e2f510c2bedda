"""Live board: changes reach everyone viewing the board at once; refused changes reach no one."""

from __future__ import annotations

import pytest
from flask import g

from eventhub.board.models import BoardItem, ItemState


@pytest.fixture
def viewers(board, app, login, socket_client, db):
    """The facilitator and a participant, each signed in on her own client, both on the board."""
    db.session.commit()
    sockets = {}
    for name in ("facilitator", "participant"):
        flask_client = app.test_client()
        login(getattr(board, name), flask_client)
        g.__dict__.clear()
        sc = socket_client(flask_client)
        ack = emit(sc, "board_join", {"group": board.group.id})
        assert ack["ok"], ack
        sc.get_received()
        sockets[name] = sc
    return sockets


def emit(sc, event, data):
    """Emit with an ack, as a fresh request: the test's shared app context must not leak `g`
    (Flask-Login's cached user) from one client to the next."""
    g.__dict__.clear()
    return sc.emit(event, data, callback=True)


def board_events(sc, name="board_item"):
    return [e["args"][0] for e in sc.get_received() if e["name"] == name]


def test_two_viewers_see_each_others_changes(board, viewers, db):
    fac, par = viewers["facilitator"], viewers["participant"]
    ack = emit(
        fac,
        "board_add",
        {
            "group": board.group.id,
            "kind": "recommendation",
            "text": "Protect mediators online",
            "audience": "Donors",
            "sources": [board.messages[0].id],
        },
    )
    assert ack["ok"] and ack["item"]["reference"] == "WG1-R1"
    item_id = ack["item"]["id"]
    [seen] = board_events(par)
    assert (seen["text"], seen["state"], seen["sources"][0]["message"]) == (
        "Protect mediators online",
        "proposed",
        board.messages[0].id,
    )
    assert board_events(fac)  # the sender sees her own change too

    ack = emit(par, "board_endorse", {"item": item_id, "endorse": True})
    assert ack["ok"] and ack["endorsed"]
    assert board_events(fac)[0]["endorsements"] == 1
    par.get_received()

    ack = emit(fac, "board_state", {"item": item_id, "version": 1, "state": "agreed"})
    assert ack["ok"]
    [seen] = board_events(par)
    assert (seen["state"], seen["version"]) == ("agreed", 2)


def test_a_refused_change_reaches_no_one(board, viewers, db):
    fac, par = viewers["facilitator"], viewers["participant"]
    item = board.add()
    db.session.commit()
    ack = emit(par, "board_state", {"item": item.id, "version": 1, "state": "agreed"})
    assert ack == {"ok": False, "error": "forbidden", "message": ack["message"]}
    ack = emit(
        fac,
        "board_add",
        {"group": board.group.id, "kind": "recommendation", "text": " ", "audience": "Donors"},
    )
    assert ack["ok"] is False and ack["error"] == "invalid"
    assert board_events(fac) == [] and board_events(par) == []
    db.session.expire_all()
    assert db.session.get(BoardItem, item.id).state == ItemState.PROPOSED
    assert db.session.query(BoardItem).count() == 1


def test_oversized_text_gets_a_clear_message_and_reaches_no_one(board, viewers, db):
    fac, par = viewers["facilitator"], viewers["participant"]
    payload = {"group": board.group.id, "kind": "insight", "text": "x" * 2001}
    ack = emit(fac, "board_add", payload)
    assert ack["error"] == "invalid" and "too long" in ack["message"]
    assert board_events(par) == [] and db.session.query(BoardItem).count() == 0


def test_stale_edit_ack_carries_the_current_text(board, viewers, db):
    fac = viewers["facilitator"]
    item = board.add(text="First")
    db.session.commit()
    assert emit(
        fac, "board_edit", {"item": item.id, "version": 1, "text": "Second", "audience": "Donors"}
    )["ok"]
    fac.get_received()
    ack = emit(
        fac, "board_edit", {"item": item.id, "version": 1, "text": "Third", "audience": "Donors"}
    )
    assert ack["error"] == "conflict"
    assert ack["current"]["text"] == "Second" and ack["current"]["version"] == 2
    assert board_events(fac) == []


@pytest.mark.parametrize(
    "payload",
    [
        {"group": "1", "kind": "insight", "text": "x"},
        {"group": 1, "kind": "opinion", "text": "x"},
        {"group": 1, "kind": "insight", "text": "x", "extra": 1},
        {"group": 1, "kind": "insight"},
        "not an object",
    ],
)
def test_malformed_payloads_get_an_error_ack(board, viewers, payload):
    ack = emit(viewers["facilitator"], "board_add", payload)
    assert ack["ok"] is False and ack["error"] == "invalid"


def test_merge_and_reorder_are_broadcast(board, viewers, db):
    fac, par = viewers["facilitator"], viewers["participant"]
    a, b = board.add(text="A"), board.add(text="B")
    db.session.commit()
    assert emit(fac, "board_reorder", {"group": board.group.id, "items": [b.id, a.id]})["ok"]
    assert board_events(par, "board_order") == [{"group": board.group.id, "items": [b.id, a.id]}]
    assert emit(fac, "board_merge", {"item": a.id, "version": 1, "into": b.id})["ok"]
    seen = {e["id"]: e for e in board_events(par)}
    assert seen[a.id]["state"] == "merged" and seen[a.id]["merged_into"]["id"] == b.id


def test_chatham_house_broadcasts_carry_no_names(board, viewers, db):
    fac, par = viewers["facilitator"], viewers["participant"]
    item = board.add()
    db.session.commit()
    emit(par, "board_endorse", {"item": item.id, "endorse": True})
    emit(par, "board_comment", {"item": item.id, "body": "Yes!"})
    for data in board_events(fac):
        assert "endorsed_by" not in data and "created_by" not in data
        assert all("author" not in c for c in data["comments"])


def test_freeze_is_broadcast_and_then_changes_are_refused(
    board, app, login, socket_client, db, viewers
):
    item = board.add()
    db.session.commit()
    organiser = app.test_client()
    login(board.organiser, organiser)
    g.__dict__.clear()
    org = socket_client(organiser)
    assert emit(org, "board_freeze", {"group": board.group.id, "frozen": True})["ok"]
    assert board_events(viewers["participant"], "board_frozen")[0]["frozen"] is True
    ack = emit(viewers["participant"], "board_endorse", {"item": item.id, "endorse": True})
    assert ack["error"] == "forbidden" and "frozen" in ack["message"]


def test_non_member_cannot_join_another_events_board(
    board, app, make_person, login, socket_client, db
):
    stranger = make_person()
    flask_client = app.test_client()
    login(stranger, flask_client)
    g.__dict__.clear()
    sc = socket_client(flask_client)
    ack = emit(sc, "board_join", {"group": board.group.id})
    assert ack["ok"] is False and ack["error"] == "not-found"


def test_linking_a_message_from_another_room_is_refused(board, viewers, db):
    fac, par = viewers["facilitator"], viewers["participant"]
    item = board.add()
    db.session.commit()
    ack = emit(fac, "board_source", {"item": item.id, "message": board.other_messages[0].id})
    assert ack["error"] == "invalid" and "room" in ack["message"]
    assert board_events(par) == []
    ack = emit(fac, "board_source", {"item": item.id, "message": board.messages[1].id})
    assert ack["ok"]
    assert board_events(par)[0]["sources"] == [{"message": board.messages[1].id, "seq": 2}]


def test_too_many_changes_are_rate_limited_by_the_board_setting(board, viewers, app, db):
    app.config["BOARD_CHANGE_RATE"] = "3 per 10 seconds"
    app.config["ROOM_MESSAGE_RATE"] = "1000 per second"  # the room's own setting does not count
    fac, par = viewers["facilitator"], viewers["participant"]
    payload = {"group": board.group.id, "kind": "insight", "text": "Quick"}
    assert all(emit(fac, "board_add", payload)["ok"] for _ in range(3))
    par.get_received()
    ack = emit(fac, "board_add", payload)
    assert ack["error"] == "rate-limited"
    assert board_events(par) == [] and db.session.query(BoardItem).count() == 3
