"""Problems in a file someone wrote, each by its path in the file and in the reader's language.

The programme file's checkers (programme/filechecks.py) report with these words; a file read by
a pydantic model (the board export) has pydantic's errors worded the same way here, so that
its author reads "groups[0].items[2].text: is empty" in her language, not pydantic's English.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from flask_babel import gettext as _
from pydantic import ValidationError


class Problems(list[str]):
    def add(self, path: str, message: str) -> None:
        self.append(f"{path}: {message}")


def describe(value: Any) -> str:
    """What a value read from a file is, in words the file's author knows."""
    if value is None:
        return _("nothing (null)")
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, int | float):
        return _("a number (%(value)s)", value=value)
    if isinstance(value, str):
        return _("text (“%(value)s”)", value=value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, datetime):
        return _("a date and time (%(value)s)", value=value.isoformat())
    if isinstance(value, date):
        return _("a date (%(value)s)", value=value.isoformat())
    if isinstance(value, time):
        return _("a time of day (%(value)s)", value=value.isoformat())
    if isinstance(value, list):
        return _("a list")
    return _("a table")


def wrong_type(problems: Problems, path: str, expected: str, value: Any) -> None:
    problems.add(
        path, _("expected %(expected)s, found %(found)s", expected=expected, found=describe(value))
    )


def path_of(loc: tuple, whole: str | None = None) -> str:
    """pydantic's location of a value as the file's path: ("groups", 0, "key") → groups[0].key;
    `whole` (by default "file") for a problem with the whole of it."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    # Translators: the place of a problem that is in the whole file rather than in one field.
    return out or whole or _("file")


# What a value of each of pydantic's types looks like in a JSON file.
def _text() -> str:
    return _("text in quotes")


def _whole_number() -> str:
    return _("a whole number, such as 3")


def _true_or_false() -> str:
    return _("true or false (without quotes)")


def _date_and_time() -> str:
    return _('a date and time in quotes, such as "2020-10-08T14:00:00+00:00"')


def _list() -> str:
    return _('a list in square brackets, such as ["a", "b"]')


def _table() -> str:
    return _("a table")


_EXPECTED = {
    "string_type": _text,
    "int_type": _whole_number,
    "int_parsing": _whole_number,
    "int_from_float": _whole_number,
    "bool_type": _true_or_false,
    "bool_parsing": _true_or_false,
    "datetime_type": _date_and_time,
    "datetime_parsing": _date_and_time,
    "datetime_from_date_parsing": _date_and_time,
    "list_type": _list,
    "model_type": _table,
    "model_attributes_type": _table,
    "dict_type": _table,
}


# pydantic's error kinds worded whatever their values: (the value, pydantic's context) -> words.
_WORDED = {
    "missing": lambda value, ctx: _("missing; this field is required here"),
    "string_too_long": lambda value, ctx: _(
        "is %(length)d characters long; shorten it to at most %(max)d",
        length=len(value),
        max=ctx["max_length"],
    ),
    "greater_than_equal": lambda value, ctx: _(
        "is %(value)s; it must be %(min)s or more", value=value, min=ctx["ge"]
    ),
    "greater_than": lambda value, ctx: _(
        "is %(value)s; it must be more than %(min)s", value=value, min=ctx["gt"]
    ),
    "extra_forbidden": lambda value, ctx: _("is not a field this takes; remove it"),
}


def _message(error: dict) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind in _WORDED:
        return _WORDED[kind](value, ctx)
    if kind in _EXPECTED:
        return _(
            "expected %(expected)s, found %(found)s",
            expected=_EXPECTED[kind](),
            found=describe(value),
        )
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return _("is empty; write some text between the quotes")
    if kind == "too_short" and ctx.get("min_length") == 1:
        return _("is an empty list; it needs at least one entry")
    if kind == "enum":
        # ctx["expected"] is "'a', 'b' or 'c'": the values, without pydantic's English "or".
        choices = ", ".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        return _(
            "“%(value)s” is not one we know; use one of: %(choices)s", value=value, choices=choices
        )
    if kind == "value_error" and isinstance(ctx.get("error"), ValueError):
        return str(ctx["error"])  # raised by our own validators, in the reader's language
    return _("is not valid here (technical details: %(detail)s)", detail=error["msg"])


def validation_problems(error: ValidationError, whole: str | None = None) -> Problems:
    """Each of pydantic's errors as a problem by its path in the file (or in whatever `whole`
    names), in the reader's language."""
    problems = Problems()
    for e in error.errors():
        problems.add(path_of(e["loc"], whole), _message(e))
    return problems
