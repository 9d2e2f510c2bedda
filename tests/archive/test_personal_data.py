"""She downloads what EventHub holds about her, and deletes her account: her messages stay,
shown as by a former participant; her name is gone from every page and log."""

from __future__ import annotations

import json

from eventhub.accounts.models import Person
from eventhub.programme import activity
from eventhub.programme.models import Membership, Role
from eventhub.rooms import moderation, posting
from eventhub.rooms.service import room_for_group
from tests.conftest import PASSWORD


def _her_world(db, event, login_as, make_person, add_member):
    me = login_as("participant", event=event, working_group="wg1", display_name="Leila K.")
    facilitator = make_person(display_name="Fac")
    add_member(facilitator, event, Role.FACILITATOR, event.working_groups[0])
    room = room_for_group(event.working_groups[0])
    db.session.flush()
    sent = posting.post_message(room.id, me.id, "My own words", "m1")
    moderation.mute(room, me, 5, facilitator, "too fast")
    db.session.commit()
    return me, facilitator, room, sent


def test_she_downloads_what_eventhub_holds_about_her(
    client, db, make_event, login_as, make_person, add_member
):
    event = make_event()
    me, _fac, _room, _sent = _her_world(db, event, login_as, make_person, add_member)
    response = client.get("/profile/data.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["profile"]["display_name"] == "Leila K."
    assert [m["body"] for m in data["tables"]["message"]] == ["My own words"]
    assert data["tables"]["room_mute"][0]["refers_to_her_as"] == "person_id"
    assert any(e["action"] == "person.mute" for e in data["tables"]["activity_entry"])
    text = response.get_data(as_text=True)
    assert "password" not in text and "pbkdf2" not in text and "calendar_token" not in text
    assert "Download my data" in client.get("/profile").get_data(as_text=True)


def test_deleting_her_account_keeps_her_messages_as_a_former_participants(
    app, client, db, make_event, login_as, make_person, add_member, login
):
    event = make_event()
    me, facilitator, room, sent = _her_world(db, event, login_as, make_person, add_member)
    me_id = me.id
    assert client.post("/profile/delete", data={"password": "wrong"}).status_code == 400
    assert db.session.get(Person, me_id) is not None
    response = client.post("/profile/delete", data={"password": PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, me_id) is None
    assert db.session.scalar(db.select(Membership).filter_by(person_id=me_id)) is None
    assert client.get("/profile").status_code == 302  # signed out
    other = app.test_client()
    login(facilitator, other)
    page = other.get(f"/e/{event.slug}/groups/wg1/room").get_data(as_text=True)
    assert "My own words" in page and "Former participant" in page and "Leila" not in page
    [entry] = activity.entries(event)[0]
    assert entry.action == "person.mute" and entry.subject_id is None


def test_the_only_organiser_of_an_event_cannot_delete_her_account(client, db, make_event, login_as):
    event = make_event()
    me = login_as("organiser", event=event)
    response = client.post("/profile/delete", data={"password": PASSWORD})
    assert response.status_code == 400 and "only organiser" in response.get_data(as_text=True)
    assert db.session.get(Person, me.id) is not None
