"""Posting a message: the rooms' hot path, paid by every `send` (docs/performance.md).

A message costs three statements and the commit: one query reads everything the checks need
(the room, her account, her memberships of the event, mute, removal, and her message already
stored under the same client id), then the room's sequence number is taken and the message
inserted. The statements are built once, as Core statements with bound parameters, and run
on the session's connection (inside its transaction): building and loading them through the
ORM for every message cost four times as much as the whole bare fan-out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, insert, select, update

from ..accounts.models import Person, SignIn
from ..errors import Invalid, NotAllowed, NotFound
from ..extensions import db
from ..permissions import room_access
from ..programme.models import PLENARY_KINDS, GuidingQuestion, Membership, Role, Session
from ..programme.roles import shown_role
from ..text import has_controls, is_blank
from ..timestamps import utcnow
from .models import Message, Room, RoomMute, RoomRemoval
from .service import MAX_BODY, Muted, check_entry, mute_in_force


class Grant(NamedTuple):
    """One of her memberships of the room's event, as the permission rules read it."""

    role: Role
    working_group_id: int | None


@dataclass(frozen=True)
class Posted:
    """A message as stored by `post_message` (or found stored: a resend of it)."""

    room_id: int
    id: int
    seq: int
    author_id: int
    author_name: str
    author_role: Role | None
    body: str
    question_id: int | None
    reply_to_id: int | None
    created_at: datetime
    duplicate: bool = False


_STANDING = (
    select(
        Room.working_group_id,
        Session.kind.label("session_kind"),
        Person.active,
        Person.email,
        Person.name,
        Person.display_name,
        Membership.role,
        Membership.working_group_id.label("grant_group_id"),
        RoomMute.until.label("muted_until"),
        RoomRemoval.id.label("removal_id"),
        Message.id.label("resend_id"),
        Message.seq.label("resend_seq"),
        Message.body.label("resend_body"),
        Message.guiding_question_id.label("resend_question_id"),
        Message.reply_to_id.label("resend_reply_to_id"),
        Message.created_at.label("resend_created_at"),
        SignIn.id.label("sign_in_id"),
    )
    .select_from(Room)
    .outerjoin(Session, Session.id == Room.session_id)
    .outerjoin(Person, Person.id == bindparam("person_id"))
    # The socket's sign-in, still open (accounts/sessions.py): unique, so at most one row.
    .outerjoin(
        SignIn,
        and_(
            SignIn.person_id == Person.id,
            SignIn.token_hash == bindparam("sign_in_hash"),
            SignIn.ended_at.is_(None),
            SignIn.expires_at > bindparam("now"),
        ),
    )
    .outerjoin(
        Membership, and_(Membership.person_id == Person.id, Membership.event_id == Room.event_id)
    )
    .outerjoin(
        RoomMute,
        and_(
            RoomMute.room_id == Room.id,
            RoomMute.person_id == Person.id,
            RoomMute.ended_at.is_(None),
        ),
    )
    .outerjoin(
        RoomRemoval,
        and_(
            RoomRemoval.room_id == Room.id,
            RoomRemoval.person_id == Person.id,
            RoomRemoval.readmitted_at.is_(None),
        ),
    )
    .outerjoin(
        Message,
        and_(
            Message.room_id == Room.id,
            Message.author_id == Person.id,
            # A NULL client id equals nothing: no resend lookup without one.
            Message.client_id == bindparam("client_id"),
        ),
    )
    .where(Room.id == bindparam("room_id"))
)

_NEXT_SEQ = (
    update(Room)
    .where(Room.id == bindparam("room_id"))
    .values(last_seq=Room.last_seq + 1)
    .returning(Room.last_seq)
)

_INSERT = insert(Message).returning(Message.id)

_QUESTION_IN_GROUP = select(GuidingQuestion.id).where(
    GuidingQuestion.id == bindparam("question_id"),
    GuidingQuestion.working_group_id == bindparam("group_id"),
)

_MESSAGE_IN_ROOM = select(Message.id).where(
    Message.id == bindparam("message_id"), Message.room_id == bindparam("room_id")
)


