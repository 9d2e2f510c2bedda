"""Telling people: e-mail in the recipient's language and zone, sent only after the commit.

`queue()` is called by the service inside the transaction and writes the messages into the
outbox, which jobs send once it commits: a rolled-back request sends nothing. `record()` keeps
organisers' actions on the event's activity log.
"""

from __future__ import annotations

import logging

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from .. import outbox
from ..accounts.models import Person
from ..calendar.feeds import Party, build_invite
from ..i18n import fmt_day, fmt_time, fmt_zone
from ..programme import activity
from ..timestamps import utcnow
from . import rules
from .ics import entry_for, in_calendars
from .models import Bilateral, BilateralState

log = logging.getLogger(__name__)

REQUESTED = "requested"
COUNTERED = "countered"
ACCEPTED = "accepted"
DECLINED = "declined"
CANCELLED = "cancelled"
MOVED = "moved"
EXPIRED = "expired"


def _url(bilateral: Bilateral) -> str:
    values = {"slug": bilateral.event.slug, "bilateral_id": bilateral.id}
    if has_request_context():
        return url_for("bilaterals.detail", _external=True, **values)
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for("bilaterals.detail", _external=True, **values)


def _when(bilateral: Bilateral, person: Person) -> list[str]:
    zone = rules.person_zone(person, bilateral.event)
    if bilateral.starts_at is not None and bilateral.state != BilateralState.PENDING:
        slots = [(bilateral.starts_at, bilateral.ends_at)]
    else:
        slots = [(s.starts_at, s.ends_at) for s in bilateral.current_slots]
    return [
        _(
            "%(day)s, %(start)s–%(end)s (%(zone)s)",
            day=fmt_day(starts, zone),
            start=fmt_time(starts, zone),
            end=fmt_time(ends, zone),
            zone=fmt_zone(zone, starts),
        )
        for starts, ends in slots
    ]


def compose(kind: str, bilateral: Bilateral, person: Person) -> outbox.Mail:
    """One person's message about `bilateral`, in her language, its times in her zone."""
    with force_locale(person.language or "en"):
        other = bilateral.other_party(person.id)
        if other is not None:
            name = other.public_name
        elif bilateral.network is not None:  # a network's request nobody has answered yet
            name = bilateral.network.name
        else:
            name = bilateral.requester.public_name
        event = bilateral.event.title
        subjects = {
            REQUESTED: _(
                "%(name)s asks you for a bilateral meeting (%(event)s)", name=name, event=event
            ),
            COUNTERED: _(
                "%(name)s proposes other times for your meeting (%(event)s)", name=name, event=event
            ),
            ACCEPTED: _(
                "Bilateral meeting with %(name)s is booked (%(event)s)", name=name, event=event
            ),
            DECLINED: _(
                "%(name)s declined your meeting request (%(event)s)", name=name, event=event
            ),
            CANCELLED: _(
                "Bilateral meeting with %(name)s is cancelled (%(event)s)", name=name, event=event
            ),
            MOVED: _(
                "The organisers moved your meeting with %(name)s (%(event)s)",
                name=name,
                event=event,
            ),
            EXPIRED: _(
                "Your meeting request to %(name)s has expired (%(event)s)", name=name, event=event
            ),
        }
        lines = [subjects[kind], ""]
        if kind == EXPIRED:
            lines += [
                _(
                    "The times proposed have passed without an answer. If you still wish to "
                    "meet, ask again with other times."
                ),
                "",
            ]
        times = _when(bilateral, person)
        if kind in (REQUESTED, COUNTERED, EXPIRED):
            lines.append(_("Times proposed:"))
            lines += [f"- {t}" for t in times]
        elif times:
            lines.append(_("When: %(when)s", when=times[0]))
        if bilateral.place:
            lines.append(_("Table: %(place)s", place=bilateral.place))
        if bilateral.purpose:
            lines += ["", _("Purpose: %(purpose)s", purpose=bilateral.purpose)]
        if bilateral.message:
            lines += ["", _("Message: %(message)s", message=bilateral.message)]
        lines += ["", _("Answer or see the meeting here: %(url)s", url=_url(bilateral))]
        meeting = None
        if kind in (ACCEPTED, MOVED, CANCELLED) and in_calendars(bilateral):
            entry = entry_for(bilateral, person, url=_url(bilateral))
            ics = build_invite(
                entry,
                organizer=Party(current_app.config["MAIL_DEFAULT_SENDER"], "EventHub"),
                attendees=[Party(person.email, person.public_name)],
                stamp=utcnow(),
                name=bilateral.event.title,
            )
            method = "CANCEL" if entry.cancelled else "REQUEST"
            meeting = outbox.MeetingRequest(method, ics, filename="bilateral.ics")
        return outbox.Mail(person.email, subjects[kind], "\n".join(lines), meeting=meeting)


def queue(kind: str, bilateral: Bilateral, recipients: list[Person | None]) -> None:
    """Compose the messages now (the data is at hand); the outbox sends them after the commit."""
    mails = [
        compose(kind, bilateral, person)
        for person in recipients
        if person is not None and person.active
    ]
    outbox.queue(mails, topic=f"bilateral:{bilateral.id}")


def record(organiser: Person, action: str, bilateral: Bilateral, reason: str) -> None:
    """An organiser's move or cancellation, on the event's activity log: one entry for each
    of the two people it was done to (each person's record then holds it)."""
    details = {"starts": bilateral.starts_at.isoformat() if bilateral.starts_at else None}
    if bilateral.place:
        details["table"] = bilateral.place
    for person in (bilateral.requester, bilateral.invitee):
        if person is not None:
            activity.record(
                bilateral.event, organiser, action, subject=person, reason=reason, **details
            )
