"""Organisers edit the programme in the app: add, edit, move, cancel and restore sessions."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..errors import Invalid
from ..i18n import fmt_day, fmt_time, fmt_zone, viewer_zone
from ..web import requires
from . import editing
from .editing_forms import ConfirmForm, MoveForm, SessionForm
from .filechecks import instant_in
from .models import Event, Session, SessionKind
from .service import event_by_slug, session_by_key

bp = Blueprint("programme_edit", __name__)


def _me():
    return current_user._get_current_object()


def _zones(event: Event) -> tuple[ZoneInfo, ZoneInfo]:
    """The event's zone and hers."""
    return event.zone, viewer_zone(event)


def _prepare(form, event: Event) -> None:
    event_zone, my_zone = _zones(event)
    form.zone.choices = [
        SelectChoice("event", _("The event’s time zone: %(zone)s", zone=event_zone.key)),
        SelectChoice("mine", _("My time zone: %(zone)s", zone=my_zone.key)),
    ]
    if hasattr(form, "working_group"):
        form.working_group.choices = [SelectChoice("", _("None"))] + [
            SelectChoice(g.key, g.title) for g in event.working_groups
        ]


def _instant(value: datetime, form, event: Event) -> datetime:
    event_zone, my_zone = _zones(event)
    return instant_in(value, my_zone if form.zone.data == "mine" else event_zone)


def _input(form: SessionForm, event: Event) -> editing.SessionInput:
    """The form as the service's input; Invalid (every problem) if a time cannot be read."""
    problems, times = [], []
    for field in (form.starts, form.ends):
        try:
            times.append(_instant(field.data, form, event))
        except Invalid as error:
            problems.append(f"{field.label.text}: {error.message}")
    try:
        kind = SessionKind(form.kind.data)
    except ValueError:
        problems.append(_("Choose the kind of session."))
    if problems:
        raise Invalid(_("The session was not saved."), problems=problems)
    return editing.SessionInput(
        title=form.title.data or "",
        kind=kind,
        starts_at=times[0],
        ends_at=times[1],
        working_group_key=form.working_group.data or "",
        public=form.public.data,
        description=form.description.data or "",
        location=form.location.data or "",
        join_url=form.join_url.data or "",
    )


def _when(instant: datetime, zone: ZoneInfo) -> str:
    return f"{fmt_day(instant, zone)}, {fmt_time(instant, zone)}"


def _saved_message(session: Session, change: str) -> str:
    """`change` is "added", "saved" or "moved": each its own whole sentence, for translators."""
    event_zone, my_zone = _zones(session.event)
    values = {
        "title": session.title,
        "event_time": _when(session.starts_at, event_zone),
        "event_zone": fmt_zone(event_zone, session.starts_at),
        "my_time": _when(session.starts_at, my_zone),
        "my_zone": fmt_zone(my_zone, session.starts_at),
    }
    if change == "added":
        return _(
            "Added “%(title)s”: %(event_time)s in the event’s time zone (%(event_zone)s), "
            "%(my_time)s in yours (%(my_zone)s).",
            **values,
        )
    if change == "moved":
        return _(
            "Moved “%(title)s”: %(event_time)s in the event’s time zone (%(event_zone)s), "
            "%(my_time)s in yours (%(my_zone)s).",
            **values,
        )
    return _(
        "Saved “%(title)s”: %(event_time)s in the event’s time zone (%(event_zone)s), "
        "%(my_time)s in yours (%(my_zone)s).",
        **values,
    )


def _list_url(event: Event, session: Session | None = None) -> str:
    anchor = f"#session-{session.key}" if session else ""
    return url_for("programme_edit.sessions", slug=event.slug) + anchor


def _invites_url(session: Session) -> str:
    """The page that sends this session's invites (the calendar domain's; linked, not imported)."""
    return url_for("calendar.session_invites", slug=session.event.slug, key=session.key)


def _after_change(session: Session, changed: bool, notify: bool):
    """Back to the list, or on to sending the update when she asked to tell the members."""
    if changed and notify:
        return redirect(_invites_url(session))
    return redirect(_list_url(session.event, session))


def _form_page(
    template: str, form, event: Event, session: Session | None, problems=(), status: int = 200
):
    event_zone, my_zone = _zones(event)
    return render_template(
        template,
        form=form,
        event=event,
        session=session,
        problems=list(problems),
        event_zone=event_zone,
        my_zone=my_zone,
        ConfirmForm=ConfirmForm,
    ), status


