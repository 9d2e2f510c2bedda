"""The organisers' people page (invite, change roles, remove) and accepting an invitation."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh as refresh_locale
from flask_login import current_user

from ...accounts import service as accounts
from ...accounts import sessions
from ...accounts.forms import ConfirmForm, InviteForm, NewAccountForm, RoleForm
from ...errors import DomainError
from ...extensions import db, limiter
from ...outbox import DeliveryState
from ...permissions import may
from ...web import public, requires
from .. import members
from ..models import Event, Role
from ..service import event_by_slug
from . import GROUP_ROLES, ROLE_LABELS, mailing

log = logging.getLogger(__name__)

bp = Blueprint("members", __name__)


def _invitation_rate_limit() -> str:
    return current_app.config.get("INVITATION_RATE_LIMIT", "60 per hour")


def _role_choices(roles=tuple(Role)):
    return [(role.value, ROLE_LABELS[role]) for role in Role if role in roles]


def _invite_form(event: Event, *, blank: bool = False) -> InviteForm:
    form = InviteForm(formdata=None) if blank else InviteForm()
    form.role.choices = _role_choices()
    form.working_group.choices = [("", _("The whole event"))] + [
        (group.key, group.title) for group in event.working_groups
    ]
    if blank or not form.is_submitted():
        form.role.data = Role.PARTICIPANT.value
    return form


def _render_people(event: Event, form: InviteForm, *, invitation_link=None, status=200):
    invitations = members.pending_invitations(event)
    return render_template(
        "members/people.html",
        event=event,
        form=form,
        memberships=members.people_of(event),
        invitations=invitations,
        invitation_mails=mailing.latest_mails(invitations),
        delivery_states=DeliveryState,
        invitation_link=invitation_link,
        event_role_choices=_role_choices(),
        group_role_choices=_role_choices(GROUP_ROLES),
        role_labels=ROLE_LABELS,
        scope_label=members.scope_label,
        expires=members.invitation_expires,
        confirm=ConfirmForm(),
    ), status


@bp.route("/e/<slug>/people", methods=["GET", "POST"])
@requires("event.manage", event_by_slug)
@limiter.limit(_invitation_rate_limit, methods=["POST"])
def people(event: Event, slug: str):
    form = _invite_form(event)
    if not form.is_submitted():
        return _render_people(event, form)
    if not form.validate():
        return _render_people(event, form, status=400)
    try:
        invitation, token = members.invite(
            event,
            form.email.data,
            members.parse_role(form.role.data),
            members.find_group(event, form.working_group.data),
            invited_by=current_user._get_current_object(),
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _render_people(event, form, status=400)
    return _send_link(event, invitation, token)


def _send_link(event: Event, invitation, token: str):
    """E-mail the link after the commit, or show it to copy when no mail server is set up."""
    link = url_for("members.accept", token=token, _external=True)
    if mailing.mail_invitation(invitation, link):
        flash(
            _(
                "The invitation to %(email)s is on its way. Where it stands is shown below.",
                email=invitation.email,
            ),
            "success",
        )
        return redirect(url_for("members.people", slug=event.slug))
    flash(_("%(email)s is invited. Send them the link below.", email=invitation.email), "success")
    return _render_people(event, _invite_form(event, blank=True), invitation_link=link)


@bp.route("/e/<slug>/invitations/<int:invitation_id>/resend", methods=["POST"])
@requires("event.manage", event_by_slug)
@limiter.limit(_invitation_rate_limit)
def resend(event: Event, slug: str, invitation_id: int):
    """A new link for a pending invitation (the old one stops working), sent again."""
    invitation = members.find_invitation(event, invitation_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _back_to_people(event)
    token = members.renew_invitation(invitation, by=current_user._get_current_object())
    return _send_link(event, invitation, token)


@bp.route("/e/<slug>/people/<int:membership_id>/role", methods=["POST"])
@requires("event.manage", event_by_slug)
def change_role(event: Event, slug: str, membership_id: int):
    membership = members.find_membership(event, membership_id)
    form = RoleForm()
    form.role.choices = _role_choices(GROUP_ROLES if membership.working_group else tuple(Role))
    if not form.validate():
        flash(" ".join(str(e) for e in form.role.errors) or _("Choose a role."), "error")
        return redirect(url_for("members.people", slug=event.slug))
    try:
        members.change_role(membership, Role(form.role.data), by=current_user._get_current_object())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        _reconnect(membership.person_id)
        flash(
            _(
                "%(name)s is now %(role)s (%(where)s).",
                name=membership.person.public_name,
                role=ROLE_LABELS[membership.role],
                where=members.scope_label(membership.working_group),
            ),
            "success",
        )
    return _back_to_people(event)


@bp.route("/e/<slug>/people/<int:membership_id>/remove", methods=["GET", "POST"])
@requires("event.manage", event_by_slug)
def remove(event: Event, slug: str, membership_id: int):
    membership = members.find_membership(event, membership_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = membership.person.public_name
        person_id = membership.person_id
        try:
            members.remove_membership(membership, by=current_user._get_current_object())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            _reconnect(person_id)
            flash(_("%(name)s's role was removed.", name=name), "success")
        return _back_to_people(event)
    return render_template(
        "members/remove.html",
        event=event,
        membership=membership,
        form=form,
        role_labels=ROLE_LABELS,
        where=members.scope_label(membership.working_group),
    )


@bp.route("/e/<slug>/invitations/<int:invitation_id>/withdraw", methods=["POST"])
@requires("event.manage", event_by_slug)
def withdraw(event: Event, slug: str, invitation_id: int):
    invitation = members.find_invitation(event, invitation_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        email = invitation.email
        members.withdraw_invitation(invitation, by=current_user._get_current_object())
        flash(_("The invitation to %(email)s was withdrawn.", email=email), "success")
    return _back_to_people(event)


def _reconnect(person_id: int) -> None:
    """Her role changed: commit, then close her live sockets, so that they connect again and
    join rooms (and moderators' channels) only as her new role allows."""
    db.session.commit()
    sessions.disconnect_sockets(person_id)


def _back_to_people(event: Event):
    # An organiser who just gave up her own role may no longer see the page.
    if may(current_user, "event.manage", event):
        return redirect(url_for("members.people", slug=event.slug))
    return redirect(url_for("programme.index"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
def accept(token: str):
    invitation = members.load_invitation(token)
    common = {
        "invitation": invitation,
        "role_label": ROLE_LABELS[invitation.role],
        "where": members.scope_label(invitation.working_group),
    }
    if current_user.is_authenticated:
        form = ConfirmForm()
        if form.validate_on_submit():
            members.accept_invitation(invitation, current_user._get_current_object())
            return _welcome(invitation)
        invited = members.is_invited(invitation, current_user._get_current_object())
        return render_template(
            "members/accept.html", mode="signed-in", form=form, invited=invited, **common
        )
    if accounts.find_person(invitation.email) is not None:
        login_link = url_for("accounts.login", next=request.path)
        return render_template(
            "members/accept.html", mode="sign-in", login_link=login_link, **common
        )
    form = NewAccountForm()
    status = 200
    if form.validate_on_submit():
        try:
            person = members.accept_as_new_person(
                invitation,
                name=form.name.data,
                display_name=form.display_name.data,
                password=form.password.data,
            )
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            status = 400
        else:
            sessions.sign_in(person)
            refresh_locale()
            return _welcome(invitation)
    elif form.errors:
        status = 400
    return render_template("members/accept.html", mode="new", form=form, **common), status


def _welcome(invitation):
    flash(
        _(
            "Welcome to %(event)s. You take part as %(role)s (%(where)s).",
            event=invitation.event.title,
            role=ROLE_LABELS[invitation.role],
            where=members.scope_label(invitation.working_group),
        ),
        "success",
    )
    return redirect(url_for("programme.event", slug=invitation.event.slug))
