"""Apps whose jobs wait in a real queue (SQLite or Redis), and a consumer to run them."""

from __future__ import annotations

import os
import uuid

import pytest

from eventhub import create_app
from eventhub.extensions import db as _db
from eventhub.jobs import huey
from tests.conftest import need, serve_requests_in_their_own_context

from .helpers import ThreadConsumer, wait_for  # noqa: F401  (tests import wait_for from here)

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
    serve_requests_in_their_own_context(app)
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()
    huey.flush()  # a Redis queue outlives the test run


@pytest.fixture
def consumer():
    return ThreadConsumer
