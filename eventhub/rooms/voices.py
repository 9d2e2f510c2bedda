"""Who has not yet spoken in this session: for the facilitators' panel and the speaking queue.

"Spoken" means she posted in the room since the current session began (a working group's
session on now, else its latest one that has started; a Q&A room's own session). The list
is for facilitators only and never leaves the platform (no export, no report).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ..accounts.models import Person
from ..extensions import db
from ..permissions import TAKING_PART
from ..programme.models import Membership, Network
from ..timestamps import utcnow
from .models import Message, Room


@dataclass
class Unheard:
    """Those not yet heard, in groups by region and network (as their profiles say)."""

    since: datetime | None
    spoken: int
    total: int
    groups: list[tuple[str, str, list[Person]]] = field(default_factory=list)


def session_start(room: Room, now: datetime | None = None) -> datetime | None:
    """When the current session began; None when no session has started (count everything)."""
    now = now or utcnow()
    if room.session is not None:
        return room.session.starts_at if room.session.starts_at <= now else None
    if room.working_group is None:
        return None
    started = [s.starts_at for s in room.working_group.sessions if s.starts_at <= now]
    return max(started) if started else None


def speakers(room: Room, since: datetime | None) -> set[int]:
    """Who posted in the room since `since` (a hidden message was still her speaking)."""
    query = select(Message.author_id).where(
        Message.room_id == room.id, Message.author_id.is_not(None)
    )
    if since is not None:
        query = query.where(Message.created_at >= since)
    return set(db.session.scalars(query.distinct()))


def _members(room: Room) -> list[tuple[Person, Network | None]]:
    """The people who take part in the room, each once, with the network she is there for."""
    query = (
        select(Membership, Person, Network)
        .join(Person, Person.id == Membership.person_id)
        .outerjoin(Network, Network.id == Membership.network_id)
        .where(
            Membership.event_id == room.event_id,
            Membership.role.in_(TAKING_PART),
            Person.active.is_(True),
        )
    )
    if room.working_group_id is not None:
        query = query.where(Membership.working_group_id == room.working_group_id)
    found: dict[int, tuple[Person, Network | None]] = {}
    for _membership, person, network in db.session.execute(query):
        if person.id not in found or found[person.id][1] is None:
            found[person.id] = (person, network)
    return list(found.values())


def unheard(room: Room, now: datetime | None = None) -> Unheard:
    since = session_start(room, now)
    spoke = speakers(room, since)
    members = _members(room)
    grouped: dict[tuple[str, str], list[Person]] = {}
    for person, network in members:
        if person.id in spoke:
            continue
        region = network.region if network is not None else ""
        name = (network.acronym or network.name) if network is not None else ""
        grouped.setdefault((region, name), []).append(person)
    groups = [
        (region, name, sorted(people, key=lambda p: p.public_name.casefold()))
        for (region, name), people in sorted(
            grouped.items(), key=lambda kv: (kv[0][0] == "", kv[0][0], kv[0][1] == "", kv[0][1])
        )
    ]
    member_ids = {p.id for p, _n in members}
    return Unheard(
        since=since, spoken=len(spoke & member_ids), total=len(member_ids), groups=groups
    )