def post_message(
    room_id: int,
    author_id: int,
    body: str,
    client_id: str | None,
    *,
    question_id: int | None = None,
    reply_to_id: int | None = None,
    throttle: Callable[[], None] | None = None,
    sign_in_hash: str | None = None,
) -> Posted:
    """Store a message with the room's next sequence number, or find it stored (a resend).

    Refuses, changing nothing, a person who may not write in the room now (not a member,
    removed, muted, account gone), an empty or oversized body, and a question or reply that
    is not the room's. `throttle` is called once for a new message (not for a resend) before
    anything is stored; it raises to refuse, e.g. the edge's rate limit. With `sign_in_hash`
    (a socket's sign-in, not loaded through Flask-Login), that sign-in must still be open.
    """
    connection = db.session.connection()
    rows = connection.execute(
        _STANDING,
        {
            "room_id": room_id,
            "person_id": author_id,
            "client_id": client_id or None,
            "sign_in_hash": sign_in_hash or "",
            "now": utcnow(),
        },
    ).all()
    if not rows:
        raise NotFound(_("This room does not exist (any more)."))
    me = rows[0]
    if not me.active or (sign_in_hash is not None and me.sign_in_id is None):
        raise NotAllowed(_("Please sign in again."))
    grants = [Grant(row.role, row.grant_group_id) for row in rows if row.role is not None]
    enter, runs = room_access(
        grants,
        group_id=me.working_group_id,
        plenary=me.session_kind in PLENARY_KINDS,
    )
    check_entry(
        me.working_group_id is not None,
        enter=enter,
        removed=enter and not runs and me.removal_id is not None,
    )
    author_name = Person.public_name_of(me.display_name, me.name, me.email)
    author_role = shown_role(grants, me.working_group_id)
    if me.resend_id is not None:
        return Posted(
            room_id=room_id,
            id=me.resend_id,
            seq=me.resend_seq,
            author_id=author_id,
            author_name=author_name,
            author_role=author_role,
            body=me.resend_body,
            question_id=me.resend_question_id,
            reply_to_id=me.resend_reply_to_id,
            created_at=me.resend_created_at,
            duplicate=True,
        )
    if throttle is not None:
        throttle()
    muted_until = mute_in_force(me.muted_until)
    if muted_until is not None:
        raise Muted(muted_until)
    body = _checked_body(body)
    if question_id is not None and (
        me.working_group_id is None
        or connection.execute(
            _QUESTION_IN_GROUP, {"question_id": question_id, "group_id": me.working_group_id}
        ).first()
        is None
    ):
        raise Invalid(_("That guiding question does not belong to this room."))
    if (
        reply_to_id is not None
        and connection.execute(
            _MESSAGE_IN_ROOM, {"message_id": reply_to_id, "room_id": room_id}
        ).first()
        is None
    ):
        raise Invalid(_("The message you reply to is not in this room."))
    # The UPDATE takes the room row's write lock until the commit, so concurrent senders on
    # other workers queue behind it; the unique (room_id, seq) constraint is the backstop.
    seq = connection.execute(_NEXT_SEQ, {"room_id": room_id}).scalar_one()
    created_at = utcnow()
    message_id = connection.execute(
        _INSERT,
        {
            "room_id": room_id,
            "seq": seq,
            "author_id": author_id,
            "body": body,
            "client_id": client_id or None,
            "guiding_question_id": question_id,
            "reply_to_id": reply_to_id,
            "created_at": created_at,
        },
    ).scalar_one()
    return Posted(
        room_id=room_id,
        id=message_id,
        seq=seq,
        author_id=author_id,
        author_name=author_name,
        author_role=author_role,
        body=body,
        question_id=question_id,
        reply_to_id=reply_to_id,
        created_at=created_at,
    )


def _checked_body(body: str) -> str:
    body = body.strip()
    if is_blank(body):
        raise Invalid(_("The message is empty. Write something before sending."))
    if has_controls(body, multiline=True):
        raise Invalid(
            _("The message contains characters that cannot be shown. Remove them and send again.")
        )
    if len(body) > MAX_BODY:
        raise Invalid(
            _(
                "A message can have at most %(max)d characters; this one has %(count)d. "
                "Please shorten it or split it in two.",
                max=MAX_BODY,
                count=len(body),
            )
        )
    return body
