"""Event home, programme, session and working-group pages."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import get_timezone_location
from flask import Blueprint, render_template
from flask_babel import get_locale
from flask_login import current_user

from ..i18n import same_wall_clock, viewer_zone, zone_source
from ..permissions import may
from ..timestamps import utcnow
from ..web import public, requires
from . import hooks, service
from .models import Event, Session, WorkingGroup
from .service import event_by_slug, group_by_key, session_by_key

bp = Blueprint("programme", __name__)


@bp.app_template_filter("city")
def city(zone: ZoneInfo) -> str:
    """The zone's main city for the locale, e.g. 'Rome', 'Manille'; the IANA name if Babel has none."""
    try:
        return get_timezone_location(zone, locale=get_locale() or "en", return_city=True)
    except (LookupError, ValueError):
        return zone.key


@bp.app_template_filter("language_name")
def language_name(code: str) -> str:
    """A language code as the language's name in the viewer's language ('arabe' in French)."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(get_locale() or "en")
    except (UnknownLocaleError, ValueError, TypeError):
        return code
    return name or code


bp.add_app_template_global(same_wall_clock, "same_clock")


@bp.app_template_global("event_links")
def _event_links(event: Event) -> list:
    """Links other domains add to the event's navigation (programme/hooks.py)."""
    return hooks.event_links(event, current_user)


def _zone_context(event: Event | None) -> dict:
    return {"zone": viewer_zone(event), "zone_source": zone_source(event)}


@bp.route("/")
@public
def index():
    now = utcnow()
    if current_user.is_authenticated:
        events = service.events_of(current_user)
        return render_template(
            "programme/index.html", events=events, now=now, **_zone_context(None)
        )
    sessions = service.public_sessions(now)
    return render_template(
        "programme/welcome.html", sessions=sessions, now=now, **_zone_context(None)
    )


@bp.route("/e/<slug>/")
@requires("event.view", load=event_by_slug)
def event(event: Event, slug: str):
    now = utcnow()
    on = service.now_and_next(event, now)
    viewable = lambda s: may(current_user, "session.view", s)  # noqa: E731
    return render_template(
        "programme/event.html",
        event=event,
        now=now,
        on_now=[s for s in on.now if viewable(s)],
        on_next=[s for s in on.next if viewable(s)],
        **_zone_context(event),
    )


@bp.route("/e/<slug>/programme")
@requires("event.view", load=event_by_slug)
def programme(event: Event, slug: str):
    zone = viewer_zone(event)
    sessions = service.visible_sessions(event, lambda s: may(current_user, "session.view", s))
    return render_template(
        "programme/programme.html",
        event=event,
        days=service.sessions_by_day(sessions, zone),
        now=utcnow(),
        **_zone_context(event),
    )


@bp.route("/e/<slug>/sessions/<key>")
@requires("session.view", load=session_by_key)
def session(session: Session, slug: str, key: str):
    now = utcnow()
    event = session.event
    join = service.join_link(current_user, session, now)
    return render_template(
        "programme/session.html",
        event=event,
        session=session,
        join=join,
        now=now,
        **_zone_context(event),
    )


@bp.route("/e/<slug>/groups/<key>")
@requires("group.view", load=group_by_key)
def working_group(group: WorkingGroup, slug: str, key: str):
    event = group.event
    sessions = [s for s in group.sessions if may(current_user, "session.view", s)]
    people = service.group_people(group) if may(current_user, "group.view_people", group) else None
    return render_template(
        "programme/working_group.html",
        event=event,
        group=group,
        session=None,  # hides Flask's `session` from the shared "add to calendar" fragment
        sessions=sessions,
        people=people,
        now=utcnow(),
        **_zone_context(event),
    )
