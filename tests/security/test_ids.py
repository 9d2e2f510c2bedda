"""Ids beyond the database's integer range are "not found" or "invalid", never a 500 (finding 8)."""

from __future__ import annotations

import re

import pytest

from eventhub.ids import MAX_ID, parse_id
from eventhub.rooms import presence
from eventhub.rooms.service import room_for_group

HUGE = [MAX_ID + 1, 2**63, 2**63 + 1, 2**70]
ALL_METHODS = ("GET", "POST")


@pytest.fixture
def event(make_event):
    return make_event()


def _routes_with_ids(app):
    return [r for r in app.url_map.iter_rules() if "<int:" in r.rule]


def _url(rule, value, event):
    def fill(match):
        converter, name = match.group(1), match.group(2)
        if converter == "int":
            return str(value)
        if name == "slug":
            return event.slug
        if name == "key":
            return "wg1-meeting" if "/sessions/" in rule.rule else "wg1"
        return "x"

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", fill, rule.rule)


def test_every_route_with_an_id_answers_404_for_an_id_out_of_range(app, event, login_as, client):
    login_as("organiser", event=event)
    rules = _routes_with_ids(app)
    assert rules, "no route takes an id: the walk would prove nothing"
    for rule in rules:
        for value in HUGE:
            url = _url(rule, value, event)
            for method in sorted(rule.methods & set(ALL_METHODS)):
                response = client.open(url, method=method, data={})
                assert response.status_code == 404, (method, url, response.status_code)


def test_the_largest_id_in_range_is_looked_up_and_not_found(app, event, login_as, client):
    login_as("organiser", event=event)
    url = f"/e/{event.slug}/groups/wg1/board/items/{MAX_ID}"
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("value", [str(v) for v in HUGE] + ["-1", "0", "1e3", "٣", ""])
def test_form_and_query_ids_out_of_range_are_no_id(value):
    assert parse_id(value) is None


def test_parse_id_reads_ids_in_range():
    assert parse_id("1") == 1
    assert parse_id(str(MAX_ID)) == MAX_ID


def test_board_from_message_out_of_range_is_ignored(event, login_as, client):
    login_as("facilitator", event=event, working_group="wg1")
    for value in HUGE:
        response = client.get(f"/e/{event.slug}/groups/wg1/board?from_message={value}")
        assert response.status_code == 200


def test_board_forms_with_ids_out_of_range_change_nothing(app, db, event, login_as, client):
    login_as("facilitator", event=event, working_group="wg1")
    base = f"/e/{event.slug}/groups/wg1/board"
    for value in HUGE:
        response = client.post(
            f"{base}/items",
            data={
                "kind": "insight",
                "text": "A text",
                "question": str(value),
                "sources": str(value),
            },
        )
        assert response.status_code in (302, 303, 400), response.status_code


def test_room_form_with_a_question_out_of_range_posts_without_it(db, event, login_as, client):
    login_as("participant", event=event, working_group="wg1")
    room_for_group(event.working_groups[0])
    db.session.commit()
    for value in HUGE:
        response = client.post(
            f"/e/{event.slug}/groups/wg1/room",
            data={"body": f"hello {value}", "question": str(value), "client_id": f"c{value}"},
        )
        assert response.status_code in (302, 303)


@pytest.fixture
def joined_socket(app, db, event, login_as, socket_client):
    presence.clear()
    person = login_as("participant", event=event, working_group="wg1")
    room = room_for_group(event.working_groups[0])
    db.session.commit()
    sock = socket_client()
    assert sock.emit("join", {"room": room.id}, callback=True)["ok"]
    yield person, room, sock
    presence.clear()


@pytest.mark.parametrize(
    "event_name, payload",
    [
        ("join", {"room": 2**70}),
        ("join", {"room": 1, "after": 2**63}),
        ("history", {"room": 1, "before": 2**63}),
        ("history", {"room": 1, "after": 2**70}),
        ("history", {"room": 2**31, "after": 0}),
        ("send", {"room": 2**70, "body": "hi", "client_id": "x"}),
        ("send", {"room": 1, "body": "hi", "client_id": "x", "question": 2**63}),
        ("send", {"room": 1, "body": "hi", "client_id": "x", "reply_to": 2**70}),
        ("report", {"room": 1, "message": 2**70}),
        ("lower_hand", {"room": 1, "person": 2**63}),
        ("board_join", {"group": 2**70}),
        ("board_comment", {"item": 2**63, "body": "x"}),
    ],
)
def test_socket_ids_out_of_range_get_an_invalid_ack(joined_socket, event_name, payload):
    _person, room, sock = joined_socket
    payload = {k: (room.id if v == 1 and k == "room" else v) for k, v in payload.items()}
    ack = sock.emit(event_name, payload, callback=True)
    assert ack["ok"] is False
    assert ack["error"] == "invalid", ack
