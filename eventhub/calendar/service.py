"""Calendars: who sees which sessions, turned into plain `Entry` values for feeds.py.

Access is decided here, with `eventhub.permissions.may`, once per session: a
session appears if the viewer may see it. No calendar ever carries a video-call
link (a feed is fetched at any time, by any app, and an add-to-calendar link
hands its text to a third party): a member the call is for (`session.join_link`)
gets the session page's address instead, which shows the link when
`programme.service.join_link` allows. Everything else is plain data.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..accounts.models import Person
from ..errors import NotFound
from ..extensions import db
from ..permissions import may
from ..programme.models import Event, Membership, Role, Session, WorkingGroup, WorkingGroupLead
from .feeds import Entry, Feed, build_feed, session_uid

# --- URLs -----------------------------------------------------------------------------------

# The agreed URL scheme, used when an endpoint is not registered (e.g. a CLI run of a partial app).


def absolute_url(endpoint: str, **values) -> str:
    """An absolute URL: the request's host in a request, else the configured BASE_URL."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for(endpoint, _external=True, **values)


def webcal_url(https_url: str) -> str:
    """The same feed as a `webcal://` link, which calendar apps open as a subscription."""
    scheme, sep, rest = https_url.partition("://")
    return f"webcal://{rest}" if sep and scheme in ("http", "https") else https_url


# --- loading --------------------------------------------------------------------------------


def _sessions_query():
    return (
        select(Session)
        .options(
            selectinload(Session.event),
            selectinload(Session.working_group).selectinload(WorkingGroup.guiding_questions),
            selectinload(Session.working_group)
            .selectinload(WorkingGroup.leads)
            .selectinload(WorkingGroupLead.network),
        )
        .order_by(Session.starts_at, Session.key)
    )


def _event_sessions(event: Event) -> list[Session]:
    return list(db.session.scalars(_sessions_query().where(Session.event_id == event.id)))


STAFF = frozenset({Role.ORGANISER, Role.FACILITATOR, Role.RAPPORTEUR})


# --- entries --------------------------------------------------------------------------------


class _Describer:
    """Session descriptions, with each working group's part written once per feed."""

    def __init__(self):
        self._groups: dict[int, str] = {}

    def group_text(self, group: WorkingGroup) -> str:
        if group.id not in self._groups:
            lines = [_("Working group: %(title)s", title=group.title)]
            leads = ", ".join(n.acronym or n.name for n in group.lead_networks)
            if leads:
                lines.append(_("Led by: %(networks)s", networks=leads))
            if group.guiding_questions:
                lines += ["", _("Guiding questions:")]
                lines += [f"{q.position}. {q.text}" for q in group.guiding_questions]
            self._groups[group.id] = "\n".join(lines)
        return self._groups[group.id]

    def describe(self, session: Session, call_page: str) -> str:
        parts = []
        if session.cancelled:
            parts.append(_("This session is cancelled."))
        if session.description:
            parts.append(session.description.strip())
        if session.working_group is not None:
            parts.append(self.group_text(session.working_group))
        if call_page:
            parts.append(
                _(
                    "Video call: the link to join appears on the session page %(minutes)d "
                    "minutes before the start: %(url)s",
                    minutes=current_app.config["JOIN_LINK_LEAD_MINUTES"],
                    url=call_page,
                )
            )
        return "\n\n".join(parts)


def _summary(session: Session) -> str:
    if session.cancelled:
        return _("Cancelled: %(title)s", title=session.title)
    return session.title


def session_url(session: Session, *, in_room: bool) -> str:
    """The session's page, or its working group's room for a member who may enter it."""
    if in_room and session.working_group is not None:
        return absolute_url("rooms.room", slug=session.event.slug, key=session.working_group.key)
    return absolute_url("programme.session", slug=session.event.slug, key=session.key)


def entry_for(
    session: Session, *, member: bool, in_room: bool = False, describer: _Describer | None = None
) -> Entry:
    """The calendar entry for one session; for a `member` the call is for, where to join it."""
    describer = describer or _Describer()
    call_page = (
        absolute_url("programme.session", slug=session.event.slug, key=session.key)
        if member and session.join_url and not session.cancelled
        else ""
    )
    return Entry(
        uid=session_uid(session.event.slug, session.key),
        summary=_summary(session),
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        sequence=session.sequence,
        created=session.created_at,
        last_modified=session.updated_at,
        description=describer.describe(session, call_page),
        url=session_url(session, in_room=in_room),
        location=session.location,
        cancelled=session.cancelled,
        categories=(session.working_group.title,) if session.working_group else (),
    )


def entries_for(viewer: Person | None, sessions: Iterable[Session]) -> list[Entry]:
    """The sessions `viewer` may see; where she may join the call, the page to join it from."""
    describer = _Describer()
    entries = []
    for session in sessions:
        if not may(viewer, "session.view", session):
            continue
        member = may(viewer, "session.join_link", session)
        in_room = (
            member
            and session.working_group is not None
            and may(viewer, "group.enter_room", session.working_group)
        )
        entries.append(entry_for(session, member=member, in_room=in_room, describer=describer))
    return entries


