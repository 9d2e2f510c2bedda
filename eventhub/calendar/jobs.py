"""Calendar jobs: sending a batch of invites."""

from __future__ import annotations

from ..jobs import task
from . import delivery


@task()
def send_invites(delivery_ids: list[int], attempt: int) -> dict:
    """Send these queued invites over one SMTP connection (`attempt`: 1 for the first try).

    Refusals are retried by the batch itself, per person (calendar/delivery.py), so the job
    is not: a retried job would send again what already went out."""
    return delivery.deliver(delivery_ids, attempt)
