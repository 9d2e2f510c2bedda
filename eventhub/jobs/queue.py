"""The queue: one Huey built from the configuration, tasks that run in an app context and keep
their Job row up to date, and enqueueing that waits for the caller's commit."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.exceptions import CancelExecution
from huey.storage import PriorityRedisStorage, RedisStorage, SqliteStorage
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from ..extensions import db
from ..timestamps import utcnow
from . import runner
from .models import Job, JobState
from .reasons import JobReason

log = logging.getLogger(__name__)

# Until init_app() configures it, the queue runs nothing and keeps nothing (memory storage).
huey = Huey("eventhub", results=False, utc=True, immediate=True)

_PENDING = "eventhub.jobs.pending"
_current_job: ContextVar[int | None] = ContextVar("eventhub_current_job", default=None)


class GiveUp(Exception):
    """Raised by a task that failed for good: no retry (a refused address, a deleted event).

    `reason` (a JobReason) and its values say why in each reader's language (jobs/reasons.py);
    the message is the technical detail, for developers."""

    def __init__(self, message: str, reason: str | None = None, **values) -> None:
        super().__init__(message)
        self.reason = reason
        self.values = values


@dataclass
class _State:
    app: Flask | None = None
    storage: tuple | None = None


_state = _State()


def storage_for(url: str | None, instance_path: str) -> tuple[type, dict]:
    """(storage class, its arguments) for EVENTHUB_JOBS_URL: unset or sqlite:///FILE, or redis://."""
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        return PriorityRedisStorage, {"url": url}  # priorities need Redis 5
    if not url:
        return SqliteStorage, {"filename": str(Path(instance_path) / "jobs.sqlite")}
    if url.startswith("sqlite:///"):
        return SqliteStorage, {"filename": url.removeprefix("sqlite:///")}
    raise RuntimeError(f"EVENTHUB_JOBS_URL={url!r}: expected redis://... or sqlite:///FILE")


def configure(app: Flask) -> None:
    """Point the queue at the app's storage (or immediate mode), and run tasks in that app."""
    _state.app = app
    name = app.config.get("JOBS_NAME") or "eventhub"
    if name != huey.name:
        huey.name, _state.storage = name, None  # the storage is built again under that name
    if app.config.get("JOBS_IMMEDIATE"):
        huey.immediate = True
        _state.storage = None
        return
    storage = storage_for(app.config.get("JOBS_URL"), app.instance_path)
    if storage == _state.storage and not huey.immediate:
        return
    old = None if huey.immediate else huey.storage
    huey.storage_class, huey.storage_kwargs = storage[0], dict(storage[1])
    if huey.immediate:
        huey.immediate = False  # builds the storage
    else:
        huey.storage = huey.create_storage()
    _state.storage = storage
    if old is not None:
        close_storage(old)


def close_storage(storage) -> None:
    """Drop the storage's connections (before forking workers, or when it is replaced)."""
    if isinstance(storage, SqliteStorage):
        storage.close()
    elif isinstance(storage, RedisStorage):
        storage.pool.disconnect()


def _app() -> Flask:
    if has_app_context():
        return current_app._get_current_object()
    if _state.app is None:
        raise RuntimeError("eventhub.jobs: no app; create_app() configures the queue")
    return _state.app


# Every task by its Job name, to find a stuck job's task again (housekeeping).
_tasks: dict[str, Task] = {}


