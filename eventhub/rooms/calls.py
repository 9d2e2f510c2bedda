"""The video call, offered where she is: the room, a programme row, the event home.

The rule is the session page's (programme.service.join_link_state under "session.join_link":
members only, from the lead time before the start until the end), plus the room's own: nobody
removed from a working group's room is offered its call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..permissions import may
from ..programme.models import Session, WorkingGroup
from ..programme.service import JoinLink, join_link_state
from ..timestamps import utcnow
from .models import Room
from .service import removal


@dataclass(frozen=True)
class Call:
    """A call she may join now: on now, or starting within the lead time."""

    session: Session
    url: str
    on_now: bool
    minutes_to_start: int  # 0 once it has started


def call_for(session: Session, person=None, now: datetime | None = None) -> Call | None:
    """The session's call if `person` (default: who is signed in) may join it now, else None."""
    person = person if person is not None else current_user
    now = now or utcnow()
    if not may(person, "session.join_link", session):
        return None
    lead = current_app.config["JOIN_LINK_LEAD_MINUTES"]
    if join_link_state(session, now, lead).state != JoinLink.OPEN:
        return None
    if session.working_group_id is not None and _removed_from_group_room(
        person, session.working_group_id
    ):
        return None
    seconds = (session.starts_at - now).total_seconds()
    return Call(
        session=session,
        url=session.join_url,
        on_now=seconds <= 0,
        # Rounded up: "starts in 1 min" until it starts, never "in 0 min".
        minutes_to_start=max(0, -int(-seconds // 60)),
    )


def group_call(group: WorkingGroup, person=None, now: datetime | None = None) -> Call | None:
    """The call of the group's session that is on now or about to start, if she may join it."""
    now = now or utcnow()
    for session in sorted(group.sessions, key=lambda s: s.starts_at):
        call = call_for(session, person, now)
        if call is not None:
            return call
    return None


def _removed_from_group_room(person, group_id: int) -> bool:
    """Removed from the group's room (and not let back in): the room's own rule, service.removal."""
    room = db.session.scalar(select(Room).where(Room.working_group_id == group_id))
    return room is not None and removal(room, person) is not None
