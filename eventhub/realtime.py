"""What every Socket.IO handler shares: sign-in check, payload validation, one commit per event,
persist-then-broadcast-then-acknowledge, rate limits, and domain errors as error acks.

A handler decorated with `@event_handler(Payload)` receives the validated payload and returns a
`Reply`: the wrapper commits, then emits the reply's broadcasts, then returns its ack to the
sender, so nobody sees what was not stored, and the ack comes last.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache, wraps
from typing import Any

from flask import current_app, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import join_room
from itsdangerous import BadSignature
from limits import RateLimitItem
from limits import parse as parse_limit
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from pydantic import BaseModel, ConfigDict, ValidationError
from socketio.exceptions import ConnectionRefusedError

from .accounts.sessions import parse_session_id, token_hash
from .errors import Conflict, DomainError, Invalid, NotAllowed, NotFound
from .extensions import db, socketio
from .problems import path_of, validation_problems

log = logging.getLogger(__name__)


class Payload(BaseModel):
    """Base for event payloads: unknown fields are refused, strings are not coerced from numbers."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=False)


@dataclass
class Broadcast:
    event: str
    data: Any
    to: str
    skip_sid: str | None = None


@dataclass
class Reply:
    ack: dict = field(default_factory=dict)
    broadcasts: list[Broadcast] = field(default_factory=list)
    # Side effects on sockets (join/leave rooms) that must wait for the commit.
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    def broadcast(self, event: str, data: Any, to: str, *, skip_sender: bool = False) -> Reply:
        self.broadcasts.append(Broadcast(event, data, to, request.sid if skip_sender else None))
        return self

    def then(self, action: Callable[[], None]) -> Reply:
        """Run `action` after the commit, before the broadcasts."""
        self.after_commit.append(action)
        return self


class RateLimited(DomainError):
    status = 429


ERROR_CODES: dict[type[DomainError], str] = {
    Invalid: "invalid",
    NotAllowed: "forbidden",
    NotFound: "not-found",
    Conflict: "conflict",
    RateLimited: "rate-limited",
}


def error_ack(error: DomainError) -> dict:
    """The error ack for a domain error; an error may name its own `code` and extra `details`."""
    code = getattr(error, "code", None) or next(
        (c for cls, c in ERROR_CODES.items() if isinstance(error, cls)), "error"
    )
    ack = {"ok": False, "error": code, "message": error.message}
    if error.problems:
        ack["problems"] = error.problems
    elif code == "invalid":
        # Every `invalid` ack lists its problems (docs/realtime.md): one, when there is one.
        ack["problems"] = [error.message]
    ack.update(getattr(error, "details", None) or {})
    return ack


def _validation_message(error: ValidationError) -> Invalid:
    """Each problem by its field, in her language (as a file's are: eventhub/problems.py)."""
    # Translators: the place of a problem that is in the whole of a request, not in one field.
    whole = _("request")
    fields = sorted({path_of(e["loc"], whole) for e in error.errors()})
    return Invalid(
        _("This request is malformed (%(fields)s).", fields=", ".join(fields)),
        problems=list(validation_problems(error, whole)),
    )


