"""Booking bilaterals: accepting a time, cancelling, and organisers' moves and cancellations.

Accepting is the one operation that must hold under concurrency: it locks the request, then
both people (in id order), then the window, before checking that nobody is busy and a table
is free; the unique bookings in models.py are the last guard, and
tests/bilaterals/test_concurrency.py races acceptances on PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.models import Person
from ..errors import Conflict, Invalid, NotAllowed, NotFound
from ..extensions import db
from ..programme.models import BilateralWindow, Event
from . import notify, rules, service
from .models import Bilateral, BilateralBooking, BilateralState

OPEN = (BilateralState.PENDING, BilateralState.ACCEPTED)


def _lock(bilateral_id: int) -> Bilateral:
    """The request, re-read under a row lock (PostgreSQL; SQLite has one writer anyway)."""
    locked = db.session.scalar(
        select(Bilateral)
        .where(Bilateral.id == bilateral_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked is None:
        raise NotFound(_("There is no such meeting request."))
    return locked


def _lock_people(people: list[Person]) -> None:
    # Always in id order, so two acceptances sharing a person cannot deadlock.
    db.session.execute(
        select(Person.id)
        .where(Person.id.in_([p.id for p in people]))
        .order_by(Person.id)
        .with_for_update()
    ).all()


def _book(bilateral: Bilateral, starts: datetime, ends: datetime, place: str | None) -> None:
    """Claim the two people's time and the table, or raise Conflict (nothing claimed)."""
    people = [bilateral.requester, bilateral.invitee]
    _lock_people(people)
    for person in people:
        if rules.busy(person, starts, ends, besides=bilateral.id):
            if person.id == bilateral.invitee_id:
                raise Conflict(_("The other person is no longer free at that time."))
            raise Conflict(_("You already have something else at that time."))
    window = bilateral.window
    if window is not None and window.tables:
        db.session.execute(
            select(BilateralWindow.id).where(BilateralWindow.id == window.id).with_for_update()
        ).all()
        taken = rules.taken_places(window.id, starts, besides=bilateral.id)
        if place is None:
            place = next((t for t in window.tables if t not in taken), None)
            if place is None:
                raise Conflict(_("Every table is taken at that time. Choose another time."))
        elif place in taken or place not in window.tables:
            raise Conflict(_("That table is taken at that time."))
    db.session.execute(
        BilateralBooking.__table__.delete().where(BilateralBooking.bilateral_id == bilateral.id)
    )
    rows = [
        BilateralBooking(bilateral_id=bilateral.id, person_id=p.id, starts_at=starts, ends_at=ends)
        for p in people
    ]
    if window is not None and window.tables:
        rows.append(
            BilateralBooking(
                bilateral_id=bilateral.id,
                window_id=window.id,
                place=place,
                starts_at=starts,
                ends_at=ends,
            )
        )
    try:
        with db.session.begin_nested():
            db.session.add_all(rows)
    except IntegrityError:
        raise Conflict(
            _("Someone else was booked at that time a moment ago. Choose another time.")
        ) from None
    bilateral.starts_at, bilateral.ends_at = starts, ends
    bilateral.place = place or ""


def accept(bilateral: Bilateral, person: Person, *, slot_id: int, now: datetime) -> Bilateral:
    """Take one of the proposed times: the meeting is booked for both, with a table if needed."""
    bilateral = _lock(bilateral.id)
    service.require_turn(person, bilateral)
    slot = next((s for s in bilateral.current_slots if s.id == slot_id), None)
    if slot is None:
        raise Invalid(_("Choose one of the times proposed."))
    if slot.starts_at <= now:
        raise Invalid(_("That time has passed. Propose other times instead."))
    if bilateral.invitee_id is None:
        bilateral.invitee = person
    _book(bilateral, slot.starts_at, slot.ends_at, None)
    if not (bilateral.window and bilateral.window.tables):
        bilateral.call_url = bilateral.call_url or (
            bilateral.window.call_url if bilateral.window else ""
        )
    bilateral.state = BilateralState.ACCEPTED
    bilateral.awaiting_id = None
    bilateral.message = ""
    bilateral.sequence += 1
    bilateral.updated_at = now
    db.session.flush()
    notify.queue(notify.ACCEPTED, bilateral, [bilateral.requester, bilateral.invitee])
    return bilateral


