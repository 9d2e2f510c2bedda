"""Report jobs: build one file of the draft or of a published version, and store it; and the
silence procedure's deadlines and reminders, run on a schedule by the consumers started with
`--periodic` (the CLI's `flask report close-due` and `flask report remind` do the same once)."""

from __future__ import annotations

import logging

from huey import crontab
from sqlalchemy import select

from ..extensions import db
from ..jobs import GiveUp, JobReason, periodic, task
from ..programme.models import Event
from . import formats, silence, store
from .builds import Wanted, builder_fingerprint, stored
from .collect import collect
from .data import Edition, content_hash
from .models import PublishedReport, ReportFile

log = logging.getLogger(__name__)


def _rerun(job) -> tuple | None:
    """A build is safe to run twice (it stores a file only if none is stored): its arguments,
    read back from the job's subject, to queue it again when its consumer died mid-build."""
    wanted = Wanted.from_subject(job.subject)
    if wanted is None:
        return None
    return (wanted.event_id, wanted.version, wanted.format, wanted.language)


# One more try for a passing failure (the database restarting); a broken build fails twice.
@task(retries=1, retry_delay=5, rerun=_rerun)
def build_file(event_id: int, version: int | None, fmt: str, language: str) -> dict:
    """Build the draft (version None, as the boards stand when the job runs) or a published
    version in one format and language; store it unless the same file is stored already."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise GiveUp(f"event {event_id} no longer exists", JobReason.EVENT_GONE)
    if version is None:
        data, edition = collect(event), Edition()
        data_hash = content_hash(data)
    else:
        row = db.session.scalar(
            select(PublishedReport).where(
                PublishedReport.event_id == event_id, PublishedReport.version == version
            )
        )
        if row is None:
            raise GiveUp(
                f"event {event_id} has no report version {version}",
                JobReason.NO_SUCH_VERSION,
                version=version,
            )
        data, edition, data_hash = row.report, row.edition, row.content_hash
    wanted = Wanted(event_id, version, data_hash, fmt, language)
    found = stored(wanted)
    if found is None:
        content = formats.build(data, fmt, language, edition)
        found = ReportFile(
            event_id=event_id,
            edition=wanted.edition,
            data_hash=data_hash,
            builder=builder_fingerprint(),
            format=fmt,
            language=language,
            digest=store.put(content),
            size=len(content),
            filename=formats.filename(data, fmt, language, edition),
        )
        db.session.add(found)
        db.session.flush()
    return {"file": found.id}


# Every minute: a text is adopted (or returned) within a minute of its deadline. Closing is
# idempotent and the rows are locked while closed, so consumers running it at once agree.
@periodic(crontab(minute="*"))
def close_due_circulations() -> None:
    """Adopt and publish, or return to the rapporteurs, every circulated text whose deadline
    has come."""
    for circulation in silence.close_due():
        log.info(
            "silence procedure of %s, round %d: %s",
            circulation.event.slug,
            circulation.round,
            circulation.state.value,
        )


# Every ten minutes: a reminder goes once, in the day before the deadline.
@periodic(crontab(minute="*/10"))
def remind_circulations() -> None:
    """Remind the people a text was circulated to when its deadline is less than a day away."""
    count = silence.remind_due()
    if count:
        log.info("reminded of %d circulated text(s)", count)
