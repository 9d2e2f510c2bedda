"""Running a room: the current guiding question, the speaking queue, the countdown timer."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from ..accounts.models import Person
from ..errors import Invalid, NotFound
from ..extensions import db
from ..timestamps import utcnow
from . import voices
from .models import Hand, Room
from .service import may_enter, questions, removal


def set_question(room: Room, question_id: int | None) -> None:
    if question_id is None:
        room.current_question = None
    else:
        question = next((q for q in questions(room) if q.id == question_id), None)
        if question is None:
            raise Invalid(_("That guiding question does not belong to this room."))
        room.current_question = question
    db.session.flush()


def queue(room: Room) -> list[Hand]:
    """Hands in the order they were raised; when the facilitator asks for it, those not yet
    heard in this session first (each part still in the order raised)."""
    hands = list(
        db.session.scalars(
            select(Hand).where(Hand.room_id == room.id).order_by(Hand.raised_at, Hand.id)
        )
    )
    if room.first_time_first and len(hands) > 1:
        spoke = voices.speakers(room, voices.session_start(room))
        hands.sort(key=lambda h: h.person_id in spoke)  # stable: keeps the raised order
    return hands


def set_first_time_first(room: Room, on: bool) -> None:
    room.first_time_first = on
    db.session.flush()


def raise_hand(room: Room, person: Person) -> None:
    """Join the speaking queue; raising twice keeps her place."""
    if (
        db.session.scalar(select(Hand).where(Hand.room_id == room.id, Hand.person_id == person.id))
        is None
    ):
        db.session.add(Hand(room_id=room.id, person=person, raised_at=utcnow()))
        db.session.flush()


def lower_hand(room: Room, person: Person) -> None:
    db.session.execute(delete(Hand).where(Hand.room_id == room.id, Hand.person_id == person.id))
    db.session.flush()


def give_floor(room: Room, person: Person | None) -> None:
    """Give her the floor (she leaves the queue), or take it back with None."""
    if person is not None:
        if not may_enter(person, room) or removal(room, person) is not None:
            raise Invalid(_("Only someone in this room can be given the floor."))
        lower_hand(room, person)
    room.floor_person = person
    db.session.flush()


def clear_queue(room: Room) -> None:
    db.session.execute(delete(Hand).where(Hand.room_id == room.id))
    room.floor_person = None
    db.session.flush()


def start_timer(room: Room, seconds: int) -> datetime:
    if not 10 <= seconds <= 3600:
        raise Invalid(_("A timer runs between 10 seconds and one hour."))
    room.timer_ends_at = utcnow() + timedelta(seconds=seconds)
    db.session.flush()
    return room.timer_ends_at


def stop_timer(room: Room) -> None:
    room.timer_ends_at = None
    db.session.flush()


def person_in_event(room: Room, person_id: int) -> Person:
    """The person a facilitator acts on: she must be able to enter this room."""
    person = db.session.get(Person, person_id)
    if person is None or not may_enter(person, room):
        raise NotFound(_("That person is not a member of this room."))
    return person
