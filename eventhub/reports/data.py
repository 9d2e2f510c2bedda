"""The report as plain, frozen data: what every builder reads and what a published version stores.

Nothing here touches the database or a request, so the builders can be tested with synthetic
data and a published version can be rebuilt, in any format, from its stored JSON.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime

from ..plain import from_plain, to_plain

CHATHAM_HOUSE = "chatham-house"
NAMED = "named"

# The other languages of the texts a dataclass holds: {field: {language: text}}. The field holds
# the text in the event's first language; localize.py picks the reader's.
Translations = dict[str, dict[str, str]]


@dataclass(frozen=True)
class NetworkData:
    key: str
    acronym: str
    name: str
    region: str = ""

    @property
    def label(self) -> str:
        return self.acronym or self.name


@dataclass(frozen=True)
class PartnerData:
    """An organisation the report credits, by role (host, organiser, secretariat, partner,
    funder); its logo as a PNG or JPEG in base64, so the frozen version keeps it."""

    name: str
    role: str
    logo: str = ""
    logo_type: str = ""  # image/png or image/jpeg
    translations: Translations = field(default_factory=dict)

    @property
    def logo_uri(self) -> str:
        return f"data:{self.logo_type};base64,{self.logo}" if self.logo else ""


@dataclass(frozen=True)
class FloorQuestion:
    """An answered plenary question a moderator put into the report: its words, never who
    asked it (nor who voted for it)."""

    text: str
    addressed_to: str = ""  # the panellist it was for, as the asker named her


@dataclass(frozen=True)
class SessionData:
    """A programme slot; instants are timezone-aware UTC, shown in the event's zone."""

    key: str
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    working_group_key: str | None = None
    location: str = ""
    translations: Translations = field(default_factory=dict)
    # Questions from the floor, in the order they were answered (plenaries with Q&A).
    questions: tuple[FloorQuestion, ...] = ()

    @property
    def is_working_group(self) -> bool:
        return self.working_group_key is not None


@dataclass(frozen=True)
class QuestionData:
    number: int
    text: str
    translations: Translations = field(default_factory=dict)


@dataclass(frozen=True)
class ItemData:
    """An agreed insight or recommendation, with its stable reference (WG2-R3)."""

    item_id: int
    reference: str
    kind: str  # "insight" | "recommendation" | "follow-up"
    text: str  # Markdown
    audience: str | None = None
    question_number: int | None = None
    version: int = 1
    endorsements: int = 0  # a count only: never who, under any attribution rule
    owner: str = ""  # a follow-up action's: who acts (an organisation or a role)
    due: date | None = None  # a follow-up action's: by when
    # Translations entered by rapporteurs of this version of the text.
    translations: Translations = field(default_factory=dict)

    @property
    def anchor(self) -> str:
        """The element id the item carries in the report (and on its board)."""
        return f"item-{self.item_id}"

    @property
    def report_anchor(self) -> str:
        return f"ref-{self.reference}"


@dataclass(frozen=True)
class GroupData:
    key: str
    number: int
    title: str
    lead_networks: tuple[NetworkData, ...] = ()
    introduction: str = ""  # Markdown
    background: str = ""  # Markdown
    objectives: str = ""  # Markdown
    narrative: str = ""  # Markdown, written in the app by its facilitators and rapporteurs
    guiding_questions: tuple[QuestionData, ...] = ()
    insights: tuple[ItemData, ...] = ()
    recommendations: tuple[ItemData, ...] = ()
    follow_ups: tuple[ItemData, ...] = ()
    # Credited only under `named` attribution; collect() leaves them empty under Chatham House.
    facilitators: tuple[str, ...] = ()
    rapporteurs: tuple[str, ...] = ()
    translations: Translations = field(default_factory=dict)

    @property
    def anchor(self) -> str:
        return f"wg-{self.number}"

    @property
    def label(self) -> str:
        return f"WG{self.number}"

    def by_question(
        self, items: tuple[ItemData, ...]
    ) -> list[tuple[QuestionData | None, list[ItemData]]]:
        """Items grouped under the guiding question they answer, in question order; the rest last."""
        known = {q.number for q in self.guiding_questions}
        groups: list[tuple[QuestionData | None, list[ItemData]]] = []
        for question in self.guiding_questions:
            answering = [i for i in items if i.question_number == question.number]
            if answering:
                groups.append((question, answering))
        other = [i for i in items if i.question_number not in known]
        if other:
            groups.append((None, other))
        return groups


@dataclass(frozen=True)
class GroupFigures:
    key: str
    number: int
    title: str
    members: int
    messages: int

    @property
    def label(self) -> str:
        return f"WG{self.number}"


@dataclass(frozen=True)
class NetworkFigures:
    network: NetworkData
    members: int


