"""Gather the report's plain data from the event, its programme, boards and rooms.

Under the Chatham House rule no name leaves this module: facilitators and rapporteurs are
collected only for `named` attribution, and participation is counted, never listed.
"""

from __future__ import annotations

import base64

from sqlalchemy import func, select

from ..board.models import Endorsement, ItemKind, agreed_items, item_reference
from ..cooperative import hand_back_if_due
from ..extensions import db
from ..programme.models import (
    Event,
    Membership,
    Network,
    Role,
    SessionKind,
    WorkingGroup,
)
from ..qa.service import report_questions
from ..rooms.models import Message, Room
from .data import (
    NAMED,
    FloorQuestion,
    GroupData,
    GroupFigures,
    ItemData,
    NetworkData,
    NetworkFigures,
    Participation,
    PartnerData,
    QuestionData,
    ReportData,
    SessionData,
)
from .models import PartKind, Translation, WrittenPart

# The programme in the report: what the meeting did, not its coffee breaks.
LEFT_OUT_KINDS = frozenset({SessionKind.BREAK, SessionKind.BILATERAL})
TAKING_PART = (Role.ORGANISER, Role.FACILITATOR, Role.RAPPORTEUR, Role.PARTICIPANT)


EVENT_TEXTS = ("title", "summary", "venue", "acknowledgements")
GROUP_TEXTS = ("title", "introduction", "background", "objectives")
LOGO_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def collect(event: Event) -> ReportData:
    """The report's data as the boards stand now (the draft)."""
    sessions = [s for s in event.sessions if not s.cancelled and s.kind not in LEFT_OUT_KINDS]
    places = list(dict.fromkeys(s.location.strip() for s in sessions if s.location.strip()))
    named = event.attribution == NAMED
    written = _written_parts(event)
    endorsements = _endorsements(event)
    floor = report_questions(event.id)
    part_texts, part_translations = {}, {}
    for kind, name in (
        (PartKind.EXECUTIVE_SUMMARY, "executive_summary"),
        (PartKind.OPENING_MESSAGES, "opening_messages"),
        (PartKind.CLOSING_MESSAGES, "closing_messages"),
        (PartKind.GLOSSARY, "glossary"),
    ):
        text, translations = written.get((kind, None), ("", {}))
        part_texts[name] = text
        if translations:
            part_translations[name] = translations
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
                translations=_translations(s, ("title",)),
                questions=tuple(
                    FloorQuestion(text=q.body, addressed_to=q.addressed_to)
                    for q in floor.get(s.id, ())
                ),
            )
            for s in sessions
        ),
        groups=tuple(_group(group, named, written, endorsements) for group in event.working_groups),
        participation=_participation(event),
        venue=event.venue or "",
        format=event.format.value if event.format else "",
        partners=tuple(_partner(p) for p in event.partners),
        acknowledgements=event.acknowledgements or "",
        **part_texts,
        translations={**_translations(event, EVENT_TEXTS), **part_translations},
        audience_translations=dict((event.translations or {}).get("audiences", {})),
        language=event.primary_language,
    )


