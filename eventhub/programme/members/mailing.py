"""Invitations by e-mail: written in the invitee's language, sent by the outbox after the
commit, and where each one stands for the organisers' list."""

from __future__ import annotations

from flask_babel import force_locale

from ... import outbox
from ...accounts import service as accounts
from ..models import Invitation
from . import invitation_mail


def topic(invitation: Invitation) -> str:
    return f"invitation:{invitation.id}"


def mail_invitation(invitation: Invitation, link: str) -> bool:
    """Queue the link by e-mail, in the invitee's language if she has an account (else
    English); False when no mail server is set up (nothing is queued)."""
    known = accounts.find_person(invitation.email)
    with force_locale((known.language if known else None) or "en"):
        subject, body = invitation_mail(invitation, link)
    return bool(
        outbox.queue([outbox.Mail(invitation.email, subject, body)], topic=topic(invitation))
    )


def latest_mails(invitations: list[Invitation]) -> dict[int, outbox.OutgoingMail]:
    """Each invitation's latest e-mail, by invitation id (none for a link given by hand)."""
    by_topic = outbox.latest(topic(i) for i in invitations)
    return {i.id: by_topic[topic(i)] for i in invitations if topic(i) in by_topic}
