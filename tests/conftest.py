"""Shared fixtures: app, db, client, socket_client, runner, make_event, make_person, login_as,
count_queries."""

from __future__ import annotations

import contextvars
import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask, has_app_context
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session as OrmSession

from eventhub import create_app
from eventhub.accounts.models import Person
from eventhub.extensions import db as _db
from eventhub.extensions import socketio
from eventhub.programme.models import (
    Attribution,
    Event,
    GuidingQuestion,
    Membership,
    Network,
    Role,
    Session,
    SessionKind,
    WorkingGroup,
)

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEMO_PROGRAMME = PROJECT_DIR / "examples" / "ga-annual-meeting-2020.toml"
PASSWORD = "correct horse battery staple"
IN_CI = os.environ.get("CI", "").lower() == "true"


def need(condition: bool, reason: str) -> None:
    """Skip when a service or browser is missing; in CI (CI=true), fail instead."""
    if not condition:
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: missing services fail instead of skipping)")
        pytest.skip(reason)


def _in_a_context_of_its_own(call):
    """`call` as a real server runs a request or a socket event: where the test's own app
    context (the one `app` pushes for the test's code) is not current, so that Flask pushes
    one for it alone, with its own `g` and database session, and tears it down at its end.

    The test's session is one more client of the database: what it wrote and did not commit
    is committed first (the request must read it), and its objects are expired after (the
    test then reads what the request changed, not what it had loaded before)."""

    @functools.wraps(call)
    def run(*args, **kwargs):
        tests_session = _db.session() if has_app_context() else None
        if tests_session is not None and (
            tests_session.new or tests_session.dirty or tests_session.deleted
        ):
            tests_session.commit()
        try:
            return contextvars.Context().run(call, *args, **kwargs)
        finally:
            if tests_session is not None:
                tests_session.expire_all()

    return run


def serve_requests_in_their_own_context(app: Flask) -> None:
    """Every test client's requests to `app` get an app context of their own, as on a real
    server (Flask would otherwise reuse the test's and share its `g` and session)."""
    app.wsgi_app = _in_a_context_of_its_own(app.wsgi_app)


# The same for socket events, of every test app: the one SocketIO object handles them all.
socketio._handle_event = _in_a_context_of_its_own(socketio._handle_event)


def session_id_for(person: Person) -> str:
    """A login session's `_user_id` for `person`: a new open sign-in (accounts/sessions.py),
    for tests that put it in a session directly instead of through the login form."""
    from eventhub.accounts import sessions

    sessions.start(person)
    _db.session.commit()
    return person.get_id()


def app_with_tables(database_url: str, **config) -> Iterator[Flask]:
    """A test app on a fresh database: every table created, its context pushed; then dropped.

    For the tests marked `fresh_database` and the apps of tests whose commits must really be
    committed (other connections, threads or processes read them): the scale-out tests' app on
    PostgreSQL goes through here too.
    """
    app = create_app("test", SQLALCHEMY_DATABASE_URI=database_url, **config)
    serve_requests_in_their_own_context(app)
    with app.app_context():
        _db.drop_all()  # a shared server database may hold a crashed run's tables
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


# Sessions that join a connection already in a transaction (the rolled-back tests' connection)
# work in a savepoint of it: their commit releases the savepoint, their rollback returns to
# it, and the test's transaction stays open. With an engine (a fresh database) this changes
# nothing.
_db.session.session_factory.configure(join_transaction_mode="create_savepoint")


def app_rolled_back(database_url: str, **config) -> Iterator[Flask]:
    """A test app on `database_url` (its tables made already) whose every write, committed or
    not, is rolled back when the test ends, on SQLite and on PostgreSQL alike.

    SQLAlchemy's "joining a Session into an external transaction": one connection, in a
    transaction begun here, stands in for the app's engine (`db.engines`, which
    Flask-SQLAlchemy's sessions take their bind from), so every session of the test, its
    requests and its jobs works in a savepoint of that transaction. What another connection,
    thread or process reads never includes it: such tests take the `fresh_database` marker.
    """
    app = create_app("test", SQLALCHEMY_DATABASE_URI=database_url, **config)
    serve_requests_in_their_own_context(app)
    with app.app_context():
        engine = _db.engine
        connection = engine.connect()
        if connection.dialect.name == "sqlite":
            # pysqlite begins its own transactions, late, so that releasing the first
            # savepoint would commit: it begins none, and this BEGIN is the test's transaction
            # (SQLAlchemy's recipe for savepoints on pysqlite).
            connection.connection.dbapi_connection.isolation_level = None
        transaction = connection.begin()
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN")
        _db.engines[None] = connection
        _JOINS.clear()
        try:
            yield app
        finally:
            _db.session.remove()
            _db.engines[None] = engine
            transaction.rollback()
            connection.close()
            engine.dispose()


