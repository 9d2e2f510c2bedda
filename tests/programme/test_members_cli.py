"""`flask create-user` and `flask demo-setup`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eventhub.accounts.models import Person
from eventhub.programme.models import Event, Membership
from tests.conftest import DEMO_PROGRAMME, PASSWORD


def _roles(db, email):
    person = db.session.scalar(select(Person).where(Person.email == email))
    if person is None:
        return None
    return sorted(
        (m.event.slug, m.role.value, m.working_group.key if m.working_group else None)
        for m in db.session.scalars(select(Membership).where(Membership.person_id == person.id))
    )


def _create(runner, *args, input=None):
    return runner.invoke(args=["create-user", *args], input=input)


def test_create_user_makes_an_account_who_can_sign_in(runner, make_event, db, client):
    make_event()
    result = _create(
        runner,
        "Nadia@Example.org",
        "--role",
        "facilitator",
        "--event",
        "test-event",
        "--working-group",
        "wg1",
        "--name",
        "Nadia",
        "--display-name",
        "N.",
        "--password",
        PASSWORD,
    )
    assert result.exit_code == 0, result.output
    assert "nadia@example.org is now facilitator in test-event (working group wg1)" in result.output
    assert _roles(db, "nadia@example.org") == [("test-event", "facilitator", "wg1")]
    response = client.post("/login", data={"email": "nadia@example.org", "password": PASSWORD})
    assert response.status_code == 302


def test_create_user_asks_for_the_password_without_echoing_it(runner, make_event, db):
    make_event()
    result = _create(
        runner,
        "nadia@example.org",
        "--role",
        "organiser",
        "--event",
        "test-event",
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    person = db.session.scalar(select(Person).where(Person.email == "nadia@example.org"))
    assert person.check_password(PASSWORD)


def test_create_user_for_an_existing_person_adds_the_membership(
    runner, make_event, make_person, add_member, db
):
    event = make_event()
    person = make_person("known@example.org")
    add_member(person, event, "participant", event.working_groups[0])
    result = _create(
        runner,
        "known@example.org",
        "--role",
        "rapporteur",
        "--event",
        "test-event",
        "--working-group",
        "wg2",
        "--password",
        "a different password",
    )
    assert result.exit_code == 0, result.output
    assert "stay as they are" in result.output
    assert _roles(db, "known@example.org") == [
        ("test-event", "participant", "wg1"),
        ("test-event", "rapporteur", "wg2"),
    ]
    db.session.refresh(person)
    assert person.check_password(PASSWORD)
    again = _create(
        runner,
        "known@example.org",
        "--role",
        "rapporteur",
        "--event",
        "test-event",
        "--working-group",
        "wg2",
    )
    assert again.exit_code == 0
    assert "already is rapporteur" in again.output
    assert len(_roles(db, "known@example.org")) == 2


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--role", "participant", "--event", "nope"],
            "There is no event 'nope'. Events: test-event",
        ),
        (
            ["--role", "participant", "--event", "test-event", "--working-group", "wg9"],
            "has no working group “wg9”",
        ),
        (["--role", "queen", "--event", "test-event"], "“queen” is not a role"),
        (
            ["--role", "organiser", "--event", "test-event", "--working-group", "wg1"],
            "is for the whole event",
        ),
        (
            ["--role", "participant", "--event", "test-event", "--password", "short"],
            "at least 10 characters",
        ),
    ],
)
def test_create_user_refuses_with_a_clear_message(runner, make_event, db, args, message):
    make_event()
    result = _create(runner, "nadia@example.org", *args)
    assert result.exit_code == 1
    assert message in result.output
    assert _roles(db, "nadia@example.org") is None


def test_create_user_refuses_a_bad_address(runner, make_event, db):
    make_event()
    result = _create(
        runner,
        "not-an-address",
        "--role",
        "participant",
        "--event",
        "test-event",
        "--password",
        PASSWORD,
    )
    assert result.exit_code == 1
    assert "is not an e-mail address" in result.output
    assert db.session.scalar(select(Person)) is None


def _demo_setup(runner):
    return runner.invoke(args=["demo-setup", str(DEMO_PROGRAMME)])


def test_demo_setup_imports_the_event_and_makes_one_account_per_role(runner, db, client):
    result = _demo_setup(runner)
    assert result.exit_code == 0, result.output
    slug = db.session.scalar(select(Event.slug))
    assert _roles(db, "organiser@demo.eventhub.test") == [(slug, "organiser", None)]
    assert _roles(db, "facilitator@demo.eventhub.test") == [(slug, "facilitator", "wg1")]
    assert _roles(db, "rapporteur@demo.eventhub.test") == [(slug, "rapporteur", "wg1")]
    assert _roles(db, "participant@demo.eventhub.test") == [
        (slug, "participant", "wg1"),
        (slug, "participant", "wg2"),
    ]
    assert _roles(db, "observer@demo.eventhub.test") == [(slug, "observer", None)]
    assert "password: eventhub-demo" in result.output
    assert "facilitator@demo.eventhub.test  Facilitator" in result.output
    response = client.post(
        "/login", data={"email": "organiser@demo.eventhub.test", "password": "eventhub-demo"}
    )
    assert response.status_code == 302


def test_demo_setup_twice_changes_nothing_and_prints_the_logins_again(runner, db):
    first = _demo_setup(runner)
    assert first.exit_code == 0, first.output
    counts = (
        len(db.session.scalars(select(Person)).all()),
        len(db.session.scalars(select(Membership)).all()),
        len(db.session.scalars(select(Event)).all()),
    )
    second = runner.invoke(args=["demo-setup", str(DEMO_PROGRAMME)])
    assert second.exit_code == 0, second.output
    assert "Imported" not in second.output
    assert "observer@demo.eventhub.test" in second.output
    assert counts == (
        len(db.session.scalars(select(Person)).all()),
        len(db.session.scalars(select(Membership)).all()),
        len(db.session.scalars(select(Event)).all()),
    )


def test_demo_setup_refuses_an_invalid_programme_with_its_problems(runner, db, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('format = 1\n[event]\nslug = "bad"\ntimezone = "Mars/Base"\n', encoding="utf-8")
    result = runner.invoke(args=["demo-setup", str(bad)])
    assert result.exit_code == 1
    assert "bad.toml" in result.output
    assert db.session.scalar(select(Person)) is None
    assert db.session.scalar(select(Event)) is None


def test_demo_setup_refuses_to_run_in_production(runner, app, db):
    app.config["PRODUCTION"] = True
    result = runner.invoke(args=["demo-setup", str(DEMO_PROGRAMME)])
    assert result.exit_code == 1
    assert "does not run in production" in result.output
    assert db.session.scalar(select(Person)) is None
