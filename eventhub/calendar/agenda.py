"""Her agenda: the sessions she is a member of and her bilaterals, as one list of plain items.

The same items feed the "My agenda" page and, through `personal_feed`, her calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from ..accounts.models import Person
from ..bilaterals import service as bilaterals
from ..bilaterals.models import Bilateral, BilateralState
from ..permissions import may
from ..programme.models import Event, Session
from ..programme.service import JoinLink, join_link_state
from .service import agenda_sessions


@dataclass(frozen=True)
class AgendaItem:
    starts_at: datetime
    ends_at: datetime
    event: Event
    session: Session | None = None
    bilateral: Bilateral | None = None
    # A pending bilateral is shown at each time proposed, marked as pending.
    pending: bool = False
    join_url: str = ""  # only while the join link is open, under the sessions' rule
    join_opens_at: datetime | None = None

    @property
    def cancelled(self) -> bool:
        if self.session is not None:
            return self.session.cancelled
        return self.bilateral.state == BilateralState.CANCELLED


def _join(url: str, starts, ends, cancelled: bool, now: datetime, lead: int):
    state = join_link_state(_Meeting(url, cancelled, starts, ends), now, lead)
    return (url if state.state == JoinLink.OPEN else ""), (
        state.opens_at if state.state == JoinLink.LATER else None
    )


@dataclass(frozen=True)
class _Meeting:
    join_url: str
    cancelled: bool
    starts_at: datetime
    ends_at: datetime


def agenda_items(person: Person, now: datetime, lead_minutes: int) -> list[AgendaItem]:
    """Her sessions and bilaterals in order of start; call links only when open to her."""
    items = []
    for s in agenda_sessions(person):
        url = s.join_url if may(person, "session.join_link", s) else ""
        join_url, opens = _join(url, s.starts_at, s.ends_at, s.cancelled, now, lead_minutes)
        items.append(
            AgendaItem(
                s.starts_at, s.ends_at, s.event, session=s, join_url=join_url, join_opens_at=opens
            )
        )
    for b in bilaterals.mine(person):
        if b.state == BilateralState.ACCEPTED:
            join_url, opens = _join(b.call_url, b.starts_at, b.ends_at, False, now, lead_minutes)
            items.append(
                AgendaItem(
                    b.starts_at,
                    b.ends_at,
                    b.event,
                    bilateral=b,
                    join_url=join_url,
                    join_opens_at=opens,
                )
            )
        elif b.state == BilateralState.PENDING:
            items += [
                AgendaItem(s.starts_at, s.ends_at, b.event, bilateral=b, pending=True)
                for s in b.current_slots
            ]
    return sorted(items, key=lambda i: (i.starts_at, i.ends_at, i.pending))


def by_day(items: list[AgendaItem], zone: ZoneInfo) -> list[tuple[date, list[AgendaItem]]]:
    return [
        (day, list(group))
        for day, group in groupby(items, key=lambda i: i.starts_at.astimezone(zone).date())
    ]