@pytest.fixture(scope="session")
def database_with_tables(tmp_path_factory) -> str:
    """The URL of a SQLite database whose tables are made once for the whole run: each test's
    writes to it are rolled back (`app_rolled_back`)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('database') / 'test.sqlite'}"
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        _db.create_all()
        _db.engine.dispose()
    return url


def _test_app(request, tmp_path, name: str, **config) -> Iterator[Flask]:
    """A rolled-back app, or one on a fresh database for a test marked `fresh_database`."""
    if request.node.get_closest_marker("fresh_database"):
        return app_with_tables(f"sqlite:///{tmp_path / name}", **config)
    return app_rolled_back(request.getfixturevalue("database_with_tables"), **config)


@pytest.fixture
def app(request, tmp_path):
    """The app on the test database, its context pushed; what the test wrote is rolled back at
    its end. A test whose commits another connection, thread or process must read (a real
    server, a browser, concurrent threads) is marked `fresh_database`: its app gets a database
    of its own, made and dropped around it."""
    yield from _test_app(
        request, tmp_path, "test.sqlite", REPORT_FILES_DIR=str(tmp_path / "report-files")
    )


@pytest.fixture
def limited_app(request, tmp_path):
    """An app whose HTTP rate limits are on and low: 3 sign-ins a minute (per account and per
    address), 2 invitations an hour."""
    yield from _test_app(
        request,
        tmp_path,
        "limited.sqlite",
        RATELIMIT_ENABLED=True,
        LOGIN_RATE_LIMIT="3 per minute",
        LOGIN_ADDRESS_RATE_LIMIT="3 per minute",
        INVITATION_RATE_LIMIT="2 per hour",
    )


@pytest.fixture
def db(app):
    return _db


@dataclass
class Queries:
    """What ran on the database inside a `count_queries()` block."""

    statements: list[str] = field(default_factory=list)
    commits: int = 0

    def __len__(self) -> int:
        return len(self.statements)


# The savepoints by which sessions join a rolled-back test's connection: the fixture's
# bookkeeping, not the app's statements, so `count_queries` leaves them out (and counts the
# release of one as the commit it stands for).
_JOINS: set[str] = set()


@sa_event.listens_for(OrmSession, "after_begin")
def _note_join(session, transaction, connection) -> None:
    if transaction.parent is None and connection.in_nested_transaction():
        _JOINS.add(connection.get_nested_transaction()._savepoint)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as queries:` records every SQL statement run inside the block
    (`len(queries)`, `queries.statements`) and the commits (`queries.commits`), to lock a hot
    path's cost in a test (Indico's fixture of the same name does the same). In a rolled-back
    test a commit releases a savepoint: counted as the commit, its statements left out."""

    @contextmanager
    def count() -> Iterator[Queries]:
        queries = Queries()

        def on_execute(conn, cursor, statement, parameters, context, executemany):
            queries.statements.append(statement)

        def on_commit(conn):
            queries.commits += 1

        def on_release(conn, name, context):
            if name in _JOINS:
                queries.commits += 1

        listeners = [
            ("before_cursor_execute", on_execute),
            ("commit", on_commit),
            ("release_savepoint", on_release),
        ]
        bind = _db.engine  # the rolled-back test's connection, or a fresh database's engine
        for name, listener in listeners:
            sa_event.listen(bind, name, listener)
        try:
            yield queries
        finally:
            for name, listener in listeners:
                sa_event.remove(bind, name, listener)
            bookkeeping = {
                f"{verb} {name}"
                for name in _JOINS
                for verb in ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
            }
            queries.statements[:] = [s for s in queries.statements if s not in bookkeeping]

    return count


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def socket_client(app, client):
    """A Socket.IO test client sharing `client`'s login session (sign in with login_as first)."""
    clients = []

    def make(flask_client=None, **kwargs):
        sc = socketio.test_client(app, flask_test_client=flask_client or client, **kwargs)
        clients.append(sc)
        return sc

    yield make
    for sc in clients:
        if sc.is_connected():
            sc.disconnect()


