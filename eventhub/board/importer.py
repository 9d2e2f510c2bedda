"""Restoring boards from the JSON export (docs/board-format.md): checked whole, then written."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy import select

from ..errors import Invalid
from ..extensions import db
from ..limits import load_board_json
from ..problems import validation_problems
from ..programme.models import Event, WorkingGroup
from ..rooms.models import Message, Room, RoomKind
from . import queries
from .exports import FORMAT, VERSION
from .history_text import generated_summary
from .models import (
    MAX_COMMENT,
    MAX_TEXT,
    BoardItem,
    BoardItemSource,
    BoardItemVersion,
    Comment,
    ItemKind,
    ItemState,
)


class _KnownFieldsOnly(BaseModel):
    # Names and counts from the export are there for people to read; import ignores them.
    model_config = ConfigDict(extra="ignore")


class ChangeIn(_KnownFieldsOnly):
    """What EventHub recorded of a change, as data (board/history_text.py reads it)."""

    key: str = Field(max_length=40)
    args: dict[str, str | int | list[str]] = {}

    @model_validator(mode="after")
    def _readable(self) -> ChangeIn:
        if not generated_summary(self.key, self.args):
            raise ValueError(_("this is not a change that this version of EventHub can read."))
        return self


class VersionIn(_KnownFieldsOnly):
    version: int = Field(ge=1)
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    audience: str | None = None
    question: int | None = None
    state: ItemState
    created_at: datetime
    summary: str = Field(default="", max_length=300)
    change: ChangeIn | None = None


class SourceIn(_KnownFieldsOnly):
    seq: int = Field(ge=1)


class CommentIn(_KnownFieldsOnly):
    body: str = Field(min_length=1, max_length=MAX_COMMENT)
    created_at: datetime
    hidden: bool = False


class ItemIn(_KnownFieldsOnly):
    kind: ItemKind
    number: int = Field(ge=1)
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    audience: str | None = None
    question: int | None = None
    state: ItemState
    # "WG2-R3": read to check that `merged_into` references name this same board.
    reference: str | None = None
    merged_into: str | None = None
    position: int = Field(ge=0)
    version: int = Field(ge=1)
    created_at: datetime
    updated_at: datetime
    sources: list[SourceIn] = []
    comments: list[CommentIn] = []
    versions: list[VersionIn] = Field(min_length=1)


class LastNumbersIn(_KnownFieldsOnly):
    insight: int = Field(default=0, ge=0)
    recommendation: int = Field(default=0, ge=0)


class GroupIn(_KnownFieldsOnly):
    key: str
    frozen_at: datetime | None = None
    last_numbers: LastNumbersIn = LastNumbersIn()
    items: list[ItemIn] = []


class BoardFileIn(_KnownFieldsOnly):
    format: str
    version: int
    groups: list[GroupIn]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _suffix(item: ItemIn) -> str:
    """ "R3" of WG2-R3: references are matched without the group's number, which may differ."""
    return f"{ItemKind(item.kind).letter}{item.number}"


def _ref_suffix(reference: str) -> str:
    return reference.rsplit("-", 1)[-1]


def _ref_prefix(reference: str) -> str | None:
    return reference.rsplit("-", 1)[0] if "-" in reference else None


def _merge_problem(item: ItemIn, known: _Known) -> str | None:
    """Why `item.merged_into` cannot name an item of this board, or None when it does."""
    target = item.merged_into or ""
    if _ref_suffix(target) not in known.references:
        return _("%(reference)s is not on this board.", reference=target)
    if known.prefixes and _ref_prefix(target) not in known.prefixes:
        # Another group's item with the same number: WG2-R1 is not this board's R1.
        return _("%(reference)s is on another working group's board.", reference=target)
    if _ref_suffix(target) == _suffix(item):
        return _("an item cannot be merged into itself.")
    return None


def _merge_cycle(items: list[ItemIn]) -> list[str]:
    """The references of items whose merges lead back to themselves (A into B, B into A)."""
    into = {_suffix(i): _ref_suffix(i.merged_into) for i in items if i.merged_into}
    looping = []
    for start in into:
        seen, ref = set(), start
        while ref in into and ref not in seen:
            seen.add(ref)
            ref = into[ref]
        if ref == start:
            looping.append(start)
    return looping


