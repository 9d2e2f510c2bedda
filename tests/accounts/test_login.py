"""Signing in and out: credentials, generic errors, safe `next`, rate limit."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

WRONG = "The e-mail address or the password is not right."


def test_sign_in_with_right_password_goes_to_her_events(client, make_person):
    person = make_person("amina@example.org")
    response = client.post("/login", data={"email": "amina@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/profile")
    assert page.status_code == 200
    assert person.email in page.get_data(as_text=True)


def test_sign_in_ignores_case_and_spaces_in_the_address(client, make_person):
    make_person("amina@example.org")
    response = client.post("/login", data={"email": "  Amina@Example.ORG ", "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_password_and_unknown_address_get_the_same_message(client, make_person):
    make_person("amina@example.org")
    wrong_password = client.post(
        "/login", data={"email": "amina@example.org", "password": "not her password"}
    )
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": PASSWORD})
    for response in (wrong_password, unknown):
        assert response.status_code == 200
        assert WRONG in response.get_data(as_text=True)
    assert client.get("/profile").status_code == 302  # still signed out


def test_deactivated_person_cannot_sign_in(client, make_person, db):
    person = make_person("gone@example.org")
    person.active = False
    db.session.commit()
    response = client.post("/login", data={"email": "gone@example.org", "password": PASSWORD})
    assert WRONG in response.get_data(as_text=True)


def test_sign_out_is_a_post_and_ends_the_session(client, make_person, login):
    login(make_person())
    assert client.get("/logout").status_code == 405
    assert client.get("/profile").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    assert client.get("/profile").status_code == 302


def test_page_needing_sign_in_sends_her_back_after_signing_in(client, make_person):
    make_person("amina@example.org")
    response = client.get("/profile")
    assert response.status_code == 302
    assert "/login?next=%2Fprofile" in response.headers["Location"]
    form = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="/profile"' in form
    signed_in = client.post(
        "/login", data={"email": "amina@example.org", "password": PASSWORD, "next": "/profile"}
    )
    assert signed_in.headers["Location"] == "/profile"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "/\t/evil.example/",
        "/\n/evil.example/",
        " //evil.example/",
        "javascript:alert(1)",
        "http:/evil.example",
    ],
)
def test_sign_in_never_redirects_to_another_site(client, make_person, target):
    make_person("amina@example.org")
    response = client.post(
        "/login", data={"email": "amina@example.org", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "email, password",
    [
        ("", ""),
        ("a" * 10_000 + "@example.org", PASSWORD),
        ("amina@example.org", "x" * 10_000),
        ("أمينة@مثال.org", "كلمة السر"),
        ("amina\x00@example.org", "pass\x00word"),
        ("'; DROP TABLE person; --", "' OR 1=1 --"),
    ],
)
def test_garbage_in_the_sign_in_form_gets_a_message(client, make_person, email, password):
    make_person("amina@example.org")
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'class="errors"' in page
    assert client.get("/profile").status_code == 302


def test_too_many_sign_in_attempts_get_a_clear_429_page(limited_app):
    client = limited_app.test_client()
    for n in range(3):
        response = client.post("/login", data={"email": f"x{n}@example.org", "password": "guess"})
        assert response.status_code == 200
    response = client.post("/login", data={"email": "x9@example.org", "password": "guess"})
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    # Reading the form is not an attempt.
    assert client.get("/login").status_code == 200


def test_sign_in_page_sends_someone_signed_in_on(client, make_person, login):
    login(make_person())
    response = client.get("/login?next=/profile")
    assert response.status_code == 302
    assert response.headers["Location"] == "/profile"


def test_guesses_at_one_address_from_many_machines_are_limited_too(limited_app):
    client = limited_app.test_client()
    for n in range(3):
        response = client.post(
            "/login",
            data={"email": "target@example.org", "password": "guess"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
        )
        assert response.status_code == 200
    response = client.post(
        "/login",
        data={"email": "Target@example.org", "password": "guess"},
        environ_base={"REMOTE_ADDR": "10.0.0.99"},
    )
    assert response.status_code == 429
    # Someone else, from yet another machine, can still sign in.
    response = client.post(
        "/login",
        data={"email": "other@example.org", "password": "guess"},
        environ_base={"REMOTE_ADDR": "10.0.0.100"},
    )
    assert response.status_code == 200
