"""Quick polls in a room: a facilitator opens one (single choice, several choices, or a 1-5
scale), members answer once and may change their answer until it closes, everyone sees counts.

Who chose what never leaves this module: the serialisers get counts and her own choices only.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import Person
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..timestamps import utcnow
from .models import Poll, PollAnswer, PollKind, Room

MAX_QUESTION = 300
MAX_OPTION = 200
MIN_OPTIONS, MAX_OPTIONS = 2, 10
SCALE = ["1", "2", "3", "4", "5"]
SHOWN = 3  # polls a joining member receives: the open one and the last closed ones


def open_poll(
    room: Room, person: Person, question: str, kind: str, options: Iterable[str] = ()
) -> Poll:
    """Open a poll; refuses a second open one in the same room (close the first)."""
    question, problems = _checked_question(question)
    try:
        kind = PollKind(kind)
    except ValueError:
        problems.append(_("A poll is single choice, several choices or a scale from 1 to 5."))
        kind = None
    cleaned, option_problems = _checked_options(kind, options)
    problems += option_problems
    if problems:
        message = problems[0] if len(problems) == 1 else _("The poll was not opened.")
        raise Invalid(message, problems=problems)
    if open_poll_of(room) is not None:
        raise Conflict(_("A poll is already open in this room. Close it before opening another."))
    poll = Poll(room=room, question=question, kind=kind, options=cleaned, opened_by=person)
    db.session.add(poll)
    db.session.flush()
    return poll


def _checked_question(question: str) -> tuple[str, list[str]]:
    question = (question or "").strip()
    if not question:
        return question, [_("Write the poll's question.")]
    if len(question) > MAX_QUESTION:
        return question, [_("The question can have at most %(max)d characters.", max=MAX_QUESTION)]
    return question, []


def _checked_options(kind: PollKind | None, options: Iterable[str]) -> tuple[list[str], list[str]]:
    """The options as stored (a scale's are 1 to 5), and what is wrong with those given."""
    cleaned = [o.strip() for o in options if o and o.strip()]
    if kind is None:
        return cleaned, []
    if kind == PollKind.SCALE:
        return list(SCALE), [_("A scale from 1 to 5 takes no options.")] if cleaned else []
    problems = []
    if not MIN_OPTIONS <= len(cleaned) <= MAX_OPTIONS:
        problems.append(
            _("Give between %(min)d and %(max)d options.", min=MIN_OPTIONS, max=MAX_OPTIONS)
        )
    if any(len(o) > MAX_OPTION for o in cleaned):
        problems.append(_("An option can have at most %(max)d characters.", max=MAX_OPTION))
    if len({o.casefold() for o in cleaned}) != len(cleaned):
        problems.append(_("Two options are the same."))
    return cleaned, problems


def open_poll_of(room: Room) -> Poll | None:
    return db.session.scalar(
        select(Poll).where(Poll.room_id == room.id, Poll.closed_at.is_(None)).limit(1)
    )


def get_poll(room: Room, poll_id: int) -> Poll:
    poll = db.session.get(Poll, poll_id)
    if poll is None or poll.room_id != room.id:
        raise NotFound(_("There is no such poll in this room."))
    return poll


def answer(poll: Poll, person: Person, choices: list[int]) -> PollAnswer:
    """Her answer, new or changed; refused once the poll is closed."""
    if not poll.is_open:
        raise Conflict(_("This poll is closed; answers can no longer change."))
    unique = sorted(set(choices))
    if len(unique) != len(choices) or not all(0 <= c < len(poll.options) for c in choices):
        raise Invalid(_("Choose among the poll's options."))
    if poll.kind != PollKind.MULTIPLE and len(unique) != 1:
        raise Invalid(_("Choose one option."))
    if not unique:
        raise Invalid(_("Choose at least one option."))
    mine = db.session.scalar(
        select(PollAnswer).where(PollAnswer.poll_id == poll.id, PollAnswer.person_id == person.id)
    )
    if mine is None:
        mine = PollAnswer(poll=poll, person_id=person.id, choices=unique)
        db.session.add(mine)
    else:
        mine.choices = unique
        mine.answered_at = utcnow()
    db.session.flush()
    return mine


def close_poll(poll: Poll) -> Poll:
    if not poll.is_open:
        raise Conflict(_("This poll is already closed."))
    poll.closed_at = utcnow()
    db.session.flush()
    return poll


def results(poll: Poll) -> tuple[list[int], int]:
    """(count per option, number of people who answered): no names."""
    counts = [0] * len(poll.options)
    rows = db.session.scalars(select(PollAnswer.choices).where(PollAnswer.poll_id == poll.id))
    voters = 0
    for choices in rows:
        voters += 1
        for c in choices:
            if 0 <= c < len(counts):
                counts[c] += 1
    return counts, voters


def shown_polls(room: Room) -> list[Poll]:
    """The polls a member joining now sees: the latest few, newest first."""
    return list(
        db.session.scalars(
            select(Poll).where(Poll.room_id == room.id).order_by(Poll.id.desc()).limit(SHOWN)
        )
    )


def choices_of(person: Person, polls: Iterable[Poll]) -> dict[int, list[int]]:
    ids = [p.id for p in polls]
    if not ids:
        return {}
    rows = db.session.execute(
        select(PollAnswer.poll_id, PollAnswer.choices).where(
            PollAnswer.poll_id.in_(ids), PollAnswer.person_id == person.id
        )
    )
    return {row.poll_id: row.choices for row in rows}
