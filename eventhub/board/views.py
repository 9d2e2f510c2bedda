"""The board pages: the board itself (grouped, filtered), an item's detail with its history, exports.

The POST routes for every change are in `actions.py` (same blueprint, which `register(app)` in
this package registers once both modules have added their routes); board.js makes the page live.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import NotFound
from ..extensions import db
from ..ids import parse_id
from ..permissions import may
from ..programme.models import Event, WorkingGroup
from ..programme.service import event_by_slug, group_by_key
from ..rooms.models import Message
from ..web import requires
from . import exports, history_text, queries, rules
from .models import MAX_TEXT, BoardItem, BoardState, ItemKind, ItemState

bp = Blueprint("board", __name__)


VIEWS = ("priority", "question", "audience", "state")
CLOSED = (ItemState.MERGED, ItemState.WITHDRAWN)


@dataclass
class Section:
    key: str
    title: str
    items: list[BoardItem] = field(default_factory=list)


def section_key(item: BoardItem, view: str) -> str:
    """Which section of the page an item belongs in, for the chosen grouping."""
    if view == "question":
        return f"q-{item.guiding_question_id or 'none'}"
    if view == "audience":
        return f"a-{(item.audience or '').encode().hex() or 'none'}"
    if view == "state":
        return f"s-{item.state}"
    return "closed" if item.state in CLOSED else "open"


def _sections(group: WorkingGroup, items: list[BoardItem], view: str) -> list[Section]:
    if view == "question":
        sections = [
            Section(f"q-{q.id}", _("Question %(n)s: %(text)s", n=q.position, text=q.text))
            for q in group.guiding_questions
        ]
        sections.append(Section("q-none", _("Not tied to a guiding question")))
    elif view == "audience":
        sections = [
            Section(f"a-{a.encode().hex()}", _("For %(audience)s", audience=a))
            for a in group.event.audiences or []
        ]
        sections.append(Section("a-none", _("No audience")))
    elif view == "state":
        sections = [Section(f"s-{s}", queries.state_name(s)) for s in ItemState]
    else:
        sections = [Section("open", _("Items")), Section("closed", _("Merged and withdrawn"))]
    by_key = {s.key: s for s in sections}
    for item in items:
        section = by_key.get(section_key(item, view))
        if section is None:  # an audience the event no longer lists
            section = by_key[section_key(item, view)] = Section(section_key(item, view), "")
            section.title = _("For %(audience)s", audience=item.audience)
            sections.insert(-1, section)
        section.items.append(item)
    return sections


def matches(item: BoardItem, query: str) -> bool:
    """The text filter: every word appears in the item's text, reference or audience."""
    haystack = " ".join([item.text, item.reference, item.audience or ""]).casefold()
    return all(word in haystack for word in query.casefold().split())


def _view_args() -> tuple[str, str]:
    view = request.args.get("view", "priority")
    if view not in VIEWS:
        view = "priority"
    return view, (request.args.get("q") or "").strip()[:200]


def item_context(group: WorkingGroup, items: list[BoardItem]) -> dict:
    """What the item template needs to show actions and names to this viewer."""
    person = current_user._get_current_object()
    return {
        "group": group,
        "event": group.event,
        "frozen": queries.is_frozen(group),
        "may_edit": may(person, "group.edit_board", group),
        "may_take_part": may(person, "group.take_part", group),
        "may_moderate": may(person, "group.moderate", group),
        "names": queries.may_see_names(person, group),
        "endorsed": queries.endorsed_by(person, items),
        "open_items": [i for i in items if i.state not in CLOSED],
        "transitions": rules.TRANSITIONS,
        "state_label": queries.state_label,
        "kind_label": queries.kind_label,
        "state_name": queries.state_name,
        "kind_name": queries.kind_name,
        "max_text": MAX_TEXT,
    }


def _capture_source(group: WorkingGroup) -> Message | None:
    """The room message named by `?from_message=`, if it is one of this group's."""
    message_id = parse_id(request.args.get("from_message"))
    if message_id is None:
        return None
    message = db.session.get(Message, message_id)
    room = queries.group_room(group)
    if message is None or room is None or message.room_id != room.id or message.hidden:
        return None
    return message