# --- feeds ----------------------------------------------------------------------------------


def event_feed(event: Event, viewer: Person | None) -> bytes:
    """The whole event as `viewer` may see it (anonymous: the public sessions, no call links)."""
    return build_feed(
        Feed(
            name=event.title,
            description=event.host,
            entries=entries_for(viewer, _event_sessions(event)),
        )
    )


def public_feed(event: Event) -> bytes:
    """The public sessions only, for anyone; never a video-call link."""
    return event_feed(event, None)


def organiser_feed(event: Event) -> bytes:
    """Every session (public or not, cancelled ones too) without any video-call link: the CLI's export."""
    describer = _Describer()
    entries = [entry_for(s, member=False, describer=describer) for s in _event_sessions(event)]
    return build_feed(Feed(name=event.title, description=event.host, entries=entries))


def group_feed(group: WorkingGroup, viewer: Person | None) -> bytes:
    """One working group's sessions as `viewer` may see them."""
    sessions = db.session.scalars(_sessions_query().where(Session.working_group_id == group.id))
    name = _("%(group)s · %(event)s", group=group.title, event=group.event.title)
    return build_feed(Feed(name=name, entries=entries_for(viewer, sessions)))


def session_feed(session: Session, viewer: Person | None) -> bytes:
    """One session, as a calendar file to open or import."""
    return build_feed(Feed(name=session.event.title, entries=entries_for(viewer, [session])))


def agenda_sessions(person: Person) -> list[Session]:
    """Her agenda: in every event she belongs to, the plenaries and her working groups' sessions."""
    mine = list(db.session.scalars(select(Membership).where(Membership.person_id == person.id)))
    # Narrowed in SQL to what can be hers (a thousand-session event stays quick); the rules
    # below have the last word.
    group_ids = {m.working_group_id for m in mine if m.working_group_id is not None}
    # Event-wide staff belong to every group of the event (permissions.is_group_member).
    staff_events = {m.event_id for m in mine if m.working_group_id is None and m.role in STAFF}
    sessions = db.session.scalars(
        _sessions_query().where(
            Session.event_id.in_({m.event_id for m in mine}),
            or_(
                Session.working_group_id.is_(None),
                Session.working_group_id.in_(group_ids),
                Session.event_id.in_(staff_events),
            ),
        )
    )
    return [
        s
        for s in sessions
        if may(person, "session.join_link", s)
        or (s.working_group is None and may(person, "session.view", s))
    ]


def personal_feed(person: Person) -> bytes:
    """Her own agenda, in her language, with the call links of the sessions she takes part in,
    and her booked bilaterals (cancelled ones stay, as STATUS:CANCELLED, so calendars drop them)."""
    from ..bilaterals import ics as bilateral_ics
    from ..bilaterals import service as bilaterals

    with force_locale(person.language or "en"):
        name = _("EventHub: %(name)s's agenda", name=person.public_name)
        entries = entries_for(person, agenda_sessions(person))
        entries += [
            bilateral_ics.entry_for(
                b,
                person,
                url=absolute_url("bilaterals.detail", slug=b.event.slug, bilateral_id=b.id),
            )
            for b in bilaterals.mine(person)
            if bilateral_ics.in_calendars(b)
        ]
        return build_feed(Feed(name=name, entries=entries))


# --- subscription tokens --------------------------------------------------------------------


def person_for_token(token: str) -> Person:
    """The active person whose subscription token this is, or NotFound (unknown or revoked)."""
    person = None
    if token and 20 <= len(token) <= 64:
        person = db.session.scalar(select(Person).where(Person.calendar_token == token))
    if person is None or not person.active:
        raise NotFound(_("This calendar address is unknown or was revoked."))
    return person


def regenerate_token(person: Person) -> str:
    """A new subscription token; the old address stops working at once."""
    token = person.regenerate_calendar_token()
    db.session.flush()
    return token


def revoke_token(person: Person) -> None:
    person.calendar_token = None
    db.session.flush()


def subscription_url(person: Person) -> str | None:
    """Her personal feed's https URL, or None if she has no token."""
    if not person.calendar_token:
        return None
    return absolute_url("calendar.personal", token=person.calendar_token)


# --- Google Calendar ------------------------------------------------------------------------


def google_calendar_url(session: Session, viewer: Person | None) -> str:
    """A Google Calendar 'add event' link: never the call link (Google would hold it), but for
    someone who may join, the session page that shows it in time."""
    entry = entry_for(session, member=may(viewer, "session.join_link", session))

    def stamp(instant: datetime) -> str:
        return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    params = {
        "action": "TEMPLATE",
        "text": entry.summary,
        "dates": f"{stamp(entry.starts_at)}/{stamp(entry.ends_at)}",
        "details": "\n\n".join(p for p in (entry.description, entry.url) if p),
    }
    if entry.location:
        params["location"] = entry.location
    return "https://calendar.google.com/calendar/render?" + urlencode(params)
