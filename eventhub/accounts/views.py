"""Sign in and out, language choice, profile."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh as refresh_locale
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError

from ..errors import Invalid
from ..extensions import db, limiter
from ..web import public, redirect_back, signed_in
from . import service
from .forms import LoginForm, PasswordForm, ProfileForm

bp = Blueprint("accounts", __name__)


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_address() -> str:
    return "login:" + service.normalize_email(request.form.get("email", ""))[:254]


@bp.route("/login", methods=["GET", "POST"])
@public
# Per address as well as per client: guesses at one account from many machines are limited too.
@limiter.limit(_login_rate_limit, methods=["POST"])
@limiter.limit(_login_rate_limit, methods=["POST"], key_func=_login_address)
def login():
    if request.method == "GET" and current_user.is_authenticated:
        return redirect_back(url_for("programme.index"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        person = service.authenticate(form.email.data, form.password.data)
        if person is not None:
            login_user(person, remember=form.remember.data)
            refresh_locale()  # her profile's language from now on
            return redirect_back(url_for("programme.index"))
        # One message for both cases: it must not tell whether the address has an account.
        form.password.errors.append(_("The e-mail address or the password is not right."))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@public
def logout():
    if current_user.is_authenticated:
        logout_user()
        refresh_locale()
        flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/language", methods=["POST"])
@public
def set_language():
    code = (request.form.get("language") or "").strip()
    if code not in current_app.config["LANGUAGES"]:
        flash(_("EventHub is not available in that language."), "error")
    else:
        session["language"] = code
        if current_user.is_authenticated:
            service.set_language(current_user, code)
        refresh_locale()
    return redirect_back(url_for("programme.index"))


@bp.route("/profile", methods=["GET", "POST"])
@signed_in
def profile():
    person = current_user._get_current_object()
    if request.method == "GET":
        return _render_profile(person)
    form = ProfileForm()
    status = 200
    if form.validate_on_submit():
        try:
            service.update_profile(
                person,
                name=form.name.data,
                display_name=form.display_name.data,
                language=form.language.data,
                timezone=form.timezone.data,
            )
        except Invalid as error:
            db.session.rollback()
            flash(error.message, "error")
            status = 400
        else:
            if person.language:
                session["language"] = person.language
            else:  # "as my browser asks": forget an earlier explicit choice too
                session.pop("language", None)
            refresh_locale()
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("accounts.profile"))
    elif form.errors:
        status = 400
    return _render_profile(person, form=form, status=status)


def _render_profile(person, *, form=None, password_form=None, status=200):
    if form is None:
        form = ProfileForm(formdata=None)
        form.name.data = person.name
        form.display_name.data = person.display_name or ""
        form.language.data = person.language or ""
        form.timezone.data = person.timezone or ""
    return render_template(
        "accounts/profile.html",
        form=form,
        password_form=password_form or PasswordForm(formdata=None),
        person=person,
    ), status


@bp.route("/profile/password", methods=["POST"])
@signed_in
# Typing the current password is a guess like any other: same limit as signing in.
@limiter.limit(_login_rate_limit, methods=["POST"])
def change_password():
    person = current_user._get_current_object()
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            service.change_password(person, form.current.data, form.password.data)
        except Invalid as error:
            db.session.rollback()
            form.current.errors.append(error.message)
        else:
            flash(_("Your password is changed."), "success")
            return redirect(url_for("accounts.profile"))
    return _render_profile(person, password_form=form, status=400)


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError):
    db.session.rollback()
    message = _("This form expired; please go back, reload the page and try again.")
    return render_template("error.html", message=message, problems=[], status=400), 400