def _check_group(event: Event, gi: int, g: GroupIn, problems: list[str]) -> WorkingGroup | None:
    where = f"groups[{gi}]"
    group = next((wg for wg in event.working_groups if wg.key == g.key), None)
    if group is None:
        problems.append(
            _("%(where)s.key: this event has no working group “%(key)s”.", where=where, key=g.key)
        )
        return None
    known = _Known(
        questions={q.position for q in group.guiding_questions},
        audiences=set(event.audiences or []),
        references={_suffix(i) for i in g.items},
        prefixes={_ref_prefix(i.reference) for i in g.items if i.reference} - {None},
    )
    seen: set[tuple[str, int]] = set()
    for ii, item in enumerate(g.items):
        at = f"{where}.items[{ii}]"
        key = (str(item.kind), item.number)
        if key in seen:
            problems.append(
                _(
                    "%(where)s.number: %(kind)s number %(number)s appears twice.",
                    where=at,
                    kind=item.kind,
                    number=item.number,
                )
            )
        seen.add(key)
        _check_item(at, item, known, problems)
    for reference in _merge_cycle(g.items):
        problems.append(
            _(
                "%(where)s: %(reference)s is merged, through other items, into itself.",
                where=where,
                reference=reference,
            )
        )
    return group


@dataclass(frozen=True)
class _Known:
    """What an item of one group may refer to: its questions, the event's audiences, its items."""

    questions: set[int]
    audiences: set[str]
    references: set[str]
    prefixes: set[str]  # "WG1" when the file's items give their own references


def _check_item(at: str, item: ItemIn, known: _Known, problems: list[str]) -> None:
    for field_at, audience, question in [(at, item.audience, item.question)] + [
        (f"{at}.versions[{vi}]", v.audience, v.question) for vi, v in enumerate(item.versions)
    ]:
        _check_refs(field_at, audience, question, known, problems)
    if item.kind == ItemKind.RECOMMENDATION and not item.audience:
        problems.append(_("%(where)s.audience: a recommendation needs an audience.", where=at))
    if (item.state == ItemState.MERGED) != (item.merged_into is not None):
        problems.append(
            _(
                "%(where)s.merged_into: a merged item, and only a merged item, "
                "names the item it was merged into.",
                where=at,
            )
        )
    elif item.merged_into is not None and (problem := _merge_problem(item, known)):
        problems.append(_("%(where)s.merged_into: %(problem)s", where=at, problem=problem))
    numbers = [v.version for v in item.versions]
    if numbers != sorted(set(numbers)) or numbers[-1] != item.version:
        problems.append(
            _(
                "%(where)s.versions: versions must be in order, each once, and end "
                "with the item's version %(version)s.",
                where=at,
                version=item.version,
            )
        )


def _check_refs(
    at: str, audience: str | None, question: int | None, known: _Known, problems: list[str]
) -> None:
    if audience is not None and audience not in known.audiences:
        problems.append(
            _(
                "%(where)s.audience: “%(audience)s” is not one of this event's audiences.",
                where=at,
                audience=audience,
            )
        )
    if question is not None and question not in known.questions:
        problems.append(
            _(
                "%(where)s.question: the working group has no guiding question %(n)s.",
                where=at,
                n=question,
            )
        )


def parse_board_file(event: Event, raw: bytes | str) -> list[tuple[WorkingGroup, GroupIn]]:
    """Read and check an export; raise Invalid listing every problem, or return what to write."""
    try:
        data = load_board_json(raw)
    except json.JSONDecodeError as error:
        raise Invalid(
            _(
                "The file is not JSON: it cannot be read from line %(line)s, column %(column)s.",
                line=error.lineno,
                column=error.colno,
            )
        ) from None
    except (ValueError, UnicodeDecodeError):
        raise Invalid(_("The file is not JSON: it is not text in UTF-8.")) from None
    try:
        board = BoardFileIn.model_validate(data)
    except ValidationError as error:
        problems = validation_problems(error)
        raise Invalid(_("The file is not a valid board export."), problems=problems) from None
    problems: list[str] = []
    if board.format != FORMAT:
        problems.append(_("format: expected “%(format)s”.", format=FORMAT))
    if board.version != VERSION:
        problems.append(_("version: this EventHub reads version %(version)s.", version=VERSION))
    pairs, keys = [], set()
    for gi, g in enumerate(board.groups):
        if g.key in keys:
            problems.append(_("groups[%(i)s].key: “%(key)s” appears twice.", i=gi, key=g.key))
        keys.add(g.key)
        group = _check_group(event, gi, g, problems)
        if group is not None:
            pairs.append((group, g))
    if problems:
        raise Invalid(_("The file is not a valid board export."), problems=problems)
    return pairs


