"""Vote counts broadcast in batches: at 20 upvotes a second in a plenary of 500, one broadcast
per vote would be 10,000 deliveries a second; one `qa_votes` every `QA_VOTE_FLUSH_SECONDS`
carries every count that changed meanwhile, read from the database when it is sent (so counts
changed through other workers are exact too).

Each voter's own ack carries her question's new count at once.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app

from ..extensions import db, socketio
from . import service
from .channels import moderators_channel, public_channel

log = logging.getLogger(__name__)

_lock = threading.Lock()
_pending: dict[int, set[int]] = {}  # session id -> question ids whose count changed
_started: set[int] = set()  # id() of the apps whose flusher runs in this process


def changed(session_id: int, question_id: int) -> None:
    """Note a count that changed (call after the commit); the next flush broadcasts it."""
    app = current_app._get_current_object()
    with _lock:
        _pending.setdefault(session_id, set()).add(question_id)
    if app.config["QA_VOTE_FLUSH_SECONDS"] <= 0:
        flush()
        return
    if id(app) not in _started:
        _started.add(id(app))
        socketio.start_background_task(_flush_forever, app)


def _flush_forever(app: Flask) -> None:
    while True:
        socketio.sleep(app.config["QA_VOTE_FLUSH_SECONDS"])
        try:
            with app.app_context():
                flush()
        except Exception:  # the next round may find the database back
            log.exception("vote count broadcast failed")


def flush() -> int:
    """Broadcast every pending count; how many sessions were told."""
    with _lock:
        batch = dict(_pending)
        _pending.clear()
    for session_id, question_ids in batch.items():
        data = {"session": session_id, "votes": service.counts(question_ids)}
        socketio.emit("qa_votes", data, to=public_channel(session_id))
        socketio.emit("qa_votes", data, to=moderators_channel(session_id))
    db.session.rollback()  # a read-only transaction: end it
    return len(batch)
