"""Board operations: capture, edit, move through the workflow, merge, endorse, comment, freeze.

Every function takes the acting person and checks her permission itself, so the web page, the
socket events and the CLI share one set of rules. Nothing is changed when a check fails.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from ..accounts.models import Person
from ..errors import Invalid, NotAllowed
from ..extensions import db
from ..permissions import may
from ..programme import activity
from ..programme.models import WorkingGroup
from ..text import has_controls
from ..timestamps import utcnow
from .models import (
    MAX_SUMMARY,
    BoardItem,
    BoardItemSource,
    BoardItemVersion,
    BoardState,
    ItemKind,
    ItemState,
    item_reference,
)
from .queries import (
    board_state,
    group_items,
    state_label,
)
from .rules import (
    TRANSITIONS,
    clean_fields,
    refuse,
    require_editor,
    require_member,
    require_not_final,
    require_open,
    require_version,
    source_messages,
)


def _record(
    item: BoardItem,
    editor: Person | None,
    key: str,
    args: dict | None = None,
    *,
    summary: str = "",
) -> BoardItemVersion:
    """Write the item's current state as a new version: what changed as data (`key`, `args`,
    read in each reader's language by history_text.py) and as the editor put it (`summary`)."""
    now = utcnow()
    item.updated_at = now
    version = BoardItemVersion(
        item=item,
        version=item.version,
        text=item.text,
        audience=item.audience,
        guiding_question_id=item.guiding_question_id,
        state=item.state,
        editor=editor,
        created_at=now,
        summary=summary[:MAX_SUMMARY],
        summary_key=key,
        summary_args=args,
    )
    db.session.add(version)
    return version


def _bump(
    item: BoardItem, editor: Person | None, key: str, args: dict | None = None, *, summary: str = ""
) -> None:
    item.version += 1
    _record(item, editor, key, args, summary=summary)


def follow_up_fields(kind: ItemKind, owner: str, due: date | str | None) -> tuple[str, date | None]:
    """A follow-up action's owner and due date, checked; other kinds have neither."""
    if kind != ItemKind.FOLLOW_UP:
        return "", None
    owner = (owner or "").strip()
    if len(owner) > 200:
        raise Invalid(_("Who acts is at most 200 characters; shorten it."))
    if isinstance(due, str):
        try:
            due = date.fromisoformat(due.strip()) if due.strip() else None
        except ValueError:
            raise Invalid(
                _("The date it is due by is not a date; choose one in the calendar.")
            ) from None
    return owner, due


def _next_number(group: WorkingGroup, kind: ItemKind) -> int:
    """The next number for `kind` on the group's board, handed out atomically in the database
    (two workers capturing at once never get the same one)."""
    board_state(group)
    column = {
        ItemKind.RECOMMENDATION: BoardState.last_recommendation_number,
        ItemKind.INSIGHT: BoardState.last_insight_number,
        ItemKind.FOLLOW_UP: BoardState.last_follow_up_number,
    }[kind]
    return db.session.execute(
        update(BoardState)
        .where(BoardState.working_group_id == group.id)
        .values({column: column + 1})
        .returning(column)
    ).scalar_one()


def _next_position(group: WorkingGroup) -> int:
    last = db.session.scalar(
        select(func.max(BoardItem.position)).where(BoardItem.working_group_id == group.id)
    )
    return (last or 0) + 1


# --- changes ---


def add_item(
    person: Person,
    group: WorkingGroup,
    *,
    kind: ItemKind | str,
    text: str,
    audience: str | None = None,
    guiding_question_id: int | None = None,
    source_message_ids: Iterable[int] = (),
    state: ItemState | str | None = None,
    owner: str = "",
    due: date | str | None = None,
) -> BoardItem:
    """Capture an item. Editors choose draft or proposed (default); a participant's arrives as draft."""
    require_member(person, group)
    require_open(group)
    try:
        kind = ItemKind(kind)
    except ValueError:
        raise Invalid(_("An item is an insight, a recommendation or a follow-up action.")) from None
    owner, due = follow_up_fields(kind, owner, due)
    editor = may(person, "group.edit_board", group)
    if not editor:
        initial = ItemState.DRAFT
    else:
        try:
            initial = ItemState(state) if state else ItemState.PROPOSED
        except ValueError:
            initial = None
        if initial not in (ItemState.DRAFT, ItemState.PROPOSED):
            raise Invalid(_("A new item starts as a draft or as proposed."))
    text, audience, question, problems = clean_fields(
        group, kind=kind, text=text, audience=audience, guiding_question_id=guiding_question_id
    )
    messages, source_problems = source_messages(group, source_message_ids)
    refuse(problems + source_problems)
    item = BoardItem(
        working_group=group,
        kind=kind,
        number=_next_number(group, kind),
        text=text,
        audience=audience,
        guiding_question=question,
        state=initial,
        position=_next_position(group),
        version=1,
        created_by=person,
        owner=owner,
        due=due,
    )
    db.session.add(item)
    for message in messages:
        item.sources.append(BoardItemSource(message=message))
    _record(item, person, "captured" if editor else "proposed")
    db.session.flush()
    return item


