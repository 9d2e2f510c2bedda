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
class SessionData:
    """A programme slot; instants are timezone-aware UTC, shown in the event's zone."""

    key: str
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    working_group_key: str | None = None
    location: str = ""

    @property
    def is_working_group(self) -> bool:
        return self.working_group_key is not None


@dataclass(frozen=True)
class QuestionData:
    number: int
    text: str


@dataclass(frozen=True)
class ItemData:
    """An agreed insight or recommendation, with its stable reference (WG2-R3)."""

    item_id: int
    reference: str
    kind: str  # "insight" | "recommendation"
    text: str
    audience: str | None = None
    question_number: int | None = None

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
    objectives: str = ""  # Markdown
    guiding_questions: tuple[QuestionData, ...] = ()
    insights: tuple[ItemData, ...] = ()
    recommendations: tuple[ItemData, ...] = ()
    # Credited only under `named` attribution; collect() leaves them empty under Chatham House.
    facilitators: tuple[str, ...] = ()
    rapporteurs: tuple[str, ...] = ()

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
    members: int = 0
    messages: int = 0
    groups: tuple[GroupFigures, ...] = ()
    networks: tuple[NetworkFigures, ...] = ()


@dataclass(frozen=True)
class ReportData:
    slug: str
    title: str
    host: str
    timezone: str
    starts: date
    ends: date
    attribution: str
    summary: str = ""  # Markdown
    places: tuple[str, ...] = ()  # empty: a virtual meeting
    audiences: tuple[str, ...] = ()
    sessions: tuple[SessionData, ...] = ()
    groups: tuple[GroupData, ...] = ()
    participation: Participation = field(default_factory=Participation)

    @property
    def chatham_house(self) -> bool:
        return self.attribution != NAMED

    @property
    def recommendations(self) -> list[tuple[GroupData, ItemData]]:
        return [(g, r) for g in self.groups for r in g.recommendations]

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
class Edition:
    """Which report this is: the draft (version None) or a published version."""

    version: int | None = None
    published_at: datetime | None = None
    content_hash: str = ""

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
