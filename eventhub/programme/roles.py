"""The role a person is shown with (facilitator, rapporteur, organiser) beside her name.

One rule for every place that marks a name: room messages live and loaded, and anything else
that wants to say who is speaking with which responsibility. Participants carry no mark.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from ..extensions import db
from . import identity
from .models import Membership, Role


def shown_role(grants, group_id: int | None) -> Role | None:
    """The mark for one person from her memberships of the event: the identity rule
    (`identity.mark_of`), named for the callers that mark authors of messages."""
    return identity.mark_of(grants, group_id)


def shown_roles(event_id: int, group_id: int | None, person_ids: Iterable[int]) -> dict[int, Role]:
    """`shown_role` for several people in one query: person id to mark (unmarked ones left out)."""
    ids = {i for i in person_ids if i is not None}
    if not ids:
        return {}
    rows = db.session.execute(
        select(Membership.person_id, Membership.role, Membership.working_group_id).where(
            Membership.event_id == event_id, Membership.person_id.in_(ids)
        )
    ).all()
    grants: dict[int, list] = {}
    for row in rows:
        grants.setdefault(row.person_id, []).append(row)
    marks = {pid: shown_role(rows_of, group_id) for pid, rows_of in grants.items()}
    return {pid: role for pid, role in marks.items() if role is not None}
