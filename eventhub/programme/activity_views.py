"""The activity page: organisers of an event read its activity log, newest first."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from ..i18n import viewer_zone
from ..web import requires
from . import activity
from .activity_text import KIND_LABELS, Describer
from .models import Event
from .service import event_by_slug

bp = Blueprint("activity", __name__)

MAX_ID = 2**31 - 1  # the id column's range: anything beyond names no entry


@bp.route("/e/<slug>/activity")
@requires("event.activity", event_by_slug)
def activity_log(event: Event, slug: str):
    kind = request.args.get("kind") or None
    if kind is not None and kind not in activity.KINDS:
        abort(404)
    before = request.args.get("before", type=int)
    if before is not None and not 1 <= before <= MAX_ID:
        abort(404)
    entries, more = activity.entries(event, kind=kind, before=before)
    describer = Describer(event, viewer_zone(event))
    return render_template(
        "programme/activity.html",
        event=event,
        kind=kind,
        kinds=KIND_LABELS,
        entries=[(entry, describer.sentence(entry)) for entry in entries],
        older=entries[-1].id if more else None,
    )
