"""Nobody passes for someone else in an event: names unique after normalisation, direction
controls and invisible characters refused, names isolated on the page, a mark for who runs rooms."""

from __future__ import annotations

import re

import pytest

from eventhub.accounts.models import Person
from eventhub.accounts.names import name_key
from eventhub.errors import Invalid
from eventhub.programme import identity, members
from eventhub.programme.models import Role


def _profile(**overrides):
    data = {"name": "Someone", "display_name": "", "language": "", "timezone": ""}
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "variant",
    [
        "Fatou",
        "FATOU",
        "fatou ",
        "Ｆａｔｏｕ",  # full-width letters (NFKC)
        "Fa\u200btou",  # zero-width space
        "Fat\u00adou",  # soft hyphen
        "\u202eFatou",  # right-to-left override
        "Fa\u2060tou",  # word joiner
        "Fatou\ufe0f",  # variation selector
        "Fa\u3164tou",  # Hangul filler (shows nothing)
    ],
)
def test_names_that_look_the_same_compare_equal(variant):
    assert name_key(variant) == name_key("Fatou")


def test_names_that_differ_stay_different():
    assert name_key("Fatou") != name_key("Fatoumata")
    assert name_key("Amina Diallo") == name_key("amina   diallo")
    assert name_key("فاطمة") != name_key("فاطمه")


@pytest.fixture
def event(make_event):
    return make_event()


@pytest.fixture
def facilitator(event, make_person, add_member):
    person = make_person(name="Fatou Ndiaye", display_name="Fatou")
    add_member(person, event, Role.FACILITATOR, event.working_groups[0])
    return person


@pytest.fixture
def organiser(event, make_person, add_member):
    person = make_person(name="Amina Diallo", display_name="Organiser A")
    add_member(person, event, Role.ORGANISER)
    return person


@pytest.mark.parametrize(
    "display_name",
    ["Fatou", "FATOU", "Ｆａｔｏｕ", "Fatou ", "Amina Diallo", "AMINA  diallo", "Organiser A"],
)
def test_a_participant_cannot_take_a_name_someone_in_her_event_goes_by(
    client, db, event, facilitator, organiser, login_as, display_name
):
    me = login_as("participant", event=event)
    response = client.post("/profile", data=_profile(display_name=display_name))
    assert response.status_code == 400
    assert "already goes by" in response.get_data(as_text=True)
    assert db.session.get(Person, me.id).display_name is None


@pytest.mark.parametrize(
    ("display_name", "message"),
    [
        ("Fa\u200btou", "invisible character"),
        ("\u202euotaF", "changes the direction"),
        ("Fatou\u2067", "changes the direction"),
        ("\u200e", "changes the direction"),
        ("\u3164", "invisible character"),
    ],
)
def test_invisible_and_direction_characters_are_refused_in_names(
    client, db, event, login_as, display_name, message
):
    me = login_as("participant", event=event)
    response = client.post("/profile", data=_profile(display_name=display_name))
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    response = client.post("/profile", data=_profile(name=f"Real {display_name}"))
    assert response.status_code == 400
    assert db.session.get(Person, me.id).name != f"Real {display_name}"


def test_joiners_that_scripts_need_are_kept(client, db, event, login_as):
    me = login_as("participant", event=event)
    persian = "می\u200cخواهم"  # the zero-width non-joiner is part of the spelling
    assert client.post("/profile", data=_profile(display_name=persian)).status_code == 302
    assert db.session.get(Person, me.id).display_name == persian


def test_a_name_used_in_another_event_only_is_free(
    client, db, event, facilitator, make_event, login_as
):
    other = make_event("other-event")
    me = login_as("participant", event=other)
    assert client.post("/profile", data=_profile(display_name="Fatou")).status_code == 302
    assert db.session.get(Person, me.id).display_name == "Fatou"


def test_she_may_keep_her_own_name_when_saving_her_profile(client, db, event, facilitator, login):
    login(facilitator)
    response = client.post("/profile", data=_profile(name="Fatou Ndiaye", display_name="Fatou"))
    assert response.status_code == 302


