"""The recommendations board: a working group's insights and recommendations, with full history.

Read helpers for other domains (reports, rooms) live at the bottom: `agreed_items`,
`item_reference`, `items_for_messages`. Their names are stable.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import JSON, Date, Enum, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Person
from ..extensions import db
from ..programme.models import GuidingQuestion, WorkingGroup
from ..rooms.models import Message
from ..timestamps import UTCDateTime, utcnow

# The longest text an item may carry (characters); also used by forms and socket payloads.
MAX_TEXT = 2000
MAX_COMMENT = 2000
MAX_SUMMARY = 300


def _enum(cls: type[enum.Enum]) -> Enum:
    """Store an enum by its value (what the exports say), not its Python name."""
    return Enum(cls, values_callable=lambda c: [m.value for m in c], native_enum=False, length=20)


class ItemKind(enum.StrEnum):
    INSIGHT = "insight"
    RECOMMENDATION = "recommendation"
    FOLLOW_UP = "follow-up"  # an action: what (its text), who (owner), by when (due)

    @property
    def letter(self) -> str:
        """The letter in a reference: WG2-R3 (recommendation), WG2-I1 (insight), WG2-A1
        (follow-up action)."""
        return {"recommendation": "R", "insight": "I", "follow-up": "A"}[self.value]


class ItemState(enum.StrEnum):
    DRAFT = "draft"
    PROPOSED = "proposed"
    AGREED = "agreed"
    MERGED = "merged"
    WITHDRAWN = "withdrawn"

    @property
    def final(self) -> bool:
        return self in (ItemState.MERGED, ItemState.WITHDRAWN)


class BoardItem(db.Model):
    """An insight or a recommendation on a working group's board."""

    __tablename__ = "board_item"
    __table_args__ = (UniqueConstraint("working_group_id", "kind", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    working_group_id: Mapped[int] = mapped_column(
        ForeignKey("working_group.id", ondelete="CASCADE"), index=True
    )
    # Per group and kind, handed out by BoardState and never reused: WG2-R3, WG2-I1.
    number: Mapped[int]
    kind: Mapped[ItemKind] = mapped_column(_enum(ItemKind))
    text: Mapped[str] = mapped_column(Text)
    # One of the event's audiences; required for recommendations, optional for insights.
    audience: Mapped[str | None] = mapped_column(String(200))
    guiding_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("guiding_question.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[ItemState] = mapped_column(_enum(ItemState), default=ItemState.DRAFT)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("board_item.id", ondelete="SET NULL")
    )
    # Priority order on the board (1 first).
    position: Mapped[int] = mapped_column(default=0)
    # Bumped by every change; an edit made on an older version is refused.
    version: Mapped[int] = mapped_column(default=1)
    # A follow-up action's owner (an organisation or a role, never required to be a person)
    # and the date it is due by.
    owner: Mapped[str] = mapped_column(String(200), default="")
    due: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    working_group: Mapped[WorkingGroup] = relationship()
    guiding_question: Mapped[GuidingQuestion | None] = relationship()
    merged_into: Mapped[BoardItem | None] = relationship(remote_side=[id])
    created_by: Mapped[Person | None] = relationship()
    versions: Mapped[list[BoardItemVersion]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="BoardItemVersion.version"
    )
    sources: Mapped[list[BoardItemSource]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="BoardItemSource.message_id"
    )
    endorsements: Mapped[list[Endorsement]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="Endorsement.id"
    )
    comments: Mapped[list[Comment]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="Comment.id"
    )

    @property
    def reference(self) -> str:
        return item_reference(self)

    @property
    def visible_comments(self) -> list[Comment]:
        return [c for c in self.comments if c.hidden_at is None]

    def __repr__(self) -> str:
        return f"<BoardItem {self.id} {self.reference} {self.state}>"


class BoardItemVersion(db.Model):
    """One recorded state of an item: every change (edit, state, merge) adds one."""

    __tablename__ = "board_item_version"
    __table_args__ = (UniqueConstraint("item_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("board_item.id", ondelete="CASCADE"))
    version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    audience: Mapped[str | None] = mapped_column(String(200))
    guiding_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("guiding_question.id", ondelete="SET NULL")
    )
    state: Mapped[ItemState] = mapped_column(_enum(ItemState))
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # What changed as the editor wrote it ("Shortened after the plenary"), word for word.
    # Versions recorded before summaries were data also hold EventHub's own words here.
    summary: Mapped[str] = mapped_column(String(MAX_SUMMARY), default="")
    # What changed as data ("state", {"old": "draft", "new": "proposed"}): read in each
    # reader's language (board/history_text.py), never in the editor's.
    summary_key: Mapped[str | None] = mapped_column(String(40))
    summary_args: Mapped[dict | None] = mapped_column(JSON)

    item: Mapped[BoardItem] = relationship(back_populates="versions")
    guiding_question: Mapped[GuidingQuestion | None] = relationship()
    editor: Mapped[Person | None] = relationship()


class BoardItemSource(db.Model):
    """A room message an item came from (messages of the group's own room only)."""

    __tablename__ = "board_item_source"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("board_item.id", ondelete="CASCADE"), primary_key=True
    )
    message_id: Mapped[int] = mapped_column(
        ForeignKey("message.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[BoardItem] = relationship(back_populates="sources")
    message: Mapped[Message] = relationship()


class Endorsement(db.Model):
    __tablename__ = "endorsement"
    __table_args__ = (UniqueConstraint("item_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("board_item.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[BoardItem] = relationship(back_populates="endorsements")
    person: Mapped[Person] = relationship()


class Comment(db.Model):
    """A member's comment on an item. Hidden by a facilitator, never erased."""

    __tablename__ = "board_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("board_item.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    item: Mapped[BoardItem] = relationship(back_populates="comments")
    person: Mapped[Person | None] = relationship()

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None


class BoardState(db.Model):
    """Per working group: whether the board is frozen, and the last numbers handed out."""

    __tablename__ = "board_state"

    working_group_id: Mapped[int] = mapped_column(
        ForeignKey("working_group.id", ondelete="CASCADE"), primary_key=True
    )
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    frozen_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    last_insight_number: Mapped[int] = mapped_column(default=0)
    last_recommendation_number: Mapped[int] = mapped_column(default=0)
    last_follow_up_number: Mapped[int] = mapped_column(default=0)

    working_group: Mapped[WorkingGroup] = relationship()
    frozen_by: Mapped[Person | None] = relationship()

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None


# --- read helpers for other domains (stable names) ---


def item_reference(item: BoardItem) -> str:
    """The item's reference as the report and the room show it, e.g. "WG2-R3" or "WG2-I1"."""
    return f"WG{item.working_group.number}-{ItemKind(item.kind).letter}{item.number}"


def agreed_items(group: WorkingGroup, kind: ItemKind | None = None) -> list[BoardItem]:
    """The group's agreed items in the board's priority order (optionally of one kind)."""
    query = select(BoardItem).where(
        BoardItem.working_group_id == group.id, BoardItem.state == ItemState.AGREED
    )
    if kind is not None:
        query = query.where(BoardItem.kind == kind)
    return list(db.session.scalars(query.order_by(BoardItem.position, BoardItem.id)))


def items_for_messages(message_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """For each message id, the items it fed as (item id, reference); messages feeding none are left out."""
    ids = list(set(message_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(BoardItemSource.message_id, BoardItem)
        .join(BoardItem, BoardItem.id == BoardItemSource.item_id)
        .where(BoardItemSource.message_id.in_(ids))
        .order_by(BoardItemSource.message_id, BoardItem.id)
    )
    result: dict[int, list[tuple[int, str]]] = {}
    for message_id, item in rows:
        result.setdefault(message_id, []).append((item.id, item_reference(item)))
    return result
