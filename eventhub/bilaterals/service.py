"""Bilateral operations: whom she may ask, free slots, asking, counter-proposing, declining;
her settings and blocks. Booking (accepting, cancelling, organisers' moves) is in booking.py.

Plain functions on models; they flush, the edge commits. Notifications are queued here and
sent after the commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..accounts.models import Person
from ..errors import Conflict, Invalid, NotAllowed, NotFound
from ..extensions import db
from ..programme.models import BilateralWindow, Event, Network, Session
from ..programme.service import events_of
from ..programme.windows import clean_call_url
from . import notify, rules
from .models import (
    Bilateral,
    BilateralBlock,
    BilateralPreferences,
    BilateralSlot,
    BilateralState,
)

MAX_SLOTS = 3
MAX_PURPOSE = 1000
MAX_MESSAGE = 1000
# Meetings outside the windows (online): their length, and how far ahead they may be.
OUTSIDE_MINUTES = 30
OUTSIDE_DAYS = 14


# --- loading --------------------------------------------------------------------------------


def bilateral_by_id(slug: str, bilateral_id: int, **_ignored) -> Bilateral:
    """A bilateral of the event, or NotFound."""
    found = db.session.scalar(
        select(Bilateral)
        .join(Event, Event.id == Bilateral.event_id)
        .where(Bilateral.id == bilateral_id, Event.slug == slug)
    )
    if found is None:
        raise NotFound(_("There is no such meeting request."))
    return found


def windows(event: Event) -> list[BilateralWindow]:
    """The event's bilateral windows that are not cancelled, in order."""
    return list(
        db.session.scalars(
            select(BilateralWindow)
            .join(Session, Session.id == BilateralWindow.session_id)
            .options(selectinload(BilateralWindow.session))
            .where(Session.event_id == event.id, Session.cancelled.is_(False))
            .order_by(Session.starts_at)
        )
    )


def mine(person: Person, event: Event | None = None) -> list[Bilateral]:
    """Her bilaterals (asked or asking), the latest first."""
    query = (
        select(Bilateral)
        .options(selectinload(Bilateral.slots), selectinload(Bilateral.event))
        .where(or_(Bilateral.requester_id == person.id, Bilateral.invitee_id == person.id))
        .order_by(Bilateral.updated_at.desc())
    )
    if event is not None:
        query = query.where(Bilateral.event_id == event.id)
    return list(db.session.scalars(query))


def network_requests(person: Person, event: Event) -> list[Bilateral]:
    """Requests to one of her networks that nobody has taken yet and that she could answer."""
    networks = rules.network_ids(person.id, event.id)
    if not networks:
        return []
    found = db.session.scalars(
        select(Bilateral).where(
            Bilateral.event_id == event.id,
            Bilateral.network_id.in_(networks),
            Bilateral.invitee_id.is_(None),
            Bilateral.state == BilateralState.PENDING,
            Bilateral.requester_id != person.id,
        )
    )
    return [b for b in found if rules.accepts_from(person, b.requester, event)]


def awaiting(person: Person, event: Event | None = None) -> list[Bilateral]:
    """Requests waiting for her answer: asked of her, countered to her, or to her networks."""
    waiting = [
        b
        for b in mine(person, event)
        if b.state == BilateralState.PENDING and may_answer(person, b)
    ]
    events = [event] if event is not None else events_of(person)
    for each in events:
        waiting += network_requests(person, each)
    return sorted(waiting, key=lambda b: b.updated_at)


def may_answer(person: Person, bilateral: Bilateral) -> bool:
    """Whether it is her turn: asked and awaited, or a member of the network asked."""
    if bilateral.state != BilateralState.PENDING or person.id == bilateral.requester_id:
        return bilateral.state == BilateralState.PENDING and bilateral.awaiting_id == person.id
    if bilateral.awaiting_id is not None:
        return bilateral.awaiting_id == person.id
    return bilateral.network_id in rules.network_ids(
        person.id, bilateral.event_id
    ) and rules.accepts_from(person, bilateral.requester, bilateral.event)


def askable_people(event: Event, requester: Person) -> list[Person]:
    """Who she may ask: those taking part who accept requests from her (blocks stay private)."""
    willing, _networks = rules.willing(event, requester)
    people = db.session.scalars(select(Person).where(Person.id.in_(willing), Person.active))
    return sorted(people, key=lambda p: p.public_name.casefold())


