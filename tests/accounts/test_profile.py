"""The profile page: name, display name, language, time zone; validation."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape

from eventhub.accounts.models import Person
from tests.conftest import PASSWORD


def _form(**overrides):
    data = {"name": "Amina Diallo", "display_name": "", "language": "", "timezone": ""}
    data.update(overrides)
    return data


def test_profile_needs_signing_in(client):
    response = client.get("/profile")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_profile_explains_the_display_name_and_offers_browser_detection(client, make_person, login):
    login(make_person())
    page = client.get("/profile").get_data(as_text=True)
    assert "Shown to other people instead of your name" in page
    # The zone is typed or picked from suggestions; empty means "as my device says".
    assert "leave it empty to use your device’s" in page
    assert "data-zone-picker" in page


def test_profile_saves_name_display_name_language_and_zone(client, make_person, login, db):
    person = login(make_person())
    response = client.post(
        "/profile",
        data=_form(display_name="Peacebuilder", language="fr", timezone="Asia/Manila"),
    )
    assert response.status_code == 302
    person = db.session.get(Person, person.id)
    assert (person.name, person.display_name, person.language, person.timezone) == (
        "Amina Diallo",
        "Peacebuilder",
        "fr",
        "Asia/Manila",
    )
    # Others see the display name, and so does the header.
    assert "Peacebuilder" in client.get("/profile").get_data(as_text=True)


def test_profile_empty_zone_and_language_mean_her_browser_decides(client, make_person, login, db):
    person = login(make_person(language="fr", timezone="Europe/Rome"))
    client.post("/profile", data=_form())
    person = db.session.get(Person, person.id)
    assert person.language is None and person.timezone is None


def test_profile_refuses_an_unknown_time_zone(client, make_person, login, db):
    person = login(make_person(timezone="Europe/Rome"))
    response = client.post("/profile", data=_form(timezone="Mars/Olympus_Mons"))
    assert response.status_code == 400
    assert "Choose a time zone from the list" in response.get_data(as_text=True)
    assert db.session.get(Person, person.id).timezone == "Europe/Rome"


def test_profile_refuses_an_unknown_language(client, make_person, login, db):
    person = login(make_person(language="fr"))
    response = client.post("/profile", data=_form(language="klingon"))
    assert response.status_code == 400
    with force_locale("fr"):  # she reads EventHub in French
        expected = gettext("Choose one of the languages in the list.")
    assert escape(expected) in response.get_data(as_text=True)
    assert db.session.get(Person, person.id).language == "fr"


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"name": "x" * 201}, "Use at most 200 characters."),
        ({"display_name": "y" * 101}, "Use at most 100 characters."),
        ({"name": "Amina\x00"}, "cannot be shown"),
        ({"display_name": "line\nbreak"}, "cannot be shown"),
        ({"timezone": "z" * 5000}, "Choose a time zone from the list"),
        ({"language": "\u202e"}, "Choose one of the languages"),
    ],
)
def test_profile_garbage_gets_a_message_and_changes_nothing(
    client, make_person, login, db, fields, message
):
    person = login(make_person(name="Before"))
    response = client.post("/profile", data=_form(**fields))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.get(Person, person.id).name == "Before"


def test_profile_accepts_names_in_any_script(client, make_person, login, db):
    person = login(make_person())
    client.post("/profile", data=_form(name="أمينة ديالو", display_name="Ngozi 🕊"))
    person = db.session.get(Person, person.id)
    assert person.name == "أمينة ديالو"
    assert person.display_name == "Ngozi 🕊"


def _password(current=PASSWORD, new="a brand new password", confirm=None):
    return {"current": current, "password": new, "confirm": new if confirm is None else confirm}


def test_she_changes_her_password(client, make_person, login, db):
    person = login(make_person())
    response = client.post("/profile/password", data=_password())
    assert response.status_code == 302
    assert db.session.get(Person, person.id).check_password("a brand new password")


@pytest.mark.parametrize(
    "data, message",
    [
        (_password(current="wrong password"), "Your current password is not right."),
        (_password(new="too short"), "Use between 10 and 500 characters."),
        (_password(confirm="something else"), "The two passwords are not the same."),
        (_password(current=""), "Enter your current password."),
        (_password(new="x" * 501), "Use between 10 and 500 characters."),
    ],
)
def test_password_change_garbage_gets_a_message_and_keeps_the_old_one(
    client, make_person, login, db, data, message
):
    person = login(make_person())
    response = client.post("/profile/password", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.get(Person, person.id).check_password(PASSWORD)
