"""The written parts of the report (executive summary, key messages, glossary, each group's
narrative) and rapporteurs' translations: Markdown, versioned, each translation tied to the
version of the text it translates."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import Person
from ..board.models import BoardItem
from ..errors import Conflict, Invalid, NotAllowed
from ..extensions import db
from ..permissions import may
from ..programme.models import Event, WorkingGroup
from .models import PartKind, Translation, WrittenPart, WrittenPartVersion

__all__ = ["WrittenPart", "get_part", "may_write", "translate", "write_part"]

MAX_PART = 20_000


def get_part(event: Event, kind: PartKind, group: WorkingGroup | None = None) -> WrittenPart | None:
    in_group = (
        WrittenPart.working_group_id == group.id
        if group
        else WrittenPart.working_group_id.is_(None)
    )
    return db.session.scalar(
        select(WrittenPart).where(
            WrittenPart.event_id == event.id, WrittenPart.kind == kind, in_group
        )
    )


def may_write(person: Person | None, event: Event, kind: PartKind, group: WorkingGroup | None):
    if kind == PartKind.GROUP_NARRATIVE:
        return group is not None and may(person, "group.edit_board", group)
    return may(person, "report.write", event)


def write_part(
    person: Person,
    event: Event,
    kind: PartKind | str,
    text: str,
    *,
    group: WorkingGroup | None = None,
    based_on: int | None = None,
) -> WrittenPart:
    """Save a new version of a written part. `based_on` is the version she edited: if someone
    saved another since, hers is refused rather than silently replacing it."""
    try:
        kind = PartKind(kind)
    except ValueError:
        raise Invalid(_("There is no such part of the report.")) from None
    if (kind == PartKind.GROUP_NARRATIVE) != (group is not None):
        raise Invalid(_("A working group's narrative belongs to a working group."))
    if not may_write(person, event, kind, group):
        raise NotAllowed(_("You cannot write this part of the report."))
    text = (text or "").strip()
    if len(text) > MAX_PART:
        raise Invalid(_("This text is over %(max)d characters; shorten it.", max=MAX_PART))
    part = get_part(event, kind, group)
    if part is None:
        part = WrittenPart(event=event, kind=kind, working_group=group, version=0)
        db.session.add(part)
    if based_on is not None and based_on != part.version:
        raise Conflict(
            _(
                "Someone saved a newer version (%(version)d) while you were writing. Copy your "
                "text, reload the page and add your changes to theirs.",
                version=part.version,
            )
        )
    if part.versions and part.text == text:
        return part
    part.version += 1
    part.versions.append(WrittenPartVersion(version=part.version, text=text, author=person))
    db.session.flush()
    return part


def translate(
    person: Person,
    event: Event,
    *,
    language: str,
    text: str,
    source_version: int,
    part: WrittenPart | None = None,
    item: BoardItem | None = None,
) -> Translation:
    """Record her translation into `language` of version `source_version` of a written part or
    of a board item; refused when the text has changed since that version."""
    if not may(person, "report.translate", event):
        raise NotAllowed(_("Only rapporteurs, facilitators and organisers translate the report."))
    if (part is None) == (item is None):
        raise ValueError("translate one written part or one board item")
    if language not in (event.languages or []) or language == event.primary_language:
        raise Invalid(
            _(
                "Translate into one of the event's other languages: %(languages)s.",
                languages=", ".join(lang for lang in event.languages[1:]) or "-",
            )
        )
    target = part or item
    if (part and part.event_id != event.id) or (item and item.working_group.event_id != event.id):
        raise Invalid(_("This text is not part of this event's report."))
    if source_version != target.version:
        raise Conflict(
            _(
                "The original has changed (it is now version %(version)d): translate its "
                "current text.",
                version=target.version,
            )
        )
    text = (text or "").strip()
    if not text:
        raise Invalid(_("Write the translation before saving it."))
    if len(text) > MAX_PART:
        raise Invalid(_("This text is over %(max)d characters; shorten it.", max=MAX_PART))
    translation = Translation(
        event_id=event.id,
        part_id=part.id if part else None,
        item_id=item.id if item else None,
        source_version=source_version,
        language=language,
        text=text,
        translator_id=person.id,
    )
    db.session.add(translation)
    db.session.flush()
    return translation
