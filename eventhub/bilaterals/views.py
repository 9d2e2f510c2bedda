"""Bilateral pages: her requests, asking, answering, cancelling; the organisers' table schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..errors import DomainError
from ..extensions import db
from ..i18n import fmt_day, fmt_time, same_wall_clock, viewer_zone, zone_source
from ..permissions import may
from ..programme.hooks import EventLink
from ..programme.models import Event
from ..programme.service import event_by_slug, join_link_state
from ..programme.views import city
from ..timestamps import utcnow
from ..web import requires
from . import booking, rules, service
from .forms import (
    AcceptForm,
    AskForm,
    CounterForm,
    MessageForm,
    MoveForm,
)
from .models import Bilateral, BilateralState

bp = Blueprint("bilaterals", __name__)

OUTSIDE = "outside"


def _me():
    return current_user._get_current_object()


def _stamp(instant: datetime) -> str:
    return str(int(instant.timestamp()))


def _instant(value: str) -> datetime:
    return datetime.fromtimestamp(int(value), UTC)


def _slot_label(starts: datetime, ends: datetime, zones: list, event: Event) -> str:
    """'Tuesday 4 March 2030, 21:00–21:30 · Amina: 08:00 · Vienna 14:00': hers, the other's, the event's."""
    mine = zones[0]
    label = _(
        "%(day)s, %(start)s–%(end)s",
        day=fmt_day(starts, mine),
        start=fmt_time(starts, mine),
        end=fmt_time(ends, mine),
    )
    parts, shown = [label], [mine]

    def new_clock(zone) -> bool:
        return not any(same_wall_clock(zone, z, starts) for z in shown)

    for name, zone in zones[1:]:
        if new_clock(zone):
            parts.append(_("%(name)s: %(time)s", name=name, time=fmt_time(starts, zone)))
            shown.append(zone)
    if new_clock(event.zone):
        parts.append(
            _("(%(place)s %(time)s)", place=city(event.zone), time=fmt_time(starts, event.zone))
        )
    return " · ".join(parts)


def _zones_for(viewer, other, event: Event) -> list:
    zones = [viewer_zone(event)]
    if other is not None:
        zones.append((other.public_name, rules.person_zone(other, event)))
    return zones


def _choices(slots, viewer, other, event):
    zones = _zones_for(viewer, other, event)
    return [(_stamp(s), _slot_label(s, e, zones, event)) for s, e in slots]


def _chosen(values: list[str], length: timedelta) -> list[tuple[datetime, datetime]]:
    return [(_instant(v), _instant(v) + length) for v in values]


# --- her bilaterals in an event -------------------------------------------------------------


@bp.route("/e/<slug>/bilaterals")
@requires("event.ask_bilateral", load=event_by_slug)
def index(event: Event, slug: str):
    me = _me()
    waiting = service.awaiting(me, event)
    mine = [b for b in service.mine(me, event) if b not in waiting]
    return render_template(
        "bilaterals/index.html",
        event=event,
        waiting=waiting,
        booked=[b for b in mine if b.state == BilateralState.ACCEPTED],
        asked=[b for b in mine if b.state == BilateralState.PENDING],
        closed=[
            b for b in mine if b.state not in (BilateralState.PENDING, BilateralState.ACCEPTED)
        ],
        windows=service.windows(event),
        zone=viewer_zone(event),
        zone_source=zone_source(event),
        now=utcnow(),
    )


@bp.route("/e/<slug>/bilaterals/new", methods=["GET", "POST"])
@requires("event.ask_bilateral", load=event_by_slug)
def ask(event: Event, slug: str):
    me, now = _me(), utcnow()
    people = service.askable_people(event, me)
    networks = service.askable_networks(event, me)
    windows = service.windows(event)
    who = request.values.get("with", "")
    where = request.values.get("where", "")
    invitee = next((p for p in people if f"p{p.id}" == who), None)
    network = next((n for n in networks if f"n{n.id}" == who), None)
    window = next((w for w in windows if f"w{w.id}" == where), None)
    form = AskForm()
    chosen = (invitee or network) and (window or where == OUTSIDE)
    if chosen:
        busy = [me] + ([invitee] if invitee else [])
        if window is not None:
            slots = service.window_slots(window, busy, now)
            length = timedelta(minutes=window.slot_minutes)
        else:
            slots = service.outside_slots(busy, now, event)
            length = timedelta(minutes=service.OUTSIDE_MINUTES)
        form.slots.choices = _choices(slots, me, invitee, event)
        if request.method == "POST" and form.validate_on_submit():
            try:
                made = service.ask(
                    event,
                    me,
                    invitee=invitee,
                    network=network,
                    window=window,
                    slots=_chosen(form.slots.data, length),
                    purpose=form.purpose.data,
                    call_url=form.call_url.data,
                    now=now,
                )
            except DomainError as error:
                db.session.rollback()
                flash(error.message, "error")
            else:
                flash(_("Your request is sent. You will be told when it is answered."), "success")
                return redirect(url_for(".detail", slug=slug, bilateral_id=made.id))
    elif request.method == "POST":
        abort(400)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "bilaterals/ask.html",
        event=event,
        form=form,
        people=people,
        networks=networks,
        windows=windows,
        who=who,
        where=where,
        invitee=invitee,
        network=network,
        window=window,
        chosen=chosen,
        zone=viewer_zone(event),
        zone_source=zone_source(event),
        now=now,
    ), status


# --- one bilateral --------------------------------------------------------------------------


def _load(slug: str, bilateral_id: int, **_ignored) -> Bilateral:
    return service.bilateral_by_id(slug, bilateral_id)


def _back(bilateral: Bilateral):
    return redirect(url_for(".detail", slug=bilateral.event.slug, bilateral_id=bilateral.id))


def _counter_slots(bilateral: Bilateral, now: datetime):
    me = _me()
    people = [bilateral.requester, bilateral.invitee or me]
    if bilateral.window is not None:
        return service.window_slots(bilateral.window, people, now), timedelta(
            minutes=bilateral.window.slot_minutes
        )
    return service.outside_slots(people, now, bilateral.event), timedelta(
        minutes=service.OUTSIDE_MINUTES
    )


def _join(bilateral: Bilateral, now: datetime):
    """The call link under the sessions' rule: from a little before the start to the end."""
    if bilateral.state != BilateralState.ACCEPTED or not bilateral.call_url:
        return None
    meeting = SimpleNamespace(
        join_url=bilateral.call_url,
        cancelled=False,
        starts_at=bilateral.starts_at,
        ends_at=bilateral.ends_at,
    )
    return join_link_state(meeting, now, current_app.config["JOIN_LINK_LEAD_MINUTES"])


