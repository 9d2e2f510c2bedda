"""Who takes part in an event: invitations, memberships and their roles."""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...accounts import service as accounts
from ...accounts.models import Person
from ...accounts.sessions import token_hash
from ...errors import Invalid, NotAllowed, NotFound
from ...extensions import db
from ...i18n import fmt_datetime
from ...permissions import forget_memberships
from ...timestamps import utcnow
from .. import activity, identity
from ..models import Event, Invitation, Membership, Role, WorkingGroup

log = logging.getLogger(__name__)

ROLE_LABELS = {
    Role.ORGANISER: _l("Organiser"),
    Role.FACILITATOR: _l("Facilitator"),
    Role.RAPPORTEUR: _l("Rapporteur"),
    Role.PARTICIPANT: _l("Participant"),
    Role.OBSERVER: _l("Observer"),
}
# Roles that may be given in one working group; the others are event-wide only.
GROUP_ROLES = frozenset({Role.FACILITATOR, Role.RAPPORTEUR, Role.PARTICIPANT})


class InvitationUnusable(Invalid):
    """The link is sound but can no longer be used (expired, already used, withdrawn)."""

    status = 410


# --- roles and scope ----------------------------------------------------------------------------


def parse_role(value: str) -> Role:
    """The role named `value`, or Invalid listing the roles there are."""
    try:
        return Role((value or "").strip().lower())
    except ValueError:
        raise Invalid(
            _(
                "“%(role)s” is not a role. The roles are: %(roles)s.",
                role=(value or "")[:40],
                roles=", ".join(r.value for r in Role),
            )
        ) from None


def find_group(event: Event, key: str | None) -> WorkingGroup | None:
    """The event's working group with `key`; None for no key; Invalid for an unknown one."""
    if not key:
        return None
    for group in event.working_groups:
        if group.key == key:
            return group
    raise Invalid(
        _(
            "The event has no working group “%(key)s”. Its working groups are: %(keys)s.",
            key=key[:64],
            keys=", ".join(g.key for g in event.working_groups) or "—",
        )
    )


def check_scope(role: Role, group: WorkingGroup | None) -> None:
    """Organisers and observers are event-wide; the other roles may be for one working group."""
    if group is not None and role not in GROUP_ROLES:
        raise Invalid(
            _(
                "The role “%(role)s” is for the whole event, not for one working group.",
                role=ROLE_LABELS[role],
            )
        )


def scope_label(group: WorkingGroup | None) -> str:
    return group.title if group is not None else _("The whole event")


# --- memberships --------------------------------------------------------------------------------


def _membership(person: Person, event: Event, group: WorkingGroup | None) -> Membership | None:
    in_scope = (
        Membership.working_group_id == group.id
        if group is not None
        else Membership.working_group_id.is_(None)
    )
    return db.session.scalar(
        select(Membership).where(
            Membership.person_id == person.id, Membership.event_id == event.id, in_scope
        )
    )


def add_membership(
    person: Person,
    event: Event,
    role: Role,
    group: WorkingGroup | None = None,
    *,
    by: Person | None = None,
) -> tuple[Membership, bool]:
    """Give her `role` in the event (or one of its groups); (membership, whether anything changed).

    She has at most one role per scope: an existing membership in the same scope takes the new role.
    `by` is who gives it (None: the command line), for the activity log.
    """
    existing = _membership(person, event, group)
    old_role = existing.role if existing is not None else None
    membership, changed = _grant(person, event, role, group)
    if changed:
        _record_role(
            by,
            "role.change" if old_role else "role.grant",
            membership,
            old_role=old_role.value if old_role else None,
        )
    return membership, changed


def _record_role(by: Person | None, action: str, membership: Membership, **extra) -> None:
    details = {"role": membership.role.value, **{k: v for k, v in extra.items() if v}}
    if membership.working_group is not None:
        details["where"] = membership.working_group.key
    activity.record(membership.event, by, action, subject=membership.person, **details)


def _grant(
    person: Person, event: Event, role: Role, group: WorkingGroup | None
) -> tuple[Membership, bool]:
    check_scope(role, group)
    identity.check_may_join(person, event)
    if group is not None and group.event_id != event.id:
        raise Invalid(_("That working group belongs to another event."))
    membership = _membership(person, event, group)
    if membership is not None:
        if membership.role == role:
            return membership, False
        _keep_an_organiser(membership, role)
        membership.role = role
    else:
        membership = Membership(person=person, event=event, working_group=group, role=role)
        db.session.add(membership)
    db.session.flush()
    forget_memberships()
    return membership, True


