"""Housekeeping jobs: finished jobs' rows are kept for a while, then removed."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from huey import crontab
from sqlalchemy import delete

from ..extensions import db
from ..timestamps import utcnow
from .models import Job, JobState
from .queue import periodic, task


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
