"""The organisers' bilateral pages: the schedule of tables, moving and cancelling a meeting,
and setting a bilateral session's slots and tables."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..errors import DomainError
from ..extensions import db
from ..i18n import viewer_zone, zone_source
from ..programme import windows as bilateral_windows
from ..programme.models import Event, Session, SessionKind
from ..programme.service import event_by_slug, session_by_key
from ..timestamps import utcnow
from ..web import requires
from . import booking
from .forms import MessageForm, MoveForm, WindowForm
from .models import Bilateral, BilateralState
from .views import _act, _fill_move, _instant, _load, _me, bp, render_detail


@bp.route("/e/<slug>/bilaterals/schedule")
@requires("event.manage", load=event_by_slug)
def schedule(event: Event, slug: str):
    schedule = booking.schedule(event)
    configured = {w.session_id for w, _meetings in schedule if w is not None}
    return render_template(
        "bilaterals/schedule.html",
        event=event,
        schedule=schedule,
        unset=[
            s
            for s in event.sessions
            if s.kind == SessionKind.BILATERAL and not s.cancelled and s.id not in configured
        ],
        zone=viewer_zone(event),
        zone_source=zone_source(event),
        now=utcnow(),
    )


@bp.route("/e/<slug>/bilaterals/<int:bilateral_id>/move", methods=["POST"])
@requires("bilateral.manage", load=_load)
def move(bilateral: Bilateral, slug: str, bilateral_id: int):
    now = utcnow()
    form = MoveForm(prefix="move")
    if bilateral.state != BilateralState.ACCEPTED:
        flash(_("Only a booked meeting can be moved."), "error")
        return redirect(url_for(".detail", slug=slug, bilateral_id=bilateral_id))
    _fill_move(form, bilateral, now)
    if not form.validate_on_submit():
        return render_detail(bilateral, forms={"move": form}, status=400)
    return _act(
        bilateral,
        lambda: booking.organiser_move(
            bilateral,
            _me(),
            starts=_instant(form.starts.data),
            place=form.place.data or None,
            reason=form.message.data,
            now=now,
        ),
        _("The meeting is moved. Both people are told."),
    )


@bp.route("/e/<slug>/bilaterals/<int:bilateral_id>/organiser-cancel", methods=["POST"])
@requires("bilateral.manage", load=_load)
def organiser_cancel(bilateral: Bilateral, slug: str, bilateral_id: int):
    form = MessageForm(prefix="ocancel")
    if not form.validate_on_submit():
        abort(400)
    return _act(
        bilateral,
        lambda: booking.organiser_cancel(bilateral, _me(), reason=form.message.data, now=utcnow()),
        _("The meeting is cancelled. Both people are told."),
    )


@bp.route("/e/<slug>/sessions/<key>/bilateral-window", methods=["GET", "POST"])
@requires("session.manage", load=session_by_key)
def window(session: Session, slug: str, key: str):
    existing = bilateral_windows.window_of(session)
    form = WindowForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.slot_minutes.data = existing.slot_minutes if existing else 30
        form.tables.data = "\n".join(existing.tables) if existing else ""
        form.call_url.data = existing.call_url if existing else ""
    elif form.validate_on_submit():
        try:
            bilateral_windows.set_window(
                session,
                slot_minutes=form.slot_minutes.data,
                tables=(form.tables.data or "").splitlines(),
                call_url=form.call_url.data,
            )
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("The bilateral window is saved."), "success")
            return redirect(url_for(".schedule", slug=slug))
    return render_template(
        "bilaterals/window.html",
        event=session.event,
        session=session,
        form=form,
        zone=viewer_zone(session.event),
        zone_source=zone_source(session.event),
        now=utcnow(),
    ), (400 if request.method == "POST" else 200)
