"""Reading the programme: loaders for URLs, her events, what is on, sessions by day, group people."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..accounts.models import Person
from ..errors import NotFound
from ..extensions import db
from ..permissions import may
from .models import Event, Membership, Role, Session, WorkingGroup

# --- loaders: URL arguments to objects, for `requires(action, load=...)` -------------------


def event_by_slug(slug: str, **_ignored) -> Event:
    """The event with this slug, or NotFound."""
    event = db.session.scalar(select(Event).where(Event.slug == slug)) if len(slug) <= 100 else None
    if event is None:
        raise NotFound(_("There is no event at this address."))
    return event


def session_by_key(slug: str, key: str, **_ignored) -> Session:
    """A session of the event, by its key, or NotFound."""
    event = event_by_slug(slug)
    session = db.session.scalar(
        select(Session).where(Session.event_id == event.id, Session.key == key)
    )
    if session is None:
        raise NotFound(_("This event has no such session."))
    return session


def group_by_key(slug: str, key: str, **_ignored) -> WorkingGroup:
    """A working group of the event, by its key, or NotFound."""
    event = event_by_slug(slug)
    group = db.session.scalar(
        select(WorkingGroup).where(WorkingGroup.event_id == event.id, WorkingGroup.key == key)
    )
    if group is None:
        raise NotFound(_("This event has no such working group."))
    # The event just read is the group's: without this, `group.event` (every access rule asks
    # it) reads it again once the request holds it no more (the session keeps no object alive).
    set_committed_value(group, "event", event)
    return group


# --- her events and public sessions ---------------------------------------------------------


def events_of(person: Person) -> list[Event]:
    """The events she has any role in, the latest first."""
    return list(
        db.session.scalars(
            select(Event)
            .join(Membership, Membership.event_id == Event.id)
            .where(Membership.person_id == person.id)
            .distinct()
            .order_by(Event.starts.desc(), Event.title)
        )
    )


def public_sessions(now: datetime, limit: int = 50) -> list[Session]:
    """Public sessions of every event: those not yet over first (soonest first), then past ones."""
    upcoming = list(
        db.session.scalars(
            select(Session)
            .options(selectinload(Session.event))
            .where(Session.public.is_(True), Session.ends_at >= now)
            .order_by(Session.starts_at)
            .limit(limit)
        )
    )
    past = list(
        db.session.scalars(
            select(Session)
            .options(selectinload(Session.event))
            .where(Session.public.is_(True), Session.ends_at < now)
            .order_by(Session.starts_at.desc())
            .limit(max(0, limit - len(upcoming)))
        )
    )
    return upcoming + past


# --- what is on -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NowAndNext:
    now: list[Session]
    next: list[Session]


def now_and_next(event: Event, now: datetime) -> NowAndNext:
    """Sessions under way at `now`, and the next ones to start (all those sharing the next start)."""
    live = [s for s in event.sessions if not s.cancelled and s.starts_at <= now < s.ends_at]
    later = [s for s in event.sessions if not s.cancelled and s.starts_at > now]
    if not later:
        return NowAndNext(now=live, next=[])
    first = min(s.starts_at for s in later)
    return NowAndNext(now=live, next=[s for s in later if s.starts_at == first])


def sessions_by_day(sessions: list[Session], zone: ZoneInfo) -> list[tuple[date, list[Session]]]:
    """Sessions grouped by the day they start on in `zone`, in order of start."""
    ordered = sorted(sessions, key=lambda s: (s.starts_at, s.ends_at, s.title))
    return [
        (day, list(group))
        for day, group in groupby(ordered, key=lambda s: s.starts_at.astimezone(zone).date())
    ]


def visible_sessions(event: Event, may_view) -> list[Session]:
    """The event's sessions that `may_view(session)` allows."""
    return [s for s in event.sessions if may_view(s)]


class JoinLink(enum.StrEnum):
    NONE = "none"  # no link set, or the session is cancelled
    LATER = "later"  # shown from `opens_at`
    OPEN = "open"
    OVER = "over"


@dataclass(frozen=True)
class JoinLinkState:
    state: JoinLink
    opens_at: datetime | None = None


def join_link(person: Person | None, session: Session, now: datetime) -> JoinLinkState:
    """The one rule for the video-call link, wherever it could appear: only for a member the call
    is for (rule "session.join_link": not an observer, not removed from its room), and only from
    JOIN_LINK_LEAD_MINUTES before the start to the end. Feeds and add-to-calendar links never
    carry it; they link to the session page, which shows it when this allows."""
    if not may(person, "session.join_link", session):
        return JoinLinkState(JoinLink.NONE)
    return join_link_state(session, now, current_app.config["JOIN_LINK_LEAD_MINUTES"])


def join_link_state(session: Session, now: datetime, lead_minutes: int) -> JoinLinkState:
    """Whether a member sees the video-call link now: from `lead_minutes` before start to the end."""
    if not session.join_url or session.cancelled:
        return JoinLinkState(JoinLink.NONE)
    opens_at = session.starts_at - timedelta(minutes=lead_minutes)
    if now < opens_at:
        return JoinLinkState(JoinLink.LATER, opens_at)
    if now > session.ends_at:
        return JoinLinkState(JoinLink.OVER, opens_at)
    return JoinLinkState(JoinLink.OPEN, opens_at)


# --- working group people -------------------------------------------------------------------

# Facilitators first, then rapporteurs, participants, observers.
_ROLE_ORDER = {
    Role.FACILITATOR: 0,
    Role.RAPPORTEUR: 1,
    Role.ORGANISER: 2,
    Role.PARTICIPANT: 3,
    Role.OBSERVER: 4,
}


@dataclass(frozen=True)
class GroupPerson:
    person: Person
    role: Role


def group_people(group: WorkingGroup) -> list[GroupPerson]:
    """Members of the group itself, one row each with her most active role, facilitators first."""
    rows = db.session.scalars(
        select(Membership)
        .options(selectinload(Membership.person))
        .where(Membership.working_group_id == group.id)
    )
    best: dict[int, Membership] = {}
    for m in rows:
        if not m.person.active:
            continue
        kept = best.get(m.person_id)
        if kept is None or _ROLE_ORDER[m.role] < _ROLE_ORDER[kept.role]:
            best[m.person_id] = m
    people = [GroupPerson(m.person, m.role) for m in best.values()]
    return sorted(people, key=lambda p: (_ROLE_ORDER[p.role], p.person.public_name.casefold()))