@bp.route("/e/<slug>/bilaterals/<int:bilateral_id>")
@requires("bilateral.view", load=_load)
def detail(bilateral: Bilateral, slug: str, bilateral_id: int):
    return render_detail(bilateral)


def render_detail(bilateral: Bilateral, *, forms=None, status=200):
    """The meeting's page, with the forms she may use (`forms`: ones to show with errors)."""
    me, now, event = _me(), utcnow(), bilateral.event
    other = bilateral.other_party(me.id) if me.id in bilateral.party_ids else None
    answer = service.may_answer(me, bilateral)
    forms = forms or {}
    accept_form = AcceptForm(formdata=None, prefix="accept")
    counter_form = CounterForm(formdata=None, prefix="counter")
    move_form = forms.get("move") or MoveForm(formdata=None, prefix="move")
    if answer:
        zones_other = other or bilateral.requester
        accept_form.slot.choices = _choices(
            [(s.starts_at, s.ends_at) for s in bilateral.current_slots], me, zones_other, event
        )
        accept_form.slot.choices = [
            (str(s.id), label)
            for s, (_v, label) in zip(
                bilateral.current_slots, accept_form.slot.choices, strict=True
            )
        ]
        slots, _length = _counter_slots(bilateral, now)
        counter_form.slots.choices = _choices(slots, me, zones_other, event)
    organiser = may(current_user, "bilateral.manage", bilateral)
    if organiser and bilateral.state == BilateralState.ACCEPTED:
        _fill_move(move_form, bilateral, now)
    return render_template(
        "bilaterals/detail.html",
        event=event,
        bilateral=bilateral,
        other=other,
        other_zone=rules.person_zone(other, event) if other else None,
        answer=answer,
        accept_form=accept_form,
        counter_form=counter_form,
        decline_form=MessageForm(formdata=None, prefix="decline"),
        cancel_form=MessageForm(formdata=None, prefix="cancel"),
        block_form=MessageForm(formdata=None, prefix="block"),
        ocancel_form=_reason_form(),
        move_form=move_form,
        organiser=organiser,
        party=me.id in bilateral.party_ids,
        join=_join(bilateral, now),
        zone=viewer_zone(event),
        zone_source=zone_source(event),
        now=now,
    ), status


def _reason_form() -> MessageForm:
    form = MessageForm(formdata=None, prefix="ocancel")
    form.message.label.text = _("Reason (told to both)")
    return form


