"""Bilateral jobs: expiring the requests nobody answered in time."""

from __future__ import annotations

from ..jobs import crontab, periodic
from . import expiry


# A request expires at most 10 minutes after the last time proposed began.
@periodic(crontab(minute="*/10"))
def expire_requests() -> None:
    expiry.expire_due()
