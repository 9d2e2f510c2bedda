"""Calendar invites (iTIP over e-mail): a session's or a working group's sessions, to its members.

Each attendee gets her own message, naming only her as ATTENDEE: members do not
learn each other's addresses (safety), and the text is in her language. An update
is the same invite again (same UID, the session's higher SEQUENCE); a cancelled
session goes out as METHOD:CANCEL. Without an SMTP server the organiser downloads
the same files as a zip instead.
"""

from __future__ import annotations

import io
import logging
import smtplib
import zipfile
from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import Person
from ..errors import Invalid
from ..extensions import db
from ..i18n import fmt_datetime, fmt_zone, valid_zone
from ..mail import Attachment, mail_configured, send_mail
from ..permissions import TAKING_PART
from ..programme.models import Event, Membership, Session, WorkingGroup
from ..types import utcnow
from .feeds import Party, build_invite
from .service import entries_for

log = logging.getLogger(__name__)


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


def attendees(session: Session) -> list[Person]:
    """Who a session's invites go to: its working group's members, or everyone taking part in
    the event for a plenary; active people only, observers never."""
    query = (
        select(Membership)
        .options(selectinload(Membership.person))
        .where(Membership.event_id == session.event_id, Membership.role.in_(TAKING_PART))
    )
    if session.working_group_id is not None:
        query = query.where(Membership.working_group_id == session.working_group_id)
    people: dict[int, Person] = {}
    for membership in db.session.scalars(query):
        if membership.person.active:
            people.setdefault(membership.person_id, membership.person)
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
        organizer = Party(organiser.email, organiser.public_name)
        for person in attendees(session):
            invite = _invite(session, person, organizer, stamp)
            if invite is not None:
                invites.append(invite)
    return invites


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
    # A mail header is one line: a title stored before titles were checked may hold a line
    # break (Python's mail refuses the header, finding 9 of issue 11); it reads as a space.
    title = " ".join(session.title.split())
    if session.cancelled:
        return _("Cancelled: %(title)s", title=title)
    if session.sequence > 0:
        return _("Updated invitation: %(title)s", title=title)
    return _("Invitation: %(title)s", title=title)


def _body(session: Session, person: Person, url: str) -> str:
    zone = valid_zone(person.timezone) or session.event.zone
    event_zone = session.event.zone
    values = {
        "name": attendee_name(person, session.event),
        "title": session.title,
        "event": session.event.title,
        "start": fmt_datetime(session.starts_at, zone, "full"),
        "end": fmt_datetime(session.ends_at, zone, "short"),
        "zone": fmt_zone(zone, session.starts_at),
        "url": url,
    }
    if session.cancelled:
        text = _(
            "Dear %(name)s,\n\n“%(title)s” (%(event)s), planned for %(start)s "
            "(%(zone)s), is cancelled. Opening the attached file removes it from your "
            "calendar.\n\n%(url)s\n",
            **values,
        )
    else:
        text = _(
            "Dear %(name)s,\n\nYou are invited to “%(title)s” (%(event)s).\n\n"
            "When: %(start)s to %(end)s (%(zone)s)\n\nOpen the attached file to add it to "
            "your calendar; if the programme changes, you will receive an update.\n\n"
            "%(url)s\n",
            **values,
        )
    if event_zone.key != zone.key:
        text += "\n" + _(
            "In the event's time zone (%(zone)s): %(start)s",
            zone=fmt_zone(event_zone, session.starts_at),
            start=fmt_datetime(session.starts_at, event_zone, "full"),
        )
    return text


@dataclass(frozen=True)
class SendResult:
    sent: int
    # Addresses the mail server refused or could not be reached for.
    failed: tuple[str, ...] = ()


def send_invites(sessions: list[Session], organiser: Person) -> SendResult:
    """E-mail each attendee her invites. Invalid if no SMTP server is set up; a server that fails
    part-way is reported in the result (what went out cannot be called back)."""
    if not mail_configured():
        raise Invalid(
            _(
                "E-mail is not set up on this server. Download the invites instead "
                "and send them yourself."
            )
        )
    sent, failed = 0, []
    for invite in build_invites(sessions, organiser):
        content_type = f"text/calendar; method={invite.method}; charset=utf-8"
        try:
            send_mail(
                to=[invite.person.email],
                subject=invite.subject,
                body=invite.body,
                attachments=[Attachment(invite.filename, content_type, invite.ics)],
            )
        except (smtplib.SMTPException, OSError) as error:
            log.warning(
                "invite to %s for %s not sent: %s", invite.person.email, invite.session.key, error
            )
            failed.append(invite.person.email)
        else:
            sent += 1
    return SendResult(sent=sent, failed=tuple(dict.fromkeys(failed)))


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
