"""People who sign in: their credentials and profile."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..timestamps import UTCDateTime, utcnow


class Person(UserMixin, db.Model):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(200), default="")
    # Shown instead of the real name wherever others can see her (safety).
    display_name: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    # Secret for her calendar subscription URL; regenerating it revokes the old one.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # The sign-in (accounts/sessions.py) this object was loaded through, if any.
    sign_in_token = None  # str | None; a plain attribute, not a column

    def get_id(self) -> str:  # Flask-Login: what the session and the remember cookie carry
        """`<person id>.<sign-in secret>`: the sign-in must still be open for it to work."""
        if not self.sign_in_token:
            raise RuntimeError("sign in through accounts.sessions.sign_in(), not login_user()")
        return f"{self.id}.{self.sign_in_token}"

    # UserMixin compares get_id(), which names a sign-in; a person is herself in any sign-in.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    def set_password(self, password: str) -> None:
        method = current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def public_name(self) -> str:
        """The name others see: her display name if she chose one."""
        return self.public_name_of(self.display_name, self.name, self.email)

    @staticmethod
    def public_name_of(display_name: str | None, name: str | None, email: str) -> str:
        """`public_name` from the columns, for queries that read them without the model."""
        return display_name or name or email.split("@", 1)[0]

    def regenerate_calendar_token(self) -> str:
        self.calendar_token = secrets.token_urlsafe(32)
        return self.calendar_token

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.email}>"


class SignIn(db.Model):
    """One signed-in browser or device: the session and "keep me signed in" cookies carry its
    random secret; only a hash is stored. Ending it (sign out, sign out everywhere, a new
    password, deactivation) makes both cookies worthless at once."""

    __tablename__ = "sign_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the secret (the secret is 256 random bits: no salt or slow hash needed).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    # What the browser said it was, to recognise the device in her list (shortened).
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<SignIn {self.id} of person {self.person_id}>"
