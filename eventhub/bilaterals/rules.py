"""Who may be asked, and when people are free: the checks behind every bilateral operation."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from ..accounts.models import Person
from ..extensions import db
from ..i18n import valid_zone
from ..permissions import TAKING_PART
from ..programme.models import Event, Membership, Role, Session, SessionKind
from .models import (
    Accepting,
    BilateralBlock,
    BilateralBooking,
    BilateralPreferences,
)

# Sessions that do not keep a member busy: the bilateral windows themselves, and breaks.
FREE_KINDS = (SessionKind.BILATERAL, SessionKind.BREAK)
STAFF = (Role.ORGANISER, Role.FACILITATOR, Role.RAPPORTEUR)


def preferences(person: Person) -> BilateralPreferences:
    """Her settings; the defaults (everyone, 09:00–17:00) when she never saved any."""
    found = db.session.get(BilateralPreferences, person.id)
    return found or BilateralPreferences(
        person_id=person.id, accepting=Accepting.EVERYONE, work_starts=9 * 60, work_ends=17 * 60
    )


def person_zone(person: Person, event: Event | None = None) -> ZoneInfo:
    """Her profile's zone, else the event's, else UTC."""
    return valid_zone(person.timezone) or (event.zone if event else ZoneInfo("UTC"))


def takes_part(person: Person, event: Event) -> bool:
    return (
        db.session.scalar(
            select(Membership.id)
            .where(
                Membership.person_id == person.id,
                Membership.event_id == event.id,
                Membership.role.in_(TAKING_PART),
            )
            .limit(1)
        )
        is not None
    )


def network_ids(person_id: int, event_id: int) -> set[int]:
    """The networks she takes part for in the event."""
    return set(
        db.session.scalars(
            select(Membership.network_id).where(
                Membership.person_id == person_id,
                Membership.event_id == event_id,
                Membership.network_id.is_not(None),
            )
        )
    )


def has_blocked(person_id: int, other_id: int) -> bool:
    return db.session.get(BilateralBlock, (person_id, other_id)) is not None


def accepts_from(invitee: Person, requester: Person, event: Event) -> bool:
    """Whether `requester` may ask `invitee`: her settings, her blocks, both take part, active."""
    if invitee.id == requester.id or not invitee.active:
        return False
    settings = preferences(invitee)
    if settings.accepting == Accepting.NOBODY or has_blocked(invitee.id, requester.id):
        return False
    if settings.accepting == Accepting.MY_NETWORKS and not (
        network_ids(invitee.id, event.id) & network_ids(requester.id, event.id)
    ):
        return False
    return takes_part(invitee, event)


def willing(event: Event, requester: Person) -> tuple[set[int], dict[int, set[int]]]:
    """Who in `event` would take a request from `requester` (as `accepts_from` decides, for
    everyone at once: a few queries, not a few per person), and each one's networks."""
    rows = db.session.execute(
        select(Membership.person_id, Membership.role, Membership.network_id).where(
            Membership.event_id == event.id
        )
    ).all()
    taking = {person_id for person_id, role, _n in rows if role in TAKING_PART}
    networks: dict[int, set[int]] = {}
    for person_id, _role, network_id in rows:
        if network_id is not None:
            networks.setdefault(person_id, set()).add(network_id)
    settings = {
        p.person_id: p.accepting
        for p in db.session.scalars(
            select(BilateralPreferences).where(BilateralPreferences.person_id.in_(taking))
        )
    }
    blockers = set(
        db.session.scalars(
            select(BilateralBlock.person_id).where(BilateralBlock.blocked_id == requester.id)
        )
    )
    hers = networks.get(requester.id, set())
    found = set()
    for person_id in taking - blockers - {requester.id}:
        accepting = settings.get(person_id, Accepting.EVERYONE)
        if accepting == Accepting.NOBODY:
            continue
        if accepting == Accepting.MY_NETWORKS and not (networks.get(person_id, set()) & hers):
            continue
        found.add(person_id)
    return found, networks


# --- busy times -----------------------------------------------------------------------------


