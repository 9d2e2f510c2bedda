"""Calendar feeds (.ics) for the event, a working group, a session and each person's agenda."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..programme.service import event_by_slug, group_by_key, session_by_key
from ..web import public, requires, signed_in
from . import service

bp = Blueprint("calendar", __name__)


def ics_response(body: bytes, filename: str, *, private: bool) -> Response:
    """A calendar answer: the right type, a download name, and an ETag so polling clients get 304s."""
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        response.headers["Cache-Control"] = "private, no-cache"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    else:
        response.headers["Cache-Control"] = "public, max-age=300"
    # The same URL answers a signed-in member with more: caches must key on the login cookie.
    response.vary.add("Cookie")
    # The feed is deterministic (DTSTAMP is the last change), so its hash is a true validator.
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    return response.make_conditional(request)


def _viewer():
    # The person herself, not the proxy: a feed asks the rules about her a few thousand times.
    return current_user._get_current_object() if current_user.is_authenticated else None


@bp.route("/e/<slug>/calendar.ics")
@public
def event_feed(slug: str):
    event = event_by_slug(slug)
    viewer = _viewer()
    return ics_response(
        service.event_feed(event, viewer), f"{event.slug}.ics", private=viewer is not None
    )


@bp.route("/e/<slug>/groups/<key>/calendar.ics")
@public
def group_feed(slug: str, key: str):
    # Public, like the event feed: someone who is not a member gets only its public sessions.
    group = group_by_key(slug, key)
    viewer = _viewer()
    return ics_response(
        service.group_feed(group, viewer),
        f"{group.event.slug}-{group.key}.ics",
        private=viewer is not None,
    )


@bp.route("/e/<slug>/sessions/<key>/calendar.ics")
@requires("session.view", session_by_key)
def session_feed(session, slug: str, key: str):
    viewer = _viewer()
    return ics_response(
        service.session_feed(session, viewer),
        f"{slug}-{session.key}.ics",
        private=viewer is not None,
    )


@bp.route("/calendar/<token>.ics")
@public
def personal(token: str):
    person = service.person_for_token(token)
    return ics_response(service.personal_feed(person), "eventhub-agenda.ics", private=True)


def _back_to_profile():
    return redirect(url_for("accounts.profile") + "#calendar-subscription")


@bp.route("/profile/calendar", methods=["POST"])
@signed_in
def regenerate_token():
    had_one = bool(current_user.calendar_token)
    service.regenerate_token(current_user)
    if had_one:
        flash(
            _(
                "Your calendar has a new address. The old one no longer works: "
                "subscribe again in your calendar apps with the new one."
            ),
            "success",
        )
    else:
        flash(
            _("Your calendar address is ready. Add it to your calendar app to subscribe."),
            "success",
        )
    return _back_to_profile()


@bp.route("/profile/calendar/revoke", methods=["POST"])
@signed_in
def revoke_token():
    service.revoke_token(current_user)
    flash(
        _("Your calendar address was revoked. Calendar apps subscribed to it get nothing more."),
        "success",
    )
    return _back_to_profile()


# --- template helpers: add-to-calendar buttons and the profile's subscription box ----------


@bp.app_template_global()
def google_calendar_url(session) -> str:
    return service.google_calendar_url(session, _viewer())


@bp.app_template_global()
def webcal_url(url: str) -> str:
    return service.webcal_url(url)


@bp.app_template_global()
def calendar_subscription_url(person) -> str | None:
    return service.subscription_url(person) if person and person.is_authenticated else None
