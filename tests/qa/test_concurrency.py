"""Concurrent upvotes on PostgreSQL are counted exactly: one per member, however they race."""

from __future__ import annotations

import os
import threading

import pytest

from eventhub import create_app
from eventhub.extensions import db as _db
from eventhub.programme.models import Attribution, Role
from eventhub.qa import service
from eventhub.qa.models import AudienceQuestion, QuestionVote
from tests.conftest import need

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(120)]


@pytest.fixture
def app():
    url = os.environ.get("EVENTHUB_TEST_POSTGRES_URL")
    need(bool(url), "EVENTHUB_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL)")
    app = create_app(
        "test", SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 20}
    )
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


def test_concurrent_upvotes_are_counted_exactly(app, make_event, make_person, add_member):
    event = make_event(attribution=Attribution.NAMED)
    plenary = next(s for s in event.sessions if s.key == "opening")
    people = [make_person(email=f"voter{n}@example.org") for n in range(8)]
    for person in people:
        add_member(person, event, Role.PARTICIPANT)
    question, _ = service.ask(plenary, people[0], "Who funds the rosters?")
    _db.session.commit()
    qid, person_ids = question.id, [p.id for p in people]
    start = threading.Barrier(len(person_ids) * 2)
    errors: list[BaseException] = []

    def vote(person_id: int) -> None:
        # Every member votes twice at once (a double tap on two devices): counted once.
        with app.app_context():
            try:
                from eventhub.accounts.models import Person

                person = _db.session.get(Person, person_id)
                q = _db.session.get(AudienceQuestion, qid)
                start.wait(30)
                service.vote(q, person, True)
                _db.session.commit()
            except BaseException as error:  # noqa: BLE001  (reported below)
                errors.append(error)
                _db.session.rollback()
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=vote, args=(pid,)) for pid in person_ids * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    _db.session.expire_all()
    assert _db.session.get(AudienceQuestion, qid).votes == len(person_ids)
    assert _db.session.query(QuestionVote).filter_by(question_id=qid).count() == len(person_ids)
