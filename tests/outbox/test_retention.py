"""How long the outbox keeps mail (outbox/retention.py): OUTBOX_KEEP_DAYS after a message last
changed, superseded messages go, the latest of each topic stays as its delivery record only,
and mail still waiting is failed rather than sent late."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventhub.jobs.queue import huey
from eventhub.outbox import DeliveryState, OutgoingMail, jobs, retention
from eventhub.timestamps import utcnow
from tests.conftest import app_rolled_back, app_with_tables, need

NOW = utcnow()
DAYS = 30
JUST_OLD = NOW - timedelta(days=DAYS, minutes=1)  # a minute past the limit
JUST_YOUNG = NOW - timedelta(days=DAYS) + timedelta(minutes=1)  # a minute before it


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app(request):
    """The rule is a few statements of SQL (a subquery on the table it deletes from): on both
    databases."""
    if request.param == "sqlite":
        yield from app_rolled_back(request.getfixturevalue("database_with_tables"))
        return
    url = os.environ.get("EVENTHUB_TEST_POSTGRES_URL")
    need(bool(url), "EVENTHUB_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL)")
    yield from app_with_tables(url)


def _row(db, topic: str, state: DeliveryState, at, *, answer: str | None = None) -> OutgoingMail:
    row = OutgoingMail(
        topic=topic,
        recipient=f"{topic.replace(':', '-')}@example.org",
        subject=f"About {topic}: Amina meets Liza",
        content=b"Subject: ...\r\n\r\nThe call: https://meet.example.org/secret\r\n"
        if state == DeliveryState.QUEUED
        else None,
        state=state,
        answer=answer,
        queued_at=at,
        updated_at=at,
    )
    db.session.add(row)
    db.session.commit()
    return row


def _rows(db) -> dict[int, OutgoingMail]:
    db.session.expire_all()
    return {row.id: row for row in db.session.scalars(select(OutgoingMail))}


def test_an_older_message_on_the_same_topic_goes_the_latest_stays_as_its_delivery_record(db):
    first = _row(
        db, "invitation:1", DeliveryState.SENT, JUST_OLD - timedelta(days=5), answer="250 OK"
    )
    again = _row(db, "invitation:1", DeliveryState.FAILED, JUST_OLD, answer="550 no mailbox")
    alone = _row(db, "bilateral:2", DeliveryState.SENT, JUST_OLD, answer="250 OK queued as 4F")
    first_id = first.id
    counts = retention.purge(DAYS, now=NOW)
    db.session.commit()
    rows = _rows(db)
    assert first_id not in rows  # superseded: nobody reads it again
    assert counts == {"expired": 0, "deleted": 1, "reduced": 2}
    failed, sent = rows[again.id], rows[alone.id]
    # What the organisers' lists show stays: state, when, and why it failed.
    assert (failed.state, failed.updated_at, failed.answer) == (
        DeliveryState.FAILED,
        JUST_OLD,
        "550 no mailbox",
    )
    assert (sent.state, sent.updated_at, sent.answer) == (DeliveryState.SENT, JUST_OLD, None)
    # Nothing that names anyone.
    for row in (failed, sent):
        assert (row.subject, row.recipient, row.content) == ("", "", None)
    # The next night finds nothing more to do.
    assert retention.purge(DAYS, now=NOW) == {"expired": 0, "deleted": 0, "reduced": 0}


def test_nothing_younger_than_the_limit_is_touched(db):
    first = _row(db, "invitation:3", DeliveryState.FAILED, JUST_YOUNG, answer="550 no mailbox")
    again = _row(db, "invitation:3", DeliveryState.SENT, JUST_YOUNG, answer="250 OK")
    waiting = _row(db, "invitation:4", DeliveryState.QUEUED, JUST_YOUNG, answer="451 greylisted")
    before = {
        row.id: (row.subject, row.recipient, row.content, row.state, row.answer, row.updated_at)
        for row in (first, again, waiting)
    }
    assert retention.purge(DAYS, now=NOW) == {"expired": 0, "deleted": 0, "reduced": 0}
    db.session.commit()
    rows = _rows(db)
    assert {
        i: (r.subject, r.recipient, r.content, r.state, r.answer, r.updated_at)
        for i, r in rows.items()
    } == before


def test_mail_still_waiting_after_the_limit_is_failed_not_sent_late(db):
    stale = _row(db, "invitation:5", DeliveryState.QUEUED, JUST_OLD, answer="451 greylisted")
    assert retention.purge(DAYS, now=NOW)["expired"] == 1
    db.session.commit()
    row = _rows(db)[stale.id]
    assert (row.state, row.content, row.updated_at) == (DeliveryState.FAILED, None, NOW)
    assert row.answer == "451 greylisted"  # the last thing the server said
    # It now shows as failed (the organiser can send it again) for another OUTBOX_KEEP_DAYS.
    assert row.recipient == "invitation-5@example.org"


def test_the_nightly_job_applies_the_setting(app, db):
    assert jobs.purge_old_mail.name in {t.name for t in huey._registry.periodic_tasks}
    row = _row(db, "bilateral:6", DeliveryState.SENT, NOW - timedelta(days=10), answer="250 OK")
    app.config["OUTBOX_KEEP_DAYS"] = 11
    jobs.purge_old_mail.call_local()
    assert _rows(db)[row.id].recipient == "bilateral-6@example.org"
    app.config["OUTBOX_KEEP_DAYS"] = 9
    jobs.purge_old_mail.call_local()
    assert _rows(db)[row.id].recipient == ""