@bp.route("/e/<slug>/groups/<key>/board")
@requires("group.view", group_by_key)
def board(group: WorkingGroup, slug: str, key: str):
    view, query = _view_args()
    items = queries.group_items(group)
    shown = [i for i in items if matches(i, query)] if query else items
    state = db.session.get(BoardState, group.id)
    source = _capture_source(group)
    return render_template(
        "board/board.html",
        sections=_sections(group, shown, view),
        view=view,
        query=query,
        views=VIEWS,
        items=items,
        shown_count=len(shown),
        state=state,
        capture_source=source,
        kinds=list(ItemKind),
        **item_context(group, items),
    )


@bp.route("/e/<slug>/groups/<key>/board/items/<int:item_id>/fragment")
@requires("group.view", group_by_key)
def item_fragment(group: WorkingGroup, slug: str, key: str, item_id: int):
    """One item as the board shows it to this viewer, for board.js to put in place live."""
    item = queries.get_item(group, item_id)
    view, query = _view_args()
    if query and not matches(item, query):
        return Response("", status=204)
    items = queries.group_items(group)
    return render_template(
        "board/_item.html",
        item=item,
        view=view,
        section=section_key(item, view),
        **item_context(group, items),
    )


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The change from `old` to `new` as (op, text) runs by word: op is '=', '-' or '+'."""
    a, b = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(("=", "".join(a[i1:i2])))
        if op in ("delete", "replace"):
            runs.append(("-", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(("+", "".join(b[j1:j2])))
    return [r for r in runs if r[1]]


def item_page(group: WorkingGroup, item: BoardItem, diff: str | None) -> dict:
    """The item page's context: the item, its history, and the diff of one version."""
    versions = item.versions
    by_number = {v.version: v for v in versions}
    after = by_number.get(int(diff)) if diff and diff.isdigit() and len(diff) < 9 else None
    after = after or versions[-1]
    before = by_number.get(after.version - 1)
    return {
        "item": item,
        "versions": list(reversed(versions)),
        "after": after,
        "before": before,
        "diff": word_diff(before.text if before else "", after.text),
        "view": "priority",
        "section": section_key(item, "priority"),
        "room_url": url_for("rooms.room", slug=group.event.slug, key=group.key),
        "generated_summary": history_text.generated_summary,
        **item_context(group, queries.group_items(group)),
    }


@bp.route("/e/<slug>/groups/<key>/board/items/<int:item_id>")
@requires("group.view", group_by_key)
def item(group: WorkingGroup, slug: str, key: str, item_id: int):
    item = queries.get_item(group, item_id)
    return render_template("board/item.html", **item_page(group, item, request.args.get("diff")))


# --- exports ---


def _download(body: bytes, filename: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _export(event: Event, group: WorkingGroup | None, fmt: str) -> Response:
    name = f"{event.slug}-{group.key}-board" if group else f"{event.slug}-board"
    if fmt == "csv":
        return _download(exports.to_csv(event, group), f"{name}.csv", "text/csv; charset=utf-8")
    if fmt == "json":
        # A rapporteur edits the board but does not moderate: no text of what was hidden.
        moderator = may(current_user, "group.moderate", group) if group else True
        body = exports.to_json(event, group, moderator=moderator)
        return _download(body, f"{name}.json", "application/json; charset=utf-8")
    abort(404)


@bp.route("/e/<slug>/groups/<key>/board/export.<fmt>")
@requires("group.edit_board", group_by_key)
def export_group(group: WorkingGroup, slug: str, key: str, fmt: str):
    return _export(group.event, group, fmt)


@bp.route("/e/<slug>/board/export.<fmt>")
@requires("event.manage", event_by_slug)
def export_event(event: Event, slug: str, fmt: str):
    return _export(event, None, fmt)


def load_item(slug: str, key: str, item_id: int, **_ignored) -> BoardItem:
    """The item from the URL, or NotFound (used by the action routes)."""
    group = group_by_key(slug, key)
    item = db.session.get(BoardItem, item_id)
    if item is None or item.working_group_id != group.id:
        raise NotFound(_("This item is not on this board. It may have been removed."))
    return item