def event_handler(payload_model: type[Payload] | None = None, *, loads_person: bool = False):
    """Wrap a Socket.IO handler: signed-in check, validation, commit, broadcasts, ack.

    The wrapper checks the person through Flask-Login, which reads her from the database.
    A handler on the hot path may pass `loads_person=True` and read her itself, with
    `socket_sign_in()`, in a query it makes anyway (`send` does); it must then refuse a
    person who no longer exists or was deactivated, or whose sign-in was ended.
    """

    def decorate(handler: Callable[..., Reply]):
        @wraps(handler)
        def wrapped(data=None, *extra):
            try:
                signed_in = (
                    socket_sign_in() is not None if loads_person else current_user.is_authenticated
                )
                if not signed_in:
                    raise NotAllowed(_("Please sign in again."))
                if payload_model is not None:
                    if not isinstance(data, dict):
                        raise Invalid(_("This request is malformed (payload)."))
                    try:
                        payload = payload_model.model_validate(data)
                    except ValidationError as error:
                        raise _validation_message(error) from None
                    reply = handler(payload)
                else:
                    reply = handler()
                db.session.commit()
            except DomainError as error:
                db.session.rollback()
                return error_ack(error)
            except Exception:
                db.session.rollback()
                log.exception("socket event %s failed (sid %s)", handler.__name__, request.sid)
                return {
                    "ok": False,
                    "error": "internal",
                    "message": _("Something went wrong on our side. Please try again."),
                }
            # Stored: from here on the event succeeded.
            broadcast_committed(reply, f"socket event {handler.__name__} (sid {request.sid})")
            return {"ok": True, **reply.ack}

        return wrapped

    return decorate


def commit_then_broadcast(reply: Reply, what: str) -> None:
    """Persist, then broadcast, for an edge that commits itself (a POST route that changes what
    sockets show): the socket wrapper does the same for every event."""
    db.session.commit()
    broadcast_committed(reply, what)


def broadcast_committed(reply: Reply, what: str) -> None:
    """Run a committed reply's after-commit actions, then its broadcasts.

    A failed broadcast (say, the message queue is down) is logged, not raised: what was
    stored stays stored, and clients fetch what they missed when they catch up.
    """
    try:
        for action in reply.after_commit:
            action()
        for b in reply.broadcasts:
            socketio.emit(b.event, b.data, to=b.to, skip_sid=b.skip_sid)
    except Exception:
        log.exception("%s: broadcast failed", what)


def person_room(person_id: int) -> str:
    """The Socket.IO room holding every socket of one person (notices meant for her alone)."""
    return f"person:{person_id}"


def socket_sign_in() -> tuple[int, str] | None:
    """(person id, hash of the sign-in's secret) of the current socket event's session, read
    as Flask-Login stored it (`_user_id`) without loading her: the caller checks the account
    and that the sign-in is still open (accounts/sessions.py)."""
    parsed = parse_session_id(session.get("_user_id"))
    if parsed is None:
        return None
    return parsed[0], token_hash(parsed[1])


_connect_hooks: list[Callable[[Any], None]] = []
_disconnect_hooks: list[Callable[[str], None]] = []


def on_connect(hook: Callable[[Any], None]) -> Callable[[Any], None]:
    """Register `hook(person)` to run when a signed-in person's socket connects."""
    _connect_hooks.append(hook)
    return hook


def on_disconnect(hook: Callable[[str], None]) -> Callable[[str], None]:
    """Register `hook(sid)` to run when a socket disconnects (presence bookkeeping)."""
    _disconnect_hooks.append(hook)
    return hook


class SocketEvents:
    """A module's Socket.IO handlers, collected where they are written (`@events.on("join")`)
    and put on an application's server by its domain's `register(app)`.

    Not `@socketio.on`: that registers on whichever server exists at import time, so a handler
    reached only through the first app's imports would be missing from every later app (tests
    build many); here each app gets every handler because its factory asks for them.
    """

    def __init__(self) -> None:
        self._handlers: list[tuple[str, Callable]] = []

    def on(self, event: str) -> Callable[[Callable], Callable]:
        def collect(handler: Callable) -> Callable:
            self._handlers.append((event, handler))
            return handler

        return collect

    def register(self) -> None:
        """Put these handlers on the server that `socketio.init_app(app)` just built."""
        for event, handler in self._handlers:
            socketio.on_event(event, _without_routing_error(handler))


def _without_routing_error(handler: Callable) -> Callable:
    """Run `handler` with its request context's routing error dropped.

    Flask-SocketIO runs each event in a request context built from the socket's handshake
    (`/socket.io/`), a path no route matches: Flask keeps the NotFound on the request, and the
    exception's traceback holds the context that holds the request. That cycle (~60 objects per
    event, ~200 in the server) is freed only by the garbage collector, whose pauses every live
    socket of the process waits through (docs/performance.md, "Liveness"). Dropped, the whole
    chain is freed as soon as the event is done. No socket event reads it.
    """

    @wraps(handler)
    def run(*args):
        request.routing_exception = None
        return handler(*args)

    return run


