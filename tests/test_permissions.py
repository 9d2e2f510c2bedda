"""The permission rules: `room_access` (the rooms' hot path) decides as the rules do."""

from __future__ import annotations

import itertools

import pytest

from eventhub.permissions import may, memberships, room_access
from eventhub.programme.models import Role

PLACES = ("event-wide", "wg1", "wg2")


def _grant_sets():
    """Nobody, every single membership, and every pair of them."""
    singles = list(itertools.product(Role, PLACES))
    yield ()
    yield from ((s,) for s in singles)
    yield from (pair for pair in itertools.combinations(singles, 2) if pair[0][1] != pair[1][1])


@pytest.mark.parametrize("grants", list(_grant_sets()), ids=str)
def test_room_access_decides_as_the_room_rules(db, make_event, make_person, add_member, grants):
    event = make_event()
    wg1, wg2 = event.working_groups[:2]
    plenary = next(s for s in event.sessions if s.is_plenary)
    group_session = next(s for s in event.sessions if not s.is_plenary)
    person = make_person()
    for role, place in grants:
        group = {"event-wide": None, "wg1": wg1, "wg2": wg2}[place]
        add_member(person, event, role, group)
    db.session.commit()
    mine = memberships(person, event)

    assert room_access(mine, group_id=wg1.id, plenary=False) == (
        may(person, "group.enter_room", wg1),
        may(person, "group.facilitate", wg1),
    )
    assert room_access(mine, group_id=None, plenary=True) == (
        may(person, "session.enter_qa", plenary),
        may(person, "session.moderate_qa", plenary),
    )
    assert room_access(mine, group_id=None, plenary=False) == (
        may(person, "session.enter_qa", group_session),
        may(person, "session.moderate_qa", group_session),
    )
