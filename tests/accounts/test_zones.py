"""The time-zone picker: current zones by city and country in her language, typed or picked."""

from __future__ import annotations

import pytest

from eventhub.accounts.models import Person
from eventhub.zones import find_zones, resolve, zone_list


def _form(**fields):
    data = {"name": "Amina Diallo", "display_name": "", "language": "", "timezone": ""}
    data.update(fields)
    return data


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Vienna", "Europe/Vienna"),
        ("austria", "Europe/Vienna"),  # a country with one zone
        ("sao paulo", "America/Sao_Paulo"),  # without the accent
        ("Manila — Philippines", "Asia/Manila"),  # the label the list shows
        ("Asia/Manila", "Asia/Manila"),
        ("US/Pacific", "America/Los_Angeles"),  # an old name is stored as today's
        ("Europe/Kiev", "Europe/Kyiv"),
    ],
)
def test_what_she_types_resolves_to_one_zone(app, typed, zone):
    assert resolve(typed, "en")[0] == zone


def test_an_ambiguous_search_offers_the_candidates(app):
    zone, candidates = resolve("new", "en")
    assert zone is None
    assert "Auckland — New Zealand" in [c.label for c in candidates]


def test_zones_are_named_in_her_language(app):
    assert [o.label for o in find_zones("مانيلا", "ar")] == ["مانيلا — الفلبين"]
    assert [o.id for o in find_zones("Autriche", "fr")] == ["Europe/Vienna"]


def test_the_list_has_current_zones_only(app):
    ids = {z["id"] for z in zone_list("en")["zones"]}
    assert {"Europe/Vienna", "Asia/Manila", "America/Sao_Paulo", "UTC"} <= ids
    assert not ids & {"US/Pacific", "Pacific/Truk", "Europe/Kiev", "Asia/Calcutta", "GB"}
    assert zone_list("en")["aliases"]["Asia/Calcutta"] == "Asia/Kolkata"


def test_profile_saves_a_city_as_its_zone_and_shows_it_by_name(client, make_person, login, db):
    person = login(make_person())
    response = client.post("/profile", data=_form(timezone="Vienna"))
    assert response.status_code == 302
    assert db.session.get(Person, person.id).timezone == "Europe/Vienna"
    page = client.get("/profile").get_data(as_text=True)
    assert 'value="Vienna — Austria"' in page


def test_profile_with_an_ambiguous_zone_names_the_choices(client, make_person, login, db):
    person = login(make_person(timezone="Europe/Rome"))
    response = client.post("/profile", data=_form(timezone="new"))
    assert response.status_code == 400
    assert "Auckland — New Zealand" in response.get_data(as_text=True)
    assert db.session.get(Person, person.id).timezone == "Europe/Rome"


def test_profile_page_does_not_carry_the_zone_list(client, make_person, login):
    login(make_person(timezone="Asia/Manila"))
    page = client.get("/profile").get_data(as_text=True)
    assert "Pacific/Truk" not in page and "Europe/Vienna" not in page
    assert len(page.encode()) < 15_000


def test_zone_list_is_cacheable_json_in_each_language(client):
    response = client.get("/zones/ar.json")
    assert response.status_code == 200
    assert "public" in response.headers["Cache-Control"]
    names = {z["id"]: z["city"] for z in response.get_json()["zones"]}
    assert names["Asia/Manila"] == "مانيلا"
    assert client.get("/zones/xx.json").status_code == 404
