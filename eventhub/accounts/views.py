"""Sign in and out, language choice, profile."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
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
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from ..errors import Invalid
from ..extensions import db, limiter
from ..web import public, redirect_back, signed_in
from . import service, sessions
from .forms import ConfirmForm, LoginForm, PasswordForm, ProfileForm

bp = Blueprint("accounts", __name__)


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_address_rate_limit() -> str:
    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


def _login_account() -> str:
    return "login:" + service.normalize_email(request.form.get("email", ""))[:254]


def _password_change_account() -> str:
    return f"password:{current_user.get_id()}"


@bp.route("/login", methods=["GET", "POST"])
@public
# Strictly per account (guesses at one password, from however many machines), and per client
# address with a much higher bound: a venue's delegates all come from its one NAT address.
@limiter.limit(_login_rate_limit, methods=["POST"], key_func=_login_account)
@limiter.limit(_login_address_rate_limit, methods=["POST"])
def login():
    if request.method == "GET" and current_user.is_authenticated:
        return redirect_back(url_for("programme.index"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        person = service.authenticate(form.email.data, form.password.data)
        if person is not None:
            sessions.sign_in(person, remember=form.remember.data)
            refresh_locale()  # her profile's language from now on
            return redirect_back(url_for("programme.index"))
        # One message for both cases: it must not tell whether the address has an account.
        form.password.errors.append(_("The e-mail address or the password is not right."))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@public
def logout():
    if current_user.is_authenticated:
        sessions.sign_out(current_user._get_current_object())
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
    current = sessions.current_sign_in(person)
    return render_template(
        "accounts/profile.html",
        form=form,
        password_form=password_form or PasswordForm(formdata=None),
        person=person,
        sign_ins=sessions.open_sign_ins(person),
        current_sign_in_id=current.id if current else None,
        confirm_form=ConfirmForm(),
        device_label=sessions.device_label,
    ), status


@bp.route("/profile/password", methods=["POST"])
@signed_in
# Typing the current password is a guess like any other: same limit as signing in, per account.
@limiter.limit(_login_rate_limit, methods=["POST"], key_func=_password_change_account)
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
            # Whoever else holds one of her sessions or remember cookies is out now.
            sessions.end_all(person, keep_current=True)
            _commit_then_disconnect(person)
            flash(_("Your password is changed. Every other device was signed out."), "success")
            return redirect(url_for("accounts.profile"))
    return _render_profile(person, password_form=form, status=400)


def _commit_then_disconnect(person) -> None:
    """Commit the ended sign-ins, then close her live sockets: they reconnect, checked anew."""
    person_id = person.id
    db.session.commit()
    sessions.disconnect_sockets(person_id)


@bp.route("/profile/sign-ins/<int:sign_in_id>/end", methods=["POST"])
@signed_in
def end_sign_in(sign_in_id: int):
    person = current_user._get_current_object()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    current = sessions.current_sign_in(person)
    if current is not None and current.id == sign_in_id:
        sessions.sign_out(person)
        _commit_then_disconnect(person)
        flash(_("You are signed out."), "info")
        return redirect(url_for("accounts.login"))
    if sessions.end(person, sign_in_id):
        _commit_then_disconnect(person)
        flash(_("That device is signed out."), "success")
    else:
        flash(_("That device was already signed out."), "info")
    return redirect(url_for("accounts.profile"))


@bp.route("/profile/sign-out-everywhere", methods=["POST"])
@signed_in
def sign_out_everywhere():
    person = current_user._get_current_object()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    sessions.end_all(person)
    sessions.sign_out(person)
    _commit_then_disconnect(person)
    refresh_locale()
    flash(_("You are signed out on every device."), "info")
    return redirect(url_for("accounts.login"))


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError):
    db.session.rollback()
    message = _("This form expired; please go back, reload the page and try again.")
    return render_template("error.html", message=message, problems=[], status=400), 400