def _organiser_count(event: Event) -> int:
    return len(
        db.session.scalars(
            select(Membership.id).where(
                Membership.event_id == event.id,
                Membership.working_group_id.is_(None),
                Membership.role == Role.ORGANISER,
            )
        ).all()
    )


def _keep_an_organiser(membership: Membership, new_role: Role | None) -> None:
    """Refuse to demote or remove the event's last organiser (nobody could manage it any more)."""
    if (
        membership.role == Role.ORGANISER
        and membership.working_group_id is None
        and new_role != Role.ORGANISER
        and _organiser_count(membership.event) <= 1
    ):
        raise Invalid(
            _(
                "%(name)s is the event's only organiser. Make someone else an organiser first.",
                name=membership.person.public_name,
            )
        )


def find_membership(event: Event, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.event_id != event.id:
        raise NotFound(_("That person is no longer a member of this event."))
    return membership


def change_role(membership: Membership, role: Role, *, by: Person | None = None) -> Membership:
    """Give an existing membership another role (in the same scope)."""
    check_scope(role, membership.working_group)
    if membership.role != role:
        _keep_an_organiser(membership, role)
        old_role = membership.role
        membership.role = role
        _record_role(by, "role.change", membership, old_role=old_role.value)
        db.session.flush()
        forget_memberships()
    return membership


def remove_membership(membership: Membership, *, by: Person | None = None) -> None:
    _keep_an_organiser(membership, None)
    _record_role(by, "role.remove", membership)
    db.session.delete(membership)
    db.session.flush()
    forget_memberships()


def people_of(event: Event) -> list[Membership]:
    """The event's memberships with their people, by name, event-wide roles first."""
    memberships = db.session.scalars(
        select(Membership)
        .where(Membership.event_id == event.id)
        .options(selectinload(Membership.person), selectinload(Membership.working_group))
    ).all()
    return sorted(
        memberships,
        key=lambda m: (
            m.person.public_name.casefold(),
            m.person.email,
            m.working_group.position if m.working_group else -1,
        ),
    )


# --- invitations --------------------------------------------------------------------------------


def _new_token(invitation: Invitation) -> str:
    """A new random secret for the invitation's link (an earlier link stops working).

    The link carries nothing but the secret: not the address, not the invitation's id.
    """
    token = secrets.token_urlsafe(32)
    invitation.token_hash = token_hash(token)
    return token


def invitation_expires(invitation: Invitation) -> datetime:
    return invitation.created_at + timedelta(seconds=current_app.config["INVITATION_MAX_AGE"])


def invite(
    event: Event,
    email: str,
    role: Role,
    group: WorkingGroup | None = None,
    *,
    invited_by: Person | None = None,
) -> tuple[Invitation, str]:
    """Record an invitation and return it with its token.

    Inviting the same address to the same place again renews the pending invitation.
    """
    address = accounts.clean_email(email)
    check_scope(role, group)
    if group is not None and group.event_id != event.id:
        raise Invalid(_("That working group belongs to another event."))
    in_scope = (
        Invitation.working_group_id == group.id
        if group is not None
        else Invitation.working_group_id.is_(None)
    )
    invitation = db.session.scalar(
        select(Invitation).where(
            Invitation.event_id == event.id,
            Invitation.email == address,
            Invitation.accepted_at.is_(None),
            Invitation.withdrawn_at.is_(None),
            in_scope,
        )
    )
    if invitation is None:
        invitation = Invitation(event=event, email=address, working_group=group)
        db.session.add(invitation)
    invitation.role = role
    invitation.invited_by = invited_by
    invitation.created_at = utcnow()
    token = _new_token(invitation)
    _record_invitation(invited_by, "invitation.send", invitation)
    db.session.flush()
    return invitation, token


def renew_invitation(invitation: Invitation, *, by: Person | None = None) -> str:
    """A new link for a pending invitation (the earlier link stops working), its clock
    restarted; the new token, to send."""
    invitation.created_at = utcnow()
    token = _new_token(invitation)
    _record_invitation(by, "invitation.send", invitation)
    db.session.flush()
    return token


def _record_invitation(by: Person | None, action: str, invitation: Invitation) -> None:
    details = {"email": invitation.email, "role": invitation.role.value}
    if invitation.working_group is not None:
        details["where"] = invitation.working_group.key
    subject = by if action == "invitation.accept" else None
    activity.record(invitation.event, by, action, subject=subject, **details)


def load_invitation(token: str) -> Invitation:
    """The pending invitation behind a link; a clear refusal when it cannot be used."""
    invitation = None
    if isinstance(token, str) and 20 <= len(token) <= 100:
        invitation = db.session.scalar(
            select(Invitation).where(Invitation.token_hash == token_hash(token))
        )
    if invitation is None:
        raise NotFound(
            _(
                "This invitation link is not valid. Check that you copied all of it, "
                "or ask the organisers for a new one."
            )
        )
    if invitation.withdrawn_at is not None:
        raise InvitationUnusable(
            _("This invitation was withdrawn. Please ask the organisers if you need one.")
        )
    if invitation.accepted_at is not None:
        raise InvitationUnusable(
            _("This invitation has already been used. Sign in to take part in the event.")
        )
    if utcnow() > invitation_expires(invitation):
        # Renewed invitations restart the clock; an old link to one keeps its own age.
        raise InvitationUnusable(
            _("This invitation has expired. Please ask the organisers to invite you again.")
        )
    return invitation


def is_invited(invitation: Invitation, person: Person) -> bool:
    """Whether `person` signs in with the address the invitation was sent to."""
    return accounts.normalize_email(person.email) == accounts.normalize_email(invitation.email)


def accept_invitation(invitation: Invitation, person: Person) -> Membership:
    """Give `person` the invited role and mark the invitation used; only the invited address
    may: a forwarded or leaked link gives nobody else a role."""
    if invitation.accepted_at is not None:
        raise InvitationUnusable(_("This invitation has already been used."))
    if not is_invited(invitation, person):
        raise NotAllowed(
            _(
                "This invitation was sent to another e-mail address. Sign out, then sign in "
                "with that address (or create its account) to accept it."
            )
        )
    membership, _changed = _grant(
        person, invitation.event, invitation.role, invitation.working_group
    )
    invitation.accepted_at = utcnow()
    _record_invitation(person, "invitation.accept", invitation)
    db.session.flush()
    return membership


def accept_as_new_person(
    invitation: Invitation, *, name: str, display_name: str | None, password: str
) -> Person:
    """Create the invited person's account and give her the invited role."""
    person = accounts.create_person(
        invitation.email, password=password, name=name, display_name=display_name
    )
    accept_invitation(invitation, person)
    return person


def pending_invitations(event: Event) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation)
            .where(
                Invitation.event_id == event.id,
                Invitation.accepted_at.is_(None),
                Invitation.withdrawn_at.is_(None),
            )
            .order_by(Invitation.created_at.desc())
        )
    )