def edit_item(
    person: Person,
    item: BoardItem,
    *,
    version: int,
    text: str,
    audience: str | None = None,
    guiding_question_id: int | None = None,
    summary: str = "",
) -> BoardItem:
    """Change an item's text, audience or question; `version` is the one the edit was made on."""
    group = item.working_group
    require_editor(person, group)
    require_open(group)
    require_not_final(item)
    require_version(item, version)
    text, audience, question, problems = clean_fields(
        group, kind=item.kind, text=text, audience=audience, guiding_question_id=guiding_question_id
    )
    refuse(problems)
    changes = []
    if text != item.text:
        changes.append("text")
    if audience != item.audience:
        changes.append("audience")
    if (question.id if question else None) != item.guiding_question_id:
        changes.append("question")
    if not changes:
        raise Invalid(_("Nothing was changed: the item already reads like this."))
    item.text, item.audience, item.guiding_question = text, audience, question
    summary = (summary or "").strip()
    if has_controls(summary):
        raise Invalid(_("The summary contains characters that cannot be shown. Remove them."))
    _bump(item, person, "edited", {"fields": changes}, summary=summary)
    db.session.flush()
    return item


def change_state(
    person: Person, item: BoardItem, state: ItemState | str, *, version: int | None = None
) -> BoardItem:
    """Move an item through draft → proposed → agreed (or back, or withdrawn)."""
    group = item.working_group
    require_editor(person, group)
    require_open(group)
    try:
        state = ItemState(state)
    except ValueError:
        raise Invalid(_("That is not a state an item can have.")) from None
    if state == ItemState.MERGED:
        raise Invalid(_("To merge an item, choose the item it is merged into."))
    require_not_final(item)
    require_version(item, version)
    if state == item.state:
        raise Invalid(
            _(
                "%(reference)s is already %(state)s.",
                reference=item_reference(item),
                state=state_label(state),
            )
        )
    if state not in TRANSITIONS[item.state]:
        raise Invalid(
            _(
                "%(reference)s cannot go from %(old)s to %(new)s.",
                reference=item_reference(item),
                old=state_label(item.state),
                new=state_label(state),
            )
        )
    old = item.state
    item.state = state
    _bump(item, person, "state", {"old": str(old), "new": str(state)})
    db.session.flush()
    return item


def merge_item(
    person: Person, item: BoardItem, into: BoardItem, *, version: int | None = None
) -> BoardItem:
    """Merge `item` into `into`: its endorsements, comments and sources go to the survivor."""
    group = item.working_group
    require_editor(person, group)
    require_open(group)
    if into.working_group_id != item.working_group_id:
        raise Invalid(_("An item can only be merged into another item of the same board."))
    if into.id == item.id:
        raise Invalid(_("An item cannot be merged into itself."))
    require_not_final(item)
    if into.state.final:
        raise Invalid(
            _(
                "%(reference)s was merged or withdrawn; choose an item that is still open.",
                reference=item_reference(into),
            )
        )
    require_version(item, version)
    endorsers = {e.person_id for e in into.endorsements}
    for endorsement in list(item.endorsements):
        if endorsement.person_id in endorsers:
            item.endorsements.remove(endorsement)
            db.session.delete(endorsement)
        else:
            endorsers.add(endorsement.person_id)
            endorsement.item = into
    for comment in list(item.comments):
        comment.item = into
    sources = {s.message_id for s in into.sources}
    for source in list(item.sources):
        if source.message_id not in sources:
            sources.add(source.message_id)
            into.sources.append(BoardItemSource(message_id=source.message_id))
    db.session.flush()
    item.state = ItemState.MERGED
    item.merged_into = into
    _bump(item, person, "merged-into", {"reference": item_reference(into)})
    _bump(into, person, "merged-from", {"reference": item_reference(item)})
    db.session.flush()
    return into


def reorder(person: Person, group: WorkingGroup, item_ids: list[int]) -> list[BoardItem]:
    """Set the board's priority order: `item_ids` first, in that order, then the rest as they were."""
    require_editor(person, group)
    require_open(group)
    items = group_items(group)
    by_id = {i.id: i for i in items}
    if len(set(item_ids)) != len(item_ids):
        raise Invalid(_("The new order names an item twice."))
    unknown = [i for i in item_ids if i not in by_id]
    if unknown:
        raise Invalid(_("The new order names items that are not on this board."))
    ordered = [by_id[i] for i in item_ids] + [i for i in items if i.id not in set(item_ids)]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    db.session.flush()
    return ordered


def move_item(person: Person, item: BoardItem, offset: int) -> list[BoardItem]:
    """Move one item up (negative) or down (positive) in the priority order."""
    group = item.working_group
    ids = [i.id for i in group_items(group)]
    index = ids.index(item.id)
    target = max(0, min(len(ids) - 1, index + offset))
    ids.insert(target, ids.pop(index))
    return reorder(person, group, ids)


def add_source(person: Person, item: BoardItem, message_id: int) -> BoardItem:
    """Link a room message to an item."""
    group = item.working_group
    require_editor(person, group)
    require_open(group)
    require_not_final(item)
    messages, problems = source_messages(group, [message_id])
    refuse(problems)
    if any(s.message_id == message_id for s in item.sources):
        raise Invalid(_("That message is already a source of this item."))
    item.sources.append(BoardItemSource(message=messages[0]))
    _bump(item, person, "source", {"message": message_id, "seq": messages[0].seq})
    db.session.flush()
    return item


def set_frozen(person: Person, group: WorkingGroup, frozen: bool) -> BoardState:
    """Freeze the board (read-only for everyone) or open it again. Organisers only."""
    if not may(person, "group.freeze_board", group):
        raise NotAllowed(_("Only the event's organisers can freeze or unfreeze a board."))
    state = board_state(group)
    if frozen == state.frozen:
        raise Invalid(
            _("The board is already frozen.") if frozen else _("The board is not frozen.")
        )
    state.frozen_at = utcnow() if frozen else None
    state.frozen_by = person if frozen else None
    activity.record(
        group.event, person, "board.freeze" if frozen else "board.unfreeze", group=group.key
    )
    db.session.flush()
    return state
