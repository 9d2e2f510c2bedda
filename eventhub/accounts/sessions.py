"""Sign-ins that can be ended: one row per signed-in browser, checked on every request and socket.

The login session (and the "keep me signed in" cookie) carries `<person id>.<secret>`, where the
secret is 32 random bytes made at sign-in; the database keeps only its SHA-256. A cookie is good
only while its sign-in is open, unexpired and the person active, so signing out (here or
everywhere), changing the password or being deactivated ends stolen cookies too.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, has_request_context, request
from flask_login import login_user, logout_user
from sqlalchemy import delete, or_, select, update

from ..extensions import db, socketio
from ..ids import parse_id
from ..timestamps import utcnow
from .models import Person, SignIn

# A sign-in's "last active" time is written at most this often (not on every request).
LAST_SEEN_STEP = timedelta(minutes=10)
MAX_USER_AGENT = 200
# Ended or expired sign-ins are deleted this long after (when she next signs in).
KEEP_ENDED = timedelta(days=30)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_session_id(value: str | None) -> tuple[int, str] | None:
    """(person id, secret) from a session's `_user_id`, or None when it is not one of ours."""
    if not isinstance(value, str) or "." not in value:
        return None
    raw_id, _, secret = value.partition(".")
    person_id = parse_id(raw_id)
    if person_id is None or not secret or len(secret) > 100:
        return None
    return person_id, secret


def _lifetime(remember: bool) -> timedelta:
    if remember:
        return current_app.config["REMEMBER_COOKIE_DURATION"]
    return current_app.permanent_session_lifetime


def start(person: Person, *, remember: bool = False, user_agent: str = "") -> str:
    """Open a sign-in for `person`; the secret her cookies will carry (set on `person` too)."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    # Her sign-ins ended or expired long ago are of no use to her list: forget them.
    db.session.execute(
        delete(SignIn).where(
            SignIn.person_id == person.id,
            or_(SignIn.ended_at < now - KEEP_ENDED, SignIn.expires_at < now - KEEP_ENDED),
        )
    )
    db.session.add(
        SignIn(
            person_id=person.id,
            token_hash=token_hash(secret),
            remember=remember,
            user_agent=(user_agent or "")[:MAX_USER_AGENT],
            created_at=now,
            last_seen_at=now,
            expires_at=now + _lifetime(remember),
        )
    )
    db.session.flush()
    person.sign_in_token = secret
    return secret


def sign_in(person: Person, *, remember: bool = False) -> None:
    """Open a sign-in for this browser and put it in the login session (and remember cookie)."""
    agent = request.headers.get("User-Agent", "") if has_request_context() else ""
    start(person, remember=remember, user_agent=agent)
    login_user(person, remember=remember)


def load(session_id: str | None) -> Person | None:
    """The active person whose open, unexpired sign-in `session_id` names, or None."""
    parsed = parse_session_id(session_id)
    if parsed is None:
        return None
    person_id, secret = parsed
    now = utcnow()
    row = db.session.execute(
        select(Person, SignIn)
        .join(SignIn, SignIn.person_id == Person.id)
        .where(
            Person.id == person_id,
            Person.active.is_(True),
            SignIn.token_hash == token_hash(secret),
            SignIn.ended_at.is_(None),
            SignIn.expires_at > now,
        )
    ).first()
    if row is None:
        return None
    person, sign_in_row = row
    person.sign_in_token = secret
    if now - sign_in_row.last_seen_at > LAST_SEEN_STEP:
        sign_in_row.last_seen_at = now
    return person


def current_sign_in(person: Person) -> SignIn | None:
    if not person.sign_in_token:
        return None
    return db.session.scalar(
        select(SignIn).where(
            SignIn.person_id == person.id, SignIn.token_hash == token_hash(person.sign_in_token)
        )
    )


def open_sign_ins(person: Person) -> list[SignIn]:
    """Her open sign-ins, the most recently active first."""
    return list(
        db.session.scalars(
            select(SignIn)
            .where(
                SignIn.person_id == person.id,
                SignIn.ended_at.is_(None),
                SignIn.expires_at > utcnow(),
            )
            .order_by(SignIn.last_seen_at.desc(), SignIn.id.desc())
        )
    )


def end(person: Person, sign_in_id: int) -> bool:
    """End one of her sign-ins (another device); whether there was one open."""
    ended = db.session.execute(
        update(SignIn)
        .where(SignIn.id == sign_in_id, SignIn.person_id == person.id, SignIn.ended_at.is_(None))
        .values(ended_at=utcnow())
    ).rowcount
    db.session.flush()
    return bool(ended)


def end_all(person: Person, *, keep_current: bool = False) -> int:
    """End every sign-in of hers (all but this browser's with `keep_current`); how many."""
    query = update(SignIn).where(SignIn.person_id == person.id, SignIn.ended_at.is_(None))
    if keep_current and person.sign_in_token:
        query = query.where(SignIn.token_hash != token_hash(person.sign_in_token))
    ended = db.session.execute(query.values(ended_at=utcnow())).rowcount
    db.session.flush()
    return ended


def sign_out(person: Person) -> None:
    """End this browser's sign-in and clear its cookies."""
    current = current_sign_in(person)
    if current is not None and current.ended_at is None:
        current.ended_at = utcnow()
        db.session.flush()
    logout_user()


def disconnect_sockets(person_id: int) -> None:
    """Close her live sockets in this process: they must connect again, and are checked again.

    With several workers her sockets elsewhere stay connected, but every event they send is
    checked against her sign-in and refused once it is ended.
    """
    from ..realtime import person_room

    server = socketio.server
    if server is None:
        return
    try:
        sids = list(server.manager.get_participants("/", person_room(person_id)))
    except (KeyError, ValueError):
        return
    for sid, _eio_sid in sids:
        socketio.server.disconnect(sid, namespace="/")


# Enough to recognise her own devices in the list; order matters (Edge and Chrome say "Safari").
_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def device_label(user_agent: str) -> str:
    """ "Firefox · Windows" from a User-Agent header; "" when it names neither (the page then
    says "Unknown browser": a raw header is long, says little, and is whatever a client wrote)."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    if browser and system:
        return f"{browser} · {system}"
    return browser or system or ""
