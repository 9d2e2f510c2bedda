"""Account rules that hold whatever the edge: passwords, addresses, profile values."""

from __future__ import annotations

import pytest

from eventhub.accounts import service
from eventhub.errors import Conflict, Invalid


@pytest.fixture(autouse=True)
def request_context(app):
    # Messages are translated for the request's locale.
    with app.test_request_context("/"):
        yield


def test_password_needs_at_least_ten_characters(make_person, db):
    person = make_person()
    with pytest.raises(Invalid, match="at least 10 characters"):
        service.set_password(person, "nine char")
    service.set_password(person, "ten chars!")
    assert person.check_password("ten chars!")


def test_authenticate_accepts_any_case_and_refuses_wrong_password(make_person, db):
    person = make_person("amina@example.org", password="correct horse battery staple")
    assert service.authenticate("AMINA@example.org", "correct horse battery staple") == person
    assert service.authenticate("amina@example.org", "Correct horse battery staple") is None
    assert service.authenticate("nobody@example.org", "correct horse battery staple") is None


def test_second_account_for_an_address_is_refused(make_person, db):
    make_person("amina@example.org")
    with pytest.raises(Conflict, match="already has an account"):
        service.create_person("Amina@Example.org", password="a long enough password")


def test_reserved_test_domains_are_addresses_unless_refused(db):
    # The demo's accounts (demo.eventhub.test) must work in create-user and the invite form.
    assert service.clean_email("organiser@demo.eventhub.test") == "organiser@demo.eventhub.test"
    with pytest.raises(Invalid):
        service.clean_email("organiser@demo.eventhub.test", reserved_ok=False)
    for special in ("someone@localhost", "someone@example.invalid", "someone@host.local"):
        with pytest.raises(Invalid):
            service.clean_email(special)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"timezone": "Nowhere/Town"}, "not a time zone"),
        ({"language": "tlh"}, "not available in that language"),
        ({"name": "x" * 201}, "too long"),
        ({"display_name": "tab\there"}, "cannot be shown"),
    ],
)
def test_update_profile_refuses_bad_values(make_person, db, fields, message):
    person = make_person(name="Before")
    values = {"name": "After", "display_name": None, "language": None, "timezone": None}
    values.update(fields)
    with pytest.raises(Invalid, match=message):
        service.update_profile(person, **values)
    db.session.rollback()
    assert person.name == "Before"
