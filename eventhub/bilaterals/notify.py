"""Telling people: e-mail in the recipient's language and zone, sent only after the commit.

`queue()` is called by the service inside the transaction; nothing leaves before the commit,
and a rolled-back request sends nothing. `record()` keeps organisers' actions on the record.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import event as sa_event

from ..accounts.models import Person
from ..calendar.feeds import Party, build_invite
from ..extensions import db
from ..i18n import fmt_day, fmt_time, fmt_zone
from ..mail import Attachment, mail_configured, send_mail
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

_OUTBOX = "eventhub.bilaterals.outbox"


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()


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


def compose(kind: str, bilateral: Bilateral, person: Person) -> Mail:
    """One person's message about `bilateral`, in her language, its times in her zone."""
    with force_locale(person.language or "en"):
        other = bilateral.other_party(person.id)
        name = other.public_name if other is not None else bilateral.requester.public_name
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
        }
        lines = [subjects[kind], ""]
        times = _when(bilateral, person)
        if kind in (REQUESTED, COUNTERED):
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
        attachments = ()
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
            attachments = (Attachment("bilateral.ics", f"text/calendar; method={method}", ics),)
        return Mail(person.email, subjects[kind], "\n".join(lines), attachments)


def queue(kind: str, bilateral: Bilateral, recipients: list[Person | None]) -> None:
    """Compose the messages now (the data is at hand) and send them once the transaction commits."""
    outbox = db.session.info.setdefault(_OUTBOX, [])
    for person in recipients:
        if person is not None and person.active:
            outbox.append(compose(kind, bilateral, person))


def deliver(mail: Mail) -> None:
    """The one place bilateral mail leaves from."""
    if not mail_configured():
        log.info("no mail server: bilateral mail %r to %s not sent", mail.subject, mail.to)
        return
    send_mail(to=[mail.to], subject=mail.subject, body=mail.body, attachments=mail.attachments)


@sa_event.listens_for(db.session, "after_commit")
def _after_commit(session) -> None:
    for mail in session.info.pop(_OUTBOX, []):
        try:
            deliver(mail)
        except Exception:  # a mail server's failure must not undo what was committed
            log.exception("bilateral mail to %s failed", mail.to)


@sa_event.listens_for(db.session, "after_rollback")
def _after_rollback(session) -> None:
    session.info.pop(_OUTBOX, None)


def record(organiser: Person, action: str, bilateral: Bilateral, reason: str) -> None:
    """An organiser's move or cancellation, on the record."""
    log.info(
        "%s by organiser %s on bilateral %s (event %s): %s",
        action,
        organiser.id,
        bilateral.id,
        bilateral.event.slug,
        reason,
    )
