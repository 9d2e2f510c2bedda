"""Gather the report's plain data from the event, its programme, boards and rooms.

Under the Chatham House rule no name leaves this module: facilitators and rapporteurs are
collected only for `named` attribution, and participation is counted, never listed.
"""

from __future__ import annotations

from sqlalchemy import func, select

from ..board.models import ItemKind, agreed_items, item_reference
from ..extensions import db
from ..programme.models import (
    Event,
    Membership,
    Network,
    Role,
    SessionKind,
    WorkingGroup,
)
from ..rooms.models import Message, Room
from .data import (
    NAMED,
    GroupData,
    GroupFigures,
    ItemData,
    NetworkData,
    NetworkFigures,
    Participation,
    QuestionData,
    ReportData,
    SessionData,
)

# The programme in the report: what the meeting did, not its coffee breaks.
LEFT_OUT_KINDS = frozenset({SessionKind.BREAK, SessionKind.BILATERAL})
TAKING_PART = (Role.ORGANISER, Role.FACILITATOR, Role.RAPPORTEUR, Role.PARTICIPANT)


def collect(event: Event) -> ReportData:
    """The report's data as the boards stand now (the draft)."""
    sessions = [s for s in event.sessions if not s.cancelled and s.kind not in LEFT_OUT_KINDS]
    places = list(dict.fromkeys(s.location.strip() for s in sessions if s.location.strip()))
    named = event.attribution == NAMED
    return ReportData(
        slug=event.slug,
        title=event.title,
        host=event.host or "",
        timezone=event.timezone,
        starts=event.starts,
        ends=event.ends,
        attribution=str(event.attribution),
        summary=event.summary or "",
        places=tuple(places),
        audiences=tuple(event.audiences or ()),
        sessions=tuple(
            SessionData(
                key=s.key,
                kind=str(s.kind),
                title=s.title,
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                working_group_key=s.working_group.key if s.working_group else None,
                location=s.location or "",
            )
            for s in sessions
        ),
        groups=tuple(_group(group, named) for group in event.working_groups),
        participation=_participation(event),
    )


def _network(network: Network) -> NetworkData:
    return NetworkData(
        key=network.key,
        acronym=network.acronym or "",
        name=network.name,
        region=network.region or "",
    )


def _item(item, question_numbers: dict[int, int]) -> ItemData:
    return ItemData(
        item_id=item.id,
        reference=item_reference(item),
        kind=str(item.kind),
        text=item.text,
        audience=item.audience or None,
        question_number=question_numbers.get(item.guiding_question_id),
    )


def _group(group: WorkingGroup, named: bool) -> GroupData:
    question_numbers = {q.id: q.position for q in group.guiding_questions}
    items = agreed_items(group)
    facilitators: tuple[str, ...] = ()
    rapporteurs: tuple[str, ...] = ()
    if named:
        facilitators = _credited(group, Role.FACILITATOR)
        rapporteurs = _credited(group, Role.RAPPORTEUR)
    return GroupData(
        key=group.key,
        number=group.number,
        title=group.title,
        lead_networks=tuple(_network(n) for n in group.lead_networks),
        introduction=group.introduction or "",
        objectives=group.objectives or "",
        guiding_questions=tuple(QuestionData(q.position, q.text) for q in group.guiding_questions),
        insights=tuple(_item(i, question_numbers) for i in items if i.kind == ItemKind.INSIGHT),
        recommendations=tuple(
            _item(i, question_numbers) for i in items if i.kind == ItemKind.RECOMMENDATION
        ),
        facilitators=facilitators,
        rapporteurs=rapporteurs,
    )


def _credited(group: WorkingGroup, role: Role) -> tuple[str, ...]:
    """The names she shows others (her display name if she chose one), in order of joining."""
    people = [m.person for m in sorted(group.memberships, key=lambda m: m.id) if m.role == role]
    # Never the e-mail address that public_name falls back to: no name given, no credit printed.
    names = ((p.display_name or p.name or "").strip() for p in people if p.active)
    return tuple(dict.fromkeys(name for name in names if name))


def _participation(event: Event) -> Participation:
    members_by_group = dict(
        db.session.execute(
            select(Membership.working_group_id, func.count(func.distinct(Membership.person_id)))
            .where(
                Membership.event_id == event.id,
                Membership.working_group_id.is_not(None),
                Membership.role.in_(TAKING_PART),
            )
            .group_by(Membership.working_group_id)
        ).all()
    )
    messages_by_group = dict(
        db.session.execute(
            select(Room.working_group_id, func.count(Message.id))
            .join(Message, Message.room_id == Room.id)
            .where(
                Room.event_id == event.id,
                Room.working_group_id.is_not(None),
                Message.hidden_at.is_(None),
            )
            .group_by(Room.working_group_id)
        ).all()
    )
    members = (
        db.session.scalar(
            select(func.count(func.distinct(Membership.person_id))).where(
                Membership.event_id == event.id, Membership.role.in_(TAKING_PART)
            )
        )
        or 0
    )
    by_network = dict(
        db.session.execute(
            select(Membership.network_id, func.count(func.distinct(Membership.person_id)))
            .where(
                Membership.event_id == event.id,
                Membership.network_id.is_not(None),
                Membership.role.in_(TAKING_PART),
            )
            .group_by(Membership.network_id)
        ).all()
    )
    leading = {n.id for g in event.working_groups for n in g.lead_networks}
    groups = tuple(
        GroupFigures(
            key=g.key,
            number=g.number,
            title=g.title,
            members=members_by_group.get(g.id, 0),
            messages=messages_by_group.get(g.id, 0),
        )
        for g in event.working_groups
    )
    return Participation(
        members=members,
        messages=sum(f.messages for f in groups),
        groups=groups,
        networks=tuple(
            NetworkFigures(_network(n), by_network.get(n.id, 0))
            for n in event.networks
            if by_network.get(n.id) or n.id in leading
        ),
    )
