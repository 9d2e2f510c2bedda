"""Her bilateral settings: from whom she takes requests, her working hours, whom she blocked."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..errors import DomainError
from ..extensions import db
from ..web import signed_in
from . import rules, service
from .forms import MessageForm, PreferencesForm, to_minutes
from .models import Accepting
from .views import _me, bp


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@bp.route("/profile/bilaterals", methods=["GET", "POST"])
@signed_in
def preferences():
    me = _me()
    settings = rules.preferences(me)
    form = PreferencesForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.accepting.data = settings.accepting.value
        form.work_starts.data = _hhmm(settings.work_starts)
        form.work_ends.data = _hhmm(settings.work_ends)
    elif form.validate_on_submit():
        try:
            service.save_preferences(
                me,
                accepting=Accepting(form.accepting.data),
                work_starts=to_minutes(form.work_starts.data),
                work_ends=to_minutes(form.work_ends.data),
            )
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("Your bilateral settings are saved."), "success")
            return redirect(url_for(".preferences"))
    return render_template(
        "bilaterals/preferences.html",
        form=form,
        blocked=service.blocked_people(me),
        unblock_form=MessageForm(formdata=None),
    ), (400 if request.method == "POST" else 200)


@bp.route("/profile/bilaterals/unblock/<int:person_id>", methods=["POST"])
@signed_in
def unblock(person_id: int):
    MessageForm().validate_on_submit() or abort(400)
    service.unblock(_me(), person_id)
    flash(_("You unblocked this person."), "success")
    return redirect(url_for(".preferences"))
