"""Accounts: finding people, checking passwords, creating people, updating profiles."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import Conflict, Invalid
from ..extensions import db
from ..i18n import valid_zone
from .models import Person
from .names import check_name_characters

# Rules other domains add about the names a person shows (the programme: unique within each of
# her events). Each is called as rule(person, display_name=..., name=...) and raises Invalid.
name_rules: list[Callable[..., None]] = []

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 500
MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 200
MAX_DISPLAY_NAME_LENGTH = 100

# Checked against when the e-mail is unknown, so a wrong address costs as long as a wrong password.
_DUMMY_HASH: str | None = None


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def has_control_characters(text: str) -> bool:
    """Whether `text` holds characters no name or address has (NUL, newlines, escapes...)."""
    return any(unicodedata.category(c) in ("Cc", "Cs") for c in text)


def clean_email(email: str, *, reserved_ok: bool = False) -> str:
    """The address, trimmed and lower-cased; Invalid when it is not one.

    `reserved_ok` admits reserved names such as `demo.eventhub.test` (demo accounts).
    """
    address = normalize_email(email)
    if len(address) > MAX_EMAIL_LENGTH or has_control_characters(address):
        raise Invalid(_("That is not an e-mail address."))
    try:
        validate_email(address, check_deliverability=False, test_environment=reserved_ok)
    except EmailNotValidError:
        raise Invalid(_("“%(email)s” is not an e-mail address.", email=address[:100])) from None
    return address


def find_person(email: str) -> Person | None:
    """The person with this e-mail address (case-insensitive), or None."""
    email = normalize_email(email)
    if not email or len(email) > MAX_EMAIL_LENGTH:
        return None
    return db.session.scalar(select(Person).where(func.lower(Person.email) == email))


def authenticate(email: str, password: str) -> Person | None:
    """The active person these credentials belong to, or None (never saying which part was wrong)."""
    global _DUMMY_HASH
    person = find_person(email)
    if person is None or not person.active or not person.password_hash:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = generate_password_hash("not a password")
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    return person if person.check_password(password or "") else None


def check_password_rules(password: str) -> None:
    """Raise Invalid when `password` is too short, too long or not text one can type."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise Invalid(
            _("Choose a password of at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Invalid(
            _("Choose a password of at most %(count)d characters.", count=MAX_PASSWORD_LENGTH)
        )
    if has_control_characters(password):
        raise Invalid(_("The password contains characters that cannot be typed."))


def set_password(person: Person, password: str) -> None:
    check_password_rules(password)
    person.set_password(password)
    db.session.flush()


def change_password(person: Person, current: str, new: str) -> None:
    """Set a new password after checking the current one."""
    if not person.check_password(current or ""):
        raise Invalid(_("Your current password is not right."))
    set_password(person, new)


def clean_name(value: str | None) -> str:
    """Her name, trimmed; Invalid when too long or unprintable."""
    value = (value or "").strip()
    if len(value) > MAX_NAME_LENGTH:
        raise Invalid(
            _("The name is too long: at most %(count)d characters.", count=MAX_NAME_LENGTH)
        )
    if has_control_characters(value):
        raise Invalid(_("The name contains characters that cannot be shown."))
    check_name_characters(value)
    return value


def clean_display_name(value: str | None) -> str | None:
    """Her display name, trimmed, or None; Invalid when too long or unprintable."""
    value = (value or "").strip()
    if len(value) > MAX_DISPLAY_NAME_LENGTH:
        raise Invalid(
            _(
                "The display name is too long: at most %(count)d characters.",
                count=MAX_DISPLAY_NAME_LENGTH,
            )
        )
    if has_control_characters(value):
        raise Invalid(_("The display name contains characters that cannot be shown."))
    check_name_characters(value)
    return value or None


def create_person(
    email: str,
    *,
    password: str,
    name: str = "",
    display_name: str | None = None,
    reserved_ok: bool = False,
) -> Person:
    """A new person who can sign in with `email` and `password`."""
    address = clean_email(email, reserved_ok=reserved_ok)
    if find_person(address) is not None:
        raise Conflict(_("Someone already has an account with %(email)s.", email=address))
    check_password_rules(password)
    person = Person(
        email=address,
        name=clean_name(name),
        display_name=clean_display_name(display_name),
    )
    person.set_password(password)
    db.session.add(person)
    db.session.flush()
    return person


def update_profile(
    person: Person,
    *,
    name: str,
    display_name: str | None,
    language: str | None,
    timezone: str | None,
) -> Person:
    """Set her name, display name, language and time zone (empty: decided by her browser)."""
    language = (language or "").strip() or None
    timezone = (timezone or "").strip() or None
    if language is not None and language not in current_app.config["LANGUAGES"]:
        raise Invalid(_("EventHub is not available in that language."))
    if timezone is not None and valid_zone(timezone) is None:
        raise Invalid(_("“%(zone)s” is not a time zone we know.", zone=timezone[:64]))
    name, display_name = clean_name(name), clean_display_name(display_name)
    for rule in name_rules:
        rule(person, display_name=display_name, name=name)
    person.name = name
    person.display_name = display_name
    person.language = language
    person.timezone = timezone
    db.session.flush()
    return person


def deactivate(person: Person) -> None:
    """She can no longer sign in, and every browser where she is signed in is signed out."""
    from . import sessions

    person.active = False
    sessions.end_all(person)
    db.session.flush()


def set_language(person: Person, language: str) -> None:
    """Remember her explicit language choice in her profile."""
    if language not in current_app.config["LANGUAGES"]:
        raise Invalid(_("EventHub is not available in that language."))
    person.language = language
    db.session.flush()