@pytest.fixture
def make_person(db):
    counter = iter(range(1, 10_000))

    def make(
        email: str | None = None,
        *,
        name: str | None = None,
        display_name: str | None = None,
        password: str = PASSWORD,
        **fields,
    ) -> Person:
        n = next(counter)
        person = Person(
            email=email or f"person{n}@example.org",
            name=name if name is not None else f"Person {n}",
            display_name=display_name,
            **fields,
        )
        person.set_password(password)
        db.session.add(person)
        db.session.commit()
        return person

    return make


@pytest.fixture
def make_event(db):
    """A small event: 2 networks, 2 working groups with guiding questions, a plenary and 2 WG sessions."""

    def make(
        slug: str = "test-event",
        *,
        timezone: str = "Europe/Rome",
        attribution: Attribution = Attribution.CHATHAM_HOUSE,
        public_opening: bool = True,
    ) -> Event:
        event = Event(
            slug=slug,
            title="Test Event",
            host="Test Host",
            timezone=timezone,
            languages=["en", "fr"],
            starts=date(2030, 3, 1),
            ends=date(2030, 3, 10),
            attribution=attribution,
            audiences=["Member States", "Donors"],
            summary="A test event.",
        )
        a = Network(key="net-a", acronym="NA", name="Network A", region="Africa")
        b = Network(key="net-b", acronym="NB", name="Network B", region="Nordic countries")
        event.networks = [a, b]
        start = datetime(2030, 3, 2, 9, 0, tzinfo=UTC)
        for i, key in enumerate(("wg1", "wg2"), start=1):
            wg = WorkingGroup(
                key=key,
                title=f"Working group {i}",
                position=i,
                introduction=f"Intro {i}",
                objectives=f"Objectives {i}",
            )
            wg.lead_networks = [a if i == 1 else b]
            wg.guiding_questions = [GuidingQuestion(text=f"WG{i} question {q}") for q in (1, 2)]
            event.working_groups.append(wg)
            event.sessions.append(
                Session(
                    key=f"{key}-meeting",
                    kind=SessionKind.WORKING_GROUP,
                    title=f"WG{i} meeting",
                    starts_at=start + timedelta(days=i),
                    ends_at=start + timedelta(days=i, hours=2),
                    working_group=wg,
                    join_url=f"https://call.example.org/{key}",
                )
            )
        event.sessions.append(
            Session(
                key="opening",
                kind=SessionKind.OPENING,
                title="Opening",
                public=public_opening,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                join_url="https://call.example.org/opening",
            )
        )
        _db.session.add(event)
        _db.session.commit()
        return event

    return make


@pytest.fixture
def add_member(db):
    def add(
        person: Person, event: Event, role: Role | str, working_group: WorkingGroup | None = None
    ):
        membership = Membership(
            person=person, event=event, role=Role(role), working_group=working_group
        )
        db.session.add(membership)
        db.session.commit()
        return membership

    return add


@pytest.fixture
def login(client):
    """Sign `person` in on `flask_client` (default: `client`) through the real login form."""

    def do(person: Person, flask_client=None, password: str = PASSWORD):
        c = flask_client or client
        response = c.post("/login", data={"email": person.email, "password": password})
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
        return person

    return do


@pytest.fixture
def login_as(make_event, make_person, add_member, login, db):
    """Sign in as a new person with `role` in an event (made if not given); returns the person.

    `login_as("facilitator", working_group="wg1")` gives the role in that group only (which also
    makes her a member of the event).
    """

    def do(
        role: str,
        *,
        event: Event | None = None,
        working_group: str | None = None,
        flask_client=None,
        **person_fields,
    ) -> Person:
        event = event or _db.session.scalar(_db.select(Event)) or make_event()
        person = make_person(**person_fields)
        if working_group:
            group = next(wg for wg in event.working_groups if wg.key == working_group)
            add_member(person, event, role, group)
        else:
            add_member(person, event, role)
        return login(person, flask_client)

    return do
