"""Socket.IO handlers for keeping a room safe: hide, mute, remove and their reversals, reports.

Facilitators and organisers only; the protocol is docs/realtime.md.
"""

from __future__ import annotations

from ..realtime import Reply, SocketEvents, event_handler, person_room
from . import facilitation, moderation, serialisers, service
from .payloads import Mute, OnMessage, OnPerson, OnReport
from .sockets import (
    channel,
    kick,
    moderation_notice,
    moderator_in,
    moderators_channel,
    queue_reply,
)

events = SocketEvents()  # registered by eventhub.rooms.register


@events.on("hide")
@event_handler(OnMessage)
def hide(p: OnMessage) -> Reply:
    me, room = moderator_in(p.room)
    message = service.get_message(room, p.message)
    moderation.hide(message, me, p.reason)
    return (
        Reply()
        .broadcast(
            "hidden", {"room": room.id, "id": message.id, "seq": message.seq}, to=channel(room.id)
        )
        .broadcast(
            "moderation",
            moderation_notice(
                room, "hide", me, message=serialisers.messages(room, [message], moderator=True)[0]
            ),
            to=moderators_channel(room.id),
        )
    )


@events.on("unhide")
@event_handler(OnMessage)
def unhide(p: OnMessage) -> Reply:
    me, room = moderator_in(p.room)
    message = service.get_message(room, p.message)
    moderation.unhide(message, me, p.reason)
    return (
        Reply()
        .broadcast(
            "unhidden",
            {"room": room.id, "message": serialisers.messages(room, [message])[0]},
            to=channel(room.id),
        )
        .broadcast(
            "moderation",
            moderation_notice(
                room, "unhide", me, message=serialisers.messages(room, [message], moderator=True)[0]
            ),
            to=moderators_channel(room.id),
        )
    )


@events.on("mute")
@event_handler(Mute)
def mute(p: Mute) -> Reply:
    me, room = moderator_in(p.room)
    who = facilitation.person_in_event(room, p.person)
    until = serialisers.iso(moderation.mute(room, who, p.minutes, me, p.reason))
    return (
        Reply(ack={"until": until})
        .broadcast("muted", {"room": room.id, "until": until}, to=person_room(who.id))
        .broadcast(
            "moderation",
            moderation_notice(room, "mute", me, person=serialisers.person(who), until=until),
            to=moderators_channel(room.id),
        )
    )


@events.on("unmute")
@event_handler(OnPerson)
def unmute(p: OnPerson) -> Reply:
    me, room = moderator_in(p.room)
    who = facilitation.person_in_event(room, p.person)
    moderation.unmute(room, who, me, p.reason)
    return (
        Reply()
        .broadcast("muted", {"room": room.id, "until": None}, to=person_room(who.id))
        .broadcast(
            "moderation",
            moderation_notice(room, "unmute", me, person=serialisers.person(who)),
            to=moderators_channel(room.id),
        )
    )


@events.on("remove")
@event_handler(OnPerson)
def remove(p: OnPerson) -> Reply:
    me, room = moderator_in(p.room)
    who = facilitation.person_in_event(room, p.person)
    moderation.remove(room, who, me, p.reason)
    room_id, person_id = room.id, who.id
    # Her sockets on this worker leave the room now; on other workers, removals.sweep finds
    # them. Everything she sends is refused anyway.
    return (
        queue_reply(room)
        .then(lambda: kick(room_id, person_id))
        .broadcast("removed", {"room": room_id}, to=person_room(person_id))
        .broadcast(
            "moderation",
            moderation_notice(room, "remove", me, person=serialisers.person(who)),
            to=moderators_channel(room_id),
        )
    )


@events.on("readmit")
@event_handler(OnPerson)
def readmit(p: OnPerson) -> Reply:
    me, room = moderator_in(p.room)
    who = facilitation.person_in_event(room, p.person)
    moderation.readmit(room, who, me, p.reason)
    return (
        Reply()
        .broadcast("readmitted", {"room": room.id}, to=person_room(who.id))
        .broadcast(
            "moderation",
            moderation_notice(room, "readmit", me, person=serialisers.person(who)),
            to=moderators_channel(room.id),
        )
    )


@events.on("dismiss_report")
@event_handler(OnReport)
def dismiss_report(p: OnReport) -> Reply:
    me, room = moderator_in(p.room)
    moderation.dismiss_report(room, p.report, me)
    return Reply().broadcast(
        "moderation",
        moderation_notice(room, "dismiss_report", me, report=p.report),
        to=moderators_channel(room.id),
    )
