"""Importing a programme file: create or update an event in place, matching records by key."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import literal, select

from ..extensions import db
from ..limits import check_programme_file
from ..timestamps import utcnow
from . import activity
from .filechecks import Problems
from .filedata import EventData, NetworkData, PartnerData, Programme, SessionData, WorkingGroupData
from .fileformat import invalid, parse_programme
from .models import (
    BilateralWindow,
    Event,
    GuidingQuestion,
    Network,
    Partner,
    Recording,
    Session,
    WorkingGroup,
)
from .texts import split

# The fields that hold texts by language (see texts.py).
EVENT_TEXTS = ("title", "summary", "venue", "acknowledgements")
GROUP_TEXTS = ("title", "introduction", "background", "objectives")
SESSION_TEXTS = ("title", "description")

# Session fields a calendar shows: a change to any of them bumps the iCalendar SEQUENCE.
CALENDAR_FIELDS = (
    "kind",
    "working_group",
    "title",
    "starts",
    "ends",
    "description",
    "cancelled",
    "location",
    "join_url",
)


@dataclass
class ImportReport:
    """What an import did, one human-readable line per record."""

    event: Event
    created: bool
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return self.created or bool(self.added or self.changed or self.cancelled)

    def __str__(self) -> str:
        if self.created:
            lines = [_("Created event “%(slug)s”.", slug=self.event.slug)]
        elif self.has_changes:
            lines = [_("Updated event “%(slug)s”.", slug=self.event.slug)]
        else:
            lines = [_("Event “%(slug)s”: no changes.", slug=self.event.slug)]
        for heading, items in (
            (_("Added:"), self.added),
            (_("Changed:"), self.changed),
            (_("Cancelled:"), self.cancelled),
            (_("Kept, although no longer in the file:"), self.kept),
        ):
            if items:
                lines.append(heading)
                lines.extend(f"  {item}" for item in items)
        return "\n".join(lines)


def import_programme(
    text: str, *, source: str = "<programme>", directory: Path | None = None
) -> ImportReport:
    """Check a programme file and apply it to the database (flushed, not committed).

    Raises Invalid, listing every problem, before anything is written. Logo files are read
    relative to `directory`.
    """
    check_programme_file(text, source)  # size, depth and counts first (eventhub/limits.py)
    programme = parse_programme(text, source=source, directory=directory)
    return apply_programme(programme, source=source)


def apply_programme(programme: Programme, *, source: str = "<programme>") -> ImportReport:
    """Apply a checked programme (flushed, not committed).

    Raises Invalid if the file would drop what the database still needs (a guiding question
    that messages or board items answer); the caller rolls back what was applied.
    """
    event = db.session.scalar(db.select(Event).filter_by(slug=programme.event.slug))
    report = ImportReport(event=event, created=event is None)
    if event is None:
        event = report.event = Event(slug=programme.event.slug)
        db.session.add(event)
    problems = Problems()
    _apply_event(event, programme.event, report)
    networks = _apply_networks(event, programme.networks, report)
    groups = _apply_working_groups(event, programme.working_groups, networks, report, problems)
    if problems:
        raise invalid(problems, source)
    _apply_sessions(event, programme.sessions, groups, report)
    db.session.flush()
    if report.has_changes:
        activity.record(
            event,
            None,
            "programme.import",
            created=report.created,
            added=len(report.added),
            changed=len(report.changed),
            cancelled=len(report.cancelled),
        )
    return report


def _set(
    record: Any, values: dict[str, Any], language: str | None = None, texts: tuple[str, ...] = ()
) -> list[str]:
    """Set the attributes that differ; return their names. The fields named in `texts` are
    texts: the column takes the text in `language` (the event's first), the record's
    translations the others."""
    changed = []
    for name, value in values.items():
        if name in texts:
            value, others = split(value, language or "en")
            if record.set_translations(name, others):
                changed.append(name)
        if getattr(record, name) != value:
            setattr(record, name, value)
            if name not in changed:
                changed.append(name)
    return changed


def _apply_event(event: Event, data: EventData, report: ImportReport) -> None:
    language = data.primary_language
    audiences = [split(a, language) for a in data.audiences]
    changed = _set(
        event,
        {
            "title": data.title,
            "host": data.host,
            "timezone": data.timezone,
            "languages": list(data.languages),
            "starts": data.starts,
            "ends": data.ends,
            "attribution": data.attribution,
            "audiences": [primary for primary, _others in audiences],
            "summary": data.summary,
            "venue": data.venue,
            "format": data.format,
            "acknowledgements": data.acknowledgements,
        },
        language,
        EVENT_TEXTS,
    )
    translated = {primary: others for primary, others in audiences if others}
    if event.set_translations("audiences", translated) and "audiences" not in changed:
        changed.append("audiences")
    if _apply_partners(event, data.partners, language):
        changed.append("partners")
    if changed and not report.created:
        report.changed.append(_("event: %(fields)s", fields=", ".join(changed)))


def _apply_partners(event: Event, partners: tuple[PartnerData, ...], language: str) -> bool:
    """Partners matched by position; whether anything changed."""
    changed = False
    for index, data in enumerate(partners):
        if index >= len(event.partners):
            event.partners.append(Partner(name="", role=data.role))
            changed = True
        partner = event.partners[index]
        values = {"role": data.role, "logo_name": data.logo, "logo": data.logo_bytes}
        if _set(partner, values) + _set(partner, {"name": data.name}, language, ("name",)):
            changed = True
    if len(event.partners) > len(partners):
        del event.partners[len(partners) :]
        changed = True
    return changed


def _apply_networks(
    event: Event, networks: tuple[NetworkData, ...], report: ImportReport
) -> dict[str, Network]:
    by_key = {n.key: n for n in event.networks}
    for data in networks:
        values = {"acronym": data.acronym, "name": data.name, "region": data.region}
        network = by_key.get(data.key)
        if network is None:
            network = by_key[data.key] = Network(key=data.key, **values)
            event.networks.append(network)
            report.added.append(_("network “%(key)s”: %(name)s", key=data.key, name=data.name))
        elif changed := _set(network, values):
            report.changed.append(
                _("network “%(key)s”: %(fields)s", key=data.key, fields=", ".join(changed))
            )
    in_file = {n.key for n in networks}
    for key in sorted(set(by_key) - in_file):
        report.kept.append(_("network “%(key)s”", key=key))
    return by_key


def _apply_working_groups(
    event: Event,
    groups: tuple[WorkingGroupData, ...],
    networks: dict[str, Network],
    report: ImportReport,
    problems: Problems,
) -> dict[str, WorkingGroup]:
    by_key = {wg.key: wg for wg in event.working_groups}
    language = event.primary_language
    for position, data in enumerate(groups, start=1):
        values = {
            "title": data.title,
            "position": position,
            "introduction": data.introduction,
            "background": data.background,
            "objectives": data.objectives,
        }
        group = by_key.get(data.key)
        if group is None:
            group = by_key[data.key] = WorkingGroup(key=data.key)
            _set(group, values, language, GROUP_TEXTS)
            event.working_groups.append(group)
            report.added.append(
                _("working group “%(key)s”: %(title)s", key=data.key, title=group.title)
            )
            group.lead_networks = [networks[key] for key in data.lead]
            _apply_questions(group, data.guiding_questions, language)
            continue
        _check_questions_kept(group, data.guiding_questions, problems, position)
        changed = _set(group, values, language, GROUP_TEXTS)
        if [n.key for n in group.lead_networks] != list(data.lead):
            group.lead_networks = [networks[key] for key in data.lead]
            changed.append("lead")
        if _apply_questions(group, data.guiding_questions, language):
            changed.append("guiding_questions")
        if changed:
            report.changed.append(
                _("working group “%(key)s”: %(fields)s", key=data.key, fields=", ".join(changed))
            )
    in_file = {wg.key for wg in groups}
    # Groups no longer in the file keep their place after those in it, so numbers stay distinct.
    kept = sorted(
        (wg for key, wg in by_key.items() if key not in in_file), key=lambda g: g.position
    )
    for position, group in enumerate(kept, start=len(groups) + 1):
        group.position = position
        report.kept.append(_("working group “%(key)s”", key=group.key))
    return by_key


def _check_questions_kept(
    group: WorkingGroup, texts: tuple[str | dict, ...], problems: Problems, position: int
) -> None:
    """A file may drop trailing guiding questions, unless something already answers them:
    their messages and board items would silently lose the question they answer."""
    for number, question in enumerate(group.guiding_questions[len(texts) :], len(texts) + 1):
        if _in_use(question):
            problems.add(
                f"working_groups[{position - 1}].guiding_questions",
                _(
                    "question %(number)d (“%(text)s”) is missing, but the group's room or "
                    "board already uses it; keep it in the file (its wording may change)",
                    number=number,
                    text=question.text,
                ),
            )


def _in_use(question: GuidingQuestion) -> bool:
    """Whether any row points at the question. The programme does not know which domains tag
    things with a question (rooms, the board): it asks every foreign key to it."""
    target = GuidingQuestion.__table__.c.id
    for table in db.metadata.tables.values():
        for key in table.foreign_keys:
            if (
                key.column is target
                and db.session.execute(
                    select(literal(1)).select_from(table).where(key.parent == question.id).limit(1)
                ).first()
            ):
                return True
    return False


def _apply_questions(group: WorkingGroup, texts: tuple[str | dict, ...], language: str) -> bool:
    """Guiding questions matched by position: text updated, new ones appended, trailing ones removed."""
    questions = group.guiding_questions
    changed = False
    for index, text in enumerate(texts):
        if index >= len(questions):
            questions.append(GuidingQuestion(text=""))
            changed = True
        if _set(questions[index], {"text": text}, language, ("text",)):
            changed = True
    if len(questions) > len(texts):
        del questions[len(texts) :]
        changed = True
    return changed


def _apply_sessions(
    event: Event,
    sessions: tuple[SessionData, ...],
    groups: dict[str, WorkingGroup],
    report: ImportReport,
) -> None:
    by_key = {s.key: s for s in event.sessions}
    now = utcnow()
    language = event.primary_language
    for data in sessions:
        session = by_key.get(data.key)
        values = {
            "kind": data.kind,
            "working_group": groups[data.working_group] if data.working_group else None,
            "title": data.title,
            "starts_at": data.starts,
            "ends_at": data.ends,
            "public": data.public,
            "description": data.description,
            "cancelled": data.cancelled,
            "location": data.location,
            "join_url": data.join_url,
        }
        if session is None:
            session = Session(key=data.key)
            _set(session, values, language, SESSION_TEXTS)
            session.recordings = [
                Recording(language=r.language, url=r.url) for r in data.recordings
            ]
            _apply_window(session, data)
            event.sessions.append(session)
            report.added.append(
                _("session “%(key)s”: %(title)s", key=data.key, title=session.title)
            )
            continue
        changed = [
            _FILE_NAMES.get(name, name) for name in _set(session, values, language, SESSION_TEXTS)
        ]
        changed += _apply_parts(session, data)
        if not changed:
            continue
        session.updated_at = now
        if any(name in CALENDAR_FIELDS for name in changed):
            session.sequence += 1
        if "cancelled" in changed and session.cancelled:
            report.cancelled.append(_("session “%(key)s”: cancelled in the file", key=data.key))
            changed.remove("cancelled")
        if changed:
            report.changed.append(
                _("session “%(key)s”: %(fields)s", key=data.key, fields=", ".join(changed))
            )
    in_file = {s.key for s in sessions}
    for key, session in sorted(by_key.items()):
        if key not in in_file and not session.cancelled:
            # Kept, not deleted, so that calendars learn of the cancellation.
            session.cancelled = True
            session.sequence += 1
            session.updated_at = now
            report.cancelled.append(_("session “%(key)s”: no longer in the file", key=key))


_FILE_NAMES = {"starts_at": "starts", "ends_at": "ends"}


def _apply_parts(session: Session, data: SessionData) -> list[str]:
    """A session's recordings and bilateral window from the file; the names of those changed."""
    changed = ["recordings"] if _apply_recordings(session, data) else []
    return changed + (["bilateral"] if _apply_window(session, data) else [])


def _apply_window(session: Session, data: SessionData) -> bool:
    """The file's bilateral window; a file without one leaves a window set in the app as it is."""
    wanted = data.bilateral
    if wanted is None:
        return False
    values = (wanted.slot_minutes, list(wanted.tables), wanted.call_url)
    window = session.bilateral_window
    if window is not None and (window.slot_minutes, window.tables, window.call_url) == values:
        return False
    if window is None:
        window = session.bilateral_window = BilateralWindow()
    window.slot_minutes, window.tables, window.call_url = values
    return True


def _apply_recordings(session: Session, data: SessionData) -> bool:
    current = {r.language: r for r in session.recordings}
    wanted = {r.language: r.url for r in data.recordings}
    if {lang: r.url for lang, r in current.items()} == wanted:
        return False
    for language, recording in current.items():
        if language not in wanted:
            session.recordings.remove(recording)
        else:
            recording.url = wanted[language]
    for language, url in wanted.items():
        if language not in current:
            session.recordings.append(Recording(language=language, url=url))
    return True
