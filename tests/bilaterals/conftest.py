"""Bilateral fixtures: an event with a bilateral window, and people taking part in it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from eventhub.programme import windows
from eventhub.programme.models import Session, SessionKind

# Before the event: every slot is still to come.
NOW = datetime(2030, 2, 20, 9, 0, tzinfo=UTC)
# 2030-03-04 13:00–15:00 UTC: 14:00–16:00 in Vienna, 21:00–23:00 in Manila, 08:00–10:00 in New York.
WINDOW_START = datetime(2030, 3, 4, 13, 0, tzinfo=UTC)


@pytest.fixture
def event(make_event, db):
    event = make_event(timezone="Europe/Vienna")
    event.sessions.append(
        Session(
            key="bilaterals",
            kind=SessionKind.BILATERAL,
            title="Bilateral meetings",
            starts_at=WINDOW_START,
            ends_at=WINDOW_START + timedelta(hours=2),
            location="Hofburg, Redoutensaal",
        )
    )
    db.session.commit()
    return event


@pytest.fixture
def window(event, db):
    session = next(s for s in event.sessions if s.key == "bilaterals")
    window = windows.set_window(session, slot_minutes=30, tables=["Table 1", "Table 2"])
    db.session.commit()
    return window


@pytest.fixture
def person(event, make_person, add_member):
    """`person(timezone=..., network=...)`: a participant of the event."""

    def make(timezone: str = "Europe/Vienna", network: str | None = None, **fields):
        someone = make_person(timezone=timezone, **fields)
        membership = add_member(someone, event, "participant")
        if network:
            membership.network = next(n for n in event.networks if n.key == network)
        return someone

    return make


def slot(n: int) -> tuple[datetime, datetime]:
    """The window's n-th 30-minute slot (from 0)."""
    starts = WINDOW_START + timedelta(minutes=30 * n)
    return starts, starts + timedelta(minutes=30)
