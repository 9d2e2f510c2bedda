"""Fixtures for plenary questions: the rooms' signed-in members with sockets, and the opening."""

from __future__ import annotations

import pytest

from eventhub.programme.models import Attribution
from tests.rooms.conftest import _fresh_process_state, member  # noqa: F401  (fixtures)


@pytest.fixture
def event(make_event):
    """A meeting with named attribution: askers show unless they ask anonymously."""
    return make_event(attribution=Attribution.NAMED)


@pytest.fixture
def plenary(event):
    return next(s for s in event.sessions if s.key == "opening")
