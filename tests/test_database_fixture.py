"""The test database: each test's writes, committed or not, are rolled back at its end (SQLite
and PostgreSQL); a test marked `fresh_database` gets a database of its own, really committed."""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, func, select, text

from eventhub import create_app
from eventhub.accounts.models import Person, SignIn
from eventhub.extensions import db
from tests.conftest import PASSWORD, app_rolled_back, need


def _people() -> int:
    return db.session.scalar(select(func.count()).select_from(Person))


def _write_and_sign_in(app) -> None:
    """Commit a person, roll back a second one, then sign the first in through a request
    (which commits a sign-in of its own)."""
    db.session.add(Person(email="amina@example.org", name="Amina"))
    db.session.commit()
    amina = db.session.scalar(select(Person))
    amina.set_password(PASSWORD)
    db.session.commit()
    db.session.add(Person(email="bea@example.org", name="Bea"))
    db.session.flush()
    db.session.rollback()  # back to the last commit, not to the test's start
    assert _people() == 1
    response = app.test_client().post(
        "/login", data={"email": "amina@example.org", "password": PASSWORD}
    )
    assert response.status_code in (302, 303)
    assert db.session.scalar(select(func.count()).select_from(SignIn)) == 1


def _rolled_back_twice(database_url: str) -> None:
    for _test in range(2):  # as two tests would, one after the other
        with contextmanager(app_rolled_back)(database_url) as app:
            assert _people() == 0  # nothing of the one before
            _write_and_sign_in(app)


def test_sqlite_writes_are_rolled_back_between_tests(database_with_tables):
    _rolled_back_twice(database_with_tables)


@pytest.mark.postgres
def test_postgresql_writes_are_rolled_back_between_tests():
    url = os.environ.get("EVENTHUB_TEST_POSTGRES_URL")
    need(bool(url), "EVENTHUB_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL)")
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.drop_all()  # a shared server database may hold a crashed run's tables
        db.create_all()
        db.engine.dispose()
    try:
        _rolled_back_twice(url)
    finally:
        with app.app_context():
            db.drop_all()
            db.engine.dispose()


def test_what_a_rolled_back_test_commits_no_other_connection_sees(app, database_with_tables):
    db.session.add(Person(email="amina@example.org", name="Amina"))
    db.session.commit()
    other = create_engine(database_with_tables)
    with other.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM person")) == 0
    other.dispose()


@pytest.mark.fresh_database
def test_a_fresh_database_test_commits_for_other_connections_to_read(app):
    db.session.add(Person(email="amina@example.org", name="Amina"))
    db.session.commit()
    other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with other.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM person")) == 1
    other.dispose()
