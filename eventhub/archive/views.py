"""Her data to download, and deleting her account, from her profile."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ..errors import Invalid
from ..extensions import db, limiter
from ..web import signed_in
from . import personal

bp = Blueprint("archive", __name__)


def _guess_limit() -> str:
    from flask import current_app

    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/profile/data.json")
@signed_in
def my_data():
    data = personal.personal_data(current_user._get_current_object())
    body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    response = Response(body, mimetype="application/json; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="eventhub-my-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/profile/delete", methods=["GET", "POST"])
@signed_in
# Typing her password is a guess like any other: the same limit as signing in.
@limiter.limit(_guess_limit, methods=["POST"])
def delete_account():
    person = current_user._get_current_object()
    error = None
    if request.method == "POST":
        try:
            personal.delete_account(person, request.form.get("password", ""))
        except Invalid as problem:
            db.session.rollback()
            error = problem.message
        else:
            db.session.commit()
            logout_user()
            flash(
                _(
                    "Your account is deleted. What you wrote stays, shown as by a former participant."
                ),
                "success",
            )
            return redirect(url_for("accounts.login"))
    return render_template("archive/delete.html", error=error), 400 if error else 200
