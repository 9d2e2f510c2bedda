"""Bilateral windows: a session of kind `bilateral` with a slot length and its tables or rooms,
set by organisers in the app or from the programme file."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..errors import Invalid
from ..extensions import db
from .models import BilateralWindow, Session, SessionKind

MIN_SLOT, MAX_SLOT = 10, 240


def window_of(session: Session) -> BilateralWindow | None:
    return db.session.scalar(
        select(BilateralWindow).where(BilateralWindow.session_id == session.id)
    )


def clean_call_url(url: str | None) -> str:
    url = (url or "").strip()
    if url and (not url.startswith(("https://", "http://")) or len(url) > 1000 or " " in url):
        raise Invalid(_("The call link must be a web address starting with https://."))
    return url


def set_window(
    session: Session, *, slot_minutes: int, tables: list[str], call_url: str = ""
) -> BilateralWindow:
    """Make a `bilateral` session a window (or change it)."""
    if session.kind != SessionKind.BILATERAL:
        raise Invalid(_("Only a session of kind bilateral can be a window for bilaterals."))
    if not MIN_SLOT <= slot_minutes <= MAX_SLOT:
        raise Invalid(_("A slot lasts between 10 and 240 minutes."))
    if timedelta(minutes=slot_minutes) > session.ends_at - session.starts_at:
        raise Invalid(_("A slot cannot be longer than the window."))
    tables = [t.strip() for t in tables if t.strip()]
    if len(set(tables)) != len(tables):
        raise Invalid(_("Each table needs its own name."))
    if any(len(t) > 200 for t in tables):
        raise Invalid(_("A table's name is too long: at most 200 characters."))
    window = window_of(session) or BilateralWindow(session=session)
    window.slot_minutes, window.tables, window.call_url = (
        slot_minutes,
        tables,
        clean_call_url(call_url),
    )
    db.session.add(window)
    db.session.flush()
    return window
