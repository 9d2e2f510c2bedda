"""The one way mail leaves: batches over one SMTP connection each, sent by a job, every
recipient's outcome recorded (queued, sent, failed with the server's answer), and what the
server refused for now tried again later by another job.

Both the outbox (`OutgoingMail`) and calendar invites (`InviteDelivery`) send this way. A row
is anything with `id`, `state` (DeliveryState), `answer`, `reason`, `attempts` and
`updated_at`; a task is a job called as `task(ids, attempt)`. `answer` holds the mail server's
own words; where the outcome is EventHub's (no server configured, server unreachable...),
`reason` holds its code (DeliveryReason), shown in each reader's language, and `answer` the
technical detail if any.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from typing import Any

from flask import current_app

from ..extensions import db
from ..jobs import Task, enqueue_after_commit
from ..mail import DeliveryError, DeliveryReason, Mailer, mail_configured, smtp_connection
from ..timestamps import utcnow
from .models import DeliveryState

log = logging.getLogger(__name__)

Row = Any  # a delivery record, as the module says


class NotSent(Exception):
    """Raised by a message builder: this row is no longer to be sent (recorded as failed)."""

    def __init__(self, reason: DeliveryReason):
        super().__init__(reason)
        self.reason = reason


def queue_batches(task: Task, rows: Sequence[Row], *, subject: str) -> None:
    """Send the (flushed) rows after the commit, MAIL_BATCH_SIZE per job and connection."""
    size = current_app.config["MAIL_BATCH_SIZE"]
    ids = [row.id for row in rows]
    for start in range(0, len(ids), size):
        enqueue_after_commit(task, ids[start : start + size], 1, subject=subject)


def deliver_batch(
    rows: Sequence[Row],
    message_for: Callable[[Row], EmailMessage],
    *,
    attempt: int,
    task: Task,
    subject: str,
    finished: Callable[[Row], None] | None = None,
) -> dict:
    """Send the queued `rows` over one connection (`attempt`: 1 for the first try).

    Each outcome is committed as it comes, so what went out stays on the record if the batch
    dies later; what the server refused for now goes to another job of `task`, later.
    `finished(row)` is called once a row is sent or failed for good.
    """
    rows = [row for row in rows if row.state == DeliveryState.QUEUED]
    if not rows:
        return {"sent": 0, "failed": 0, "retrying": 0}
    record = _Recorder(finished)
    if not mail_configured():
        for row in rows:
            record(row, DeliveryState.FAILED, None, reason=DeliveryReason.NO_MAIL_SERVER)
        return _outcome(rows)
    later: list[Row] = []
    try:
        with smtp_connection() as mailer:
            for row in rows:
                _send_one(mailer, row, message_for, later, record)
    except DeliveryError as error:
        # The connection is gone: whatever was not tried yet waits for the next try too.
        for row in rows:
            if row.state == DeliveryState.QUEUED and row not in later:
                later.append(row)
                record(row, DeliveryState.QUEUED, error.answer, reason=error.reason)
    if later:
        _try_again(later, attempt, task, subject, record)
    return _outcome(rows)


def _send_one(mailer: Mailer, row: Row, message_for, later: list[Row], record) -> None:
    """Send one message and record what the server said; raises DeliveryError when the
    connection is lost (the rest of the batch then waits for the next try)."""
    try:
        message = message_for(row)
    except NotSent as refused:
        record(row, DeliveryState.FAILED, None, reason=refused.reason)
        return
    try:
        answer = mailer.send(message)
    except DeliveryError as error:
        if not error.temporary:
            record(row, DeliveryState.FAILED, error.answer, reason=error.reason)
            return
        later.append(row)
        record(row, DeliveryState.QUEUED, error.answer, reason=error.reason)
        if error.connection_lost:
            raise
        return
    record(row, DeliveryState.SENT, answer)


class _Recorder:
    def __init__(self, finished: Callable[[Row], None] | None):
        self.finished = finished

    def __call__(
        self,
        row: Row,
        state: DeliveryState,
        answer: str | None,
        *,
        reason: DeliveryReason | None = None,
        tried: bool = True,
    ):
        row.state = state
        row.answer = answer[:2000] if answer else None
        row.reason = reason
        row.attempts += 1 if tried else 0
        row.updated_at = utcnow()
        if state.finished and self.finished is not None:
            self.finished(row)
        db.session.commit()


def retry_delays() -> tuple[float, ...]:
    return tuple(current_app.config["MAIL_RETRY_DELAYS"])


def _try_again(later: list[Row], attempt: int, task: Task, subject: str, record) -> None:
    delays = retry_delays()
    if attempt > len(delays):
        for row in later:
            # Still refused after every try: what was last said (and why) stays on the row.
            record(row, DeliveryState.FAILED, row.answer, reason=row.reason, tried=False)
        return
    log.info("%d message(s) refused for now; trying again in %ss", len(later), delays[attempt - 1])
    enqueue_after_commit(
        task, [row.id for row in later], attempt + 1, delay=delays[attempt - 1], subject=subject
    )


def _outcome(rows: Sequence[Row]) -> dict:
    states = [row.state for row in rows]
    return {
        "sent": states.count(DeliveryState.SENT),
        "failed": states.count(DeliveryState.FAILED),
        "retrying": states.count(DeliveryState.QUEUED),
    }
