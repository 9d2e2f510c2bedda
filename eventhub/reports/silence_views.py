"""The silence procedure's pages: circulate a draft, break silence or approve before the
deadline, see how each circulation ended; and a readable diff between two texts."""

from __future__ import annotations

import difflib
from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import Invalid
from ..i18n import valid_zone, viewer_zone
from ..permissions import may
from ..programme.filechecks import instant_in
from ..programme.models import Event
from ..programme.service import event_by_slug
from ..web import requires
from . import service, silence
from .build_markdown import build_markdown
from .models import CirculationAudience

bp = Blueprint("silence", __name__)


def _circulation_context(event: Event) -> dict:
    circulation = silence.current(event)
    return {
        "event": event,
        "circulation": circulation,
        "history": silence.history(event),
        "organiser": may(current_user, "report.publish", event),
        "circulated_to_me": circulation is not None
        and silence.circulated_to(current_user, circulation),
        "zone": viewer_zone(event),
        "audiences": list(CirculationAudience),
    }


@bp.route("/e/<slug>/report/silence")
@requires("report.read", event_by_slug)
def procedure(event: Event, slug: str):
    return render_template("reports/silence.html", **_circulation_context(event))


def _deadline(event: Event) -> datetime:
    """The deadline as she typed it, read in the zone she chose (hers by default)."""
    text = request.form.get("deadline", "").strip()
    zone = valid_zone(request.form.get("zone")) or viewer_zone(event)
    try:
        local = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(_("Give the deadline as a date and a time.")) from None
    return instant_in(local, zone)  # the forms' one message for a skipped or repeated time


@bp.route("/e/<slug>/report/silence/circulate", methods=["POST"])
@requires("report.publish", event_by_slug)
def circulate(event: Event, slug: str):
    circulation = silence.circulate(
        current_user,
        event,
        audience=request.form.get("audience", ""),
        deadline=_deadline(event),
    )
    flash(
        _(
            "The draft is circulated (round %(round)d). Silence runs until the deadline.",
            round=circulation.round,
        ),
        "success",
    )
    return redirect(url_for("silence.procedure", slug=slug))


@bp.route("/e/<slug>/report/silence/<int:circulation_id>/object", methods=["POST"])
@requires("report.read", event_by_slug)
def break_silence(event: Event, slug: str, circulation_id: int):
    circulation = silence.get(event, circulation_id)
    silence.break_silence(
        current_user,
        circulation,
        reason=request.form.get("reason", ""),
        reference=request.form.get("reference", ""),
    )
    flash(_("You have broken silence. The organisers and rapporteurs see your reason."), "success")
    return redirect(url_for("silence.procedure", slug=slug))


@bp.route("/e/<slug>/report/silence/<int:circulation_id>/approve", methods=["POST"])
@requires("report.read", event_by_slug)
def approve(event: Event, slug: str, circulation_id: int):
    silence.approve(current_user, silence.get(event, circulation_id))
    flash(_("Your network's approval is recorded."), "success")
    return redirect(url_for("silence.procedure", slug=slug))


@bp.route("/e/<slug>/report/silence/<int:circulation_id>/withdraw", methods=["POST"])
@requires("report.publish", event_by_slug)
def withdraw(event: Event, slug: str, circulation_id: int):
    silence.withdraw(current_user, silence.get(event, circulation_id))
    flash(_("The circulated text is withdrawn; nothing was adopted."), "success")
    return redirect(url_for("silence.procedure", slug=slug))


@bp.route("/e/<slug>/report/silence/<int:circulation_id>/close", methods=["POST"])
@requires("report.publish", event_by_slug)
def close(event: Event, slug: str, circulation_id: int):
    """Close a circulation whose deadline has passed, without waiting for the scheduler."""
    state = silence.close(silence.get(event, circulation_id))
    messages = {
        "adopted": _("Silence held: the text is adopted and published."),
        "returned": _("Silence was broken: the text goes back to the rapporteurs."),
        "open": _("The deadline has not passed yet; silence still runs."),
        "withdrawn": _("This circulation was withdrawn."),
    }
    flash(messages[state.value], "success" if state.value != "open" else "info")
    return redirect(url_for("silence.procedure", slug=slug))


def _text(event: Event, which: str):
    """A text to compare: `draft`, a published version `3`, or a circulation `c2` (its round)."""
    if which == "draft":
        return service.draft(current_user, event)
    if which.startswith("c") and which[1:].isdigit():
        for circulation in silence.history(event):
            if circulation.round == int(which[1:]):
                return circulation.report
    elif which.isdigit() and len(which) < 7:
        return service.readable_version(current_user, event, int(which)).report
    raise Invalid(_("Compare the draft, a version number, or a circulation such as c2."))


@bp.route("/e/<slug>/report/diff")
@requires("report.read", event_by_slug)
def diff(event: Event, slug: str):
    """What changed between two texts of the report, line by line, in her language."""
    old_name, new_name = request.args.get("from", ""), request.args.get("to", "draft")
    language = str(request.args.get("lang") or "en")
    if language not in (event.languages or ["en"]) and language != "en":
        language = "en"
    old = build_markdown(_text(event, old_name), language).splitlines()
    new = build_markdown(_text(event, new_name), language).splitlines()
    lines = [
        line
        for line in difflib.unified_diff(old, new, lineterm="", n=1)
        if not line.startswith(("---", "+++"))
    ]
    return render_template(
        "reports/diff.html", event=event, lines=lines, old=old_name, new=new_name
    )
