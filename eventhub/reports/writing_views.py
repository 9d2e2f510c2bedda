"""Writing the report in the app: the executive summary, key messages, glossary and each
group's narrative (Markdown, versioned), and translations of them and of agreed board items."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..board.models import BoardItem, agreed_items
from ..errors import Invalid, NotAllowed
from ..extensions import db
from ..markup import render_markdown
from ..permissions import may
from ..programme.models import Event
from ..programme.service import event_by_slug
from ..web import form_id, requires
from . import writing
from .models import PartKind, Translation

bp = Blueprint("report_writing", __name__)

EVENT_PARTS = (
    PartKind.EXECUTIVE_SUMMARY,
    PartKind.OPENING_MESSAGES,
    PartKind.CLOSING_MESSAGES,
    PartKind.GLOSSARY,
)


def _may_open(person, event: Event) -> bool:
    return may(person, "report.write", event) or may(person, "report.translate", event)


def _part_label(kind: PartKind) -> str:
    return {
        PartKind.EXECUTIVE_SUMMARY: _("Executive summary"),
        PartKind.OPENING_MESSAGES: _("Key messages of the opening"),
        PartKind.CLOSING_MESSAGES: _("Key messages of the closing"),
        PartKind.GLOSSARY: _("Glossary"),
        PartKind.GROUP_NARRATIVE: _("Summary of the discussion"),
    }[kind]


@bp.route("/e/<slug>/report/write")
@requires("report.translate", event_by_slug)
def page(event: Event, slug: str):
    """Every part she may write or translate, with its current version."""
    parts = []
    for kind in EVENT_PARTS:
        if writing.may_write(current_user, event, kind, None):
            parts.append((kind, None, writing.get_part(event, kind)))
    for group in event.working_groups:
        if writing.may_write(current_user, event, PartKind.GROUP_NARRATIVE, group):
            parts.append(
                (
                    PartKind.GROUP_NARRATIVE,
                    group,
                    writing.get_part(event, PartKind.GROUP_NARRATIVE, group),
                )
            )
    items = [
        (group, agreed_items(group))
        for group in event.working_groups
        if may(current_user, "group.edit_board", group)
    ]
    translations = _latest_translations(event)
    return render_template(
        "reports/write.html",
        event=event,
        parts=parts,
        items=items,
        translations=translations,
        other_languages=[lang for lang in (event.languages or [])[1:]],
        part_label=_part_label,
        md=render_markdown,
    )


def _latest_translations(event: Event) -> dict[tuple, Translation]:
    """(part or item, id, language) -> her newest translation, current or out of date."""
    rows = db.session.scalars(
        db.select(Translation).where(Translation.event_id == event.id).order_by(Translation.id)
    )
    latest = {}
    for row in rows:
        key = ("part", row.part_id) if row.part_id else ("item", row.item_id)
        latest[(*key, row.language)] = row
    return latest


def _group(event: Event):
    key = request.form.get("group", "")
    if not key:
        return None
    group = next((g for g in event.working_groups if g.key == key), None)
    if group is None:
        raise Invalid(_("There is no such working group in this event."))
    return group


def _version(name: str) -> int | None:
    value = request.form.get(name, "")
    return int(value) if value.isdigit() and len(value) < 9 else None


@bp.route("/e/<slug>/report/write", methods=["POST"])
@requires("report.translate", event_by_slug)
def save(event: Event, slug: str):
    part = writing.write_part(
        current_user,
        event,
        request.form.get("kind", ""),
        request.form.get("text", ""),
        group=_group(event),
        based_on=_version("based_on"),
    )
    flash(_("Saved as version %(version)d.", version=part.version), "success")
    return redirect(url_for("report_writing.page", slug=slug, _anchor=f"part-{part.id}"))


@bp.route("/e/<slug>/report/translate", methods=["POST"])
@requires("report.translate", event_by_slug)
def translate(event: Event, slug: str):
    part = item = None
    # Ids bounded to the database's range (finding 8 of issue 11): 2**70 is no text, not a 500.
    if (part_id := form_id("part")) is not None:
        part = db.session.get(writing.WrittenPart, part_id)
        if part is None or part.event_id != event.id:
            raise Invalid(_("This text is not part of this event's report."))
    elif (item_id := form_id("item")) is not None:
        item = db.session.get(BoardItem, item_id)
        if item is None or item.working_group.event_id != event.id:
            raise Invalid(_("This text is not part of this event's report."))
        if not may(current_user, "group.edit_board", item.working_group):
            raise NotAllowed(
                _("Only the group's facilitators and rapporteurs translate its items.")
            )
    else:
        raise Invalid(_("Choose the text you translate."))
    writing.translate(
        current_user,
        event,
        part=part,
        item=item,
        language=request.form.get("language", ""),
        text=request.form.get("text", ""),
        source_version=_version("source_version") or 0,
    )
    flash(_("The translation is saved."), "success")
    anchor = f"part-{part.id}" if part else f"item-{item.id}"
    return redirect(url_for("report_writing.page", slug=slug, _anchor=anchor))
