"""`flask --app eventhub worker`: a job consumer; `flask --app eventhub jobs`: where jobs stand."""

from __future__ import annotations

import logging
import os

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import func, select

from .. import cpus
from ..extensions import db
from ..i18n import terminal_language
from .models import Job, JobState
from .queue import close_storage, huey
from .reasons import job_reason


def _idle_priority() -> None:
    """SCHED_IDLE for this process (and the workers it forks): the scheduler runs it only on CPU
    time nothing else wants, and counts a core running only it as idle when it places a waking
    task, such as the web process with a room's message. Linux only; elsewhere the nice value
    is all there is."""
    if not hasattr(os, "SCHED_IDLE"):
        return
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except OSError as error:  # a container's seccomp policy, say: the nice value still holds
        logging.getLogger(__name__).warning("could not lower the consumer to SCHED_IDLE: %s", error)
    _lowest_autogroup()


# The scheduling group of this process's session, where the kernel groups by session
# (CONFIG_SCHED_AUTOGROUP, on in most desktop distributions): its nice value, -20 to 19.
AUTOGROUP = "/proc/self/autogroup"


def _lowest_autogroup() -> None:
    """Where Linux groups processes by session, SCHED_IDLE orders the consumer only within its
    own session's group; the group itself weighs as much as the web process's. A consumer that
    leads its own session (as `make run` starts it) gives its whole group the lowest weight:
    beside a 200-member room the PDF took 13.5 s instead of 18 s of the room's CPU, and the
    room's p99 rose x2.4 instead of x1.4 (docs/performance.md). Never done for a shared
    session: it would lower the web process too."""
    if os.getsid(0) != os.getpid():
        return
    try:
        with open(AUTOGROUP, "w", encoding="ascii") as group:
            group.write("19")
    except OSError:  # no autogroups here (or not allowed): nothing to lower
        return


@click.command("worker")
@click.option(
    "-w",
    "--workers",
    type=click.IntRange(min=1),
    help="Jobs run at once (default: EVENTHUB_JOBS_WORKERS, 1).",
)
@click.option(
    "-k",
    "--worker-type",
    type=click.Choice(["process", "thread"]),
    help="Processes (for CPU-bound jobs such as PDFs; the default) or threads.",
)
@click.option(
    "--periodic/--no-periodic",
    default=True,
    show_default=True,
    help="Also run scheduled housekeeping (one consumer with it is enough).",
)
@with_appcontext
def worker_command(workers: int | None, worker_type: str | None, periodic: bool) -> None:
    """Run a job consumer until stopped (Ctrl-C finishes the jobs in hand; SIGTERM stops now)."""
    config = current_app.config
    if huey.immediate:
        raise click.ClickException("EVENTHUB_JOBS_IMMEDIATE is set: jobs run in the web process")
    # Pinned and lowered before the workers fork, so every one of them inherits it.
    try:
        pinned = cpus.pin("EVENTHUB_JOBS_CPUS", config["JOBS_CPUS"])
    except cpus.CpuListError as error:
        raise click.ClickException(str(error)) from None
    if config["JOBS_NICE"]:
        os.nice(max(0, min(19, config["JOBS_NICE"])))
    if config["JOBS_IDLE_PRIORITY"]:
        _idle_priority()
    # Forked workers must not share the parent's database or queue connections.
    db.engine.dispose()
    close_storage(huey.storage)
    logging.getLogger("huey").setLevel(logging.INFO)
    consumer = huey.create_consumer(
        workers=workers or config["JOBS_WORKERS"],
        worker_type=worker_type or config["JOBS_WORKER_TYPE"],
        periodic=periodic,
        check_worker_health=True,
    )
    click.echo(
        f"EventHub job consumer: {consumer.workers} {consumer.worker_type} worker(s) on "
        f"{type(huey.storage).__name__}" + (f", on CPU {cpus.describe(pinned)}" if pinned else ""),
        err=True,
    )
    consumer.run()


@click.command("jobs")
@click.option("--failed", is_flag=True, help="List the last failed jobs with their error.")
@with_appcontext
def jobs_command(failed: bool) -> None:
    """How many jobs are in each state, and how many wait in the queue."""
    counts = dict(db.session.execute(select(Job.state, func.count()).group_by(Job.state)).all())
    for state in JobState:
        click.echo(f"{state.value:>9}  {counts.get(state, 0)}")
    click.echo(f"in queue   {huey.pending_count()} (+{huey.scheduled_count()} scheduled)")
    if failed:
        with force_locale(terminal_language()):
            for job in db.session.scalars(
                select(Job).where(Job.state == JobState.FAILED).order_by(Job.id.desc()).limit(20)
            ):
                why = " ".join(
                    filter(None, [job_reason(job.error_code, job.error_args), job.error])
                )
                click.echo(f"#{job.id} {job.name} ({job.finished_at:%Y-%m-%d %H:%M}Z): {why}")


commands = [worker_command, jobs_command]