def _fill_move(form: MoveForm, bilateral: Bilateral, now: datetime) -> None:
    window = bilateral.window
    slots = [s for s in window.slots() if s[0] > now] if window else []
    zone = viewer_zone(bilateral.event)
    form.starts.choices = [
        (_stamp(s), _("%(day)s, %(time)s", day=fmt_day(s, zone), time=fmt_time(s, zone)))
        for s, _e in slots
    ] or [(_stamp(bilateral.starts_at), fmt_time(bilateral.starts_at, zone))]
    tables = window.tables if window else []
    form.place.choices = [(t, t) for t in tables] or [("", _("No table"))]
    if not form.is_submitted():
        form.starts.data = _stamp(bilateral.starts_at)
        form.place.data = bilateral.place


def _act(bilateral: Bilateral, action, success: str):
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back(bilateral)
    flash(success, "success")
    return _back(bilateral)


@bp.route("/e/<slug>/bilaterals/<int:bilateral_id>/accept", methods=["POST"])
@requires("bilateral.view", load=_load)
def accept(bilateral: Bilateral, slug: str, bilateral_id: int):
    form = AcceptForm(prefix="accept")
    form.slot.choices = [(str(s.id), "") for s in bilateral.current_slots]
    if not form.validate_on_submit():
        flash(_("Choose one of the times proposed."), "error")
        return _back(bilateral)
    return _act(
        bilateral,
        lambda: booking.accept(bilateral, _me(), slot_id=int(form.slot.data), now=utcnow()),
        _("The meeting is booked. It is on your agenda and in your calendar feed."),
    )


@bp.route("/e/<slug>/bilaterals/<int:bilateral_id>/counter", methods=["POST"])
@requires("bilateral.view", load=_load)
def counter(bilateral: Bilateral, slug: str, bilateral_id: int):
    now = utcnow()
    form = CounterForm(prefix="counter")
    slots, length = _counter_slots(bilateral, now)
    form.slots.choices = [(_stamp(s), "") for s, _e in slots]
    if not form.validate_on_submit():
        flash(" ".join(form.slots.errors) or _("Choose one to three times."), "error")
        return _back(bilateral)
    return _act(
        bilateral,
        lambda: service.counter_propose(
            bilateral,
            _me(),
            slots=_chosen(form.slots.data, length),
            message=form.message.data,
            now=now,
        ),
        _("Your times are sent. You will be told when they are answered."),
    )


@bp.route("/e/<slug>/bilaterals/<int:bilateral_id>/decline", methods=["POST"])
@requires("bilateral.view", load=_load)
def decline(bilateral: Bilateral, slug: str, bilateral_id: int):
    form = MessageForm(prefix="decline")
    if not form.validate_on_submit():
        abort(400)
    return _act(
        bilateral,
        lambda: service.decline(bilateral, _me(), message=form.message.data, now=utcnow()),
        _("You declined the request."),
    )


@bp.route("/e/<slug>/bilaterals/<int:bilateral_id>/cancel", methods=["POST"])
@requires("bilateral.cancel", load=_load)
def cancel(bilateral: Bilateral, slug: str, bilateral_id: int):
    form = MessageForm(prefix="cancel")
    if not form.validate_on_submit():
        abort(400)
    return _act(
        bilateral,
        lambda: booking.cancel(bilateral, _me(), message=form.message.data, now=utcnow()),
        _("The meeting is cancelled. The other person is told."),
    )


@bp.route("/e/<slug>/bilaterals/<int:bilateral_id>/block", methods=["POST"])
@requires("bilateral.view", load=_load)
def block(bilateral: Bilateral, slug: str, bilateral_id: int):
    me = _me()
    if bilateral.invitee_id != me.id and not service.may_answer(me, bilateral):
        abort(403)
    MessageForm(prefix="block").validate_on_submit() or abort(400)
    service.block(me, bilateral.requester)
    flash(
        _("You blocked this person. They cannot ask you again, and they are not told."), "success"
    )
    return redirect(url_for(".index", slug=slug))


def event_links(event: Event, person) -> list[EventLink]:
    """The event navigation's link to her bilaterals, with how many wait for her answer."""
    if not may(person, "event.ask_bilateral", event):
        return []
    me = getattr(person, "_get_current_object", lambda: person)()
    waiting = len(service.awaiting(me, event))
    return [
        EventLink(
            label=_("Bilateral meetings"),
            url=url_for("bilaterals.index", slug=event.slug),
            current=("bilaterals", "ask", "schedule"),
            count=waiting,
            count_label=ngettext(
                "request waiting for your answer", "requests waiting for your answer", waiting
            ),
        )
    ]