class Task:
    """A job's code, registered with the queue. Enqueue it with `enqueue_after_commit(task, ...)`;
    `task.run_here(...)` runs it in this process, now (for the command line), with no Job row."""

    def __init__(self, func: Callable, wrapper, rerun: Callable[[Job], tuple | None] | None = None):
        self.func = func
        # Huey registers it as "module.name", and so does the Job row.
        self.name: str = f"{func.__module__}.{wrapper.name}"
        self.huey_task = wrapper
        self.rerun = rerun
        _tasks[self.name] = self

    def __call__(self, *args, **kwargs):
        raise TypeError(
            f"{self.name} is a job: enqueue it with enqueue_after_commit({self.func.__name__}, ...) "
            "or run it in this process with .run_here(...)"
        )

    def run_here(self, *args, **kwargs):
        return self.func(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Task {self.name}>"


def task(
    *,
    retries: int = 0,
    retry_delay: float = 0,
    retry_backoff: float = 2,
    priority: int | None = None,
    name: str | None = None,
    rerun: Callable[[Job], tuple | None] | None = None,
) -> Callable[[Callable], Task]:
    """Make `fn` a job. Failed attempts are retried `retries` times, the first after
    `retry_delay` seconds and each next one `retry_backoff` times later.

    `rerun`, for a task that is safe to run twice (idempotent), reads the arguments to run a
    job again from its row (None if it cannot): a job whose consumer died in the middle of it
    is then queued again by the housekeeping sweep instead of being failed."""

    def decorate(fn: Callable) -> Task:
        def execute(job_id: int, *args, task=None, **kwargs):
            return _execute(fn, job_id, args, kwargs, task)

        execute.__name__ = fn.__name__
        execute.__qualname__ = fn.__qualname__
        execute.__module__ = fn.__module__
        wrapper = huey.task(
            retries=retries,
            retry_delay=retry_delay,
            retry_backoff=retry_backoff if retries else 0,
            priority=priority,
            context=True,
            name=name or fn.__name__,
        )(execute)
        return Task(fn, wrapper, rerun)

    return decorate


def periodic(when, *, name: str | None = None) -> Callable[[Callable], Callable]:
    """Run `fn()` on a schedule (`huey.crontab(...)`) in every consumer that has `--periodic`."""

    def decorate(fn: Callable):
        def run():
            with _app().app_context():
                fn()
                db.session.commit()

        run.__name__ = fn.__name__
        run.__module__ = fn.__module__
        return huey.periodic_task(when, name=name or fn.__name__)(run)

    return decorate


def current_job() -> Job | None:
    """Inside a task: its Job row (in the task's session)."""
    job_id = _current_job.get()
    return None if job_id is None else db.session.get(Job, job_id)


def _execute(fn: Callable, job_id: int, args: tuple, kwargs: dict, huey_task) -> Any:
    with _app().app_context():
        job = db.session.get(Job, job_id)
        if job is None:
            log.warning("job %s (%s) has no row: purged, or never committed", job_id, fn.__name__)
            return None
        if job.state.finished:
            log.info("job %s (%s) already %s; not run again", job_id, job.name, job.state)
            return None
        job.state = JobState.RUNNING
        job.attempts += 1
        job.started_at = utcnow()
        job.runner = runner.identity()
        db.session.commit()
        token = _current_job.set(job_id)
        try:
            result = fn(*args, **kwargs)
            job = db.session.get(Job, job_id)
            job.state = JobState.DONE
            job.finished_at = utcnow()
            job.result = result if isinstance(result, dict) else None
            # The task's work and its "done" are one commit.
            db.session.commit()
            return result
        except Exception as error:
            db.session.rollback()
            last = isinstance(error, GiveUp) or not (huey_task is not None and huey_task.retries)
            _record_failure(job_id, error, last)
            log.warning(
                "job %s (%s) attempt %s failed%s: %s",
                job_id,
                fn.__name__,
                job.attempts,
                "" if last else "; will retry",
                error,
            )
            if isinstance(error, GiveUp):
                raise CancelExecution(retry=False) from error
            raise
        except KeyboardInterrupt:
            # The consumer is stopping: Huey drops the task, so say so instead of "running".
            db.session.rollback()
            _record_failure(job_id, None, True)
            raise
        finally:
            _current_job.reset(token)


def _record_failure(job_id: int, error: Exception | None, last: bool) -> None:
    """`error` None: the consumer stopped while the job ran."""
    job = db.session.get(Job, job_id)
    job.state = JobState.FAILED if last else JobState.RETRYING
    if error is None:
        job.set_error(JobReason.INTERRUPTED)
    elif isinstance(error, GiveUp) and error.reason:
        job.set_error(error.reason, error.values, detail=f"{type(error).__name__}: {error}")
    else:
        job.set_error(JobReason.UNEXPECTED, detail=f"{type(error).__name__}: {error}")
    if last:
        job.finished_at = utcnow()
    db.session.commit()


# --- enqueueing after the commit -------------------------------------------------------------


@dataclass
class _Pending:
    task: Task
    job_id: int
    args: tuple
    kwargs: dict
    eta: datetime | None
    delay: float | None
    priority: int | None
    transaction: SessionTransaction
    app: Flask


def enqueue_after_commit(
    task: Task,
    *args,
    subject: str | None = None,
    eta: datetime | None = None,
    delay: float | None = None,
    priority: int | None = None,
    **kwargs,
) -> Job:
    """Add a Job row to the current transaction; queue the task once that transaction commits.

    The task is called as `task(*args, **kwargs)` by a consumer (arguments must be plain values
    that pickle: ids, not model objects). A rolled-back transaction (or savepoint) queues nothing
    and leaves no row. `eta` (an aware datetime) or `delay` (seconds) run it later; a higher
    `priority` runs before waiting jobs of lower priority (default 0).
    """
    job = Job(name=task.name, subject=subject, state=JobState.QUEUED)
    db.session.add(job)
    db.session.flush()
    _pend(task, job.id, args, kwargs, eta=eta, delay=delay, priority=priority)
    return job


def _pend(task: Task, job_id: int, args: tuple, kwargs: dict, **when) -> None:
    session = db.session()
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING, []).append(
        _Pending(task, job_id, args, kwargs, transaction=transaction, app=_app(), **when)
    )


