"""A real Huey consumer in threads of the test process, and waiting for a job's row."""

from __future__ import annotations

import time

from eventhub.extensions import db as _db
from eventhub.jobs import Job, huey


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
