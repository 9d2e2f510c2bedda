"""Housekeeping: a job whose consumer was killed in the middle of it does not stay "running"
for ever; it is queued again when running it twice is safe, failed with a clear error if not."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import timedelta

from sqlalchemy import select

from eventhub.extensions import db
from eventhub.jobs import (
    Job,
    JobReason,
    JobState,
    enqueue_after_commit,
    huey,
    job_reason,
    runner,
    task,
)
from eventhub.jobs.housekeeping import MAX_RERUNS, sweep_stuck, sweep_stuck_jobs
from eventhub.reports.builds import Wanted
from eventhub.reports.collect import collect
from eventhub.reports.data import content_hash
from eventhub.reports.jobs import build_file
from eventhub.reports.models import ReportFile
from eventhub.timestamps import utcnow

from .conftest import wait_for

calls: list[str] = []
LIMIT = timedelta(minutes=30)


def _again(job: Job) -> tuple | None:
    subject = job.subject or ""
    return (subject.removeprefix("again:"),) if subject.startswith("again:") else None


@task(rerun=_again)
def idempotent(value: str) -> dict:
    calls.append(value)
    return {"value": value}


@task()
def once(value: str) -> None:
    calls.append(value)


def _running(
    task, subject=None, *, minutes_ago: int = 60, attempts: int = 1, runner: str | None = None
) -> Job:
    """A row as a consumer killed mid-job leaves it: running, since `minutes_ago`."""
    job = Job(
        name=task.name,
        subject=subject,
        state=JobState.RUNNING,
        attempts=attempts,
        started_at=utcnow() - timedelta(minutes=minutes_ago),
        runner=runner,
    )
    db.session.add(job)
    db.session.commit()
    calls.clear()
    return job


def test_a_stuck_job_safe_to_run_twice_is_queued_again_and_a_consumer_runs_it(queued_app, consumer):
    job = _running(idempotent, "again:x")
    assert sweep_stuck(LIMIT) == {"requeued": 1, "failed": 0, "alive": 0}
    assert job.state == JobState.QUEUED and job.error_code == JobReason.STUCK_REQUEUED
    assert job.error_args == {"minutes": 30} and job.error is None
    db.session.commit()
    with consumer():
        done = wait_for(job.id, {JobState.DONE})
    assert calls == ["x"]
    assert done.attempts == 2  # the same row: a page that follows it sees it finish


def test_a_stuck_job_not_safe_to_run_twice_is_failed_with_a_clear_error(app):
    stuck = _running(once, minutes_ago=45)
    recent = _running(once, minutes_ago=10)  # a long job, still within the limit
    assert sweep_stuck(LIMIT) == {"requeued": 0, "failed": 1, "alive": 0}
    db.session.commit()
    assert stuck.state == JobState.FAILED and stuck.finished_at is not None
    assert stuck.error_code == JobReason.STUCK_FAILED and stuck.error_args == {"minutes": 30}
    assert "it may have done part of its work" in job_reason(stuck.error_code, stuck.error_args)
    assert recent.state == JobState.RUNNING
    assert calls == []  # not run again


def test_a_job_that_keeps_taking_its_consumer_down_is_failed(app):
    job = _running(idempotent, "again:y", attempts=MAX_RERUNS)
    assert sweep_stuck(LIMIT) == {"requeued": 0, "failed": 1, "alive": 0}
    assert job.error_code == JobReason.STUCK_TOO_OFTEN and job.error_args == {"times": MAX_RERUNS}
    db.session.commit()
    assert calls == []


def test_a_stuck_report_build_is_built_again(app, make_event):
    event = make_event()
    wanted = Wanted(event.id, None, content_hash(collect(event)), "md", "en")
    job = _running(build_file, wanted.subject)
    assert sweep_stuck(LIMIT) == {"requeued": 1, "failed": 0, "alive": 0}
    db.session.commit()  # tests run jobs at the commit, as a consumer would
    db.session.expire_all()
    assert db.session.get(Job, job.id).state == JobState.DONE
    stored = db.session.scalars(select(ReportFile).where(ReportFile.event_id == event.id)).all()
    assert [(f.format, f.language, f.edition) for f in stored] == [("md", "en", "draft")]


def test_the_sweep_is_periodic_and_reads_its_limit_from_the_settings(app):
    assert sweep_stuck_jobs.name in {t.name for t in huey._registry.periodic_tasks}
    app.config["JOBS_STUCK_MINUTES"] = 90
    job = _running(once, minutes_ago=60)
    sweep_stuck_jobs.call_local()
    db.session.expire_all()
    assert db.session.get(Job, job.id).state == JobState.RUNNING
    app.config["JOBS_STUCK_MINUTES"] = 30
    sweep_stuck_jobs.call_local()
    db.session.expire_all()
    assert db.session.get(Job, job.id).state == JobState.FAILED


def test_a_job_whose_process_still_runs_is_left_running_however_long_it_takes(app):
    """A build on the web process's CPU gets no CPU while the web process keeps it full: an
    hour later its process is alive, and building it again beside it would only slow both."""
    slow = _running(idempotent, "again:slow", minutes_ago=90, runner=runner.identity())
    assert sweep_stuck(LIMIT) == {"requeued": 0, "failed": 0, "alive": 1}
    db.session.commit()
    assert slow.state == JobState.RUNNING and slow.error_code is None
    assert calls == []


def test_a_job_whose_process_ended_is_swept_as_before(app):
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    dead = f"{socket.gethostname()}:{child.pid}:1"
    job = _running(idempotent, "again:gone", runner=dead)
    assert sweep_stuck(LIMIT) == {"requeued": 1, "failed": 0, "alive": 0}
    assert job.runner is None  # queued again: no process runs it now


def test_a_consumer_records_which_process_runs_a_job(queued_app, consumer):
    job = enqueue_after_commit(idempotent, "who")
    db.session.commit()
    with consumer():
        done = wait_for(job.id, {JobState.DONE})
    host, pid, _started = done.runner.rsplit(":", 2)
    assert host == socket.gethostname() and int(pid) > 0
