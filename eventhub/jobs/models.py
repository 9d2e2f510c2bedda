"""A job's visible state: one row per enqueued job, written in the transaction that asked for it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timestamps import UTCDateTime, utcnow


class JobState(enum.StrEnum):
    QUEUED = "queued"  # committed, waiting for a consumer
    RUNNING = "running"
    RETRYING = "retrying"  # an attempt failed; another is scheduled
    DONE = "done"
    FAILED = "failed"  # the last attempt failed, or the job gave up

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED)


class Job(db.Model):
    """One job: what it is, where it stands, what its last attempt said."""

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The task's name, e.g. "eventhub.reports.jobs.build_report".
    name: Mapped[str] = mapped_column(String(200))
    # What the job is about, for finding it again ("report:12:draft:pdf:en:<hash>"); optional.
    subject: Mapped[str | None] = mapped_column(String(200), index=True)
    state: Mapped[JobState] = mapped_column(
        Enum(
            JobState, values_callable=lambda c: [m.value for m in c], native_enum=False, length=20
        ),
        default=JobState.QUEUED,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    # Why the last attempt failed: EventHub's own reason as a code and its values, worded in
    # each reader's language (jobs/reasons.py)...
    error_code: Mapped[str | None] = mapped_column(String(40))
    error_args: Mapped[dict | None] = mapped_column(JSON)
    # ...and the technical detail, for developers: an exception's type and message, in English.
    error: Mapped[str | None] = mapped_column(Text)
    # What the task returned, when it returned a dict (e.g. the stored file's digest).
    result: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The process running it ("host:pid:start", jobs/runner.py): a job whose process still runs
    # is slow, or starved of CPU, not stuck.
    runner: Mapped[str | None] = mapped_column(String(300))

    def set_error(self, code: str, values: dict | None = None, *, detail: str | None = None):
        self.error_code, self.error_args = str(code), values or None
        self.error = detail[:2000] if detail else None

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.name} {self.state}>"
