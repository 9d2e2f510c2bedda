"""Acceptances racing on PostgreSQL, in parallel threads: nobody double-booked, no table twice.

Each test gets a database of its own on the server named by EVENTHUB_TEST_POSTGRES_URL. Every
thread has its own app context, hence its own session and connection, and all of them accept
at the same moment (a barrier), as several web workers would.
"""

from __future__ import annotations

import os
import threading
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from eventhub import create_app
from eventhub.accounts.models import Person
from eventhub.bilaterals import booking, service
from eventhub.bilaterals.models import Bilateral, BilateralBooking, BilateralState
from eventhub.errors import Conflict
from eventhub.extensions import db
from eventhub.programme import windows
from eventhub.programme.models import (
    BilateralWindow,
    Event,
    Membership,
    Network,
    Role,
    Session,
    SessionKind,
)
from tests.conftest import need

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

NOW = datetime(2030, 2, 20, 9, 0, tzinfo=UTC)
START = datetime(2030, 3, 4, 13, 0, tzinfo=UTC)
RACERS = 8


@pytest.fixture
def pg_app():
    url = os.environ.get("EVENTHUB_TEST_POSTGRES_URL")
    need(bool(url), "EVENTHUB_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL)")
    name = f"eventhub_bilaterals_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    target = make_url(url).set(database=name).render_as_string(hide_password=False)
    app = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=target,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": RACERS + 2, "max_overflow": 0},
        BILATERAL_REQUESTS_PER_HOUR=1000,
    )
    try:
        with app.app_context():
            db.create_all()
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _setup(tables: list[str]) -> tuple[int, int, int]:
    """An event with an in-person window (13:00–15:00, 30-minute slots) and an online one that
    overlaps it with 45-minute slots from 13:15; returns (event, window, online window) ids."""
    event = Event(
        slug="race",
        title="Race",
        timezone="Europe/Vienna",
        starts=date(2030, 3, 1),
        ends=date(2030, 3, 10),
        languages=["en"],
    )
    event.networks = [Network(key="net", name="Network")]
    for key, start, hours in (
        ("bilaterals", START, 2),
        ("online", START + timedelta(minutes=15), 2),
    ):
        event.sessions.append(
            Session(
                key=key,
                kind=SessionKind.BILATERAL,
                title=key,
                starts_at=start,
                ends_at=start + timedelta(hours=hours),
            )
        )
    db.session.add(event)
    db.session.flush()
    window = windows.set_window(event.sessions[0], slot_minutes=30, tables=tables)
    online = windows.set_window(event.sessions[1], slot_minutes=45, tables=[])
    db.session.commit()
    return event.id, window.id, online.id


def _person(event_id: int, n: int, network: bool = False) -> Person:
    person = Person(email=f"p{n}@example.org", name=f"P{n}")
    db.session.add(person)
    event = db.session.get(Event, event_id)
    db.session.add(
        Membership(
            person=person,
            event=event,
            role=Role.PARTICIPANT,
            network=event.networks[0] if network else None,
        )
    )
    db.session.flush()
    return person


def _race(app, attempts) -> tuple[int, int]:
    """Run every `attempt()` in its own thread at once; (successes, conflicts)."""
    barrier = threading.Barrier(len(attempts))
    results: list[str] = []
    lock = threading.Lock()

    def run(attempt):
        with app.app_context():
            barrier.wait()
            try:
                attempt()
                db.session.commit()
                outcome = "ok"
            except Conflict:
                db.session.rollback()
                outcome = "conflict"
            except Exception as error:  # noqa: BLE001  (reported below, with its type)
                db.session.rollback()
                outcome = f"error: {type(error).__name__}: {error}"
            finally:
                db.session.remove()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(a,)) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    errors = [r for r in results if r.startswith("error")]
    assert not errors, errors
    return results.count("ok"), results.count("conflict")


def _accepter(bilateral_id: int, person_id: int):
    def attempt():
        bilateral = db.session.get(Bilateral, bilateral_id)
        person = db.session.get(Person, person_id)
        booking.accept(bilateral, person, slot_id=bilateral.current_slots[0].id, now=NOW)

    return attempt


def test_one_person_accepting_overlapping_requests_at_once_is_booked_once(pg_app):
    with pg_app.app_context():
        event_id, window_id, online_id = _setup(["T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8"])
        event = db.session.get(Event, event_id)
        liza = _person(event_id, 0)
        asks = []
        for n in range(1, RACERS + 1):
            asker = _person(event_id, n)
            # Half in the in-person window at 13:00, half online at 13:15: overlapping times with
            # different starts, so only the locked check (not a unique key) can keep them apart.
            if n % 2:
                window, slot = (
                    db.session.get(BilateralWindow, window_id),
                    (START, START + timedelta(minutes=30)),
                )
            else:
                window = db.session.get(BilateralWindow, online_id)
                slot = (START + timedelta(minutes=15), START + timedelta(minutes=60))
            asks.append(
                service.ask(event, asker, invitee=liza, window=window, slots=[slot], now=NOW).id
            )
        db.session.commit()
        liza_id = liza.id

    ok, conflicts = _race(pg_app, [_accepter(b, liza_id) for b in asks])
    assert (ok, conflicts) == (1, RACERS - 1)
    with pg_app.app_context():
        booked = db.session.scalars(
            select(BilateralBooking).where(BilateralBooking.person_id == liza_id)
        ).all()
        assert len(booked) == 1
        states = db.session.scalars(select(Bilateral.state)).all()
        assert states.count(BilateralState.ACCEPTED) == 1


def test_the_last_table_goes_to_one_pair_only(pg_app):
    with pg_app.app_context():
        event_id, window_id, _online = _setup(["Only table"])
        event = db.session.get(Event, event_id)
        window = db.session.get(BilateralWindow, window_id)
        pairs = []
        for n in range(RACERS):
            asker, asked = _person(event_id, 2 * n), _person(event_id, 2 * n + 1)
            made = service.ask(
                event,
                asker,
                invitee=asked,
                window=window,
                slots=[(START, START + timedelta(minutes=30))],
                now=NOW,
            )
            pairs.append((made.id, asked.id))
        db.session.commit()

    ok, conflicts = _race(pg_app, [_accepter(b, p) for b, p in pairs])
    assert (ok, conflicts) == (1, RACERS - 1)
    with pg_app.app_context():
        tables = db.session.scalars(
            select(BilateralBooking).where(BilateralBooking.window_id == window_id)
        ).all()
        assert [t.place for t in tables] == ["Only table"]


def test_a_network_request_is_taken_by_one_member_only(pg_app):
    with pg_app.app_context():
        event_id, window_id, _online = _setup(["T1", "T2"])
        event = db.session.get(Event, event_id)
        asker = _person(event_id, 0)
        members = [_person(event_id, n, network=True) for n in range(1, RACERS + 1)]
        made = service.ask(
            event,
            asker,
            network=event.networks[0],
            window=db.session.get(BilateralWindow, window_id),
            slots=[(START, START + timedelta(minutes=30))],
            now=NOW,
        )
        db.session.commit()
        made_id, member_ids = made.id, [m.id for m in members]

    ok, conflicts = _race(pg_app, [_accepter(made_id, m) for m in member_ids])
    assert (ok, conflicts) == (1, RACERS - 1)
    with pg_app.app_context():
        assert db.session.scalar(select(Bilateral.invitee_id)) in member_ids
        assert (
            len(
                db.session.scalars(
                    select(BilateralBooking).where(BilateralBooking.person_id.is_not(None))
                ).all()
            )
            == 2
        )
