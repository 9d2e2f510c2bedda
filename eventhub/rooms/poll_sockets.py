"""Socket.IO handlers of quick polls (docs/realtime.md, "Polls"): persisted, then broadcast
to the room as counts, then acknowledged, like messages."""

from __future__ import annotations

from ..realtime import Reply, SocketEvents, check_rate, event_handler
from . import polls, serialisers, service
from .payloads import AnswerPoll, OnPoll, OpenPoll
from .sockets import channel, member_in, moderator_in

events = SocketEvents()  # registered by eventhub.rooms.register


def _broadcast(poll, ack: dict | None = None) -> Reply:
    data = serialisers.poll(poll)
    return Reply(ack={"poll": data, **(ack or {})}).broadcast(
        "poll", {"room": poll.room_id, "poll": data}, to=channel(poll.room_id)
    )


@events.on("poll_open")
@event_handler(OpenPoll)
def poll_open(p: OpenPoll) -> Reply:
    person, room = moderator_in(p.room)
    check_rate(f"room-action:{room.id}:{person.id}", service.action_rate())
    return _broadcast(polls.open_poll(room, person, p.question, p.kind, p.options))


@events.on("poll_answer")
@event_handler(AnswerPoll)
def poll_answer(p: AnswerPoll) -> Reply:
    person, room = member_in(p.room)
    check_rate(f"room-action:{room.id}:{person.id}", service.action_rate())
    poll = polls.get_poll(room, p.poll)
    answer = polls.answer(poll, person, p.choices)
    return _broadcast(poll, {"yours": answer.choices})


@events.on("poll_close")
@event_handler(OnPoll)
def poll_close(p: OnPoll) -> Reply:
    person, room = moderator_in(p.room)
    check_rate(f"room-action:{room.id}:{person.id}", service.action_rate())
    return _broadcast(polls.close_poll(polls.get_poll(room, p.poll)))