def askable_networks(event: Event, requester: Person) -> list[Network]:
    """Networks with at least one member (not her) who would take her request."""
    willing, networks = rules.willing(event, requester)
    offered = {n for person_id in willing for n in networks.get(person_id, ())}
    return [network for network in event.networks if network.id in offered]


def network_members(bilateral: Bilateral) -> list[Person]:
    """The members of the network asked who would take the request (they are told of it)."""
    willing, networks = rules.willing(bilateral.event, bilateral.requester)
    ids = {p for p in willing if bilateral.network_id in networks.get(p, ())}
    return list(db.session.scalars(select(Person).where(Person.id.in_(ids), Person.active)))


# --- slots ----------------------------------------------------------------------------------


def window_slots(
    window: BilateralWindow, people: list[Person], now: datetime
) -> list[tuple[datetime, datetime]]:
    """The window's slots still to come, with a table left, when none of `people` is busy."""
    slots = [(s, e) for s, e in window.slots() if s > now]
    if not slots:
        return []
    taken = [
        period
        for person in people
        for period in rules.busy_periods(person, slots[0][0], slots[-1][1])
    ]
    tables = rules.table_use(window.id) if window.tables else {}
    return [
        (starts, ends)
        for starts, ends in slots
        if tables.get(starts, 0) < len(window.tables) or not window.tables
        if not any(s < ends and e > starts for s, e in taken)
    ]


def outside_slots(
    people: list[Person], now: datetime, event: Event
) -> list[tuple[datetime, datetime]]:
    """Online slots outside the windows, within everyone's working hours, over the coming days."""
    return rules.common_hours(people, now, days=OUTSIDE_DAYS, minutes=OUTSIDE_MINUTES, event=event)


def _check_slots(
    slots: list[tuple[datetime, datetime]],
    window: BilateralWindow | None,
    people: list[Person],
    now: datetime,
    event: Event,
) -> list[tuple[datetime, datetime]]:
    slots = sorted(set(slots))
    if not 1 <= len(slots) <= MAX_SLOTS:
        raise Invalid(_("Propose one, two or three times."))
    if window is not None:
        allowed = set(window.slots())
        for slot in slots:
            if slot not in allowed:
                raise Invalid(_("Each time must be one of the window's slots."))
    else:
        allowed_outside = set(outside_slots(people, now, event))
        for slot in slots:
            if slot not in allowed_outside:
                raise Invalid(
                    _("Each time must fall within both people's working hours in the coming days.")
                )
    for starts, _ends in slots:
        if starts <= now:
            raise Invalid(_("Propose times that have not started yet."))
    return slots


