"""The demo event, alive: its programme placed around today, so that a session is on now.

`demo-setup` moves every session of the demo by one offset (their order, lengths and gaps stay
as the file has them), so that the first working-group session started a quarter of an hour
ago; it gets a demo call link if it has none. Domains built on the programme add their part
through `add_demo_step` (the rooms: a discussion under way), since the programme may not
import them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Flask, current_app

from .models import Event, Session, SessionKind

DEMO_CALL = "https://call.example.org/eventhub-demo"
STARTED_AGO = timedelta(minutes=15)

DemoStep = Callable[[Event, Session], None]
_KEY = "eventhub.programme.demo_steps"


def add_demo_step(app: Flask, step: DemoStep) -> None:
    """Have `demo-setup` call `step(event, session_on_now)` after placing the demo."""
    app.extensions.setdefault(_KEY, []).append(step)


def run_demo_steps(event: Event, on_now: Session) -> None:
    for step in current_app.extensions.get(_KEY, []):
        step(event, on_now)


def place_around(event: Event, now: datetime) -> Session:
    """Move the event so that its first working-group session is on at `now`; return it."""
    sessions = sorted(event.sessions, key=lambda s: (s.starts_at, s.key))
    groups = [s for s in sessions if s.kind == SessionKind.WORKING_GROUP and not s.cancelled]
    on_now = (groups or sessions)[0]
    start = now.replace(second=0, microsecond=0) - STARTED_AGO
    start -= timedelta(minutes=start.minute % 15)  # a quarter-hour, as a programme would have
    offset = start - on_now.starts_at
    zone = event.zone
    days = (start.astimezone(zone).date() - on_now.starts_at.astimezone(zone).date()).days
    for session in sessions:
        session.starts_at += offset
        session.ends_at += offset
    event.starts += timedelta(days=days)
    event.ends += timedelta(days=days)
    if not on_now.join_url:
        on_now.join_url = f"{DEMO_CALL}-{on_now.key}"
    return on_now
