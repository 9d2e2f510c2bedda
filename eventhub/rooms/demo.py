"""The demo's room in use: a few messages in the working group whose session is on now."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..programme.models import Event, Membership, Role, Session
from .models import Message
from .posting import post_message
from .service import room_for_group

OPENING = (
    (Role.FACILITATOR, "Welcome, everyone. Let us start with the first guiding question."),
    (
        Role.PARTICIPANT,
        "In our region, women mediators are rarely named in the official delegations; "
        "rosters exist but are not used.",
    ),
    (Role.FACILITATOR, "Thank you. Who has seen a roster actually used in a negotiation?"),
)


def discussion_under_way(event: Event, on_now: Session) -> None:
    """Post the opening of a discussion in the group's room, once (not if it has messages)."""
    group = on_now.working_group
    if group is None:
        return
    room = room_for_group(group)
    if db.session.scalar(select(Message.id).where(Message.room_id == room.id).limit(1)):
        return
    members = db.session.scalars(
        select(Membership).where(Membership.working_group_id == group.id)
    ).all()
    by_role = {m.role: m.person_id for m in members}
    db.session.flush()
    for number, (role, body) in enumerate(OPENING, start=1):
        author = by_role.get(role)
        if author is not None:
            post_message(room.id, author, body, f"demo-{number}")
