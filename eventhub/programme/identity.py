"""Who is who in an event: names nobody else in it can pass for, and the role mark beside a name.

Names compare by `accounts.names.name_key` ("Fatou", "FATOU", "Fa\u200btou" and "Ｆａｔｏｕ" are
one name). The name a person shows in an event (her display name, else her name) must differ
from every other member's shown name and real name there; `check_name_free` refuses it otherwise.

The role mark says who runs a room: `role_mark` gives it for one person, `marks` for everyone in
an event or working group in one query, `mark_of` from memberships already read (the rooms' hot
path). Participants and observers carry no mark.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts import service as accounts
from ..accounts.models import Person
from ..accounts.names import check_name_characters, name_key
from ..errors import Invalid
from ..extensions import db
from ..permissions import memberships
from .models import Event, Membership, Role, WorkingGroup

# The marked roles, the first one she has wins (in a group's room, its facilitator comes first).
MARKED_ROLES = (Role.FACILITATOR, Role.RAPPORTEUR, Role.ORGANISER)


def _shown_name(person: Person, display_name: str | None, name: str) -> str:
    return Person.public_name_of(display_name, name, person.email)


def _others_names(person_id: int | None, event_ids: Iterable[int]) -> dict[str, Person]:
    """Every other member of these events by the keys of her shown and real names."""
    event_ids = list(event_ids)
    if not event_ids:
        return {}
    query = (
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.event_id.in_(event_ids))
        .distinct()
    )
    if person_id is not None:
        query = query.where(Person.id != person_id)
    taken: dict[str, Person] = {}
    for other in db.session.scalars(query):
        for text in (other.public_name, other.name):
            key = name_key(text)
            if key:
                taken.setdefault(key, other)
    return taken


def _refuse_taken(shown: str) -> None:
    raise Invalid(
        _(
            "Someone in one of your events already goes by “%(name)s” (or a name that looks the "
            "same). Please choose another display name.",
            name=shown[:100],
        )
    )


def check_name_free(
    person: Person,
    *,
    display_name: str | None,
    name: str,
    events: Iterable[Event] | None = None,
) -> None:
    """Refuse the names she would show if another member of her events (or of `events`) shows or
    is called the same."""
    check_name_characters(display_name)
    check_name_characters(name)
    shown = _shown_name(person, display_name, name)
    event_ids = (
        {e.id for e in events}
        if events is not None
        else set(
            db.session.scalars(select(Membership.event_id).where(Membership.person_id == person.id))
        )
        if person.id is not None
        else set()
    )
    if name_key(shown) in _others_names(person.id, event_ids):
        _refuse_taken(shown)


def check_may_join(person: Person, event: Event) -> None:
    """Refuse a membership of `event` while her shown name passes for another member's there."""
    already = person.id is not None and db.session.scalar(
        select(Membership.id)
        .where(Membership.person_id == person.id, Membership.event_id == event.id)
        .limit(1)
    )
    if already:
        return  # her name was checked when she joined or last changed it
    shown = person.public_name
    if name_key(shown) in _others_names(person.id, [event.id]):
        raise Invalid(
            _(
                "Someone in %(event)s already goes by “%(name)s” (or a name that looks the same). "
                "Please choose another display name in your profile, then accept again.",
                event=event.title,
                name=shown[:100],
            )
        )


def _profile_rule(person: Person, *, display_name: str | None, name: str) -> None:
    check_name_free(person, display_name=display_name, name=name)


# Accounts cannot import the programme; they ask the rules the programme gives them (once per
# process: eventhub.programme.register imports this module).
accounts.name_rules.append(_profile_rule)


# --- role marks ----------------------------------------------------------------------------


def mark_of(grants, group_id: int | None) -> Role | None:
    """Her mark from her memberships of one event (anything with `role` and `working_group_id`):
    in a working group's room (`group_id`) her roles there and event-wide; elsewhere event-wide."""
    roles = {g.role for g in grants if g.working_group_id is None or g.working_group_id == group_id}
    return next((role for role in MARKED_ROLES if role in roles), None)


def role_mark(
    person: Person | None, event: Event, group: WorkingGroup | None = None
) -> Role | None:
    """Her mark in the event, or in one of its working groups (None: no mark)."""
    if person is None:
        return None
    return mark_of(memberships(person, event), group.id if group is not None else None)


def marks(event: Event, group: WorkingGroup | None = None) -> dict[int, Role]:
    """Person id -> mark, for everyone marked in the event or one working group (one query)."""
    group_id = group.id if group is not None else None
    rows = db.session.execute(
        select(Membership.person_id, Membership.role, Membership.working_group_id).where(
            Membership.event_id == event.id,
            Membership.role.in_(MARKED_ROLES),
        )
    ).all()
    grants: dict[int, list] = {}
    for row in rows:
        grants.setdefault(row.person_id, []).append(row)
    found = {pid: mark_of(rows, group_id) for pid, rows in grants.items()}
    return {pid: mark for pid, mark in found.items() if mark is not None}