def import_board(event: Event, raw: bytes | str, *, replace: bool = False) -> list[str]:
    """Restore boards from a JSON export. Returns notes on what was done."""
    pairs = parse_board_file(event, raw)
    busy = [g.key for g, _in in pairs if queries.group_items(g)]
    if busy and not replace:
        raise Invalid(
            _(
                "These working groups already have items on their board: %(keys)s. Nothing was "
                "imported; import with --replace to replace their boards.",
                keys=", ".join(busy),
            ),
        )
    notes = []
    for group, g in pairs:
        notes.extend(_write_group(group, g))
    db.session.flush()
    return notes


def _write_group(group: WorkingGroup, g: GroupIn) -> list[str]:
    _clear_board(group)
    questions = {q.position: q for q in group.guiding_questions}
    messages = _room_messages(group)
    by_ref: dict[str, BoardItem] = {}
    missing = 0
    for data in g.items:
        item, not_linked = _new_item(group, data, questions, messages)
        by_ref[_suffix(data)] = item
        missing += not_linked
    db.session.flush()
    for data in g.items:
        if data.merged_into:
            by_ref[_suffix(data)].merged_into = by_ref[_ref_suffix(data.merged_into)]
    _restore_state(group, g)
    notes = [_("%(key)s: %(count)s items restored.", key=group.key, count=len(g.items))]
    if missing:
        notes.append(
            _(
                "%(key)s: %(count)s sources were not linked (the messages are not in this room).",
                key=group.key,
                count=missing,
            )
        )
    return notes


def _clear_board(group: WorkingGroup) -> None:
    for item in queries.group_items(group):
        item.merged_into = None
    db.session.flush()
    for item in queries.group_items(group):
        db.session.delete(item)
    db.session.flush()


def _room_messages(group: WorkingGroup) -> dict[int, Message]:
    """The group room's messages by sequence number (sources are matched by it)."""
    room = db.session.scalar(
        select(Room).where(Room.working_group_id == group.id, Room.kind == RoomKind.WORKING_GROUP)
    )
    if room is None:
        return {}
    return {m.seq: m for m in db.session.scalars(select(Message).where(Message.room_id == room.id))}


def _new_item(
    group: WorkingGroup, data: ItemIn, questions: dict, messages: dict[int, Message]
) -> tuple[BoardItem, int]:
    """The item as the file has it, and how many of its sources are not in the room."""
    item = BoardItem(
        working_group=group,
        kind=data.kind,
        number=data.number,
        text=data.text,
        audience=data.audience,
        guiding_question=questions.get(data.question),
        state=data.state,
        position=data.position,
        version=data.version,
        created_at=_aware(data.created_at),
        updated_at=_aware(data.updated_at),
    )
    db.session.add(item)
    for v in data.versions:
        item.versions.append(
            BoardItemVersion(
                version=v.version,
                text=v.text,
                audience=v.audience,
                guiding_question=questions.get(v.question),
                state=v.state,
                created_at=_aware(v.created_at),
                summary=v.summary,
                summary_key=v.change.key if v.change else None,
                summary_args=v.change.args if v.change else None,
            )
        )
    missing = 0
    for source in data.sources:
        message = messages.get(source.seq)
        if message is None:
            missing += 1
        elif all(s.message_id != message.id for s in item.sources):
            item.sources.append(BoardItemSource(message=message))
    for c in data.comments:
        item.comments.append(
            Comment(
                body=c.body,
                created_at=_aware(c.created_at),
                hidden_at=_aware(c.created_at) if c.hidden else None,
            )
        )
    return item, missing


def _restore_state(group: WorkingGroup, g: GroupIn) -> None:
    """The last numbers given (so new items do not reuse one) and the freeze."""
    state = queries.board_state(group)
    numbers = {(str(i.kind), i.number) for i in g.items}
    state.last_insight_number = max(
        [g.last_numbers.insight] + [n for k, n in numbers if k == ItemKind.INSIGHT]
    )
    state.last_recommendation_number = max(
        [g.last_numbers.recommendation] + [n for k, n in numbers if k == ItemKind.RECOMMENDATION]
    )
    state.frozen_at = _aware(g.frozen_at) if g.frozen_at else None
    state.frozen_by = None
