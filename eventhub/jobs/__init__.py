"""Background jobs: anything slow or that talks to the outside world runs on Huey, off the web loop.

How to use it (reports, invites, reminders, deadlines all do it this way)::

    from eventhub.jobs import task, enqueue_after_commit, GiveUp

    @task(retries=3, retry_delay=30)          # retried after 30 s, 60 s, 120 s
    def send_reminder(procedure_id: int) -> dict | None:
        procedure = db.session.get(Procedure, procedure_id)
        if procedure is None:
            raise GiveUp(f"procedure {procedure_id} is gone", JobReason.PROCEDURE_GONE)  # no retry
        ...                                   # db.session as usual (see "commit" below)
        return {"sent": 12}                   # optional: kept on the Job row as `result`

    # In a service, view or socket handler, inside the request's transaction:
    job = enqueue_after_commit(send_reminder, procedure.id, subject=f"procedure:{procedure.id}")
    job = enqueue_after_commit(close_procedure, procedure.id, eta=procedure.deadline)  # later

Rules:

- Put tasks in your domain's `jobs.py` and import it in the domain's `register(app)`
  (`from . import jobs  # noqa: F401`): a consumer knows only the tasks create_app() imported.
- `enqueue_after_commit` adds a `Job` row (state `queued`) to the current transaction and queues
  the task only when that transaction commits: the request's commit (`web.py`), the socket
  handler wrapper's (`realtime.py`), or the task's own when a job enqueues another. If the
  transaction (or the savepoint it was called in) rolls back, nothing is queued and no row is
  left. Pass ids and plain values, never model objects. The keywords `subject`, `eta`,
  `delay` and `priority` are for the queue, everything else goes to the task.
- A task runs in a consumer process with an app context and its own session, no request and no
  signed-in person. Its work and the row's `done` are committed together when it returns
  (commit yourself only what must stay recorded if a later step fails: each e-mail sent);
  if it raises, its work is rolled back, the row says `retrying` (with the error) while
  retries remain, then `failed`. `GiveUp` fails at once. Read `Job.state` (`JobState`),
  `attempts`, `result` to show progress; `current_job()` inside a task is its row. Why it
  failed is `error_code` and `error_args` (a `JobReason`, worded in the reader's language by
  `job_reason()`; give `GiveUp` one of yours, added to jobs/reasons.py) and `error`, the
  exception's own text: technical detail, shown as such and only to organisers.
- Calling a task directly raises TypeError; `task.run_here(...)` runs its code in this process
  (the command line does that), with no Job row.
- `periodic(crontab(...))` runs a function on a schedule in the consumer.
- A consumer killed in the middle of a job cannot say so: every 5 minutes housekeeping finds
  jobs still `running` JOBS_STUCK_MINUTES after they started and fails them with an error that
  says so, or, for a task declared safe to run twice (`task(rerun=fn)`, fn reading the
  arguments back from the row; report builds), queues the same row again.

Where jobs wait: `SqliteHuey` in `instance/jobs.sqlite` by default (no other service), or Redis
with `EVENTHUB_JOBS_URL=redis://host:6379/0` (consumers on any machine). Consumers:
`flask --app eventhub worker` (process workers; `make run` starts one beside the web process).
Tests run with `JOBS_IMMEDIATE` (the task runs at the commit, in a thread of its own, as a
consumer would); tests/jobs runs real consumers on SQLite and Redis.
"""

from huey import crontab

from .models import Job, JobState
from .queue import (
    GiveUp,
    Task,
    configure,
    current_job,
    enqueue_after_commit,
    huey,
    periodic,
    task,
)
from .reasons import JobReason, job_reason

__all__ = [
    "GiveUp",
    "Job",
    "JobReason",
    "JobState",
    "Task",
    "crontab",
    "current_job",
    "enqueue_after_commit",
    "huey",
    "init_app",
    "job_reason",
    "periodic",
    "task",
]


def init_app(app) -> None:
    """Configure the queue for `app` and add the `worker` and `jobs` commands."""
    from . import cli, housekeeping  # noqa: F401  (registers the housekeeping tasks)

    configure(app)
    for command in cli.commands:
        app.cli.add_command(command)
