"""Editing the programme in the app: add, edit, move, cancel and restore sessions.

Every change a calendar should learn of bumps `Session.sequence` and sets
`updated_at`, so subscribed calendars and re-sent invites replace the old entry
(same UID) instead of adding a second one. A change that changes nothing bumps
nothing. Bad input raises `Invalid` with every problem listed, before anything
is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import Person
from ..errors import Invalid
from ..extensions import db
from ..timestamps import utcnow
from . import activity
from .models import Event, Session, SessionKind, WorkingGroup

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
# Runs of control characters (line breaks, tabs, NUL...): one-line texts get a space instead.
_CONTROL_RUNS = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class SessionInput:
    """What an organiser entered for a session; times already as UTC instants."""

    title: str
    kind: SessionKind
    starts_at: datetime
    ends_at: datetime
    working_group_key: str = ""
    public: bool = False
    description: str = ""
    location: str = ""
    join_url: str = ""


# --- local times ----------------------------------------------------------------------------


# --- validation -----------------------------------------------------------------------------


def _clean_line(text: str) -> str:
    return _CONTROL_RUNS.sub(" ", text or "").strip()


def _valid_url(url: str) -> bool:
    if len(url) > 1000 or any(c.isspace() or ord(c) < 32 for c in url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(host) and "." in host


def _check(event: Event, data: SessionInput) -> tuple[SessionInput, WorkingGroup | None]:
    """The input cleaned, and its working group; Invalid with every problem otherwise."""
    problems = []
    title = _clean_line(data.title)
    if not title:
        problems.append(_("Give the session a title."))
    elif len(title) > 300:
        problems.append(_("The title is too long (at most 300 characters)."))
    if data.ends_at <= data.starts_at:
        problems.append(_("The session must end after it starts."))
    group = None
    if data.working_group_key:
        group = db.session.scalar(
            select(WorkingGroup).where(
                WorkingGroup.event_id == event.id, WorkingGroup.key == data.working_group_key
            )
        )
        if group is None:
            problems.append(
                _("There is no working group “%(key)s” in this event.", key=data.working_group_key)
            )
    elif data.kind == SessionKind.WORKING_GROUP:
        problems.append(_("A working-group session needs its working group."))
    location = _clean_line(data.location)
    if len(location) > 300:
        problems.append(_("The place is too long (at most 300 characters)."))
    join_url = (data.join_url or "").strip()
    if join_url and not _valid_url(join_url):
        problems.append(
            _("The video-call link must be a full web address starting with https:// (or http://).")
        )
    if problems:
        raise Invalid(_("The session was not saved."), problems=problems)
    cleaned = SessionInput(
        title=title,
        kind=data.kind,
        starts_at=data.starts_at.astimezone(UTC),
        ends_at=data.ends_at.astimezone(UTC),
        working_group_key=data.working_group_key,
        public=bool(data.public),
        description=(data.description or "").strip(),
        location=location,
        join_url=join_url,
    )
    return cleaned, group


def check_new_key(event: Event, key: str) -> str:
    key = (key or "").strip().lower()
    if not KEY_PATTERN.match(key):
        raise Invalid(
            _("The session was not saved."),
            problems=[
                _(
                    "The key may hold lower-case letters, digits and hyphens (at most 64), like "
                    "“wg1-meeting-2”. Calendars use it to recognise the session, so it cannot change "
                    "later."
                )
            ],
        )
    taken = db.session.scalar(
        select(Session.id).where(Session.event_id == event.id, Session.key == key)
    )
    if taken is not None:
        raise Invalid(
            _("The session was not saved."),
            problems=[_("The key “%(key)s” is taken by another session of this event.", key=key)],
        )
    return key


# --- changes --------------------------------------------------------------------------------


def _touch(session: Session) -> None:
    """Tell calendars the session changed: a higher SEQUENCE and a new LAST-MODIFIED."""
    session.sequence = (session.sequence or 0) + 1
    session.updated_at = utcnow()


def _values(data: SessionInput, group: WorkingGroup | None) -> dict:
    values = {f.name: getattr(data, f.name) for f in fields(data) if f.name != "working_group_key"}
    values["working_group"] = group
    return values


def add_session(event: Event, key: str, data: SessionInput, *, by: Person | None = None) -> Session:
    """A new session in `event`; its key (and so its calendar UID) is fixed from now on."""
    problems = []
    try:
        key = check_new_key(event, key)
    except Invalid as error:
        problems += error.problems
    try:
        data, group = _check(event, data)
    except Invalid as error:
        problems += error.problems
    if problems:
        raise Invalid(_("The session was not saved."), problems=problems)
    now = utcnow()
    session = Session(
        event=event, key=key, sequence=0, created_at=now, updated_at=now, **_values(data, group)
    )
    db.session.add(session)
    activity.record(event, by, "session.add", session=key)
    db.session.flush()
    return session


def edit_session(session: Session, data: SessionInput, *, by: Person | None = None) -> bool:
    """Apply the organiser's edits; whether anything changed (only then SEQUENCE goes up)."""
    data, group = _check(session.event, data)
    changed = []
    for name, value in _values(data, group).items():
        if getattr(session, name) != value:
            setattr(session, name, value)
            changed.append(name)
    if changed:
        _touch(session)
        activity.record(session.event, by, "session.edit", session=session.key, fields=changed)
        db.session.flush()
    return bool(changed)


def move_session(
    session: Session,
    starts_at: datetime,
    ends_at: datetime | None = None,
    *,
    by: Person | None = None,
) -> bool:
    """New times; without an end, the session keeps its length."""
    ends_at = ends_at or starts_at + (session.ends_at - session.starts_at)
    if ends_at <= starts_at:
        raise Invalid(
            _("The session was not moved."), problems=[_("The session must end after it starts.")]
        )
    if (session.starts_at, session.ends_at) == (starts_at, ends_at):
        return False
    was = session.starts_at
    session.starts_at, session.ends_at = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    _touch(session)
    activity.record(
        session.event,
        by,
        "session.move",
        session=session.key,
        starts=session.starts_at.isoformat(),
        ends=session.ends_at.isoformat(),
        was_starts=was.isoformat(),
    )
    db.session.flush()
    return True


def cancel_session(session: Session, *, by: Person | None = None) -> bool:
    """Cancel (never delete: calendars must learn of it); False if it already was."""
    if session.cancelled:
        return False
    session.cancelled = True
    _touch(session)
    activity.record(session.event, by, "session.cancel", session=session.key)
    db.session.flush()
    return True


def restore_session(session: Session, *, by: Person | None = None) -> bool:
    """Undo a cancellation; False if it was not cancelled."""
    if not session.cancelled:
        return False
    session.cancelled = False
    _touch(session)
    activity.record(session.event, by, "session.restore", session=session.key)
    db.session.flush()
    return True