def member_sessions(person: Person, starts: datetime, ends: datetime) -> list[Session]:
    """Sessions she is a member of (plenaries, her groups', every group's for event staff)
    overlapping [starts, ends), in every event she takes part in."""
    mine = list(
        db.session.scalars(
            select(Membership).where(
                Membership.person_id == person.id, Membership.role.in_(TAKING_PART)
            )
        )
    )
    if not mine:
        return []
    groups = {m.working_group_id for m in mine if m.working_group_id is not None}
    staff_events = {m.event_id for m in mine if m.working_group_id is None and m.role in STAFF}
    return list(
        db.session.scalars(
            select(Session).where(
                Session.event_id.in_({m.event_id for m in mine}),
                Session.cancelled.is_(False),
                Session.kind.not_in(FREE_KINDS),
                Session.starts_at < ends,
                Session.ends_at > starts,
                or_(
                    Session.working_group_id.is_(None),
                    Session.working_group_id.in_(groups),
                    Session.event_id.in_(staff_events),
                ),
            )
        )
    )


def booked(person_id: int, starts: datetime, ends: datetime, *, besides: int | None = None) -> bool:
    """Whether an accepted bilateral (other than `besides`) takes her time in [starts, ends)."""
    query = select(BilateralBooking.id).where(
        BilateralBooking.person_id == person_id,
        BilateralBooking.starts_at < ends,
        BilateralBooking.ends_at > starts,
    )
    if besides is not None:
        query = query.where(BilateralBooking.bilateral_id != besides)
    return db.session.scalar(query.limit(1)) is not None


def busy(person: Person, starts: datetime, ends: datetime, *, besides: int | None = None) -> bool:
    """Booked into a bilateral or a session she is a member of at any moment of [starts, ends)."""
    return booked(person.id, starts, ends, besides=besides) or bool(
        member_sessions(person, starts, ends)
    )


def taken_places(window_id: int, starts: datetime, *, besides: int | None = None) -> set[str]:
    query = select(BilateralBooking.place).where(
        BilateralBooking.window_id == window_id, BilateralBooking.starts_at == starts
    )
    if besides is not None:
        query = query.where(BilateralBooking.bilateral_id != besides)
    return set(db.session.scalars(query))


def table_use(window_id: int) -> dict[datetime, int]:
    """How many of the window's tables are booked, by slot start."""
    used: dict[datetime, int] = {}
    for starts in db.session.scalars(
        select(BilateralBooking.starts_at).where(BilateralBooking.window_id == window_id)
    ):
        used[starts] = used.get(starts, 0) + 1
    return used


# --- working hours --------------------------------------------------------------------------


def _within_hours(instant: datetime, length: timedelta, zone: ZoneInfo, prefs) -> bool:
    local = instant.astimezone(zone)
    start = local.hour * 60 + local.minute
    return prefs.work_starts <= start and start + length.total_seconds() // 60 <= prefs.work_ends


def within_working_hours(person: Person, starts: datetime, ends: datetime, event=None) -> bool:
    return _within_hours(starts, ends - starts, person_zone(person, event), preferences(person))


def busy_periods(
    person: Person, starts: datetime, ends: datetime
) -> list[tuple[datetime, datetime]]:
    """Her bilaterals and member sessions overlapping [starts, ends), as (start, end) pairs."""
    periods = [
        (b.starts_at, b.ends_at)
        for b in db.session.scalars(
            select(BilateralBooking).where(
                BilateralBooking.person_id == person.id,
                BilateralBooking.starts_at < ends,
                BilateralBooking.ends_at > starts,
            )
        )
    ]
    return periods + [(s.starts_at, s.ends_at) for s in member_sessions(person, starts, ends)]


def common_hours(
    people: list[Person],
    now: datetime,
    *,
    days: int,
    minutes: int,
    event: Event | None = None,
) -> list[tuple[datetime, datetime]]:
    """Slots over the coming `days` when everyone is within her working hours and free.

    Slots start on the half hour, at least an hour from now."""
    length = timedelta(minutes=minutes)
    step = timedelta(minutes=30)
    earliest = now + timedelta(hours=1)
    instant = earliest.replace(minute=0, second=0, microsecond=0)
    while instant < earliest:
        instant += step
    stop = now + timedelta(days=days)
    settings = [(person_zone(p, event), preferences(p)) for p in people]
    taken = [period for p in people for period in busy_periods(p, instant, stop)]
    found = []
    while instant + length <= stop:
        end = instant + length
        if all(_within_hours(instant, length, zone, prefs) for zone, prefs in settings) and not any(
            s < end and e > instant for s, e in taken
        ):
            found.append((instant, end))
        instant += step
    return found


def minutes_to_time(minutes: int) -> time:
    return time(23, 59) if minutes >= 24 * 60 else time(minutes // 60, minutes % 60)
