"""The "My agenda" page: her day by day, in her zone, with each event's clock beside it."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from ..bilaterals import service as bilaterals
from ..i18n import viewer_zone, zone_source
from ..timestamps import utcnow
from ..web import signed_in
from . import agenda

bp = Blueprint("agenda", __name__)


@bp.route("/agenda")
@signed_in
def agenda_page():
    me = current_user._get_current_object()
    now = utcnow()
    zone = viewer_zone()
    items = agenda.agenda_items(me, now, current_app.config["JOIN_LINK_LEAD_MINUTES"])
    today = now.astimezone(zone).date()
    days = agenda.by_day(items, zone)
    return render_template(
        "calendar/agenda.html",
        coming=[(d, i) for d, i in days if d >= today],
        earlier=[(d, i) for d, i in days if d < today],
        waiting=bilaterals.awaiting(me),
        zone=zone,
        zone_source=zone_source(),
        now=now,
    )
