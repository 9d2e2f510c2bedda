"""The room pages: server-rendered history, the no-JavaScript form, who may open them."""

from __future__ import annotations

from eventhub.rooms.models import Message
from tests.rooms.conftest import emit, received


def url(event, group):
    return f"/e/{event.slug}/groups/{group.key}/room"


def test_member_sees_question_history_and_the_live_client(event, group, room, member):
    _fac, fs = member("facilitator", group)
    emit(fs, "join", {"room": room.id})
    emit(fs, "set_question", {"room": room.id, "question": group.guiding_questions[0].id})
    emit(fs, "send", {"room": room.id, "body": "Welcome, *everyone*", "client_id": "w"})
    _par, client = member("participant", group, connect=False)
    page = client.get(url(event, group))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "WG1 question 1" in html and "WG1 question 2" in html
    assert "Welcome, <em>everyone</em>" in html
    assert f'data-room="{room.id}"' in html and 'data-until="1"' in html
    assert "js/room.js" in html and 'aria-live="polite"' in html
    assert "Facilitation" not in html  # facilitator controls are for facilitators only


def test_facilitator_page_has_controls_hidden_messages_and_reports(event, group, room, member):
    _fac, fs = member("facilitator", group)
    _par, ps = member("participant", group, display_name="Pia")
    emit(fs, "join", {"room": room.id})
    emit(ps, "join", {"room": room.id})
    sent = emit(ps, "send", {"room": room.id, "body": "rude words", "client_id": "r"})
    emit(ps, "report", {"room": room.id, "message": sent["id"], "reason": "insulting"})
    emit(fs, "hide", {"room": room.id, "message": sent["id"]})
    fac_client = fs.flask_test_client
    html = fac_client.get(url(event, group)).get_data(as_text=True)
    assert "Facilitation" in html and "Reported messages" in html and "insulting" in html
    assert "rude words" in html and "only facilitators see it" in html
    participant_html = ps.flask_test_client.get(url(event, group)).get_data(as_text=True)
    assert "rude words" not in participant_html


def test_non_member_gets_403_and_anonymous_is_sent_to_sign_in(
    app, event, group, other_group, member
):
    _o, outsider = member("participant", other_group, connect=False)
    assert outsider.get(url(event, group)).status_code == 403
    anonymous = app.test_client().get(url(event, group))
    assert anonymous.status_code == 302 and "/login" in anonymous.location


def test_form_without_javascript_posts_a_message_live_to_the_room(db, event, group, room, member):
    _fac, fs = member("facilitator", group)
    emit(fs, "join", {"room": room.id})
    received(fs)
    _par, client = member("participant", group, connect=False)
    question = group.guiding_questions[1]
    response = client.post(
        url(event, group),
        data={"body": "From a plain form", "client_id": "f1", "question": question.id},
    )
    assert response.status_code == 302
    [(_, message)] = received(fs, "message")
    assert message["body"] == "From a plain form" and message["question"] == question.id
    # Submitting the same form twice (a double click) stores it once.
    client.post(url(event, group), data={"body": "From a plain form", "client_id": "f1"})
    assert db.session.query(Message).count() == 1
    assert "From a plain form" in client.get(url(event, group)).get_data(as_text=True)


def test_form_refusal_is_shown_and_stores_nothing(db, event, group, room, member):
    _par, client = member("participant", group, connect=False)
    response = client.post(url(event, group), data={"body": "   "}, follow_redirects=True)
    assert "The message is empty" in response.get_data(as_text=True)
    assert db.session.query(Message).count() == 0


def test_removed_participant_sees_why_and_no_history(event, group, room, member):
    _fac, fs = member("facilitator", group)
    par, ps = member("participant", group)
    emit(fs, "join", {"room": room.id})
    emit(fs, "send", {"room": room.id, "body": "secret plans", "client_id": "s"})
    emit(fs, "remove", {"room": room.id, "person": par.id})
    html = ps.flask_test_client.get(url(event, group)).get_data(as_text=True)
    assert "removed you from this room" in html and "secret plans" not in html


def test_chatham_house_page_shows_display_names_never_emails(event, group, room, member):
    _a, sa = member(
        "participant",
        group,
        display_name="Sunflower",
        name="Real Name",
        email="hidden.person@example.org",
    )
    emit(sa, "join", {"room": room.id})
    emit(sa, "send", {"room": room.id, "body": "hello", "client_id": "h"})
    _b, other = member("participant", group, connect=False)
    html = other.get(url(event, group)).get_data(as_text=True)
    assert "Sunflower" in html and "hidden.person" not in html and "Real Name" not in html


def test_plenary_qa_page_for_event_members_only(app, event, member):
    _p, client = member("participant", connect=False)
    page = client.get(f"/e/{event.slug}/sessions/opening/qa")
    assert page.status_code == 200 and "Questions and answers" in page.get_data(as_text=True)
    # A working-group session has its room, not a Q&A.
    assert client.get(f"/e/{event.slug}/sessions/wg1-meeting/qa").status_code == 403
    _o, observer = member("observer", connect=False)
    assert observer.get(f"/e/{event.slug}/sessions/opening/qa").status_code == 403


def test_room_page_is_right_to_left_in_arabic(event, group, room, member):
    _p, client = member("participant", group, connect=False, language="ar")
    html = client.get(url(event, group)).get_data(as_text=True)
    assert 'dir="rtl"' in html


def test_members_learn_room_and_group_ids_from_slug_and_key(db, room, group, event, member, client):
    _person, member_client = member("participant", group, connect=False)
    response = member_client.get(f"/e/{event.slug}/groups/{group.key}/room.json")
    assert response.status_code == 200 and response.is_json
    data = response.get_json()
    assert data["room"] == {"id": room.id, "kind": "working-group"}
    assert data["group"]["id"] == group.id and data["group"]["key"] == group.key
    assert data["event"] == event.slug
    _other, other_client = member("participant", None, connect=False)
    assert other_client.get(f"/e/{event.slug}/groups/{group.key}/room.json").status_code == 403
    assert client.get(f"/e/{event.slug}/groups/{group.key}/room.json").status_code == 302
