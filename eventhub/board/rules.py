"""The checks every board change shares: permission, freeze, version, and valid fields."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import Person
from ..errors import Conflict, Invalid, NotAllowed
from ..extensions import db
from ..permissions import may
from ..programme.models import GuidingQuestion, WorkingGroup
from ..rooms.models import Message
from ..text import has_controls, is_blank
from .models import MAX_TEXT, BoardItem, ItemKind, ItemState, item_reference
from .queries import group_room, is_frozen

# Which state may follow which, for board editors. Merging has its own function.
TRANSITIONS: dict[ItemState, frozenset[ItemState]] = {
    ItemState.DRAFT: frozenset({ItemState.PROPOSED, ItemState.WITHDRAWN}),
    ItemState.PROPOSED: frozenset({ItemState.AGREED, ItemState.DRAFT, ItemState.WITHDRAWN}),
    ItemState.AGREED: frozenset({ItemState.PROPOSED, ItemState.WITHDRAWN}),
    ItemState.MERGED: frozenset(),
    ItemState.WITHDRAWN: frozenset(),
}


class StaleVersion(Conflict):
    """An edit made on an older version; carries the item's current state to show her."""

    def __init__(self, message: str, item: BoardItem):
        super().__init__(message)
        self.item = item
        # Added to the socket error ack by eventhub.realtime.error_ack.
        self.details = {
            "current": {
                "id": item.id,
                "version": item.version,
                "text": item.text,
                "audience": item.audience,
                "question": item.guiding_question_id,
                "state": str(item.state),
            }
        }


def require_open(group: WorkingGroup) -> None:
    if is_frozen(group):
        raise NotAllowed(_("This board is frozen: nothing on it can be changed any more."))


def require_editor(person: Person, group: WorkingGroup) -> None:
    if not may(person, "group.edit_board", group):
        raise NotAllowed(
            _("Only the group's facilitators, rapporteurs and organisers can do this on the board.")
        )


def require_member(person: Person, group: WorkingGroup) -> None:
    if not may(person, "group.take_part", group):
        raise NotAllowed(_("Only members of this working group can do this."))


def require_version(item: BoardItem, version: int | None) -> None:
    if version is not None and version != item.version:
        raise StaleVersion(
            _(
                "Someone changed %(reference)s while you were working on it (it is now at version "
                "%(version)s), so your change was not saved. Its current text is: %(text)s",
                reference=item_reference(item),
                version=item.version,
                text=item.text,
            ),
            item,
        )


def require_not_final(item: BoardItem) -> None:
    if item.state == ItemState.MERGED:
        raise Invalid(
            _(
                "%(reference)s was merged into another item and can no longer be changed.",
                reference=item_reference(item),
            )
        )
    if item.state == ItemState.WITHDRAWN:
        raise Invalid(
            _(
                "%(reference)s was withdrawn and can no longer be changed.",
                reference=item_reference(item),
            )
        )


def clean_fields(
    group: WorkingGroup,
    *,
    kind: ItemKind,
    text: str,
    audience: str | None,
    guiding_question_id: int | None,
) -> tuple[str, str | None, GuidingQuestion | None, list[str]]:
    """Check an item's fields; returns the cleaned values and the problems found."""
    problems: list[str] = []
    text = (text or "").strip()
    if is_blank(text):
        problems.append(_("The text is empty: write the insight or recommendation."))
    elif has_controls(text, multiline=True):
        problems.append(_("The text contains characters that cannot be shown. Remove them."))
    elif len(text) > MAX_TEXT:
        problems.append(
            _(
                "The text is too long (%(length)s characters; at most %(max)s).",
                length=len(text),
                max=MAX_TEXT,
            )
        )
    audience = (audience or "").strip() or None
    audiences = list(group.event.audiences or [])
    if audience is not None and audience not in audiences:
        problems.append(
            _(
                "“%(audience)s” is not one of this event's audiences (%(audiences)s).",
                audience=audience,
                audiences=", ".join(audiences),
            )
        )
    elif audience is None and kind == ItemKind.RECOMMENDATION:
        problems.append(_("A recommendation needs an audience: choose who it is addressed to."))
    question = None
    if guiding_question_id is not None:
        question = db.session.get(GuidingQuestion, guiding_question_id)
        if question is None or question.working_group_id != group.id:
            problems.append(_("That guiding question is not one of this working group's."))
            question = None
    return text, audience, question, problems


def source_messages(
    group: WorkingGroup, message_ids: Iterable[int]
) -> tuple[list[Message], list[str]]:
    ids = list(dict.fromkeys(message_ids))
    if not ids:
        return [], []
    room = group_room(group)
    found = {m.id: m for m in db.session.scalars(select(Message).where(Message.id.in_(ids)))}
    messages, problems = [], []
    for message_id in ids:
        message = found.get(message_id)
        if message is None or room is None or message.room_id != room.id:
            problems.append(
                _(
                    "Message %(id)s is not in this working group's room; only its own messages "
                    "can be sources.",
                    id=message_id,
                )
            )
        elif message.hidden:
            problems.append(
                _("Message %(id)s was hidden by a moderator and cannot be a source.", id=message_id)
            )
        else:
            messages.append(message)
    return messages, problems


def refuse(problems: list[str]) -> None:
    if len(problems) == 1:
        raise Invalid(problems[0], problems=problems)
    if problems:
        raise Invalid(_("Nothing was saved; please correct the following."), problems=problems)
