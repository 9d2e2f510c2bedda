"""The board's POST routes: the no-JavaScript way to make every change (post, redirect, get).

Each change is committed, then broadcast to the board's viewers exactly as the socket events do,
then she is sent back to the page she came from with a message.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import DomainError, Invalid, NotFound
from ..extensions import db
from ..programme.models import WorkingGroup
from ..programme.service import group_by_key
from ..realtime import Reply, commit_then_broadcast
from ..web import form_id, form_ids, redirect_back, requires
from . import participation, queries, rules, service
from .models import BoardItem, Comment, ItemState
from .sockets import frozen_data, item_reply, socket_room
from .views import bp, item_page

STATES = {s.value for s in ItemState}
Change = Callable[[], list[BoardItem] | None]


def _back(group: WorkingGroup, anchor: str = ""):
    """See other: back to the page she posted from (or the board), at `anchor`."""
    default = url_for("board.board", slug=group.event.slug, key=group.key)
    return redirect_back(default, anchor=anchor, code=303)


def _failed(group: WorkingGroup, error: DomainError, anchor: str = ""):
    db.session.rollback()
    flash(error.message, "error")
    for problem in error.problems if len(error.problems) > 1 else []:
        flash(problem, "error")
    return _back(group, anchor)


def _done(group: WorkingGroup, reply: Reply, done: str, anchor: str = ""):
    # Persist, then broadcast (after_request's commit then has nothing left to do).
    commit_then_broadcast(reply, f"board {request.endpoint}")
    flash(done, "success")
    return _back(group, anchor)


def _run(group: WorkingGroup, change: Change, done: str, anchor: str = ""):
    """Make the change; on a domain error, say why and change nothing."""
    try:
        items = change() or []
    except DomainError as error:
        return _failed(group, error, anchor)
    return _done(group, item_reply(*items) if items else Reply(), done, anchor)


def _me():
    return current_user._get_current_object()


@bp.route("/e/<slug>/groups/<key>/board/items", methods=["POST"])
@requires("group.view", group_by_key)
def add(group: WorkingGroup, slug: str, key: str):
    form = request.form
    sources = form_ids("sources")
    result: list[BoardItem] = []

    def change():
        result.append(
            service.add_item(
                _me(),
                group,
                kind=form.get("kind", ""),
                text=form.get("text", ""),
                audience=form.get("audience"),
                guiding_question_id=form_id("question"),
                source_message_ids=sources,
                state=form.get("state") or None,
                owner=form.get("owner", ""),
                due=form.get("due") or None,
            )
        )
        return result

    response = _run(group, change, _("The item is on the board."))
    if result:  # saved: take her to it
        item = result[0]
        flash(_("It is %(reference)s.", reference=item.reference), "success")
        response = _back(group, f"item-{item.id}")
    return response


def _item_route(rule: str, endpoint: str):
    return bp.route(
        f"/e/<slug>/groups/<key>/board/items/<int:item_id>/{rule}",
        methods=["POST"],
        endpoint=endpoint,
    )


@_item_route("edit", "edit")
@requires("group.view", group_by_key)
def edit(group: WorkingGroup, slug: str, key: str, item_id: int):
    item = queries.get_item(group, item_id)
    form = request.form
    anchor = f"item-{item.id}"
    try:
        service.edit_item(
            _me(),
            item,
            version=form_id("version") or 0,
            text=form.get("text", ""),
            audience=form.get("audience"),
            guiding_question_id=form_id("question"),
            summary=form.get("summary", ""),
        )
    except rules.StaleVersion as error:
        # Show the current text beside hers, so she can redo her edit on it.
        db.session.rollback()
        flash(error.message, "error")
        return render_template(
            "board/item.html",
            draft_text=form.get("text", ""),
            **item_page(group, item, None),
        ), 409
    except DomainError as error:
        return _failed(group, error, anchor)
    return _done(group, item_reply(item), _("Your edit is saved."), anchor)


@_item_route("state", "state")
@requires("group.view", group_by_key)
def state(group: WorkingGroup, slug: str, key: str, item_id: int):
    item = queries.get_item(group, item_id)
    new = request.form.get("state", "")

    def change():
        service.change_state(_me(), item, new, version=form_id("version") or 0)
        return [item]

    done = _(
        "%(reference)s is now %(state)s.",
        reference=item.reference,
        state=queries.state_label(new) if new in STATES else new,
    )
    return _run(group, change, done, f"item-{item.id}")


@_item_route("merge", "merge")
@requires("group.view", group_by_key)
def merge(group: WorkingGroup, slug: str, key: str, item_id: int):
    item = queries.get_item(group, item_id)
    into_id = form_id("into")

    def change():
        into = queries.find_item(into_id) if into_id else None
        if into is None:
            raise Invalid(_("Choose the item to merge this one into."))
        service.merge_item(_me(), item, into, version=form_id("version") or 0)
        return [into, item]

    return _run(
        group,
        change,
        _("%(reference)s was merged.", reference=item.reference),
        f"item-{into_id or item.id}",
    )


@_item_route("endorse", "endorse")
@requires("group.view", group_by_key)
def endorse(group: WorkingGroup, slug: str, key: str, item_id: int):
    item = queries.get_item(group, item_id)
    if request.form.get("endorse", "1") == "1":
        return _run(
            group,
            lambda: [participation.endorse(_me(), item)],
            _("You endorsed %(reference)s.", reference=item.reference),
            f"item-{item.id}",
        )
    return _run(
        group,
        lambda: [participation.withdraw_endorsement(_me(), item)],
        _("Your endorsement of %(reference)s is withdrawn.", reference=item.reference),
        f"item-{item.id}",
    )


@_item_route("comments", "comment")
@requires("group.view", group_by_key)
def comment(group: WorkingGroup, slug: str, key: str, item_id: int):
    item = queries.get_item(group, item_id)

    def change():
        participation.add_comment(_me(), item, request.form.get("body", ""))
        return [item]

    return _run(group, change, _("Your comment is posted."), f"item-{item.id}")


@_item_route("sources", "add_source")
@requires("group.view", group_by_key)
def add_source(group: WorkingGroup, slug: str, key: str, item_id: int):
    item = queries.get_item(group, item_id)

    def change():
        service.add_source(_me(), item, form_id("message") or 0)
        return [item]

    return _run(
        group,
        change,
        _("The message is linked to %(reference)s.", reference=item.reference),
        f"item-{item.id}",
    )


@_item_route("move", "move")
@requires("group.view", group_by_key)
def move(group: WorkingGroup, slug: str, key: str, item_id: int):
    item = queries.get_item(group, item_id)
    offset = -1 if request.form.get("direction") == "up" else 1

    try:
        ordered = service.move_item(_me(), item, offset)
    except DomainError as error:
        return _failed(group, error, f"item-{item.id}")
    order = {"group": group.id, "items": [i.id for i in ordered]}
    reply = Reply().broadcast("board_order", order, socket_room(group.id))
    return _done(group, reply, _("The order is changed."), f"item-{item.id}")


@bp.route("/e/<slug>/groups/<key>/board/comments/<int:comment_id>/hide", methods=["POST"])
@requires("group.view", group_by_key)
def hide_comment(group: WorkingGroup, slug: str, key: str, comment_id: int):
    comment = db.session.get(Comment, comment_id)

    def change():
        if comment is None or comment.item.working_group_id != group.id:
            raise NotFound(_("There is no such comment on this board."))
        participation.hide_comment(_me(), comment)
        return [comment.item]

    return _run(group, change, _("The comment is hidden."))


@bp.route("/e/<slug>/groups/<key>/board/freeze", methods=["POST"])
@requires("group.view", group_by_key)
def freeze(group: WorkingGroup, slug: str, key: str):
    frozen = request.form.get("frozen") == "1"

    try:
        state = service.set_frozen(_me(), group, frozen)
    except DomainError as error:
        return _failed(group, error)
    done = _("The board is frozen.") if frozen else _("The board is open again.")
    reply = Reply().broadcast("board_frozen", frozen_data(state), socket_room(group.id))
    return _done(group, reply, done)
