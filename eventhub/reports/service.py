"""The report's life: the draft (rebuilt at will), publishing frozen versions, who reads which."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Person
from ..errors import Conflict, Invalid, NotAllowed, NotFound
from ..extensions import db
from ..permissions import may
from ..programme import activity
from ..programme.models import Event
from ..timestamps import utcnow
from . import builds
from .collect import collect
from .data import ReportData, canonical_json, content_hash
from .models import PublishedReport


def require_draft_reader(person: Person | None, event: Event) -> None:
    """Refuse anyone but the event's organisers the draft."""
    if not may(person, "report.draft", event):
        raise NotAllowed(_("Only the event's organisers can see the draft report."))


def draft(person: Person | None, event: Event) -> ReportData:
    """The report as the boards stand now; organisers only."""
    require_draft_reader(person, event)
    return collect(event)


def versions(event: Event) -> list[PublishedReport]:
    """Every published version, newest first."""
    return list(
        db.session.scalars(
            select(PublishedReport)
            .where(PublishedReport.event_id == event.id)
            .order_by(PublishedReport.version.desc())
        )
    )


def latest(event: Event, *, public_only: bool = False) -> PublishedReport | None:
    query = select(PublishedReport).where(PublishedReport.event_id == event.id)
    if public_only:
        query = query.where(PublishedReport.public.is_(True))
    return db.session.scalar(query.order_by(PublishedReport.version.desc()).limit(1))


def get_version(event: Event, version: int) -> PublishedReport:
    report = db.session.scalar(
        select(PublishedReport).where(
            PublishedReport.event_id == event.id, PublishedReport.version == version
        )
    )
    if report is None:
        raise NotFound(_("This report has no version %(version)s.", version=version))
    return report


def is_public_event(event: Event) -> bool:
    """An event that shows itself to the public: it has a public session that takes place."""
    return bool(getattr(event, "public", False)) or any(
        s.public and not s.cancelled for s in event.sessions
    )


def may_read(person: Person | None, report: PublishedReport) -> bool:
    """Members read every published version; anyone reads a version made public."""
    return (report.public and is_public_event(report.event)) or may(
        person, "report.read", report.event
    )


def readable_latest(person: Person | None, event: Event) -> PublishedReport | None:
    """The newest published version she may read, if any."""
    if may(person, "report.read", event):
        return latest(event)
    if is_public_event(event):
        return latest(event, public_only=True)
    return None


def readable_version(person: Person | None, event: Event, version: int) -> PublishedReport:
    report = get_version(event, version)
    if not may_read(person, report):
        raise NotFound(_("This report has no version %(version)s.", version=version))
    return report


def missing_parts(data: ReportData) -> list[str]:
    """What a careful reader would miss in the report as it stands, said before publishing."""
    missing = []
    if not data.recommendations:
        missing.append(_("No recommendation has been agreed."))
    if not data.executive_summary.strip():
        missing.append(_("There is no executive summary."))
    without = [g.label for g in data.groups if not g.narrative.strip()]
    if without:
        missing.append(
            _("No summary of the discussion for: %(groups)s.", groups=", ".join(without))
        )
    return missing


def publish(person: Person, event: Event) -> PublishedReport:
    """Freeze the report as it stands as the next version; refused when nothing changed."""
    if not may(person, "report.publish", event):
        raise NotAllowed(_("Only the event's organisers can publish the report."))
    return freeze(event, collect(event), person=person)


def freeze(
    event: Event,
    data: ReportData,
    *,
    person: Person | None,
    published_at=None,
    adoption: str = "",
    by_system: bool = False,
) -> PublishedReport:
    """Store `data` as the next published version (flushed); refused when it is the same text
    as the latest version. The activity log says `person` published it, or EventHub itself
    (`by_system`: at a silence procedure's deadline, `person` being who circulated it)."""
    digest = content_hash(data)
    previous = latest(event)
    if previous is not None and previous.content_hash == digest:
        raise Conflict(
            _(
                "Nothing has changed since version %(version)s was published, so there is nothing "
                "new to publish.",
                version=previous.version,
            )
        )
    number = (
        db.session.scalar(
            select(func.max(PublishedReport.version)).where(PublishedReport.event_id == event.id)
        )
        or 0
    ) + 1
    report = PublishedReport(
        event=event,
        version=number,
        published_at=published_at or utcnow(),
        published_by=person,
        content_hash=digest,
        data=canonical_json(data),
        adoption=adoption,
    )
    try:
        with db.session.begin_nested():
            db.session.add(report)
            activity.record(event, None if by_system else person, "report.publish", version=number)
    except IntegrityError:
        raise Conflict(
            _(
                "Another organiser published the report at the same moment. Reload the page to see "
                "the new version."
            )
        ) from None
    builds.prebuild(report)  # every format and language, by the job consumers, after the commit
    return report


def set_public(person: Person, report: PublishedReport, public: bool) -> PublishedReport:
    """Let anyone read a published version (public events only), or stop it."""
    if not may(person, "report.publish", report.event):
        raise NotAllowed(_("Only the event's organisers can make the report public."))
    if public and not is_public_event(report.event):
        raise Invalid(
            _(
                "This event has no public session, so its report cannot be made public. Make a "
                "session public in the programme first."
            )
        )
    if report.public != public:
        report.public = public
        activity.record(
            report.event,
            person,
            "report.public" if public else "report.private",
            version=report.version,
        )
    db.session.flush()
    return report
