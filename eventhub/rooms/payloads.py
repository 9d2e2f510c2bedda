"""The payloads of the room events (docs/realtime.md): types, ranges and lengths.

Unknown fields are refused and nothing is coerced (eventhub.realtime.Payload), so `"3"` is not 3.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from ..ids import MAX_ID, DbId, Seq
from ..realtime import Payload
from . import moderation, service

RoomId = DbId
ObjectId = DbId


class InRoom(Payload):
    room: RoomId


class Join(InRoom):
    after: Seq | None = None


class Send(InRoom):
    body: Annotated[str, StringConstraints(max_length=service.MAX_BODY * 2)]
    client_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    question: ObjectId | None = None
    reply_to: ObjectId | None = None


class History(InRoom):
    before: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None
    after: Seq | None = None
    limit: Annotated[int, Field(ge=1, le=service.MAX_PAGE)] = service.RECENT

    @model_validator(mode="after")
    def _one_direction(self):
        if (self.before is None) == (self.after is None):
            raise ValueError("give exactly one of before and after")
        return self


class Report(InRoom):
    message: ObjectId
    reason: Annotated[str, StringConstraints(max_length=moderation.MAX_REASON)] = ""


class LowerHand(InRoom):
    person: ObjectId | None = None


class SetQuestion(InRoom):
    question: ObjectId | None


class GiveFloor(InRoom):
    person: ObjectId | None


class StartTimer(InRoom):
    seconds: Annotated[int, Field(ge=10, le=3600)]


class Moderation(InRoom):
    """A moderation action; `reason` (optional) goes on the record with it."""

    reason: Annotated[str, StringConstraints(max_length=moderation.MAX_REASON)] = ""


class OnMessage(Moderation):
    message: ObjectId


class OnPerson(Moderation):
    person: ObjectId


class Mute(OnPerson):
    minutes: Annotated[int, Field(ge=1, le=1440)]


class OnReport(InRoom):
    report: ObjectId