events = SocketEvents()


def register(app) -> None:
    """The connect/disconnect pair every socket goes through (see `on_connect`)."""
    events.register()


# The one connect/disconnect handler pair of the default namespace: domains add hooks above
# instead of registering their own (a second `@events.on("connect")` would replace this one).
@events.on("connect")
def _connect(auth=None):
    if not current_user.is_authenticated:
        raise ConnectionRefusedError("unauthorized")
    join_room(person_room(current_user.id))
    for hook in _connect_hooks:
        hook(current_user._get_current_object())


@events.on("disconnect")
def _disconnect(reason=None):
    sid = request.sid
    for hook in _disconnect_hooks:
        try:
            hook(sid)
        except Exception:
            log.exception("disconnect hook %s failed (sid %s)", hook.__name__, sid)


# Any event no handler knows (python-socketio's catch-all): docs/realtime.md promises an ack
# for every event, so a client with a typo or an old protocol learns why nothing happened.
@events.on("*")
def _unknown_event(event, *_args):
    name = event[:40] if isinstance(event, str) else ""
    return {
        "ok": False,
        "error": "unknown-event",
        "message": _("EventHub does not know the request “%(event)s”.", event=name),
    }


class SocketSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the cookie read once per Socket.IO connection.

    Flask-SocketIO runs every socket event in a request context built from the socket's
    handshake environ, and Flask opens the session for each: the same signed cookie verified
    and decoded again for every event (a fifth of what a room message cost). The decoded data
    is kept in the environ, which lives as long as the connection (a page request's lives one
    request), until the cookie itself expires; every event gets its own copy.
    """

    _KEY = "eventhub.session"

    def open_session(self, app, request):
        cached = request.environ.get(self._KEY)
        if cached is not None and time.time() < cached[1]:
            return self.session_class(cached[0])
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        max_age = app.permanent_session_lifetime.total_seconds()
        try:
            data, signed_at = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        request.environ[self._KEY] = (data, signed_at.timestamp() + max_age)
        return self.session_class(data)


class _ProcessWindow:
    """A moving window per key, in this process: for `memory://` storage.

    limits' MemoryStorage re-arms an expiry timer that walks every key after each hit; on a
    room server with 500 members that was a fifth of the CPU (docs/performance.md). Counting
    in a deque per key costs next to nothing. With Redis (several workers), limits does it.
    """

    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = {}

    def hit(self, item: RateLimitItem, key: str) -> bool:
        now = time.monotonic()
        hits = self._hits.setdefault(item.key_for(key), deque())
        while hits and hits[0] <= now - item.get_expiry():
            hits.popleft()
        if len(hits) >= item.amount:
            return False
        hits.append(now)
        return True


_limiter: tuple[str, _ProcessWindow | MovingWindowRateLimiter] | None = None


@lru_cache(maxsize=64)
def _parsed(limit: str) -> RateLimitItem:
    return parse_limit(limit)


def check_rate(key: str, limit: str) -> None:
    """Raise RateLimited when `key` has used up `limit` (e.g. "10 per 10 seconds")."""
    global _limiter
    if not current_app.config.get("SOCKET_RATE_LIMITS_ENABLED", True):
        return
    uri = current_app.config["RATELIMIT_STORAGE_URI"]
    if _limiter is None or _limiter[0] != uri:
        strategy = (
            _ProcessWindow()
            if uri.startswith("memory://")
            else MovingWindowRateLimiter(storage_from_string(uri))
        )
        _limiter = (uri, strategy)
    if not _limiter[1].hit(_parsed(limit), key):
        raise RateLimited(_("You are sending too fast. Please wait a few seconds."))
