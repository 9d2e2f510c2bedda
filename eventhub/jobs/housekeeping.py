"""Housekeeping jobs: finished jobs' rows are kept for a while, then removed; jobs whose
consumer died in the middle of them are failed, or queued again when that is safe."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from huey import crontab
from sqlalchemy import delete, select

from ..extensions import db
from ..timestamps import utcnow
from .models import Job, JobState
from .queue import periodic, requeue, task, task_named
from .reasons import JobReason
from .runner import alive

log = logging.getLogger(__name__)

# A job that took its consumer down with it this many times is failed, not queued again.
MAX_RERUNS = 3


def purge_finished(days: int) -> int:
    """Delete the rows of jobs that finished more than `days` days ago; how many."""
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(
        delete(Job).where(Job.state.in_((JobState.DONE, JobState.FAILED)), Job.finished_at < cutoff)
    )
    return result.rowcount


@task()
def purge_finished_jobs(days: int) -> dict:
    """The purge as a job (enqueue it to purge now)."""
    return {"purged": purge_finished(days)}


@periodic(crontab(minute="17", hour="3"))
def nightly_purge() -> None:
    purge_finished(current_app.config["JOBS_KEEP_DAYS"])


def sweep_stuck(limit: timedelta, *, now: datetime | None = None) -> dict:
    """Jobs still "running" `limit` after they started: the consumer running them was killed
    or crashed (a job that ends, even badly, says so on its row). Those whose task is safe to
    run again (`task(rerun=...)`: report builds) are queued again, the others failed with an
    error that says what happened. How many of each.

    Not a job whose process still runs on this machine: it is slow, or gets no CPU (a build on
    the web process's CPU waits while the web process keeps it full). Run elsewhere, only the
    time limit can tell."""
    now = now or utcnow()
    stuck = db.session.scalars(
        select(Job)
        .where(Job.state == JobState.RUNNING, Job.started_at < now - limit)
        .order_by(Job.id)
    ).all()
    minutes = int(limit.total_seconds() // 60)
    counts = {"requeued": 0, "failed": 0, "alive": 0}
    for job in stuck:
        if alive(job.runner):
            counts["alive"] += 1
            log.info(
                "job %s (%s) has run %s min so far, in %s", job.id, job.name, minutes, job.runner
            )
            continue
        found = task_named(job.name)
        args = found.rerun(job) if found and found.rerun and job.attempts < MAX_RERUNS else None
        if args is not None:
            requeue(job, found, args, JobReason.STUCK_REQUEUED, minutes=minutes)
            counts["requeued"] += 1
        else:
            job.state = JobState.FAILED
            if found and found.rerun:
                job.set_error(JobReason.STUCK_TOO_OFTEN, {"times": job.attempts})
            else:
                job.set_error(JobReason.STUCK_FAILED, {"minutes": minutes})
            job.finished_at = now
            counts["failed"] += 1
        log.warning(
            "job %s (%s): %s, still running %s min after it started (%s)",
            job.id,
            job.name,
            job.error_code,
            minutes,
            job.started_at,
        )
    db.session.flush()
    return counts


@periodic(crontab(minute="*/5"))
def sweep_stuck_jobs() -> None:
    sweep_stuck(timedelta(minutes=current_app.config["JOBS_STUCK_MINUTES"]))
