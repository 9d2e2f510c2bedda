"""Report files as jobs: a published version is built once per format and language and stored;
a download serves the stored file, or queues its build and says where it stands.

The web process never renders: it looks files up and enqueues `reports.jobs.build_file`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..jobs import Job, JobState, enqueue_after_commit
from .build_html import PROJECT_DIR
from .common import FORMATS, LANGUAGES
from .models import PublishedReport, ReportFile

# Someone is waiting for these; publication's pre-builds come after.
WAITING_PRIORITY = 10
PENDING = (JobState.QUEUED, JobState.RUNNING, JobState.RETRYING)
# Not started yet: whatever changes now, they will still read it.
NOT_STARTED = (JobState.QUEUED, JobState.RETRYING)

# The data hash of a draft download: the draft as the boards stand when its job runs. The job
# collects it, and finds the file already stored or builds it; the web process never collects
# a draft to download it.
CURRENT_DRAFT = "current"


@cache
def builder_fingerprint() -> str:
    """The code, templates, styles and catalogues the builders use: a stored draft built by
    other code is built again (a published version never is)."""
    digest = hashlib.sha256()
    sources = [
        *(PROJECT_DIR / "eventhub" / "reports").glob("*.py"),
        *(PROJECT_DIR / "templates" / "reports").glob("*"),
        *(PROJECT_DIR / "static" / "css").glob("report*.css"),
        *(PROJECT_DIR / "translations").glob("*/LC_MESSAGES/messages.po"),
    ]
    for path in sorted(sources):
        digest.update(path.relative_to(PROJECT_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Wanted:
    """One file: an event's draft (version None) or published version, in a format and language.

    `data_hash` is the content hash of the report data it shows: the draft's changes with the
    boards, a published version's never does.
    """

    event_id: int
    version: int | None
    data_hash: str
    format: str
    language: str

    @property
    def edition(self) -> str:
        return "draft" if self.version is None else f"v{self.version}"

    @property
    def subject(self) -> str:
        """The build job's subject: `report:<event>:<edition>:<data>:<format>:<language>`."""
        return (
            f"report:{self.event_id}:{self.edition}:{self.data_hash}:{self.format}:{self.language}"
        )

    @classmethod
    def from_subject(cls, subject: str | None) -> Wanted | None:
        """What a build job builds, read back from its subject; None for other jobs."""
        parts = (subject or "").split(":")
        if len(parts) != 6 or parts[0] != "report" or not parts[1].isdigit():
            return None
        _report, event_id, edition, data_hash, fmt, language = parts
        if edition == "draft":
            version = None
        elif edition.startswith("v") and edition[1:].isdigit():
            version = int(edition[1:])
        else:
            return None
        if fmt not in FORMATS or language not in LANGUAGES:
            return None
        return cls(int(event_id), version, data_hash, fmt, language)


def stored(wanted: Wanted) -> ReportFile | None:
    """The stored file, if built: for a published version whatever built it, for the draft only
    a file built from the same data by the same code."""
    query = select(ReportFile).where(
        ReportFile.event_id == wanted.event_id,
        ReportFile.edition == wanted.edition,
        ReportFile.data_hash == wanted.data_hash,
        ReportFile.format == wanted.format,
        ReportFile.language == wanted.language,
    )
    if wanted.version is None:
        query = query.where(ReportFile.builder == builder_fingerprint())
    return db.session.scalars(query.order_by(ReportFile.id.desc()).limit(1)).first()


def pending_build(wanted: Wanted) -> Job | None:
    """The job already building that file; for the current draft, one that has not read the
    boards yet (a running one may have read them before the latest change)."""
    states = NOT_STARTED if wanted.data_hash == CURRENT_DRAFT else PENDING
    return db.session.scalars(
        select(Job)
        .where(Job.subject == wanted.subject, Job.state.in_(states))
        .order_by(Job.id.desc())
        .limit(1)
    ).first()


def file_or_build(wanted: Wanted) -> ReportFile | Job:
    """The stored file, or the job building it (queued now if nobody asked before)."""
    from .jobs import build_file

    found = stored(wanted) if wanted.data_hash != CURRENT_DRAFT else None
    if found is not None:
        return found
    job = pending_build(wanted)
    if job is None:
        job = enqueue_after_commit(
            build_file,
            wanted.event_id,
            wanted.version,
            wanted.format,
            wanted.language,
            subject=wanted.subject,
            priority=WAITING_PRIORITY,
        )
    return job


def prebuild(report: PublishedReport) -> list[Job]:
    """Queue the build of every format and language of a newly published version (after its
    commit), unless EVENTHUB_REPORT_PREBUILD is off: then each builds on its first download."""
    from .jobs import build_file

    if not current_app.config.get("REPORT_PREBUILD", True):
        return []
    db.session.flush()
    jobs = []
    for fmt in FORMATS:
        for language in LANGUAGES:
            wanted = Wanted(report.event_id, report.version, report.content_hash, fmt, language)
            jobs.append(
                enqueue_after_commit(
                    build_file,
                    report.event_id,
                    report.version,
                    fmt,
                    language,
                    subject=wanted.subject,
                )
            )
    return jobs
