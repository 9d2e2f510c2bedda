"""Apps whose jobs wait in a real queue (SQLite or Redis), and a consumer to run them."""

from __future__ import annotations

import os
import time
import uuid

import pytest

from eventhub import create_app
from eventhub.extensions import db as _db
from eventhub.jobs import Job, huey
from tests.conftest import FreshClient, need

STORAGES = ("sqlite", "redis")


def jobs_url(storage: str, tmp_path) -> str:
    if storage == "redis":
        url = os.environ.get("EVENTHUB_TEST_REDIS_URL")
        need(bool(url), "EVENTHUB_TEST_REDIS_URL is not set (.ci/run starts Redis)")
        return url
    return f"sqlite:///{tmp_path / 'jobs.sqlite'}"


@pytest.fixture(params=STORAGES)
def queued_app(request, tmp_path):
    """An app whose jobs go to a real queue: SqliteHuey, then RedisHuey (not immediate mode)."""
    app = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'test.sqlite'}",
        JOBS_IMMEDIATE=False,
        JOBS_URL=jobs_url(request.param, tmp_path),
        # A queue of its own: another test run may share the Redis database.
        JOBS_NAME=f"eventhub-test-{uuid.uuid4().hex[:12]}",
    )
    app.test_client_class = FreshClient
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()
    huey.flush()  # a Redis queue outlives the test run


class ThreadConsumer:
    """Huey's own consumer (scheduler and worker loops) in threads of the test process.

    `flask worker` runs the same consumer in its own process (test_worker_command.py); in-process
    threads let a test define its tasks here and skip the consumer's signal handlers.
    """

    def __init__(self, workers: int = 1):
        self.consumer = huey.create_consumer(
            workers=workers, worker_type="thread", periodic=False, initial_delay=0.05, max_delay=0.2
        )

    def __enter__(self) -> ThreadConsumer:
        self.consumer.scheduler.start()
        for _worker, thread in self.consumer.worker_threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.consumer.stop(graceful=True)


@pytest.fixture
def consumer():
    return ThreadConsumer


def wait_for(job_id: int, states, timeout: float = 20) -> Job:
    """Poll the job's row (as the web does) until it is in one of `states`."""
    deadline = time.monotonic() + timeout
    while True:
        _db.session.rollback()  # see other connections' commits
        job = _db.session.get(Job, job_id)
        if job is not None and job.state in states:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} still {job and job.state} after {timeout}s")
        time.sleep(0.05)