def test_joining_an_event_where_her_name_is_taken_is_refused_with_what_to_do(
    db, event, facilitator, make_person
):
    lookalike = make_person(display_name="fatou")
    with pytest.raises(Invalid, match="choose another display name"):
        members.add_membership(lookalike, event, Role.PARTICIPANT)
    invitation, _token = members.invite(event, "new@example.org", Role.PARTICIPANT)
    with pytest.raises(Invalid, match="already goes by"):
        members.accept_as_new_person(
            invitation, name="New Person", display_name="FATOU", password="a long password"
        )


def test_accepting_an_invitation_with_a_taken_name_says_so(client, db, event, facilitator):
    invitation, token = members.invite(event, "new@example.org", Role.PARTICIPANT)
    db.session.commit()
    response = client.post(
        f"/invitations/{token}",
        data={
            "name": "Someone New",
            "display_name": "Fatou\u200b",
            "password": "a long password",
            "confirm": "a long password",
        },
    )
    assert response.status_code == 400
    assert db.session.scalar(db.select(Person).filter_by(email="new@example.org")) is None


def test_role_marks_in_a_group_room_and_event_wide(db, event, make_person, add_member):
    wg1, wg2 = event.working_groups
    fac = make_person()
    add_member(fac, event, Role.FACILITATOR, wg1)
    rap = make_person()
    add_member(rap, event, Role.RAPPORTEUR, wg1)
    org = make_person()
    add_member(org, event, Role.ORGANISER)
    both = make_person()
    add_member(both, event, Role.ORGANISER)
    add_member(both, event, Role.FACILITATOR, wg2)
    par = make_person()
    add_member(par, event, Role.PARTICIPANT, wg1)
    assert identity.marks(event, wg1) == {
        fac.id: Role.FACILITATOR,
        rap.id: Role.RAPPORTEUR,
        org.id: Role.ORGANISER,
        both.id: Role.ORGANISER,
    }
    assert identity.marks(event, wg2)[both.id] == Role.FACILITATOR
    # In a plenary, a group's facilitator is one of the participants.
    assert identity.marks(event) == {org.id: Role.ORGANISER, both.id: Role.ORGANISER}
    assert identity.role_mark(fac, event, wg1) == Role.FACILITATOR
    assert identity.role_mark(fac, event) is None
    assert identity.role_mark(par, event, wg1) is None


def test_people_pages_isolate_names_and_mark_roles(
    client, db, event, facilitator, organiser, login
):
    facilitator.display_name = "\u0641\u0627\u0637\u0648 1"
    db.session.commit()
    login(organiser)
    people = client.get(f"/e/{event.slug}/people").get_data(as_text=True)
    assert "<bdi>\u0641\u0627\u0637\u0648 1</bdi>" in people
    group = client.get(f"/e/{event.slug}/groups/wg1").get_data(as_text=True)
    assert '<bdi class="person-name">\u0641\u0627\u0637\u0648 1</bdi>' in group
    assert 'class="role-mark role-facilitator"' in group


def test_room_payloads_carry_the_role_mark_live_loaded_and_in_presence(
    app, db, event, make_person, add_member, login, socket_client
):
    from eventhub.rooms.service import room_for_group
    from tests.rooms.conftest import emit, received

    group = event.working_groups[0]
    room = room_for_group(group)
    db.session.commit()
    socks = {}
    for role, name in (("facilitator", "Fatou"), ("participant", "Pia")):
        person = make_person(display_name=name)
        add_member(person, event, role, group)
        flask_client = app.test_client()
        login(person, flask_client)
        socks[name] = (person, socket_client(flask_client), flask_client)
    fac, fs, fac_client = socks["Fatou"]
    par, ps, _ = socks["Pia"]
    emit(fs, "join", {"room": room.id})
    joined = emit(ps, "join", {"room": room.id})
    assert {p["name"]: p["role"] for p in joined["room"]["presence"]} == {
        "Fatou": "facilitator",
        "Pia": None,
    }
    received(ps)
    emit(fs, "send", {"room": room.id, "body": "Welcome", "client_id": "w1"})
    [(_, live)] = received(ps, "message")
    assert live["author"] == {"id": fac.id, "name": "Fatou", "role": "facilitator"}
    loaded = emit(ps, "history", {"room": room.id, "after": 0})["messages"]
    assert loaded[0]["author"] == live["author"]
    page = fac_client.get(f"/e/{event.slug}/groups/wg1/room").get_data(as_text=True)
    assert re.search(
        r'<bdi class="message-author">Fatou</bdi>\s*<span class="role-mark role-facilitator">',
        page,
    )
