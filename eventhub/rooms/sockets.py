"""Socket.IO handlers of the live rooms; the protocol is docs/realtime.md.

Thin: validate the payload (eventhub.realtime), check the person may act in the room, call one
service function, and say what to broadcast. The wrapper commits, broadcasts, then acks.
"""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user
from flask_socketio import join_room, leave_room

from ..accounts.models import Person
from ..extensions import socketio
from ..realtime import (
    Reply,
    SocketEvents,
    check_rate,
    event_handler,
    on_connect,
    on_disconnect,
    socket_sign_in,
)
from ..timestamps import utcnow
from . import facilitation, moderation, posting, presence, removals, serialisers, service, voices
from .models import Room
from .payloads import (
    GiveFloor,
    History,
    InRoom,
    Join,
    LowerHand,
    QueueOrder,
    Report,
    Send,
    SetQuestion,
    StartTimer,
)

events = SocketEvents()  # registered by eventhub.rooms.register


def channel(room_id: int) -> str:
    """Everyone in the room."""
    return f"room:{room_id}"


def moderators_channel(room_id: int) -> str:
    """The room's facilitators only (reports, moderation notices)."""
    return f"room:{room_id}:moderators"


# Context --------------------------------------------------------------------------------------


def _me() -> Person:
    return current_user._get_current_object()


def member_in(room_id: int) -> tuple[Person, Room]:
    person = _me()
    room = service.get_room(room_id)
    service.require_member(person, room)
    return person, room


def moderator_in(room_id: int) -> tuple[Person, Room]:
    person = _me()
    room = service.get_room(room_id)
    service.require_moderator(person, room)
    return person, room


def presence_of(room_id: int) -> dict:
    return {"room": room_id, "people": serialisers.people_in(room_id)}


def moderation_notice(room: Room, action: str, by: Person, **extra) -> dict:
    return {
        "room": room.id,
        "action": action,
        "by": serialisers.person(by),
        "at": serialisers.iso(utcnow()),
        **extra,
    }


# Joining, reading, writing --------------------------------------------------------------------


@events.on("join")
@event_handler(Join)
def join(p: Join) -> Reply:
    person, room = member_in(p.room)
    check_rate(f"room-action:{room.id}:{person.id}", service.action_rate())
    moderator = service.is_moderator(person, room)
    # Join the live stream before reading history, so nothing falls between the two.
    join_room(channel(room.id))
    if moderator:
        join_room(moderators_channel(room.id))
    presence.enter(room.id, request.sid, person.id, person.public_name)
    last_seq = service.current_last_seq(room)
    if p.after is None:
        messages, more = service.recent_messages(room, moderator)
        until = last_seq
    else:
        messages, more, until = service.messages_after(room, p.after, moderator)
    ack = {
        "room": serialisers.room_state(room, person),
        "messages": serialisers.messages(room, messages, moderator=moderator),
        "more": more,
        "last_seq": last_seq,
        "until": until,
    }
    # Her own list is in the ack (room.presence); everyone else's comes with the room's next
    # coalesced `presence` (rooms/presence.py).
    return Reply(ack=ack).then(lambda: presence.changed(room.id))


@events.on("leave")
@event_handler(InRoom)
def leave(p: InRoom) -> Reply:
    room = service.get_room(p.room)
    leave_room(channel(room.id))
    leave_room(moderators_channel(room.id))
    reply = Reply()
    if presence.leave(room.id, request.sid):
        reply.then(lambda: presence.changed(room.id))
    return reply


def kick(room_id: int, person_id: int) -> None:
    """Her sockets in this process leave the room (she was removed); everyone hears presence
    (coalesced, rooms/presence.py)."""
    sids = presence.sids_of(room_id, person_id)
    for sid in sids:
        leave_room(channel(room_id), sid=sid, namespace="/")
        leave_room(moderators_channel(room_id), sid=sid, namespace="/")
        presence.leave(room_id, sid)
    if sids:
        presence.changed(room_id)


@on_connect
def _start_removal_sweep(_person: Person) -> None:
    removals.start(current_app._get_current_object())


def _announce_presence(room_id: int) -> None:
    """Everyone in the room gets the whole list (called by presence.changed, coalesced)."""
    listed = presence_of(room_id)
    socketio.emit("presence", listed, to=channel(room_id))
    presence.sent(room_id, listed["people"])


presence.announce = _announce_presence


@on_disconnect
def _forget(sid: str) -> None:
    for room_id in presence.leave_all(sid):
        presence.changed(room_id)


@events.on("send")
@event_handler(Send, loads_person=True)
def send(p: Send) -> Reply:
    # The hot path (rooms/posting.py): her account is read with her standing in the room.
    person_id, sign_in_hash = socket_sign_in()
    message = posting.post_message(
        p.room,
        person_id,
        p.body,
        p.client_id,
        question_id=p.question,
        reply_to_id=p.reply_to,
        throttle=lambda: check_rate(f"room-send:{p.room}:{person_id}", service.message_rate()),
        sign_in_hash=sign_in_hash,
    )
    reply = Reply(ack={"seq": message.seq, "id": message.id, "duplicate": message.duplicate})
    if not message.duplicate:
        reply.broadcast("message", serialisers.posted(message), to=channel(p.room))
    return reply


