"""Live board events: every change is stored, then broadcast to `board:<group id>`, then acknowledged.

The protocol is documented in docs/board-format.md ("Board events").
"""

from __future__ import annotations

from typing import Annotated, Literal

from flask import current_app
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import join_room, leave_room
from pydantic import Field

from ..errors import NotFound
from ..extensions import db
from ..ids import DbId
from ..permissions import may
from ..programme.models import WorkingGroup
from ..realtime import Payload, Reply, SocketEvents, check_rate, event_handler
from . import participation, queries, service
from .models import MAX_COMMENT, MAX_SUMMARY, MAX_TEXT, BoardItem
from .present import item_data

events = SocketEvents()  # registered by eventhub.board.register

Id = DbId
# Generous bounds against abuse; the service gives the clear message for text over MAX_TEXT.
LongText = Annotated[str, Field(max_length=MAX_TEXT * 4)]


def socket_room(group_id: int) -> str:
    return f"board:{group_id}"


class GroupPayload(Payload):
    group: Id


class AddPayload(Payload):
    group: Id
    kind: Literal["insight", "recommendation", "follow-up"]
    text: LongText
    audience: Annotated[str, Field(max_length=200)] | None = None
    question: Id | None = None
    sources: Annotated[list[Id], Field(max_length=50)] = []
    state: Literal["draft", "proposed"] | None = None
    owner: Annotated[str, Field(max_length=800)] = ""
    due: Annotated[str, Field(max_length=32)] | None = None


class EditPayload(Payload):
    item: Id
    version: Id
    text: LongText
    audience: Annotated[str, Field(max_length=200)] | None = None
    question: Id | None = None
    summary: Annotated[str, Field(max_length=MAX_SUMMARY)] = ""


class StatePayload(Payload):
    item: Id
    version: Id
    state: Literal["draft", "proposed", "agreed", "withdrawn"]


class MergePayload(Payload):
    item: Id
    version: Id
    into: Id


class EndorsePayload(Payload):
    item: Id
    endorse: bool


class CommentPayload(Payload):
    item: Id
    body: Annotated[str, Field(max_length=MAX_COMMENT * 4)]


class SourcePayload(Payload):
    item: Id
    message: Id


class ReorderPayload(Payload):
    group: Id
    items: Annotated[list[Id], Field(max_length=1000)]


class FreezePayload(Payload):
    group: Id
    frozen: bool


def _group(group_id: int) -> WorkingGroup:
    group = db.session.get(WorkingGroup, group_id)
    if group is None or not may(current_user, "group.view", group):
        raise NotFound(_("There is no such board, or you do not have access to it."))
    return group


def _item(item_id: int) -> BoardItem:
    item = db.session.get(BoardItem, item_id)
    if item is None or not may(current_user, "group.view", item.working_group):
        raise NotFound(_("This item is not on this board. It may have been removed."))
    return item


def _limit(group: WorkingGroup) -> None:
    check_rate(f"board:{group.id}:{current_user.id}", current_app.config["BOARD_CHANGE_RATE"])


def item_broadcast(item: BoardItem) -> dict:
    """What every viewer receives: names only in a named event (never under Chatham House)."""
    return item_data(item, names=not item.working_group.event.chatham_house)


def frozen_data(state) -> dict:
    return {
        "group": state.working_group_id,
        "frozen": state.frozen,
        "frozen_at": state.frozen_at.isoformat() if state.frozen_at else None,
    }


def item_reply(*items: BoardItem, ack: dict | None = None) -> Reply:
    """Every viewer of the board gets these items as they now stand."""
    reply = Reply(ack=ack if ack is not None else {"item": item_broadcast(items[0])})
    for item in items:
        reply.broadcast("board_item", item_broadcast(item), socket_room(item.working_group_id))
    return reply


@events.on("board_join")
@event_handler(GroupPayload)
def on_join(payload: GroupPayload) -> Reply:
    group = _group(payload.group)
    join_room(socket_room(group.id))
    items = queries.group_items(group)
    mine = queries.endorsed_by(current_user, items)
    return Reply(
        ack={
            "group": group.id,
            "frozen": queries.is_frozen(group),
            "items": [item_broadcast(i) for i in items],
            "endorsed": sorted(mine),
        }
    )


@events.on("board_leave")
@event_handler(GroupPayload)
def on_leave(payload: GroupPayload) -> Reply:
    leave_room(socket_room(payload.group))
    return Reply()


@events.on("board_add")
@event_handler(AddPayload)
def on_add(payload: AddPayload) -> Reply:
    group = _group(payload.group)
    _limit(group)
    item = service.add_item(
        current_user,
        group,
        kind=payload.kind,
        text=payload.text,
        audience=payload.audience,
        guiding_question_id=payload.question,
        source_message_ids=payload.sources,
        state=payload.state,
        owner=payload.owner,
        due=payload.due,
    )
    return item_reply(item)


@events.on("board_edit")
@event_handler(EditPayload)
def on_edit(payload: EditPayload) -> Reply:
    item = _item(payload.item)
    _limit(item.working_group)
    service.edit_item(
        current_user,
        item,
        version=payload.version,
        text=payload.text,
        audience=payload.audience,
        guiding_question_id=payload.question,
        summary=payload.summary,
    )
    return item_reply(item)


@events.on("board_state")
@event_handler(StatePayload)
def on_state(payload: StatePayload) -> Reply:
    item = _item(payload.item)
    _limit(item.working_group)
    service.change_state(current_user, item, payload.state, version=payload.version)
    return item_reply(item)


@events.on("board_merge")
@event_handler(MergePayload)
def on_merge(payload: MergePayload) -> Reply:
    item = _item(payload.item)
    into = _item(payload.into)
    _limit(item.working_group)
    service.merge_item(current_user, item, into, version=payload.version)
    return item_reply(into, item)


@events.on("board_endorse")
@event_handler(EndorsePayload)
def on_endorse(payload: EndorsePayload) -> Reply:
    item = _item(payload.item)
    _limit(item.working_group)
    if payload.endorse:
        participation.endorse(current_user, item)
    else:
        participation.withdraw_endorsement(current_user, item)
    return item_reply(item, ack={"item": item_broadcast(item), "endorsed": payload.endorse})


@events.on("board_comment")
@event_handler(CommentPayload)
def on_comment(payload: CommentPayload) -> Reply:
    item = _item(payload.item)
    _limit(item.working_group)
    comment = participation.add_comment(current_user, item, payload.body)
    return item_reply(item, ack={"item": item_broadcast(item), "comment": comment.id})


@events.on("board_source")
@event_handler(SourcePayload)
def on_source(payload: SourcePayload) -> Reply:
    item = _item(payload.item)
    _limit(item.working_group)
    service.add_source(current_user, item, payload.message)
    return item_reply(item)


@events.on("board_reorder")
@event_handler(ReorderPayload)
def on_reorder(payload: ReorderPayload) -> Reply:
    group = _group(payload.group)
    _limit(group)
    ordered = service.reorder(current_user, group, payload.items)
    ids = [i.id for i in ordered]
    return Reply(ack={"items": ids}).broadcast(
        "board_order", {"group": group.id, "items": ids}, socket_room(group.id)
    )


@events.on("board_freeze")
@event_handler(FreezePayload)
def on_freeze(payload: FreezePayload) -> Reply:
    group = _group(payload.group)
    data = frozen_data(service.set_frozen(current_user, group, payload.frozen))
    return Reply(ack=data).broadcast("board_frozen", data, socket_room(group.id))
