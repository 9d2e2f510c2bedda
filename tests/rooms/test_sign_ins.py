"""A stolen session is ended by signing out: old cookies open no page and no socket (finding 1)."""

from __future__ import annotations

import re

from sqlalchemy import func

from eventhub.accounts import service as accounts
from eventhub.accounts import sessions
from eventhub.accounts.models import SignIn
from tests.conftest import PASSWORD
from tests.rooms.conftest import connect_socket, emit

COOKIE = "session"
REMEMBER = "remember_token"


def _steal(app, victim_client, *names):
    """A second browser holding copies of the victim's cookies (as a thief would)."""
    thief = app.test_client()
    for name in names:
        cookie = victim_client.get_cookie(name)
        assert cookie is not None, name
        thief.set_cookie(name, cookie.value)
    return thief


def _sign_in(app, person, *, remember=False):
    client = app.test_client()
    data = {"email": person.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302
    return client


def _thief_joins(socket_client, thief, room):
    sock = connect_socket(socket_client, thief)
    if not sock.is_connected():
        return False
    return emit(sock, "join", {"room": room.id})["ok"]


def test_after_sign_out_an_old_session_cookie_opens_nothing(
    app, room, group, make_person, add_member, event, socket_client
):
    person = make_person()
    add_member(person, event, "participant", group)
    victim = _sign_in(app, person)
    thief = _steal(app, victim, COOKIE)
    assert thief.get("/profile").status_code == 200
    assert _thief_joins(socket_client, thief, room)

    victim.post("/logout")

    assert thief.get("/profile").status_code == 302
    assert not _thief_joins(socket_client, thief, room)


def test_after_sign_out_and_a_new_password_an_old_remember_token_opens_nothing(
    app, room, group, make_person, add_member, event, socket_client
):
    person = make_person()
    add_member(person, event, "participant", group)
    victim = _sign_in(app, person, remember=True)
    thief = _steal(app, victim, REMEMBER)  # the remember cookie alone signs her in again
    assert thief.get("/profile").status_code == 200
    thief_by_remember = _steal(app, victim, REMEMBER)

    victim.post(
        "/profile/password",
        data={
            "current": PASSWORD,
            "password": "a brand new password",
            "confirm": "a brand new password",
        },
    )
    victim.post("/logout")

    for stolen in (thief, thief_by_remember):
        assert stolen.get("/profile").status_code == 302
        assert not _thief_joins(socket_client, stolen, room)


def test_a_new_password_signs_out_every_other_device_but_not_this_one(app, make_person):
    person = make_person()
    phone = _sign_in(app, person)
    laptop = _sign_in(app, person, remember=True)
    response = phone.post(
        "/profile/password",
        data={
            "current": PASSWORD,
            "password": "a brand new password",
            "confirm": "a brand new password",
        },
    )
    assert response.status_code == 302
    assert phone.get("/profile").status_code == 200
    assert laptop.get("/profile").status_code == 302


def test_the_remember_token_is_random_and_stored_only_hashed(app, db, make_person):
    person = make_person()
    first = _sign_in(app, person, remember=True).get_cookie(REMEMBER).value
    second = _sign_in(app, person, remember=True).get_cookie(REMEMBER).value
    assert first != second
    # Not `<id>|HMAC(id)`: that is the same at every sign-in and valid until the key changes.
    assert not first.startswith(f"{person.id}|")
    secret = re.match(rf"^{person.id}\.([A-Za-z0-9_-]{{40,}})\|", first).group(1)
    stored = db.session.scalars(db.select(SignIn.token_hash)).all()
    assert secret not in " ".join(stored)
    assert sessions.token_hash(secret) in stored


def test_a_session_from_before_sign_ins_existed_opens_nothing(app, make_person):
    person = make_person()
    client = app.test_client()
    with client.session_transaction() as s:
        s["_user_id"] = str(person.id)  # what the session carried before
    assert client.get("/profile").status_code == 302


def test_her_devices_are_listed_and_one_can_be_signed_out(app, db, make_person):
    person = make_person()
    lost_phone = _sign_in(app, person)
    laptop = _sign_in(app, person)
    page = laptop.get("/profile").get_data(as_text=True)
    assert "Signed-in devices" in page
    assert page.count("Sign out this device") == 2
    assert "This device" in page
    phone_sign_in = db.session.scalars(
        db.select(SignIn).where(SignIn.person_id == person.id).order_by(SignIn.id)
    ).first()
    response = laptop.post(f"/profile/sign-ins/{phone_sign_in.id}/end")
    assert response.status_code == 302
    assert lost_phone.get("/profile").status_code == 302
    assert laptop.get("/profile").status_code == 200
    assert laptop.get("/profile").get_data(as_text=True).count("Sign out this device") == 1


def test_nobody_ends_someone_elses_sign_in(app, db, make_person):
    victim, attacker = make_person(), make_person()
    victim_client = _sign_in(app, victim)
    attacker_client = _sign_in(app, attacker)
    victims = db.session.scalar(db.select(SignIn.id).where(SignIn.person_id == victim.id))
    attacker_client.post(f"/profile/sign-ins/{victims}/end")
    assert victim_client.get("/profile").status_code == 200


def test_sign_out_everywhere_ends_every_session_and_closes_live_sockets(
    app, room, group, make_person, add_member, event, socket_client
):
    person = make_person()
    add_member(person, event, "participant", group)
    laptop = _sign_in(app, person, remember=True)
    phone = _sign_in(app, person)
    thief = _steal(app, laptop, COOKIE, REMEMBER)
    thief_socket = connect_socket(socket_client, thief)
    assert emit(thief_socket, "join", {"room": room.id})["ok"]

    response = phone.post("/profile/sign-out-everywhere")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")

    for client in (laptop, phone, thief):
        assert client.get("/profile").status_code == 302
    assert not thief_socket.is_connected()
    assert not _thief_joins(socket_client, thief, room)


def test_an_open_socket_cannot_write_once_its_sign_in_ended(db, room, member, group):
    person, sock = member("participant", group)
    assert emit(sock, "join", {"room": room.id})["ok"]
    sessions.end_all(person)  # e.g. on another worker, which cannot close this socket
    db.session.commit()
    for event, data in (
        ("send", {"room": room.id, "body": "still here?", "client_id": "x1"}),
        ("history", {"room": room.id, "after": 0}),
        ("raise_hand", {"room": room.id}),
    ):
        ack = emit(sock, event, data)
        assert ack["ok"] is False and ack["error"] == "forbidden", event


def test_deactivation_signs_her_out_everywhere(app, db, make_person):
    person = make_person()
    client = _sign_in(app, person, remember=True)
    accounts.deactivate(person)
    db.session.commit()
    assert client.get("/profile").status_code == 302
    assert sessions.open_sign_ins(person) == []


def test_deactivate_person_command(app, db, make_person, runner):
    person = make_person("stolen@example.org")
    client = _sign_in(app, person)
    result = runner.invoke(args=["deactivate-person", "Stolen@example.org"])
    assert result.exit_code == 0, result.output
    assert client.get("/profile").status_code == 302
    db.session.refresh(person)
    assert person.active is False


def test_a_role_change_closes_her_sockets_so_they_join_again_with_the_new_role(
    app, db, room, group, make_person, add_member, event, member, login_as
):
    fac, fac_socket = member("facilitator", group)
    assert emit(fac_socket, "join", {"room": room.id})["ok"]
    organiser = make_person()
    add_member(organiser, event, "organiser")
    organiser_client = _sign_in(app, organiser)
    membership = next(m for m in event.memberships if m.person_id == fac.id)
    response = organiser_client.post(
        f"/e/{event.slug}/people/{membership.id}/role", data={"role": "participant"}
    )
    assert response.status_code == 302
    assert not fac_socket.is_connected()


def test_sign_ins_ended_long_ago_are_forgotten_at_the_next_sign_in(app, db, make_person):
    from datetime import timedelta

    person = make_person()
    _sign_in(app, person).post("/logout")
    old = db.session.scalar(db.select(SignIn).where(SignIn.person_id == person.id))
    old.ended_at -= sessions.KEEP_ENDED + timedelta(minutes=1)
    db.session.commit()
    _sign_in(app, person)
    assert db.session.scalar(db.select(func.count()).select_from(SignIn)) == 1