@bp.route("/e/<slug>/manage/sessions")
@requires("event.manage", event_by_slug)
def sessions(event: Event, slug: str):
    event_zone, my_zone = _zones(event)
    return render_template(
        "programme/edit_sessions.html",
        event=event,
        sessions=event.sessions,
        event_zone=event_zone,
        my_zone=my_zone,
        confirm=ConfirmForm(),
    )


@bp.route("/e/<slug>/manage/sessions/new", methods=["GET", "POST"])
@requires("event.manage", event_by_slug)
def add(event: Event, slug: str):
    form = SessionForm()
    _prepare(form, event)
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return _form_page("programme/edit_session.html", form, event, None, status=status)
    try:
        session = editing.add_session(event, form.key.data or "", _input(form, event), by=_me())
    except Invalid as error:
        return _form_page(
            "programme/edit_session.html",
            form,
            event,
            None,
            problems=error.problems or [error.message],
            status=400,
        )
    flash(_saved_message(session, "added"), "success")
    return _after_change(session, True, form.notify.data)


@bp.route("/e/<slug>/manage/sessions/<key>/edit", methods=["GET", "POST"])
@requires("session.manage", session_by_key)
def edit(session: Session, slug: str, key: str):
    event = session.event
    form = SessionForm(obj=None)
    _prepare(form, event)
    if not form.is_submitted():
        _fill(form, session)
        return _form_page("programme/edit_session.html", form, event, session)
    if not form.validate():
        return _form_page("programme/edit_session.html", form, event, session, status=400)
    try:
        changed = editing.edit_session(session, _input(form, event), by=_me())
    except Invalid as error:
        return _form_page(
            "programme/edit_session.html",
            form,
            event,
            session,
            problems=error.problems or [error.message],
            status=400,
        )
    if changed:
        flash(_saved_message(session, "saved"), "success")
    else:
        flash(_("Nothing changed."), "info")
    return _after_change(session, changed, form.notify.data)


def _fill(form: SessionForm, session: Session) -> None:
    zone = session.event.zone
    form.title.data = session.title
    form.kind.data = session.kind.value
    form.working_group.data = session.working_group.key if session.working_group else ""
    form.starts.data = session.starts_at.astimezone(zone).replace(tzinfo=None)
    form.ends.data = session.ends_at.astimezone(zone).replace(tzinfo=None)
    form.zone.data = "event"
    form.public.data = session.public
    form.description.data = session.description
    form.location.data = session.location
    form.join_url.data = session.join_url


@bp.route("/e/<slug>/manage/sessions/<key>/move", methods=["GET", "POST"])
@requires("session.manage", session_by_key)
def move(session: Session, slug: str, key: str):
    event = session.event
    form = MoveForm()
    _prepare(form, event)
    if not form.is_submitted():
        form.starts.data = session.starts_at.astimezone(event.zone).replace(tzinfo=None)
        form.zone.data = "event"
        return _form_page("programme/edit_move.html", form, event, session)
    if not form.validate():
        return _form_page("programme/edit_move.html", form, event, session, status=400)
    try:
        starts = _instant(form.starts.data, form, event)
        ends = _instant(form.ends.data, form, event) if form.ends.data else None
        moved = editing.move_session(session, starts, ends, by=_me())
    except Invalid as error:
        return _form_page(
            "programme/edit_move.html",
            form,
            event,
            session,
            problems=error.problems or [error.message],
            status=400,
        )
    flash(
        _saved_message(session, "moved") if moved else _("Nothing changed."),
        "success" if moved else "info",
    )
    return _after_change(session, moved, form.notify.data)


@bp.route("/e/<slug>/manage/sessions/<key>/cancel", methods=["POST"])
@requires("session.manage", session_by_key)
def cancel(session: Session, slug: str, key: str):
    if not ConfirmForm().validate_on_submit():
        raise Invalid(_("The form expired. Please go back and try again."))
    if editing.cancel_session(session, by=_me()):
        flash(
            _(
                "“%(title)s” is cancelled. It stays in calendars, marked as cancelled. Send the "
                "cancellation to its members here.",
                title=session.title,
            ),
            "success",
        )
    return redirect(_invites_url(session))


@bp.route("/e/<slug>/manage/sessions/<key>/restore", methods=["POST"])
@requires("session.manage", session_by_key)
def restore(session: Session, slug: str, key: str):
    if not ConfirmForm().validate_on_submit():
        raise Invalid(_("The form expired. Please go back and try again."))
    if editing.restore_session(session, by=_me()):
        flash(
            _(
                "“%(title)s” takes place again. Send the invites again here to tell its members.",
                title=session.title,
            ),
            "success",
        )
    return redirect(_invites_url(session))
