"""Removals made on another worker: each worker looks for its own sockets now and then.

A facilitator's `remove` makes the person's sockets leave the room at once on the worker that
handled it. With several workers sharing a message queue, her sockets may be on another one,
which only hears the `removed` notice meant for her browser: this sweep, run by every worker
every `ROOM_REMOVAL_SWEEP_SECONDS`, makes them leave too, so that she stops receiving the
room's messages within that time whatever her browser does.
"""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import select

from ..extensions import db, socketio
from . import presence
from .models import RoomRemoval

log = logging.getLogger(__name__)

_started: set[int] = set()  # id() of the apps whose sweep runs in this process


def start(app: Flask) -> None:
    """Run the sweep in the background, once per process, if several workers may share rooms."""
    if not app.config.get("SOCKETIO_MESSAGE_QUEUE") or id(app) in _started:
        return
    _started.add(id(app))
    socketio.start_background_task(_sweep_forever, app)


def _sweep_forever(app: Flask) -> None:
    while True:
        socketio.sleep(app.config["ROOM_REMOVAL_SWEEP_SECONDS"])
        try:
            with app.app_context():
                sweep()
        except Exception:  # keep sweeping: the next round may find the database back
            log.exception("room removal sweep failed")


def sweep() -> list[tuple[int, int]]:
    """Make every socket of this process whose person was removed from its room leave it;
    the (room id, person id) pairs that were found."""
    from .sockets import kick

    present = presence.pairs()
    if not present:
        return []
    removed = db.session.execute(
        select(RoomRemoval.room_id, RoomRemoval.person_id).where(
            RoomRemoval.room_id.in_({room_id for room_id, _ in present}),
            RoomRemoval.readmitted_at.is_(None),
        )
    ).all()
    found = sorted({(room_id, person_id) for room_id, person_id in removed} & present)
    for room_id, person_id in found:
        kick(room_id, person_id)
    return found
