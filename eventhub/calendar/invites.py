"""Calendar invites (iTIP over e-mail): a session's or a working group's sessions, to its members.

Each attendee gets her own message, naming only her as ATTENDEE: members do not
learn each other's addresses (safety), and the text is in her language. An update
is the same invite again (same UID, the session's higher SEQUENCE); a cancelled
session goes out as METHOD:CANCEL. The message is a meeting request that Outlook and Gmail
apply by themselves, built by `eventhub.mail.build_message` (which shows its layout).

Sending happens in job consumers (calendar/delivery.py); without an SMTP server the
organiser downloads the same files as a zip instead.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import Person
from ..extensions import db
from ..i18n import fmt_range, fmt_zone, valid_zone
from ..mail import MeetingRequest, build_message
from ..permissions import TAKING_PART
from ..programme.models import Event, Membership, Role, Session, WorkingGroup
from ..timestamps import utcnow
from .feeds import Party, build_invite, one_line
from .service import entries_for


@dataclass(frozen=True)
class Invite:
    """One attendee's invite to one session, ready to send or to save."""

    person: Person
    session: Session
    method: str  # REQUEST or CANCEL
    subject: str
    body: str
    ics: bytes

    @property
    def filename(self) -> str:
        return f"{self.session.key}.ics"


def attendees(session: Session, organiser: Person | None = None) -> list[Person]:
    """Who a session's invites go to: its working group's members, or everyone taking part in
    the event for a plenary; active people only, observers never. The organiser who sends them
    is left out unless she takes part otherwise than as organiser (she is the ORGANIZER)."""
    query = (
        select(Membership)
        .options(selectinload(Membership.person))
        .where(Membership.event_id == session.event_id, Membership.role.in_(TAKING_PART))
    )
    if session.working_group_id is not None:
        query = query.where(Membership.working_group_id == session.working_group_id)
    people: dict[int, Person] = {}
    organiser_takes_part = False
    for membership in db.session.scalars(query):
        if not membership.person.active:
            continue
        if organiser is not None and membership.person_id == organiser.id:
            organiser_takes_part |= membership.role != Role.ORGANISER
        people.setdefault(membership.person_id, membership.person)
    if organiser is not None and not organiser_takes_part:
        people.pop(organiser.id, None)
    return sorted(people.values(), key=lambda p: p.email)


def attendee_name(person: Person, event: Event) -> str:
    """Under the Chatham House rule her chosen display name, else her name."""
    if event.chatham_house:
        return person.public_name
    return person.name or person.public_name


def build_invites(
    sessions: list[Session], organiser: Person, *, stamp: datetime | None = None
) -> list[Invite]:
    """Every attendee's invite for each of `sessions`, in her language."""
    stamp = stamp or utcnow()
    invites = []
    for session in sessions:
        for person in attendees(session, organiser):
            invite = build_invite_for(session, person, organiser, stamp)
            if invite is not None:
                invites.append(invite)
    return invites


def build_invite_for(
    session: Session, person: Person, organiser: Person | None, stamp: datetime | None = None
) -> Invite | None:
    """Her invite to `session` as it stands now; None if she may no longer see the session.

    Without an organiser (her account was deleted since), the event's sender address is the
    ORGANIZER."""
    if organiser is not None:
        organizer = Party(organiser.email, organiser.public_name)
    else:
        organizer = Party(current_app.config["MAIL_DEFAULT_SENDER"], session.event.title)
    return _invite(session, person, organizer, stamp or utcnow())


def _invite(session: Session, person: Person, organizer: Party, stamp: datetime) -> Invite | None:
    with force_locale(person.language or "en"):
        entries = entries_for(person, [session])
        if not entries:
            return None
        entry = entries[0]
        ics = build_invite(
            entry,
            organizer=organizer,
            stamp=stamp,
            name=session.event.title,
            attendees=[Party(person.email, attendee_name(person, session.event))],
        )
        method = "CANCEL" if session.cancelled else "REQUEST"
        return Invite(
            person=person,
            session=session,
            method=method,
            subject=_subject(session),
            body=_body(session, person, entry.url),
            ics=ics,
        )


def _subject(session: Session) -> str:
    # A header cannot hold a line break: titles are flattened to one line first.
    title = one_line(session.title)
    if session.cancelled:
        return _("Cancelled: %(title)s", title=title)
    if session.sequence > 0:
        return _("Updated invitation: %(title)s", title=title)
    return _("Invitation: %(title)s", title=title)


def _body(session: Session, person: Person, url: str) -> str:
    zone = valid_zone(person.timezone) or session.event.zone
    event_zone = session.event.zone
    values = {
        "name": one_line(attendee_name(person, session.event)),
        "title": one_line(session.title),
        "event": one_line(session.event.title),
        "when": fmt_range(session.starts_at, session.ends_at, zone),
        "zone": fmt_zone(zone, session.starts_at),
        "url": url,
    }
    if session.cancelled:
        text = _(
            "Dear %(name)s,\n\n“%(title)s” (%(event)s), planned for %(when)s (%(zone)s), is "
            "cancelled. Your calendar removes it when you open this message or the attached "
            "file.\n\n%(url)s\n",
            **values,
        )
    else:
        text = _(
            "Dear %(name)s,\n\nYou are invited to “%(title)s” (%(event)s).\n\n"
            "When: %(when)s (%(zone)s)\n\nAccept it in your calendar, or open the attached "
            "file; if the programme changes, you will receive an update.\n\n%(url)s\n",
            **values,
        )
    if event_zone.key != zone.key:
        text += "\n" + _(
            "In the event's time zone: %(when)s (%(zone)s)",
            when=fmt_range(session.starts_at, session.ends_at, event_zone),
            zone=fmt_zone(event_zone, session.starts_at),
        )
    return text


def invite_message(invite: Invite, sender: str | None = None) -> EmailMessage:
    """Her invite as one e-mail: a meeting request (eventhub/mail.py)."""
    return build_message(
        to=[invite.person.email],
        subject=invite.subject,
        body=invite.body,
        sender=sender,
        meeting=MeetingRequest(invite.method, invite.ics),
    )


def invites_zip(sessions: list[Session], organiser: Person) -> bytes:
    """The same invites as a zip, one folder per attendee, for sending by hand."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for invite in build_invites(sessions, organiser):
            folder = invite.person.email.replace("/", "_")
            archive.writestr(f"{folder}/{invite.filename}", invite.ics)
            archive.writestr(
                f"{folder}/{invite.session.key}.txt", f"{invite.subject}\n\n{invite.body}".encode()
            )
    return buffer.getvalue()


def group_sessions(group: WorkingGroup) -> list[Session]:
    return list(
        db.session.scalars(
            select(Session).where(Session.working_group_id == group.id).order_by(Session.starts_at)
        )
    )
