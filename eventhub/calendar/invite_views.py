"""Organisers send calendar invites for a session or a working group (or download them), and
see, person by person, whether each went out."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..mail import mail_configured
from ..programme.service import group_by_key, session_by_key
from ..web import requires
from . import delivery, invites
from .models import DeliveryState
from .views import bp

# Routes live on the "calendar" blueprint, which views.py registers.


def _zip_response(data: bytes, filename: str) -> Response:
    response = Response(data, content_type="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _page(sessions, *, session=None, group=None):
    organiser = current_user._get_current_object()
    people = {p.id: p for s in sessions for p in invites.attendees(s, organiser)}
    deliveries = delivery.latest_deliveries(sessions)
    return render_template(
        "calendar/invites.html",
        sessions=sessions,
        session=session,
        group=group,
        event=(session or group).event,
        people_count=len(people),
        mail_ready=mail_configured(),
        deliveries=deliveries,
        delivery_counts=delivery.counts(deliveries),
        states=DeliveryState,
    )


def _send(sessions, back: str):
    if request.form.get("resend") == "failed":
        count = delivery.resend_failed(sessions, current_user._get_current_object())
    else:
        count = delivery.queue_invites(sessions, current_user._get_current_object())
    if count:
        flash(
            ngettext(
                "%(num)d invite is on its way. Its delivery is shown below.",
                "%(num)d invites are on their way. Their delivery is shown below, person by "
                "person.",
                count,
            ),
            "success",
        )
    else:
        flash(_("Nobody to invite yet: add members first."), "info")
    return redirect(back)


@bp.route("/e/<slug>/manage/sessions/<key>/invites", methods=["GET", "POST"])
@requires("session.manage", session_by_key)
def session_invites(session, slug: str, key: str):
    if request.method == "POST":
        return _send([session], url_for("calendar.session_invites", slug=slug, key=key))
    return _page([session], session=session)


@bp.route("/e/<slug>/manage/sessions/<key>/invites.zip")
@requires("session.manage", session_by_key)
def session_invites_zip(session, slug: str, key: str):
    return _zip_response(invites.invites_zip([session], current_user), f"{slug}-{key}-invites.zip")


@bp.route("/e/<slug>/manage/groups/<key>/invites", methods=["GET", "POST"])
@requires("group.send_invites", group_by_key)
def group_invites(group, slug: str, key: str):
    sessions = invites.group_sessions(group)
    if request.method == "POST":
        return _send(sessions, url_for("calendar.group_invites", slug=slug, key=key))
    return _page(sessions, group=group)


@bp.route("/e/<slug>/manage/groups/<key>/invites.zip")
@requires("group.send_invites", group_by_key)
def group_invites_zip(group, slug: str, key: str):
    return _zip_response(
        invites.invites_zip(invites.group_sessions(group), current_user),
        f"{slug}-{key}-invites.zip",
    )