def task_named(name: str) -> Task | None:
    """The task a Job row names (None: not imported in this process, or renamed since)."""
    return _tasks.get(name)


def requeue(job: Job, task: Task, args: tuple, reason: str, **values) -> None:
    """Queue `job` again, with the same row (pages that follow it keep following it), once the
    current transaction commits; `reason` (a JobReason) stays on the row until it runs."""
    job.state = JobState.QUEUED
    job.set_error(reason, values)
    job.started_at = job.runner = None
    db.session.flush()
    _pend(task, job.id, args, {}, eta=None, delay=None, priority=None)


def _send(pending: _Pending) -> None:
    message = pending.task.huey_task.s(
        pending.job_id,
        *pending.args,
        eta=pending.eta,
        delay=pending.delay,
        priority=pending.priority,
        **pending.kwargs,
    )
    try:
        if huey.immediate:
            _run_as_consumer(pending.app, lambda: huey.enqueue(message))
        else:
            huey.enqueue(message)
    except Exception:
        # Committed but not queued: the row stays "queued" where organisers can see it.
        log.exception("job %s (%s) committed but not queued", pending.job_id, pending.task.name)


def _run_as_consumer(app: Flask, call: Callable[[], object]) -> None:
    """Immediate mode (tests): run the task now, but as a consumer would: in another thread,
    so with no request, no signed-in person and its own database session."""

    def run():
        with app.app_context():
            call()

    thread = threading.Thread(target=run, name="eventhub-immediate-job")
    thread.start()
    thread.join()


def _within(transaction: SessionTransaction, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    root = session.get_transaction()
    if root is not None and root.is_active:
        return  # a savepoint was released; the outer transaction may still roll back
    for pending in session.info.pop(_PENDING, ()):
        _send(pending)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous: SessionTransaction) -> None:
    pending = session.info.get(_PENDING)
    if pending:
        session.info[_PENDING] = [p for p in pending if not _within(p.transaction, previous)]


@event.listens_for(Session, "after_transaction_end")
def _after_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        dropped = session.info.pop(_PENDING, None)
        if dropped:
            log.debug("%d job(s) not queued: their transaction ended uncommitted", len(dropped))
