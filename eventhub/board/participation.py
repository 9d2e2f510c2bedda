"""Members taking part on the board: endorsing proposed items, commenting; facilitators hiding comments."""

from __future__ import annotations

from flask_babel import gettext as _

from ..accounts.models import Person
from ..errors import Conflict, Invalid, NotAllowed
from ..extensions import db
from ..permissions import may
from ..programme import activity
from ..text import has_controls, is_blank
from ..timestamps import utcnow
from .models import MAX_COMMENT, BoardItem, Comment, Endorsement, ItemState, item_reference
from .queries import state_label
from .rules import require_member, require_not_final, require_open


def endorse(person: Person, item: BoardItem) -> BoardItem:
    """Endorse a proposed item (once per person)."""
    group = item.working_group
    require_member(person, group)
    require_open(group)
    if item.state != ItemState.PROPOSED:
        raise Invalid(
            _(
                "Only proposed items can be endorsed; %(reference)s is %(state)s.",
                reference=item_reference(item),
                state=state_label(item.state),
            )
        )
    if any(e.person_id == person.id for e in item.endorsements):
        raise Conflict(
            _("You have already endorsed %(reference)s.", reference=item_reference(item))
        )
    item.endorsements.append(Endorsement(person=person))
    db.session.flush()
    return item


def withdraw_endorsement(person: Person, item: BoardItem) -> BoardItem:
    group = item.working_group
    require_member(person, group)
    require_open(group)
    mine = next((e for e in item.endorsements if e.person_id == person.id), None)
    if mine is None:
        raise Invalid(_("You have not endorsed %(reference)s.", reference=item_reference(item)))
    item.endorsements.remove(mine)
    db.session.delete(mine)
    db.session.flush()
    return item


def add_comment(person: Person, item: BoardItem, body: str) -> Comment:
    group = item.working_group
    require_member(person, group)
    require_open(group)
    require_not_final(item)
    body = (body or "").strip()
    if is_blank(body):
        raise Invalid(_("The comment is empty."))
    if has_controls(body, multiline=True):
        raise Invalid(_("The comment contains characters that cannot be shown. Remove them."))
    if len(body) > MAX_COMMENT:
        raise Invalid(
            _(
                "The comment is too long (%(length)s characters; at most %(max)s).",
                length=len(body),
                max=MAX_COMMENT,
            )
        )
    comment = Comment(person=person, body=body)
    item.comments.append(comment)
    db.session.flush()
    return comment


def hide_comment(person: Person, comment: Comment) -> Comment:
    """Hide a comment (moderation is kept, never erased)."""
    group = comment.item.working_group
    if not may(person, "group.moderate", group):
        raise NotAllowed(_("Only the group's facilitators can hide comments."))
    require_open(group)
    if comment.hidden_at is None:
        comment.hidden_at = utcnow()
        activity.record(
            group.event,
            person,
            "comment.hide",
            subject=comment.person,
            group=group.key,
            item=comment.item.reference,
        )
    db.session.flush()
    return comment
