"""Every form carries a CSRF token; a POST without one gets a clear page, not a 500."""

from __future__ import annotations

import re

import pytest

from eventhub import create_app
from eventhub.accounts.models import Person
from eventhub.extensions import db as _db
from tests.conftest import PASSWORD

EXPIRED = "This form expired; please go back, reload the page and try again."


@pytest.fixture
def csrf_app(tmp_path):
    app = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'csrf.sqlite'}",
        WTF_CSRF_ENABLED=True,
    )
    with app.app_context():
        _db.create_all()
        person = Person(email="amina@example.org", name="Amina")
        person.set_password(PASSWORD)
        _db.session.add(person)
        _db.session.commit()
        yield app
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


def _token(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert match, "the page has no CSRF token"
    return match.group(1)


@pytest.mark.parametrize("path", ["/login", "/language", "/logout"])
def test_post_without_csrf_token_gets_a_clear_400_page(csrf_app, path):
    client = csrf_app.test_client()
    response = client.post(
        path, data={"email": "amina@example.org", "password": PASSWORD, "language": "fr"}
    )
    assert response.status_code == 400
    assert EXPIRED in response.get_data(as_text=True)


def test_sign_in_with_the_forms_token_works(csrf_app):
    client = csrf_app.test_client()
    token = _token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": "amina@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_forged_token_is_refused(csrf_app):
    client = csrf_app.test_client()
    client.get("/login")
    response = client.post(
        "/login",
        data={"email": "amina@example.org", "password": PASSWORD, "csrf_token": "forged"},
    )
    assert response.status_code == 400
    assert EXPIRED in response.get_data(as_text=True)
