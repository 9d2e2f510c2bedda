"""Bilaterals as calendar entries: the two people's feeds and invites carry their meetings.

Builds `eventhub.calendar.feeds.Entry` values (that module is pure iCalendar writing, no domain);
the calendar domain puts them in her personal feed, notify.py in the invites it mails.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ..accounts.models import Person
from ..calendar.feeds import Entry
from .models import Bilateral, BilateralState


def bilateral_uid(bilateral: Bilateral) -> str:
    return f"bilateral-{bilateral.id}.{bilateral.event.slug}@eventhub"


def in_calendars(bilateral: Bilateral) -> bool:
    """Booked meetings, and cancelled ones that had been booked (so calendars drop them)."""
    return bilateral.starts_at is not None and bilateral.state in (
        BilateralState.ACCEPTED,
        BilateralState.CANCELLED,
    )


def entry_for(bilateral: Bilateral, viewer: Person, url: str = "") -> Entry:
    """Her calendar entry for one of her bilaterals (call in the text only for the two of them)."""
    other = bilateral.other_party(viewer.id)
    name = other.public_name if other is not None else ""
    cancelled = bilateral.state == BilateralState.CANCELLED
    if cancelled:
        summary = _("Cancelled: bilateral meeting with %(name)s", name=name)
    else:
        summary = _("Bilateral meeting with %(name)s", name=name)
    parts = []
    if cancelled:
        parts.append(_("This meeting is cancelled."))
    if bilateral.purpose:
        parts.append(bilateral.purpose)
    if bilateral.place:
        parts.append(_("Table: %(place)s", place=bilateral.place))
    if bilateral.call_url and not cancelled:
        parts.append(_("Video call: %(url)s", url=bilateral.call_url))
    location = bilateral.place
    if bilateral.window is not None and bilateral.window.session.location:
        location = ", ".join(p for p in (bilateral.place, bilateral.window.session.location) if p)
    return Entry(
        uid=bilateral_uid(bilateral),
        summary=summary,
        starts_at=bilateral.starts_at,
        ends_at=bilateral.ends_at,
        sequence=bilateral.sequence,
        created=bilateral.created_at,
        last_modified=bilateral.updated_at,
        description="\n\n".join(parts),
        url=url,
        location=location,
        join_url="" if cancelled else bilateral.call_url,
        cancelled=cancelled,
        categories=(_("Bilateral"),),
    )