def cancel(bilateral: Bilateral, person: Person, *, now: datetime, message: str = "") -> Bilateral:
    """Either side calls it off (a request or a booked meeting); the time is freed."""
    bilateral = _lock(bilateral.id)
    if person.id not in bilateral.party_ids:
        raise NotAllowed(_("Only the two people meeting can cancel this."))
    return _cancel(bilateral, person, now=now, message=message)


def _cancel(bilateral: Bilateral, person: Person, *, now: datetime, message: str) -> Bilateral:
    if bilateral.state not in OPEN:
        raise Conflict(_("This meeting was already declined or cancelled."))
    was_booked = bilateral.state == BilateralState.ACCEPTED
    bilateral.state = BilateralState.CANCELLED
    bilateral.cancelled_by_id = person.id
    bilateral.awaiting_id = None
    bilateral.message = service.clean_message(message)
    bilateral.updated_at = now
    if was_booked:
        bilateral.sequence += 1
    db.session.execute(
        BilateralBooking.__table__.delete().where(BilateralBooking.bilateral_id == bilateral.id)
    )
    db.session.flush()
    told = [p for p in (bilateral.requester, bilateral.invitee) if p is not None]
    if person.id in bilateral.party_ids:
        told = [p for p in told if p.id != person.id] + ([person] if was_booked else [])
    notify.queue(notify.CANCELLED, bilateral, told)
    return bilateral


# --- organisers -----------------------------------------------------------------------------


def schedule(event: Event) -> list[tuple[BilateralWindow | None, list[Bilateral]]]:
    """Booked meetings by window (None: outside the windows), each by time and table."""
    booked = db.session.scalars(
        select(Bilateral)
        .options(selectinload(Bilateral.requester), selectinload(Bilateral.invitee))
        .where(Bilateral.event_id == event.id, Bilateral.state == BilateralState.ACCEPTED)
        .order_by(Bilateral.starts_at, Bilateral.place)
    )
    by_window: dict[int | None, list[Bilateral]] = {}
    for b in booked:
        by_window.setdefault(b.window_id, []).append(b)
    out = [(w, by_window.pop(w.id, [])) for w in service.windows(event)]
    outside = [b for bs in by_window.values() for b in bs]
    if outside:
        out.append((None, sorted(outside, key=lambda b: b.starts_at)))
    return out


def organiser_cancel(
    bilateral: Bilateral, organiser: Person, *, now: datetime, reason: str = ""
) -> Bilateral:
    """An organiser calls a meeting off; both people are told, and the log keeps it."""
    bilateral = _lock(bilateral.id)
    _cancel(bilateral, organiser, now=now, message=reason)
    notify.record(organiser, "bilateral.cancel", bilateral, reason)
    return bilateral


def organiser_move(
    bilateral: Bilateral,
    organiser: Person,
    *,
    starts: datetime,
    now: datetime,
    place: str | None = None,
    reason: str = "",
) -> Bilateral:
    """An organiser moves a booked meeting to another slot of its window and/or another table."""
    bilateral = _lock(bilateral.id)
    if bilateral.state != BilateralState.ACCEPTED:
        raise Conflict(_("Only a booked meeting can be moved."))
    window = bilateral.window
    length = bilateral.ends_at - bilateral.starts_at
    if window is not None and (starts, starts + length) not in set(window.slots()):
        raise Invalid(_("Choose one of the window's slots."))
    if starts <= now:
        raise Invalid(_("Choose a time that has not started yet."))
    _book(bilateral, starts, starts + length, place or None)
    bilateral.sequence += 1
    bilateral.updated_at = now
    bilateral.message = service.clean_message(reason)
    db.session.flush()
    notify.queue(notify.MOVED, bilateral, [bilateral.requester, bilateral.invitee])
    notify.record(organiser, "bilateral.move", bilateral, reason)
    return bilateral
