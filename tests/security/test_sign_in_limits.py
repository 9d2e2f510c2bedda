"""Sign-in limits: guessing one account is stopped; a roomful of people behind one address is not."""

from __future__ import annotations

import pytest

from eventhub import create_app
from eventhub.accounts.models import Person
from eventhub.extensions import db as _db
from tests.conftest import PASSWORD

VENUE_NAT = "203.0.113.7"


def limited_app(tmp_path, **overrides):
    """The app with the shipped sign-in limits switched on (tests turn limits off elsewhere)."""
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'limits.sqlite'}",
        "RATELIMIT_ENABLED": True,
    }
    settings.update(overrides)
    return create_app("test", **settings)


@pytest.fixture
def app_with_limits(tmp_path):
    app = limited_app(tmp_path)
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


def _people(count):
    people = []
    for n in range(count):
        person = Person(email=f"delegate{n}@example.org", name=f"Delegate {n}")
        person.set_password(PASSWORD)
        people.append(person)
    _db.session.add_all(people)
    _db.session.commit()
    return people


def test_fifty_people_behind_one_address_all_sign_in_within_a_minute(app_with_limits):
    for person in _people(50):
        client = app_with_limits.test_client()
        response = client.post(
            "/login",
            data={"email": person.email, "password": PASSWORD},
            environ_base={"REMOTE_ADDR": VENUE_NAT},
        )
        assert response.status_code == 302, person.email
        assert client.get("/profile").status_code == 200


def test_guessing_one_account_is_stopped_while_others_sign_in(app_with_limits):
    target, other = _people(2)
    client = app_with_limits.test_client()
    statuses = [
        client.post(
            "/login",
            data={"email": target.email, "password": f"guess {n}"},
            environ_base={"REMOTE_ADDR": VENUE_NAT},
        ).status_code
        for n in range(12)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10:] == [429, 429]
    # Even the right password is refused now: the limit is per account.
    right = client.post(
        "/login",
        data={"email": target.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.1"},
    )
    assert right.status_code == 429
    # Someone else behind the same address is not held up.
    response = client.post(
        "/login",
        data={"email": other.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": VENUE_NAT},
    )
    assert response.status_code == 302


def test_one_address_trying_many_accounts_meets_a_higher_bound(tmp_path):
    app = limited_app(tmp_path, LOGIN_ADDRESS_RATE_LIMIT="20 per minute")
    with app.app_context():
        _db.create_all()
        client = app.test_client()
        statuses = [
            client.post(
                "/login",
                data={"email": f"x{n}@example.org", "password": "guess"},
                environ_base={"REMOTE_ADDR": VENUE_NAT},
            ).status_code
            for n in range(21)
        ]
        assert statuses[:20] == [200] * 20
        assert statuses[20] == 429
        _db.session.remove()
        _db.engine.dispose()


def _remote_addr_seen(app, **request_kwargs):
    seen = []

    @app.get("/_test/remote-addr")
    def remote_addr():
        from flask import request

        seen.append((request.remote_addr, request.scheme))
        return ""

    remote_addr._eventhub_access = "public"
    app.test_client().get("/_test/remote-addr", **request_kwargs)
    return seen[0]


def test_forwarded_addresses_are_ignored_unless_proxies_are_configured(tmp_path):
    app = limited_app(tmp_path)
    assert _remote_addr_seen(
        app,
        headers={"X-Forwarded-For": "192.0.2.1", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    ) == ("127.0.0.1", "http")


def test_a_configured_proxy_gives_the_client_address_and_scheme(tmp_path):
    app = limited_app(tmp_path, TRUSTED_PROXIES=1)
    # nginx appends the address it saw; whatever the client claimed before it is not trusted.
    assert _remote_addr_seen(
        app,
        headers={"X-Forwarded-For": "6.6.6.6, 192.0.2.1", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    ) == ("192.0.2.1", "https")
