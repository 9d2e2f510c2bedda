"""Role enforcement on every route: the URL map is walked, so a new route without a rule fails here.

Each route carries one access rule (eventhub.web): `public`, `signed-in`, or a permission action.
- every non-public route refuses anonymous visitors (a redirect to sign in, 401, 403 or 404);
- every route about an event (a `slug` in its address) refuses a signed-in stranger (403 or 404);
- a public route authenticated by a token in its address (calendar feeds, invitations) refuses a
  wrong token (403 or 404).
Then a role matrix for the programme pages.
"""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter, Rule

from eventhub.web import access_rule

REFUSED_ANONYMOUS = {302, 303, 401, 403, 404}
REFUSED_STRANGER = {403, 404}
BAD_TOKEN = "not-a-real-token-0123456789abcdef"
# Methods that only ask for a page; anything else is sent as an empty form.
SKIPPED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture
def event(make_event):
    return make_event()


def url_arguments(rule: Rule, event) -> dict:
    """Values for a rule's arguments that name real things in the test event where we can."""
    values = {}
    for name in rule.arguments:
        converter = rule._converters.get(name)
        if name == "slug":
            values[name] = event.slug
        elif name == "key":
            # A private session, or a working group that has one.
            values[name] = "wg1-meeting" if "/sessions/" in rule.rule else "wg1"
        elif "token" in name:
            values[name] = BAD_TOKEN
        elif name in ("language", "lang", "locale"):
            values[name] = "en"
        elif isinstance(converter, IntegerConverter):
            values[name] = 1
        else:
            values[name] = "x"
    return values


def app_rules(app) -> list[Rule]:
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def build(app, rule: Rule, event) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **url_arguments(rule, event))


def methods_of(rule: Rule) -> list[str]:
    return sorted(set(rule.methods or ()) - SKIPPED_METHODS)


def send(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    return client.open(url, method=method, data={})


def test_every_route_has_an_access_rule(app):
    missing = [r.endpoint for r in app_rules(app) if access_rule(r.endpoint) is None]
    assert not missing, f"routes without @public, @signed_in or @requires: {missing}"


def test_the_walk_finds_the_programme_pages(app):
    endpoints = {r.endpoint for r in app_rules(app)}
    assert {
        "programme.index",
        "programme.event",
        "programme.programme",
        "programme.session",
        "programme.working_group",
    } <= endpoints


def test_non_public_routes_refuse_anonymous_visitors(app, event):
    client = app.test_client()
    wrong = []
    for rule in app_rules(app):
        if access_rule(rule.endpoint) == "public":
            continue
        url = build(app, rule, event)
        for method in methods_of(rule):
            status = send(client, method, url).status_code
            if status not in REFUSED_ANONYMOUS:
                wrong.append(f"{method} {url} ({rule.endpoint}): {status}")
    assert not wrong, "anonymous visitors were let in:\n" + "\n".join(wrong)


def test_event_routes_refuse_a_signed_in_stranger(app, event, make_person, login):
    client = app.test_client()
    login(make_person(), client)
    wrong = []
    for rule in app_rules(app):
        if access_rule(rule.endpoint) == "public" or "slug" not in rule.arguments:
            continue
        url = build(app, rule, event)
        for method in methods_of(rule):
            status = send(client, method, url).status_code
            if status not in REFUSED_STRANGER:
                wrong.append(f"{method} {url} ({rule.endpoint}): {status}")
    assert not wrong, "a stranger to the event was let in:\n" + "\n".join(wrong)


def test_token_routes_refuse_a_wrong_token(app, event, make_person, login):
    anonymous = app.test_client()
    stranger = app.test_client()
    login(make_person(), stranger)
    wrong = []
    for rule in app_rules(app):
        if not any("token" in name for name in rule.arguments):
            continue
        url = build(app, rule, event)
        if "GET" not in rule.methods:
            continue
        for who, client in (("anonymous", anonymous), ("stranger", stranger)):
            response = client.get(url)
            # A sign-in page on the way is fine for a token that is only checked after it.
            if response.status_code not in REFUSED_STRANGER and not (
                access_rule(rule.endpoint) != "public" and response.status_code in (302, 303)
            ):
                wrong.append(f"GET {url} ({rule.endpoint}) as {who}: {response.status_code}")
    assert not wrong, "a wrong token was accepted:\n" + "\n".join(wrong)


def test_unknown_routes_are_404(client):
    assert client.get("/no/such/page").status_code == 404


# --- role matrix for the programme pages ------------------------------------------------------

ROLES = (
    "organiser",
    "facilitator",
    "rapporteur",
    "participant",
    "observer",
    "stranger",
    "anonymous",
)
PAGES = {
    "event": "/e/test-event/",
    "programme": "/e/test-event/programme",
    "private session": "/e/test-event/sessions/wg1-meeting",
    "public session": "/e/test-event/sessions/opening",
    "working group": "/e/test-event/groups/wg1",
}
OK, NO, SIGN_IN = 200, 403, 302
# Facilitators and rapporteurs have their role in working group wg1 only.
MATRIX = {
    #                 event    programme private  public  group
    "organiser": (OK, OK, OK, OK, OK),
    "facilitator": (OK, OK, OK, OK, OK),
    "rapporteur": (OK, OK, OK, OK, OK),
    "participant": (OK, OK, OK, OK, OK),
    "observer": (OK, OK, OK, OK, NO),
    "stranger": (NO, NO, NO, OK, NO),
    "anonymous": (SIGN_IN, SIGN_IN, SIGN_IN, OK, SIGN_IN),
}


@pytest.fixture
def visitor(app, event, make_person, add_member, login):
    """A client signed in with `role` in the test event (or a stranger, or nobody)."""

    def make(role: str):
        client = app.test_client()
        if role == "anonymous":
            return client
        person = make_person()
        if role in ("facilitator", "rapporteur"):
            add_member(person, event, role, event.working_groups[0])
        elif role != "stranger":
            add_member(person, event, role)
        login(person, client)
        return client

    return make


@pytest.mark.parametrize("role", ROLES)
def test_programme_pages_follow_the_role_matrix(visitor, role):
    client = visitor(role)
    got = {page: client.get(url).status_code for page, url in PAGES.items()}
    expected = dict(zip(PAGES, MATRIX[role], strict=True))
    assert got == expected


def test_anonymous_visitor_is_sent_to_sign_in(client, event):
    response = client.get("/e/test-event/programme")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