def find_invitation(event: Event, invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if (
        invitation is None
        or invitation.event_id != event.id
        or invitation.accepted_at
        or invitation.withdrawn_at
    ):
        raise NotFound(_("That invitation is no longer pending."))
    return invitation


def withdraw_invitation(invitation: Invitation, *, by: Person | None = None) -> None:
    """Withdraw a pending invitation: its link stops working (and says so); the log keeps it."""
    _record_invitation(by, "invitation.withdraw", invitation)
    invitation.withdrawn_at = utcnow()
    db.session.flush()


def invitation_mail(invitation: Invitation, link: str) -> tuple[str, str]:
    """Subject and body of the invitation e-mail, in the current locale."""
    subject = _("Invitation to %(event)s", event=invitation.event.title)
    body = _(
        "Hello,\n\n"
        "You are invited to take part in %(event)s.\nRole: %(role)s\nWhere: %(where)s\n\n"
        "Open this link to accept the invitation:\n%(link)s\n\n"
        "The link works once and expires on %(expires)s (UTC). "
        "If you did not expect this invitation, you can ignore this message.\n",
        event=invitation.event.title,
        role=ROLE_LABELS[invitation.role],
        where=scope_label(invitation.working_group),
        link=link,
        expires=fmt_datetime(invitation_expires(invitation), UTC),
    )
    return subject, body