def _purpose(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > MAX_PURPOSE:
        raise Invalid(_("The purpose is too long: at most %(max)d characters.", max=MAX_PURPOSE))
    return text


def clean_message(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > MAX_MESSAGE:
        raise Invalid(_("The message is too long: at most %(max)d characters.", max=MAX_MESSAGE))
    return text


# --- asking and answering -------------------------------------------------------------------


def ask(
    event: Event,
    requester: Person,
    *,
    slots: list[tuple[datetime, datetime]],
    now: datetime,
    invitee: Person | None = None,
    network: Network | None = None,
    window: BilateralWindow | None = None,
    purpose: str = "",
    call_url: str = "",
) -> Bilateral:
    """A new request to a person or a network, with one to three proposed times."""
    if (invitee is None) == (network is None):
        raise Invalid(_("Choose a person or a network to ask."))
    if not rules.takes_part(requester, event):
        raise NotAllowed(_("Only people taking part in the event can ask for a meeting."))
    if invitee is not None and not rules.accepts_from(invitee, requester, event):
        # The same answer for "does not take requests", "not from you" and "blocked you".
        raise NotAllowed(_("This person is not taking meeting requests from you."))
    if network is not None and (
        network.event_id != event.id or network not in askable_networks(event, requester)
    ):
        raise NotAllowed(_("Nobody in this network is taking meeting requests from you."))
    if window is not None and window.session.event_id != event.id:
        raise Invalid(_("This window is not part of the event."))
    _check_rate(requester, now)
    people = [requester] + ([invitee] if invitee else [])
    slots = _check_slots(slots, window, people, now, event)
    bilateral = Bilateral(
        event=event,
        requester=requester,
        invitee=invitee,
        network=network,
        window=window,
        purpose=_purpose(purpose),
        call_url=clean_call_url(call_url),
        state=BilateralState.PENDING,
        awaiting_id=invitee.id if invitee else None,
        created_at=now,
        updated_at=now,
    )
    bilateral.slots = [
        BilateralSlot(round=1, proposed_by_id=requester.id, starts_at=s, ends_at=e)
        for s, e in slots
    ]
    db.session.add(bilateral)
    db.session.flush()
    recipients = [invitee] if invitee else network_members(bilateral)
    notify.queue(notify.REQUESTED, bilateral, recipients)
    return bilateral


def _check_rate(requester: Person, now: datetime) -> None:
    limit = current_app.config["BILATERAL_REQUESTS_PER_HOUR"]
    sent = db.session.scalar(
        select(func.count(Bilateral.id)).where(
            Bilateral.requester_id == requester.id,
            Bilateral.created_at > now - timedelta(hours=1),
        )
    )
    if sent >= limit:
        raise NotAllowed(
            ngettext(
                "You have sent %(num)d meeting request in the last hour. "
                "Please wait a while before asking again.",
                "You have sent %(num)d meeting requests in the last hour. "
                "Please wait a while before asking again.",
                sent,
            )
        )


def require_turn(person: Person, bilateral: Bilateral) -> None:
    if bilateral.state != BilateralState.PENDING:
        raise Conflict(_("This request has already been answered."))
    if not may_answer(person, bilateral):
        raise NotAllowed(_("It is not your turn to answer this request."))


def counter_propose(
    bilateral: Bilateral,
    person: Person,
    *,
    slots: list[tuple[datetime, datetime]],
    now: datetime,
    message: str = "",
) -> Bilateral:
    """Answer with other times; the other side is then asked to choose."""
    require_turn(person, bilateral)
    if bilateral.invitee_id is None:
        bilateral.invitee = person  # a network's member takes the request on
    people = [bilateral.requester, bilateral.invitee]
    slots = _check_slots(slots, bilateral.window, people, now, bilateral.event)
    next_round = max((s.round for s in bilateral.slots), default=0) + 1
    for starts, ends in slots:
        bilateral.slots.append(
            BilateralSlot(
                round=next_round, proposed_by_id=person.id, starts_at=starts, ends_at=ends
            )
        )
    other = bilateral.other_party(person.id)
    bilateral.awaiting_id = other.id
    bilateral.message = clean_message(message)
    bilateral.updated_at = now
    db.session.flush()
    notify.queue(notify.COUNTERED, bilateral, [other])
    return bilateral


def decline(bilateral: Bilateral, person: Person, *, now: datetime, message: str = "") -> Bilateral:
    """Say no, with an optional message."""
    require_turn(person, bilateral)
    if bilateral.invitee_id is None:
        bilateral.invitee = person
    bilateral.state = BilateralState.DECLINED
    bilateral.awaiting_id = None
    bilateral.message = clean_message(message)
    bilateral.updated_at = now
    db.session.flush()
    notify.queue(notify.DECLINED, bilateral, [bilateral.other_party(person.id)])
    return bilateral


# --- her settings and blocks ----------------------------------------------------------------


def save_preferences(person: Person, *, accepting, work_starts: int, work_ends: int) -> None:
    if not 0 <= work_starts < work_ends <= 24 * 60:
        raise Invalid(_("Your working day must end after it starts."))
    settings = db.session.get(BilateralPreferences, person.id)
    if settings is None:
        settings = BilateralPreferences(person_id=person.id)
        db.session.add(settings)
    settings.accepting, settings.work_starts, settings.work_ends = accepting, work_starts, work_ends
    db.session.flush()


def block(person: Person, other: Person) -> None:
    """She blocks `other`: no more requests from her, and her open requests to `person` close."""
    if other.id == person.id:
        raise Invalid(_("You cannot block yourself."))
    if not rules.has_blocked(person.id, other.id):
        db.session.add(BilateralBlock(person_id=person.id, blocked_id=other.id))
    # Her pending requests from that person simply close; the person is not told why.
    for b in db.session.scalars(
        select(Bilateral).where(
            Bilateral.requester_id == other.id,
            Bilateral.invitee_id == person.id,
            Bilateral.state == BilateralState.PENDING,
        )
    ):
        b.state = BilateralState.DECLINED
        b.awaiting_id = None
    db.session.flush()


def unblock(person: Person, other_id: int) -> None:
    found = db.session.get(BilateralBlock, (person.id, other_id))
    if found is not None:
        db.session.delete(found)
        db.session.flush()


def blocked_people(person: Person) -> list[Person]:
    return [
        b.blocked
        for b in db.session.scalars(
            select(BilateralBlock)
            .options(selectinload(BilateralBlock.blocked))
            .where(BilateralBlock.person_id == person.id)
        )
    ]
