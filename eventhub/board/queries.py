"""Reading the board: its state, its items in order, who may see names; labels for states and kinds."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import Person
from ..errors import NotFound
from ..extensions import db
from ..permissions import may
from ..programme.models import WorkingGroup
from ..rooms.models import Room, RoomKind
from .models import (
    BoardItem,
    BoardItemSource,
    BoardState,
    Comment,
    Endorsement,
    ItemKind,
    ItemState,
)


def board_state(group: WorkingGroup) -> BoardState:
    """The group's board state, made on first use."""
    state = db.session.get(BoardState, group.id)
    if state is None:
        state = BoardState(working_group_id=group.id)
        db.session.add(state)
        db.session.flush()
    return state


def is_frozen(group: WorkingGroup) -> bool:
    state = db.session.get(BoardState, group.id)
    return state is not None and state.frozen


def group_items(group: WorkingGroup) -> list[BoardItem]:
    """Every item of the group's board in priority order, with what a board shows of each.

    Loaded in a few queries for the whole board, not a few per item.
    """
    return list(
        db.session.scalars(
            select(BoardItem)
            .where(BoardItem.working_group_id == group.id)
            .order_by(BoardItem.position, BoardItem.id)
            .options(
                selectinload(BoardItem.guiding_question),
                selectinload(BoardItem.merged_into),
                selectinload(BoardItem.endorsements).selectinload(Endorsement.person),
                selectinload(BoardItem.comments).selectinload(Comment.person),
                selectinload(BoardItem.sources).selectinload(BoardItemSource.message),
            )
        )
    )


def get_item(group: WorkingGroup, item_id: int) -> BoardItem:
    item = db.session.get(BoardItem, item_id)
    if item is None or item.working_group_id != group.id:
        raise NotFound(_("This item is not on this board. It may have been removed."))
    return item


def find_item(item_id: int) -> BoardItem:
    item = db.session.get(BoardItem, item_id)
    if item is None:
        raise NotFound(_("This item is not on this board. It may have been removed."))
    return item


def group_room(group: WorkingGroup) -> Room | None:
    return db.session.scalar(
        select(Room).where(Room.working_group_id == group.id, Room.kind == RoomKind.WORKING_GROUP)
    )


def endorsed_by(person: Person | None, items: Iterable[BoardItem]) -> set[int]:
    """Ids of the items among `items` that `person` endorsed."""
    ids = [i.id for i in items]
    if person is None or not getattr(person, "is_authenticated", False) or not ids:
        return set()
    return set(
        db.session.scalars(
            select(Endorsement.item_id).where(
                Endorsement.person_id == person.id, Endorsement.item_id.in_(ids)
            )
        )
    )


def may_see_names(person: Person | None, group: WorkingGroup) -> bool:
    """Who endorsed or commented: everyone in a named event, facilitators only under Chatham House."""
    if not group.event.chatham_house:
        return may(person, "group.view", group)
    return may(person, "group.facilitate", group)


def state_label(state: ItemState | str) -> str:
    return {
        ItemState.DRAFT: _("draft"),
        ItemState.PROPOSED: _("proposed"),
        ItemState.AGREED: _("agreed"),
        ItemState.MERGED: _("merged"),
        ItemState.WITHDRAWN: _("withdrawn"),
    }[ItemState(state)]


def state_name(state: ItemState | str) -> str:
    """The state on its own, in sentence case: a badge, a heading, a table cell."""
    return {
        ItemState.DRAFT: _("Draft"),
        ItemState.PROPOSED: _("Proposed"),
        ItemState.AGREED: _("Agreed"),
        ItemState.MERGED: _("Merged"),
        ItemState.WITHDRAWN: _("Withdrawn"),
    }[ItemState(state)]


def kind_name(kind: ItemKind | str) -> str:
    """The kind on its own, in sentence case: a badge."""
    return {
        ItemKind.INSIGHT: _("Insight"),
        ItemKind.RECOMMENDATION: _("Recommendation"),
        ItemKind.FOLLOW_UP: _("Follow-up action"),
    }[ItemKind(kind)]


def kind_label(kind: ItemKind | str) -> str:
    return {
        ItemKind.INSIGHT: _("insight"),
        ItemKind.RECOMMENDATION: _("recommendation"),
        ItemKind.FOLLOW_UP: _("follow-up action"),
    }[ItemKind(kind)]
