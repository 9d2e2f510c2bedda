"""Programme files: the value checkers that report problems by path, and local times in a zone."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timezone
from enum import Enum
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from flask_babel import gettext as _

from ..errors import Invalid
from ..problems import Problems, wrong_type

# ---------------------------------------------------------------------------------------------
# Local times in a zone


class NonExistentTime(ValueError):
    """A wall-clock time skipped by a spring-forward change."""


class AmbiguousTime(ValueError):
    """A wall-clock time that happens twice, in a fall-back change."""


def from_local(naive: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time in `zone`; raises when it does not exist or is ambiguous."""
    early = naive.replace(tzinfo=zone, fold=0)
    late = naive.replace(tzinfo=zone, fold=1)
    if early.utcoffset() == late.utcoffset():
        return early.astimezone(UTC)
    if early.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise NonExistentTime(naive)
    raise AmbiguousTime(naive)


def instant_in(local: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a time typed in `zone` (one with an offset is taken as written).

    Invalid, saying why, for a time the clocks skip or repeat there: the one set of messages
    for such a time, in the session forms, a programme file's problems and wherever else.
    """
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    try:
        return from_local(local, zone)
    except NonExistentTime:
        message = _(
            "%(time)s does not exist in %(zone)s: the clocks go forward that night. "
            "Choose a time outside the skipped hour.",
            time=local.strftime("%Y-%m-%d %H:%M"),
            zone=zone.key,
        )
    except AmbiguousTime:
        message = _(
            "%(time)s happens twice in %(zone)s: the clocks go back that night. "
            "Choose a time outside the repeated hour, or enter it in another time "
            "zone.",
            time=local.strftime("%Y-%m-%d %H:%M"),
            zone=zone.key,
        )
    raise Invalid(message)


def to_local(instant: datetime, zone: ZoneInfo) -> datetime:
    """How the file writes an instant: naive local time, or with its offset when that is ambiguous."""
    local = instant.astimezone(zone)
    naive = local.replace(tzinfo=None)
    try:
        if from_local(naive, zone) == instant:
            return naive
    except ValueError:
        pass
    return local.replace(tzinfo=timezone(local.utcoffset()))


# ---------------------------------------------------------------------------------------------
# Checking values: each checker reports its own problems and returns the value, or BAD.

BAD: Any = object()  # a value whose problem has been reported already
KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")
Checker = Callable[["Problems", str, Any], Any]


def _wrong_type(problems: Problems, path: str, expected: str, value: Any) -> Any:
    wrong_type(problems, path, expected, value)
    return BAD


def control_characters(text: str) -> bool:
    """Whether `text` holds a control character (a line break, a tab, NUL...): a title or a
    name is one line, and e-mail headers and calendar lines break on them."""
    return any(unicodedata.category(c) == "Cc" for c in text)


def a_text(
    max_length: int | None = None, *, nonempty: bool = False, one_line: bool = False
) -> Checker:
    def check(problems: Problems, path: str, value: Any) -> Any:
        if not isinstance(value, str):
            return _wrong_type(problems, path, _("text in quotes"), value)
        if nonempty and not value.strip():
            problems.add(path, _("is empty; write some text between the quotes"))
            return BAD
        if one_line and control_characters(value):
            problems.add(
                path, _("holds a line break or another control character; write it on one line")
            )
            return BAD
        if max_length and len(value) > max_length:
            problems.add(
                path,
                _(
                    "is %(length)d characters long; shorten it to at most %(max)d",
                    length=len(value),
                    max=max_length,
                ),
            )
            return BAD
        return value

    return check


def key(max_length: int = 64) -> Checker:
    def check(problems: Problems, path: str, value: Any) -> Any:
        if not isinstance(value, str):
            return _wrong_type(problems, path, _("a key in quotes, such as “wg1”"), value)
        if not KEY.match(value) or len(value) > max_length:
            problems.add(
                path,
                _(
                    "“%(value)s” is not a valid key; use up to %(max)d letters, digits, "
                    "“-” and “_”, starting with a letter or digit",
                    value=value,
                    max=max_length,
                ),
            )
            return BAD
        return value

    return check


def boolean(problems: Problems, path: str, value: Any) -> Any:
    if not isinstance(value, bool):
        return _wrong_type(problems, path, _("true or false (without quotes)"), value)
    return value


def a_date(problems: Problems, path: str, value: Any) -> Any:
    if isinstance(value, datetime) or not isinstance(value, date):
        return _wrong_type(problems, path, _("a date such as 2020-10-08 (without quotes)"), value)
    return value


def a_datetime(problems: Problems, path: str, value: Any) -> Any:
    """A date-time as written (naive or with offset); read in the event's zone later."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        problems.add(
            path,
            _(
                "%(value)s is a date without a time; write a date and time such as %(value)sT14:00",
                value=value.isoformat(),
            ),
        )
        return BAD
    return _wrong_type(
        problems, path, _("a date and time such as 2020-10-08T14:00 (without quotes)"), value
    )


