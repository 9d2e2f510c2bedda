"""Jobs wait for the commit, run in a real consumer, retry, and keep a visible state."""

from __future__ import annotations

import threading

import pytest
from flask import has_request_context
from sqlalchemy import func, select

from eventhub.accounts.models import Person
from eventhub.errors import Invalid
from eventhub.extensions import db
from eventhub.jobs import GiveUp, Job, JobState, current_job, enqueue_after_commit, huey, task
from eventhub.web import public

from .conftest import wait_for

calls: list = []
attempts: dict[str, int] = {}


@task()
def record(value: str) -> dict:
    calls.append(value)
    job = current_job()
    return {"recorded": value, "job": job.id if job else None}


@task()
def rename(person_id: int, name: str) -> None:
    db.session.get(Person, person_id).name = name


@task(retries=2, retry_delay=0)
def flaky(key: str, failures: int) -> dict:
    attempts[key] = attempts.get(key, 0) + 1
    if attempts[key] <= failures:
        raise ConnectionError(f"attempt {attempts[key]}: the server hung up")
    return {"attempts": attempts[key]}


@task(retries=3)
def refuses(reason: str) -> None:
    attempts[reason] = attempts.get(reason, 0) + 1
    raise GiveUp(reason)


@task()
def looks_around() -> dict:
    return {
        "request": has_request_context(),
        "thread": threading.current_thread().name,
    }


@pytest.fixture(autouse=True)
def _fresh():
    calls.clear()
    attempts.clear()


def _job_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(Job))


def test_a_job_is_queued_when_its_transaction_commits_not_before(queued_app):
    job = enqueue_after_commit(record, "a", subject="test:a")
    assert job.state == JobState.QUEUED
    assert huey.pending_count() == 0
    db.session.commit()
    assert huey.pending_count() == 1
    assert db.session.get(Job, job.id).subject == "test:a"


def test_a_rolled_back_transaction_queues_nothing_and_leaves_no_row(queued_app):
    enqueue_after_commit(record, "never")
    db.session.rollback()
    db.session.commit()
    assert huey.pending_count() == 0
    assert _job_rows() == 0


def test_a_rolled_back_savepoint_drops_only_its_own_jobs(queued_app):
    enqueue_after_commit(record, "outer")
    with db.session.begin_nested():
        enqueue_after_commit(record, "kept")
    with pytest.raises(ValueError), db.session.begin_nested():
        enqueue_after_commit(record, "dropped")
        raise ValueError
    db.session.commit()
    assert sorted(t.args[1] for t in huey.pending()) == ["kept", "outer"]
    assert _job_rows() == 2


def test_a_request_queues_its_jobs_only_if_it_succeeds(queued_app):
    app = queued_app

    @public
    def ask():
        enqueue_after_commit(record, "from a request")
        return "queued"

    @public
    def ask_then_fail():
        enqueue_after_commit(record, "from a failed request")
        raise Invalid("no")

    app.add_url_rule("/test/ask", "test_ask", ask)
    app.add_url_rule("/test/ask-then-fail", "test_ask_then_fail", ask_then_fail)
    client = app.test_client()
    assert client.get("/test/ask-then-fail").status_code == 400
    assert huey.pending_count() == 0 and _job_rows() == 0
    assert client.get("/test/ask").status_code == 200
    assert [t.args[1] for t in huey.pending()] == ["from a request"]


def test_a_consumer_runs_the_job_and_its_row_says_done(queued_app, consumer):
    job = enqueue_after_commit(record, "hello")
    db.session.commit()
    with consumer():
        done = wait_for(job.id, {JobState.DONE})
    assert calls == ["hello"]
    assert done.attempts == 1 and done.error is None
    assert done.result == {"recorded": "hello", "job": job.id}
    assert done.started_at <= done.finished_at


def test_a_jobs_work_is_committed_with_its_done(queued_app, consumer, make_person):
    person = make_person(name="Before")
    job = enqueue_after_commit(rename, person.id, "After")
    db.session.commit()
    with consumer():
        wait_for(job.id, {JobState.DONE})
    db.session.rollback()
    assert db.session.get(Person, person.id).name == "After"


def test_a_failing_job_is_retried_then_done(queued_app, consumer):
    job = enqueue_after_commit(flaky, "twice", 2)
    db.session.commit()
    with consumer():
        done = wait_for(job.id, {JobState.DONE, JobState.FAILED})
    assert done.state == JobState.DONE
    assert done.attempts == 3 and done.result == {"attempts": 3}


def test_a_job_that_keeps_failing_ends_failed_with_the_error(queued_app, consumer):
    job = enqueue_after_commit(flaky, "always", 99)
    db.session.commit()
    with consumer():
        failed = wait_for(job.id, {JobState.FAILED})
    assert failed.attempts == 3  # the first and two retries
    assert failed.error == "ConnectionError: attempt 3: the server hung up"
    assert failed.finished_at is not None


def test_give_up_fails_at_once_without_retrying(queued_app, consumer):
    job = enqueue_after_commit(refuses, "address refused")
    db.session.commit()
    with consumer():
        failed = wait_for(job.id, {JobState.FAILED})
    assert attempts == {"address refused": 1}
    assert failed.error == "GiveUp: address refused"


def test_a_job_with_a_delay_waits_for_it(queued_app, consumer):
    job = enqueue_after_commit(record, "later", delay=60)
    soon = enqueue_after_commit(record, "now")
    db.session.commit()
    with consumer():
        wait_for(soon.id, {JobState.DONE})
    assert calls == ["now"]
    assert huey.scheduled_count() == 1
    assert db.session.get(Job, job.id).state == JobState.QUEUED


def test_a_task_called_directly_refuses(app):
    with pytest.raises(TypeError, match="enqueue_after_commit"):
        record("oops")
    assert record.run_here("here") == {"recorded": "here", "job": None}
    assert calls == ["here"] and _job_rows() == 0


def test_immediate_mode_runs_the_job_at_the_commit_as_a_consumer_would(app):
    """The tests' immediate mode: no request context, another thread, the row kept up to date."""
    with app.test_request_context("/"):
        job = enqueue_after_commit(looks_around)
        assert db.session.get(Job, job.id).state == JobState.QUEUED
        db.session.commit()
        assert has_request_context()
    done = db.session.get(Job, job.id)
    db.session.refresh(done)
    assert done.state == JobState.DONE
    assert done.result == {"request": False, "thread": "eventhub-immediate-job"}


def test_a_job_of_higher_priority_runs_before_those_waiting(queued_app, consumer):
    first = enqueue_after_commit(record, "routine")
    urgent = enqueue_after_commit(record, "urgent", priority=10)
    db.session.commit()
    with consumer():
        wait_for(first.id, {JobState.DONE})
        wait_for(urgent.id, {JobState.DONE})
    assert calls == ["urgent", "routine"]
