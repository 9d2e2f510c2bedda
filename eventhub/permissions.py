"""The one place that answers "may this person do this to that object".

Views, socket handlers and templates ask `may(person, action, target)`; each
action is a rule below, in terms of the person's roles in the target's event or
working group. Asking for an action that has no rule raises KeyError (nothing is allowed
by default); tests/test_access.py walks the URL map, so a route without an access rule fails.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import g, has_app_context
from sqlalchemy import select

from .accounts.models import Person
from .errors import NotAllowed
from .extensions import db
from .programme.models import Event, Membership, Role, Session, WorkingGroup

# Roles that take part (observers only read what is public).
TAKING_PART = frozenset({Role.ORGANISER, Role.FACILITATOR, Role.RAPPORTEUR, Role.PARTICIPANT})
BOARD_EDITORS = frozenset({Role.ORGANISER, Role.FACILITATOR, Role.RAPPORTEUR})
MODERATORS = frozenset({Role.ORGANISER, Role.FACILITATOR})


def _signed_in(person) -> bool:
    return person is not None and getattr(person, "is_authenticated", False)


def memberships(person: Person, event: Event) -> list[Membership]:
    """Her memberships in `event`, cached for the request."""
    if not _signed_in(person):
        return []
    cache = g.setdefault("_memberships", {}) if has_app_context() else {}
    key = (person.id, event.id)
    if key not in cache:
        cache[key] = list(
            db.session.scalars(
                select(Membership).where(
                    Membership.person_id == person.id, Membership.event_id == event.id
                )
            )
        )
    return cache[key]


def forget_memberships() -> None:
    """Drop the request caches after roles or removals change."""
    if has_app_context():
        g.pop("_memberships", None)
        g.pop("_removed_from", None)


def removed_from(person: Person, event: Event) -> frozenset[tuple[str, int]]:
    """The rooms of `event` a facilitator removed her from (and did not readmit her to), as
    ("group", working group id) and ("session", session id); cached for the request."""
    from .rooms.models import Room, RoomRemoval  # rooms build on this module

    if not _signed_in(person):
        return frozenset()
    cache = g.setdefault("_removed_from", {}) if has_app_context() else {}
    key = (person.id, event.id)
    if key not in cache:
        rows = db.session.execute(
            select(Room.working_group_id, Room.session_id)
            .join(RoomRemoval, RoomRemoval.room_id == Room.id)
            .where(
                Room.event_id == event.id,
                RoomRemoval.person_id == person.id,
                RoomRemoval.readmitted_at.is_(None),
            )
        ).all()
        cache[key] = frozenset(
            ("group", group_id) if group_id is not None else ("session", session_id)
            for group_id, session_id in rows
        )
    return cache[key]


def _removed_from_session(person, session: Session) -> bool:
    """Removed from the room where the session happens (its working group's, or its Q&A)."""
    where = (
        ("group", session.working_group_id)
        if session.working_group_id is not None
        else ("session", session.id)
    )
    return where in removed_from(person, session.event)


# Rules over her memberships of one event (anything with `role` and `working_group_id`): the
# rules below apply them to `memberships()`, and the rooms' hot path to rows it read itself.


def _in_group(grants, group_id: int) -> bool:
    """A member of the group itself (any role), or event-wide staff of its event."""
    return any(m.working_group_id == group_id for m in grants) or any(
        m.role in (Role.ORGANISER, Role.FACILITATOR, Role.RAPPORTEUR) and m.working_group_id is None
        for m in grants
    )


def _roles_in_group(grants, group_id: int) -> set[Role]:
    """Her roles in one working group; event-wide roles count in every group."""
    return {m.role for m in grants if m.working_group_id in (None, group_id)}


def _takes_part(grants) -> bool:
    return any(m.role in TAKING_PART for m in grants)


def _organises(grants) -> bool:
    return any(m.role == Role.ORGANISER and m.working_group_id is None for m in grants)


def room_access(grants, *, group_id: int | None, plenary: bool) -> tuple[bool, bool]:
    """(may enter, runs it) for a working group's room (`group_id`) or a plenary's Q&A room.

    The same decision as the rules "group.enter_room"/"group.facilitate" and
    "session.enter_qa"/"session.moderate_qa", for callers that read her memberships already.
    """
    if group_id is not None:
        enter = _in_group(grants, group_id)
        return enter, enter and bool(_roles_in_group(grants, group_id) & MODERATORS)
    return plenary and _takes_part(grants), plenary and _organises(grants)


def event_roles(person: Person, event: Event) -> set[Role]:
    """Her event-wide roles (memberships without a working group)."""
    return {m.role for m in memberships(person, event) if m.working_group_id is None}


def group_roles(person: Person, group: WorkingGroup) -> set[Role]:
    """Her roles in one working group; event-wide roles count in every group."""
    return _roles_in_group(memberships(person, group.event), group.id)


def is_group_member(person: Person, group: WorkingGroup) -> bool:
    """A member of the group itself (any role), or an organiser of its event."""
    return _in_group(memberships(person, group.event), group.id)


def _event_member(person, event: Event) -> bool:
    return _takes_part(memberships(person, event))


def _event_reader(person, event: Event) -> bool:
    return bool(memberships(person, event))


def _organiser(person, event: Event) -> bool:
    return _organises(memberships(person, event))


def _session_member(person, session: Session) -> bool:
    """Takes part in the session: plenaries for every member, a group's for its members."""
    if session.working_group is not None:
        return is_group_member(person, session.working_group)
    return _event_member(person, session.event)


def _group_has(roles: frozenset[Role]) -> Callable[[Person, WorkingGroup], bool]:
    def rule(person, group: WorkingGroup) -> bool:
        return is_group_member(person, group) and bool(group_roles(person, group) & roles)

    return rule


def _bilateral_party(person, bilateral) -> bool:
    return person.id in (bilateral.requester_id, bilateral.invitee_id)


def _bilateral_network_member(person, bilateral) -> bool:
    """A member of the network asked, while nobody of it has taken the request on."""
    return (
        bilateral.invitee_id is None
        and bilateral.network_id is not None
        and any(m.network_id == bilateral.network_id for m in memberships(person, bilateral.event))
    )


RULES: dict[str, Callable[[Person | None, object], bool]] = {
    # events
    "event.view": _event_reader,
    "event.take_part": _event_member,
    "event.manage": _organiser,
    "event.activity": _organiser,  # the activity log (moderation and organiser actions)
    # sessions
    "session.view": lambda p, s: s.public or _event_reader(p, s.event),
    # Whether she is someone the call link is for (the time it shows is programme.service's
    # join_link). Observers never get it, even when they follow a group; nor does someone a
    # facilitator removed from the session's room.
    "session.join_link": lambda p, s: (
        _session_member(p, s)
        and (s.working_group is None or _group_has(TAKING_PART)(p, s.working_group))
        and not _removed_from_session(p, s)
    ),
    "session.manage": lambda p, s: _organiser(p, s.event),
    "session.enter_qa": lambda p, s: s.is_plenary and _event_member(p, s.event),
    "session.moderate_qa": lambda p, s: s.is_plenary and _organiser(p, s.event),
    # working groups
    "group.view": lambda p, wg: _event_member(p, wg.event),
    "group.view_people": lambda p, wg: _event_member(p, wg.event),
    "group.enter_room": lambda p, wg: is_group_member(p, wg),
    "group.facilitate": _group_has(MODERATORS),
    "group.moderate": _group_has(MODERATORS),
    "group.edit_board": _group_has(BOARD_EDITORS),
    "group.take_part": _group_has(TAKING_PART),
    "group.freeze_board": lambda p, wg: _organiser(p, wg.event),
    "group.send_invites": lambda p, wg: _organiser(p, wg.event),
    # bilaterals: private to the two people meeting (and a network's members while it is open
    # to them) and the organisers; never anyone else.
    "event.ask_bilateral": _event_member,
    "bilateral.view": lambda p, b: (
        _bilateral_party(p, b) or _bilateral_network_member(p, b) or _organiser(p, b.event)
    ),
    "bilateral.cancel": _bilateral_party,
    "bilateral.manage": lambda p, b: _organiser(p, b.event),
    # reports
    "report.draft": _organiser,
    "report.publish": _organiser,
    "report.read": _event_reader,  # published versions; public ones are checked in reports.service
    # the report's written parts (executive summary, key messages, glossary): organisers and
    # event-wide facilitators and rapporteurs; a group's narrative is "group.edit_board"
    "report.write": lambda p, e: bool(event_roles(p, e) & (BOARD_EDITORS | {Role.ORGANISER})),
    # translations of board items and written parts: anyone who edits a board, and organisers
    "report.translate": lambda p, e: any(
        m.role in BOARD_EDITORS | {Role.ORGANISER} for m in memberships(p, e)
    ),
}


def may(person: Person | None, action: str, target: object) -> bool:
    """Whether `person` (None or anonymous: nobody) may do `action` to `target`."""
    try:
        rule = RULES[action]
    except KeyError:
        raise KeyError(f"no permission rule for action {action!r}") from None
    if action not in ("session.view",) and not _signed_in(person):
        return False
    return bool(rule(person, target))


def require(person: Person | None, action: str, target: object) -> None:
    """Raise NotAllowed unless `may(person, action, target)`."""
    if not may(person, action, target):
        from flask_babel import gettext as _

        raise NotAllowed(_("You do not have access to this."))
