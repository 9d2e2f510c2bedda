"""What every HTTP route shares: its access rule, one commit per request, errors as pages."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from .errors import DomainError, NotFound
from .extensions import db, login_manager
from .ids import parse_id
from .permissions import may
from .security import websocket_source

log = logging.getLogger(__name__)

ACCESS_ATTR = "_eventhub_access"
# Endpoints that Flask or extensions add themselves.
BUILTIN_PUBLIC = frozenset({"static"})


def public(view):
    """Anyone, signed in or not."""
    setattr(view, ACCESS_ATTR, "public")
    return view


def signed_in(view):
    """Any signed-in person."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    setattr(wrapped, ACCESS_ATTR, "signed-in")
    return wrapped


def requires(action: str, load: Callable[..., object]):
    """Load the target from the URL's arguments, check `may(action)`, pass it as the first argument.

    `load` takes the view's keyword arguments and returns the object or raises NotFound.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(**kwargs):
            target = load(**kwargs)
            if not may(current_user, action, target):
                if not current_user.is_authenticated:
                    return login_manager.unauthorized()
                abort(403)
            return view(target, **kwargs)

        setattr(wrapped, ACCESS_ATTR, action)
        return wrapped

    return decorate


def access_rule(endpoint: str) -> str | None:
    if endpoint in BUILTIN_PUBLIC:
        return "public"
    view = current_app.view_functions.get(endpoint)
    return getattr(view, ACCESS_ATTR, None)


def same_site(target: str) -> bool:
    """Whether `target` is a path on this site (not `//host`, `/\\host`, a scheme, or control chars)."""
    if target != target.strip() or any(unicodedata.category(c) == "Cc" for c in target):
        return False
    parts = urlsplit(target)
    return (
        target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and not parts.scheme
        and not parts.netloc
    )


def redirect_back(default: str, *, anchor: str = "", code: int = 302):
    """Back to a same-site `next` target, else to `default`; at `#anchor` if given."""
    target = request.form.get("next") or request.args.get("next")
    if not (target and same_site(target)):
        target = default
    if anchor:
        target = f"{target.split('#', 1)[0]}#{anchor}"
    return redirect(target, code=code)


def form_id(name: str) -> int | None:
    """A posted record id (within the database's range), or None when absent or malformed."""
    return parse_id(request.form.get(name))


def form_ids(name: str) -> list[int]:
    """Every well-formed record id posted under `name` (a multiple choice); others are dropped."""
    return [i for i in map(parse_id, request.form.getlist(name)) if i is not None]


def init_app(app) -> None:
    @app.context_processor
    def _permissions():
        # Templates hide what the person may not do by asking the same rules as the routes.
        return {"may": lambda action, target: may(current_user, action, target)}

    @app.before_request
    def _refuse_routes_without_rule():
        if request.endpoint is None:
            return None
        if access_rule(request.endpoint) is None:
            # Fail closed: a route nobody gave an access rule is nobody's.
            log.error("route %s has no access rule; refusing", request.endpoint)
            abort(403)
        return None

    @app.after_request
    def _commit(response):
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.after_request
    def _security_headers(response):
        # WebSockets to this site only ('self' alone does not cover ws: in every browser).
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            f"connect-src 'self'{websocket_source()}; frame-ancestors 'none'; base-uri 'self'; "
            "form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    _register_error_pages(app)


def _register_error_pages(app) -> None:
    """Every error as a page in her language (and a rollback); domain errors say their own."""

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        db.session.rollback()
        status = 404 if isinstance(error, NotFound) else error.status
        return render_template(
            "error.html", message=error.message, problems=error.problems, status=status
        ), status

    def _http_error(status: int, message: str):
        def handler(error):
            db.session.rollback()
            return render_template(
                "error.html", message=message, problems=[], status=status
            ), status

        return handler

    for status, message in {
        400: lambda: _("The request was not understood. Please go back and try again."),
        403: lambda: _(
            "You do not have access to this page. If you think you should, ask the event's organisers."
        ),
        404: lambda: _("There is nothing here. The address may be wrong, or the page was removed."),
        405: lambda: _("That action is not available here."),
        413: lambda: _("What you sent is too large."),
        429: lambda: _("Too many attempts. Please wait a minute and try again."),
        500: lambda: _(
            "Something went wrong on our side. Nothing you entered was lost; please try again."
        ),
    }.items():
        app.register_error_handler(status, lambda e, s=status, m=message: _http_error(s, m())(e))

    @app.errorhandler(Exception)
    def _unexpected(error):
        from werkzeug.exceptions import HTTPException

        if isinstance(error, HTTPException):
            return error
        log.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        if current_app.testing:
            raise error
        return render_template(
            "error.html",
            message=_(
                "Something went wrong on our side. Nothing you entered was lost; please try again."
            ),
            problems=[],
            status=500,
        ), 500