def _translations(record, names: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """The record's texts in other languages, for the named fields that have any."""
    stored = record.translations or {}
    return {name: dict(stored[name]) for name in names if stored.get(name)}


def _partner(partner) -> PartnerData:
    logo, kind = "", ""
    if partner.logo:
        kind = next((t for magic, t in LOGO_TYPES.items() if partner.logo.startswith(magic)), "")
        logo = base64.b64encode(partner.logo).decode("ascii") if kind else ""
    return PartnerData(
        name=partner.name,
        role=str(partner.role),
        logo=logo,
        logo_type=kind,
        translations=_translations(partner, ("name",)),
    )


def _written_parts(event: Event) -> dict[tuple, tuple[str, dict[str, dict[str, str]]]]:
    """(kind, group id) -> (the newest text, its translations of that version by language)."""
    parts = db.session.scalars(select(WrittenPart).where(WrittenPart.event_id == event.id)).all()
    translations = _current_translations(
        select(Translation).where(Translation.part_id.in_([p.id for p in parts])),
        {p.id: p.version for p in parts},
        "part_id",
    )
    return {
        (p.kind, p.working_group_id): (p.text, translations.get(p.id, {}))
        for p in parts
        if p.text.strip()
    }


def _current_translations(query, versions: dict[int, int], key: str) -> dict[int, dict]:
    """target id -> {language: text}, from the newest translation of each target's current
    version (a translation of an older version is out of date and left out)."""
    found: dict[int, dict[str, str]] = {}
    for row in db.session.scalars(query.order_by(Translation.id)):
        target = getattr(row, key)
        if versions.get(target) == row.source_version:
            found.setdefault(target, {})[row.language] = row.text
    return found


def _endorsements(event: Event) -> dict[int, int]:
    """Board item id -> how many people endorse it (never who)."""
    from ..board.models import BoardItem

    return dict(
        db.session.execute(
            select(Endorsement.item_id, func.count(Endorsement.id))
            .join(BoardItem, BoardItem.id == Endorsement.item_id)
            .join(WorkingGroup, WorkingGroup.id == BoardItem.working_group_id)
            .where(WorkingGroup.event_id == event.id)
            .group_by(Endorsement.item_id)
        ).all()
    )


def _network(network: Network) -> NetworkData:
    return NetworkData(
        key=network.key,
        acronym=network.acronym or "",
        name=network.name,
        region=network.region or "",
    )


def _item(item, question_numbers: dict[int, int], endorsements: dict, translations: dict):
    hand_back_if_due()  # a thousand items: the web process's live rooms run in between
    return ItemData(
        item_id=item.id,
        reference=item_reference(item),
        kind=str(item.kind),
        text=item.text,
        audience=item.audience or None,
        question_number=question_numbers.get(item.guiding_question_id),
        version=item.version,
        endorsements=endorsements.get(item.id, 0),
        owner=getattr(item, "owner", "") or "",
        due=getattr(item, "due", None),
        translations={"text": translations[item.id]} if item.id in translations else {},
    )


def _group(group: WorkingGroup, named: bool, written: dict, endorsements: dict) -> GroupData:
    question_numbers = {q.id: q.position for q in group.guiding_questions}
    items = agreed_items(group)
    translations = _current_translations(
        select(Translation).where(Translation.item_id.in_([i.id for i in items])),
        {i.id: i.version for i in items},
        "item_id",
    )

    def data(kind: ItemKind) -> tuple[ItemData, ...]:
        return tuple(
            _item(i, question_numbers, endorsements, translations) for i in items if i.kind == kind
        )

    narrative, narrative_translations = written.get((PartKind.GROUP_NARRATIVE, group.id), ("", {}))
    group_translations = _translations(group, GROUP_TEXTS)
    if narrative_translations:
        group_translations["narrative"] = narrative_translations
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
        background=group.background or "",
        objectives=group.objectives or "",
        narrative=narrative,
        guiding_questions=tuple(
            QuestionData(q.position, q.text, _translations(q, ("text",)))
            for q in group.guiding_questions
        ),
        insights=data(ItemKind.INSIGHT),
        recommendations=data(ItemKind.RECOMMENDATION),
        follow_ups=data(ItemKind.FOLLOW_UP) if hasattr(ItemKind, "FOLLOW_UP") else (),
        facilitators=facilitators,
        rapporteurs=rapporteurs,
        translations=group_translations,
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
    groups_per_person = dict(
        db.session.execute(
            select(Membership.person_id, func.count(func.distinct(Membership.working_group_id)))
            .where(
                Membership.event_id == event.id,
                Membership.working_group_id.is_not(None),
                Membership.role.in_(TAKING_PART),
            )
            .group_by(Membership.person_id)
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
        outside_groups=members - len(groups_per_person),
        in_several_groups=sum(1 for n in groups_per_person.values() if n > 1),
        networks=tuple(
            NetworkFigures(_network(n), by_network.get(n.id, 0))
            for n in event.networks
            if by_network.get(n.id) or n.id in leading
        ),
    )
