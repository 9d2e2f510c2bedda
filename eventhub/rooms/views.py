"""The room pages: a working group's live room and a plenary's Q&A.

Server-rendered so that they read (and send, with a plain form) without JavaScript; room.js
then goes live over Socket.IO (docs/realtime.md).
"""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..errors import DomainError
from ..extensions import db, socketio
from ..ids import parse_id
from ..markup import render_light
from ..programme.models import WorkingGroup
from ..programme.service import group_by_key
from ..realtime import check_rate
from ..web import requires
from . import hooks, moderation, posting, present, service
from .models import Room

bp = Blueprint("rooms", __name__)


@bp.app_template_filter("light")
def light(text: str | None) -> Markup:
    """A message body as sanitized Markdown-light HTML."""
    return Markup(render_light(text))


@bp.route("/e/<slug>/groups/<key>/room", methods=["GET", "POST"])
@requires("group.enter_room", group_by_key)
def room(group: WorkingGroup, slug: str, key: str):
    room = service.room_for_group(group)
    back = url_for("programme.working_group", slug=slug, key=key)
    return _page(room, back, url_for("rooms.room", slug=slug, key=key))


def _page(room: Room, back: str, here: str):
    person = current_user._get_current_object()
    if request.method == "POST":
        return _post(room, here)
    moderator = service.is_moderator(person, room)
    removed = service.removal(room, person) is not None and not moderator
    # Read the last seq before the messages: the page's catch-up starts after it, so a message
    # stored in between is fetched again (and shown once) rather than skipped.
    until = service.current_last_seq(room)
    messages, more = ([], False) if removed else service.recent_messages(room, moderator)
    return render_template(
        "rooms/room.html",
        room=room,
        event=room.event,
        group=room.working_group,
        session=room.session,
        back=back,
        here=here,
        moderator=moderator,
        removed=removed,
        muted_until=service.muted_until(room, person),
        messages=messages,
        fed=hooks.message_links(messages) if room.working_group else {},
        by_id={m.id: m for m in messages},
        marks=present.room_marks(room),
        more=more,
        until=until,
        questions=service.questions(room),
        reports=moderation.open_reports(room) if moderator else [],
        client_id=uuid.uuid4().hex,
    )


def _post(room: Room, here: str):
    """The no-JavaScript way to send: the same checks and broadcast as the `send` event."""
    person = current_user._get_current_object()
    form = request.form
    question_id = parse_id(form.get("question"))
    client_id = (form.get("client_id") or "")[:64] or None
    try:
        message = posting.post_message(
            room.id,
            person.id,
            form.get("body", ""),
            client_id,
            question_id=question_id,
            throttle=lambda: check_rate(f"room-send:{room.id}:{person.id}", service.message_rate()),
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(here)
    # Persist, then broadcast: the one commit of this request happens here, before anyone
    # can see the message (after_request's commit then has nothing left to do).
    db.session.commit()
    if not message.duplicate:
        socketio.emit("message", present.posted(message), to=f"room:{room.id}")
    flash(_("Your message is posted."), "success")
    return redirect(f"{here}#message-{message.id}")
