"""Language: profile first, then an explicit choice (remembered), then Accept-Language."""

from __future__ import annotations

from flask_babel import force_locale, gettext
from markupsafe import escape

from eventhub.accounts.models import Person


def _lang(response) -> str:
    page = response.get_data(as_text=True)
    start = page.index('<html lang="') + len('<html lang="')
    return page[start : page.index('"', start)]


def test_accept_language_decides_without_a_choice(client):
    assert _lang(client.get("/login", headers={"Accept-Language": "fr"})) == "fr"


def test_explicit_choice_is_remembered_over_accept_language(client):
    response = client.post("/language", data={"language": "es", "next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert _lang(client.get("/login", headers={"Accept-Language": "fr"})) == "es"


def test_choice_while_signed_in_is_saved_in_her_profile(client, make_person, login, db):
    person = login(make_person())
    client.post("/language", data={"language": "ar"})
    assert db.session.get(Person, person.id).language == "ar"
    page = client.get("/profile", headers={"Accept-Language": "fr"})
    assert _lang(page) == "ar"
    assert 'dir="rtl"' in page.get_data(as_text=True)


def test_profile_language_wins_over_accept_language(client, make_person, login):
    login(make_person(language="fr"))
    assert _lang(client.get("/profile", headers={"Accept-Language": "es,ar;q=0.8"})) == "fr"


def test_profile_language_wins_over_an_earlier_choice_in_the_session(client, make_person, login):
    client.post("/language", data={"language": "es"})
    login(make_person(language="ar"))
    assert _lang(client.get("/profile")) == "ar"


def test_unknown_language_is_refused_with_a_message(client, make_person, login, db):
    person = login(make_person(language="fr"))
    response = client.post(
        "/language", data={"language": "xx", "next": "/profile"}, follow_redirects=True
    )
    with force_locale("fr"):  # she reads EventHub in French
        expected = gettext("EventHub is not available in that language.")
    assert escape(expected) in response.get_data(as_text=True)
    assert db.session.get(Person, person.id).language == "fr"


def test_language_choice_never_redirects_to_another_site(client):
    response = client.post("/language", data={"language": "fr", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_choosing_browser_language_in_the_profile_forgets_the_earlier_choice(
    client, make_person, login
):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"  # her browser, on every request
    login(make_person())
    client.post("/language", data={"language": "es"})
    assert _lang(client.get("/profile")) == "es"
    client.post("/profile", data={"name": "A", "display_name": "", "language": "", "timezone": ""})
    assert _lang(client.get("/profile")) == "fr"