def choice(enum: type[Enum]) -> Checker:
    values = [member.value for member in enum]

    def check(problems: Problems, path: str, value: Any) -> Any:
        if not isinstance(value, str):
            return _wrong_type(problems, path, _("text in quotes"), value)
        if value not in values:
            problems.add(
                path,
                _(
                    "“%(value)s” is not one we know; use one of: %(choices)s",
                    value=value,
                    choices=", ".join(values),
                ),
            )
            return BAD
        return enum(value)

    return check


def language(problems: Problems, path: str, value: Any) -> Any:
    if not isinstance(value, str):
        return _wrong_type(problems, path, _("a language code in quotes, such as “en”"), value)
    try:
        Locale.parse(value, sep="-")
        known = len(value) <= 16
    except (ValueError, UnknownLocaleError):
        known = False
    if not known:
        problems.add(
            path,
            _(
                "“%(value)s” is not a language code we know; use a code such as “en”, "
                "“fr”, “ar” or “pt-BR”",
                value=value,
            ),
        )
        return BAD
    return value


def url(problems: Problems, path: str, value: Any) -> Any:
    if not isinstance(value, str):
        return _wrong_type(problems, path, _("a web address in quotes"), value)
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() for c in value)
        or len(value) > 1000
    ):
        problems.add(
            path,
            _(
                "“%(value)s” is not a web address; write a full address starting with "
                "https:// (or http://)",
                value=value[:100],
            ),
        )
        return BAD
    return value


def list_of(item: Checker, *, unique: bool = True) -> Checker:
    def check(problems: Problems, path: str, value: Any) -> Any:
        if not isinstance(value, list):
            return _wrong_type(
                problems, path, _('a list in square brackets, such as ["a", "b"]'), value
            )
        items, seen = [], set()
        for i, element in enumerate(value):
            checked = item(problems, f"{path}[{i}]", element)
            # A text by language is told apart from others by all its texts.
            marker = tuple(sorted(checked.items())) if isinstance(checked, dict) else checked
            if checked is not BAD and unique and marker in seen:
                problems.add(
                    f"{path}[{i}]", _("“%(value)s” is listed twice; remove one", value=checked)
                )
                checked = BAD
            seen.add(marker)
            items.append(checked)
        return BAD if BAD in items else tuple(items)

    return check


@dataclass(frozen=True)
class Field:
    check: Checker
    required: bool = False


def read_table(
    problems: Problems, path: str, value: Any, fields: dict[str, Field], expected: str = ""
) -> dict | None:
    """The known fields of a table, checked; unknown and missing fields reported."""
    if not isinstance(value, dict):
        _wrong_type(problems, path, expected or _("a table"), value)
        return None
    here = (lambda name: f"{path}.{name}") if path else (lambda name: name)
    for name in value:
        if name not in fields:
            close = difflib.get_close_matches(name, list(fields), n=1)
            if close:
                message = _(
                    "unknown field “%(name)s”; did you mean “%(suggestion)s”?",
                    name=name,
                    suggestion=close[0],
                )
            else:
                message = _(
                    "unknown field “%(name)s”; the fields allowed here are: %(allowed)s",
                    name=name,
                    allowed=", ".join(fields),
                )
            problems.add(here(name), message)
    values = {}
    for name, field in fields.items():
        if name in value:
            values[name] = field.check(problems, here(name), value[name])
        elif field.required:
            problems.add(here(name), _("missing; this field is required here"))
            values[name] = BAD
    return values


def read_tables(
    problems: Problems, name: str, value: Any, fields: dict[str, Field]
) -> list[tuple[str, dict]]:
    if not isinstance(value, list):
        _wrong_type(problems, name, _("[[%(name)s]] tables", name=name), value)
        return []
    rows = []
    for i, item in enumerate(value):
        expected = _("a [[%(name)s]] table", name=name)
        table = read_table(problems, f"{name}[{i}]", item, fields, expected)
        if table is not None:
            rows.append((f"{name}[{i}]", table))
    return rows


def unique_keys(problems: Problems, rows: list[tuple[str, dict]]) -> set[str]:
    first: dict[str, str] = {}
    for path, values in rows:
        value = values.get("key", BAD)
        if value is BAD:
            continue
        if value in first:
            problems.add(
                f"{path}.key",
                _(
                    "“%(key)s” is already the key of %(other)s; give each one its own key",
                    key=value,
                    other=first[value],
                ),
            )
            values["key"] = BAD
        else:
            first[value] = path
    return set(first)