@events.on("history")
@event_handler(History)
def history(p: History) -> Reply:
    person, room = member_in(p.room)
    # A page of up to MAX_PAGE messages per call: reading the whole room in a loop is limited.
    check_rate(f"room-history:{room.id}:{person.id}", service.history_rate())
    moderator = service.is_moderator(person, room)
    if p.before is not None:
        messages, more = service.messages_before(room, p.before, moderator, p.limit)
        until = p.before - 1  # meaningful for `after` only; kept so the ack has one shape
    else:
        messages, more, until = service.messages_after(room, p.after, moderator, p.limit)
    return Reply(
        ack={
            "messages": serialisers.messages(room, messages, moderator=moderator),
            "more": more,
            "until": until,
        }
    )


@events.on("report")
@event_handler(Report)
def report(p: Report) -> Reply:
    person, room = member_in(p.room)
    message = service.get_message(room, p.message)
    check_rate(f"room-report:{room.id}:{person.id}", service.report_rate())
    item = moderation.report(message, person, p.reason)
    return Reply(ack={"report": item.id}).broadcast(
        "report",
        {"room": room.id, "report": serialisers.report(item)},
        to=moderators_channel(room.id),
    )


# Facilitation ---------------------------------------------------------------------------------


def queue_reply(room: Room, ack: dict | None = None) -> Reply:
    data = serialisers.queue(room)
    return Reply(ack=ack or {}).broadcast("queue", data, to=channel(room.id))


@events.on("raise_hand")
@event_handler(InRoom)
def raise_hand(p: InRoom) -> Reply:
    person, room = member_in(p.room)
    check_rate(f"room-action:{room.id}:{person.id}", service.action_rate())
    facilitation.raise_hand(room, person)
    data = serialisers.queue(room)
    return Reply(ack={"queue": data["queue"]}).broadcast("queue", data, to=channel(room.id))


@events.on("lower_hand")
@event_handler(LowerHand)
def lower_hand(p: LowerHand) -> Reply:
    person, room = member_in(p.room)
    check_rate(f"room-action:{room.id}:{person.id}", service.action_rate())
    whose = person
    if p.person is not None and p.person != person.id:
        service.require_moderator(person, room)
        whose = facilitation.person_in_event(room, p.person)
    facilitation.lower_hand(room, whose)
    data = serialisers.queue(room)
    return Reply(ack={"queue": data["queue"]}).broadcast("queue", data, to=channel(room.id))


@events.on("set_question")
@event_handler(SetQuestion)
def set_question(p: SetQuestion) -> Reply:
    _person, room = moderator_in(p.room)
    facilitation.set_question(room, p.question)
    data = {"room": room.id, "question": serialisers.question(room.current_question)}
    return Reply().broadcast("question", data, to=channel(room.id))


@events.on("give_floor")
@event_handler(GiveFloor)
def give_floor(p: GiveFloor) -> Reply:
    _person, room = moderator_in(p.room)
    who = facilitation.person_in_event(room, p.person) if p.person is not None else None
    facilitation.give_floor(room, who)
    return queue_reply(room)


@events.on("clear_queue")
@event_handler(InRoom)
def clear_queue(p: InRoom) -> Reply:
    _person, room = moderator_in(p.room)
    facilitation.clear_queue(room)
    return queue_reply(room)


@events.on("start_timer")
@event_handler(StartTimer)
def start_timer(p: StartTimer) -> Reply:
    _person, room = moderator_in(p.room)
    ends_at = facilitation.start_timer(room, p.seconds)
    return Reply(ack={"ends_at": serialisers.iso(ends_at)}).broadcast(
        "timer", serialisers.timer(room), to=channel(room.id)
    )


@events.on("stop_timer")
@event_handler(InRoom)
def stop_timer(p: InRoom) -> Reply:
    _person, room = moderator_in(p.room)
    facilitation.stop_timer(room)
    return Reply().broadcast("timer", serialisers.timer(room), to=channel(room.id))


@events.on("queue_order")
@event_handler(QueueOrder)
def queue_order(p: QueueOrder) -> Reply:
    _person, room = moderator_in(p.room)
    facilitation.set_first_time_first(room, p.first_time_first)
    return queue_reply(room)


@events.on("not_heard")
@event_handler(InRoom)
def not_heard(p: InRoom) -> Reply:
    """Facilitators only: who has not yet spoken in this session (never broadcast)."""
    person, room = moderator_in(p.room)
    check_rate(f"room-action:{room.id}:{person.id}", service.action_rate())
    return Reply(ack=serialisers.unheard(voices.unheard(room)))