@dataclass(frozen=True)
class Participation:
    members: int = 0  # people taking part in the event (each counted once)
    messages: int = 0  # visible messages in the working-group rooms
    groups: tuple[GroupFigures, ...] = ()
    networks: tuple[NetworkFigures, ...] = ()
    # Members of no working group (organisers, plenary-only participants): with the groups'
    # members (people in two groups counted in each) they explain the total.
    outside_groups: int = 0
    in_several_groups: int = 0
    without_network: int = 0

    def by_region(self) -> list[tuple[str, list[NetworkFigures]]]:
        """The networks taking part under their region, regions in order of first appearance."""
        regions: dict[str, list[NetworkFigures]] = {}
        for figures in self.networks:
            regions.setdefault(figures.network.region, []).append(figures)
        return list(regions.items())


@dataclass(frozen=True)
class ReportData:
    slug: str
    title: str
    host: str
    timezone: str
    starts: date
    ends: date
    attribution: str
    summary: str = ""  # Markdown: the programme's description of the meeting
    places: tuple[str, ...] = ()  # the sessions' locations
    audiences: tuple[str, ...] = ()
    sessions: tuple[SessionData, ...] = ()
    groups: tuple[GroupData, ...] = ()
    participation: Participation = field(default_factory=Participation)
    venue: str = ""
    format: str = ""  # in-person, online, hybrid; empty when the programme does not say
    partners: tuple[PartnerData, ...] = ()
    acknowledgements: str = ""  # Markdown
    # Written in the app (Markdown, versioned): by organisers and rapporteurs.
    executive_summary: str = ""
    opening_messages: str = ""
    closing_messages: str = ""
    glossary: str = ""
    # {field: {language: text}} for the texts above; "audiences" maps each audience's text in
    # the first language to its others.
    translations: Translations = field(default_factory=dict)
    audience_translations: Translations = field(default_factory=dict)
    language: str = "en"  # the event's first language: what every text is given in
    # Set by localize(): the parts shown in the first language for want of a translation.
    fallbacks: tuple[str, ...] = ()

    @property
    def chatham_house(self) -> bool:
        return self.attribution != NAMED

    @property
    def questioned_sessions(self) -> list[SessionData]:
        """Sessions whose answered questions a moderator put into the key messages."""
        return [s for s in self.sessions if s.questions]

    @property
    def has_key_messages(self) -> bool:
        return bool(self.opening_messages or self.closing_messages or self.questioned_sessions)

    @property
    def recommendations(self) -> list[tuple[GroupData, ItemData]]:
        return [(g, r) for g in self.groups for r in g.recommendations]

    @property
    def follow_ups(self) -> list[tuple[GroupData, ItemData]]:
        return [(g, r) for g in self.groups for r in g.follow_ups]

    def partners_by_role(self) -> list[tuple[str, list[PartnerData]]]:
        order = ("host", "organiser", "secretariat", "partner", "funder")
        return [
            (role, [p for p in self.partners if p.role == role])
            for role in order
            if any(p.role == role for p in self.partners)
        ]

    def by_audience(self) -> list[tuple[str | None, list[tuple[GroupData, ItemData]]]]:
        """Every recommendation, grouped by audience in the event's order; unknown audiences
        after, in order of appearance; those without one last."""
        order = list(self.audiences)
        for _group, item in self.recommendations:
            if item.audience and item.audience not in order:
                order.append(item.audience)
        result: list[tuple[str | None, list[tuple[GroupData, ItemData]]]] = []
        for audience in [*order, None]:
            matching = [(g, i) for g, i in self.recommendations if (i.audience or None) == audience]
            if matching:
                result.append((audience, matching))
        return result

    def group(self, key: str | None) -> GroupData | None:
        return next((g for g in self.groups if g.key == key), None)


@dataclass(frozen=True)
class Adoption:
    """How a published version was adopted: by silence procedure, or published by organisers."""

    method: str  # "silence" | "organisers"
    circulated_at: datetime | None = None
    deadline: datetime | None = None
    circulated_to: str = ""  # "leads" | "participants"
    rounds: int = 1  # circulations of this text, counting those whose silence was broken
    approvals: int = 0  # lead networks that approved explicitly


@dataclass(frozen=True)
class Edition:
    """Which report this is: the draft (version None) or a published version."""

    version: int | None = None
    published_at: datetime | None = None
    content_hash: str = ""
    adoption: Adoption | None = None

    @property
    def draft(self) -> bool:
        return self.version is None


# --- canonical JSON: the frozen form of a published version ---


def canonical_json(report: ReportData) -> str:
    """Sorted keys, no spaces, UTF-8 as is: the same data always gives the same bytes."""
    return json.dumps(to_plain(report), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(report: ReportData) -> str:
    return hashlib.sha256(canonical_json(report).encode("utf-8")).hexdigest()


def from_json(text: str) -> ReportData:
    return from_plain(ReportData, json.loads(text))
