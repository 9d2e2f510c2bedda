"""Bounds on files people import (programme TOML, board JSON): size, nesting, counts.

A file is refused whole, before anything else reads it, with a message naming the limit, so a
hostile or broken file costs a moment and a little memory instead of minutes and a gigabyte
(or a RecursionError). The bounds are far above any real meeting's (the largest we know has
~150 sessions and boards of a few hundred items).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from .errors import Invalid
from .text import has_controls

MAX_DEPTH = 12
MAX_LIST = 5_000
MAX_PROBLEMS = 50

PROGRAMME_MAX_BYTES = 1_000_000
PROGRAMME_MAX_COUNTS = {"sessions": 2_000, "networks": 500, "working_groups": 200}
# Programme fields that are one line (a title or a name): no line breaks or other controls,
# which calendars and mail headers refuse. Matched by key anywhere in the file (format 2 may
# give a table by language under the key).
ONE_LINE_KEYS = frozenset({"title", "name", "acronym", "host", "slug", "key", "location", "venue"})

BOARD_MAX_BYTES = 20_000_000


def _too_deep(source: str) -> Invalid:
    return Invalid(
        _(
            "%(source)s nests lists or tables more than %(max)d levels deep; nothing was imported.",
            source=source,
            max=MAX_DEPTH,
        )
    )


def check_size(raw: bytes | str, max_bytes: int, source: str) -> None:
    size = len(raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw)
    if size > max_bytes:
        raise Invalid(
            _(
                "%(source)s is %(size)s bytes; files of at most %(max)s bytes can be imported.",
                source=source,
                size=f"{size:,}",
                max=f"{max_bytes:,}",
            )
        )


def check_shape(document: Any, source: str, *, visit: Callable[[str, Any], None] | None = None):
    """Refuse nesting deeper than MAX_DEPTH and lists longer than MAX_LIST (walked without
    recursion); `visit(path, value)` is called for every value on the way."""
    stack: list[tuple[str, Any, int]] = [("", document, 0)]
    while stack:
        path, value, depth = stack.pop()
        if visit is not None:
            visit(path, value)
        if isinstance(value, dict):
            children = ((f"{path}.{k}" if path else str(k), v) for k, v in value.items())
        elif isinstance(value, list):
            if len(value) > MAX_LIST:
                raise Invalid(
                    _(
                        "%(source)s: %(path)s has %(count)s entries; at most %(max)s are "
                        "allowed. Nothing was imported.",
                        source=source,
                        path=path or "file",
                        count=f"{len(value):,}",
                        max=f"{MAX_LIST:,}",
                    )
                )
            children = ((f"{path}[{i}]", v) for i, v in enumerate(value))
        else:
            continue
        if depth >= MAX_DEPTH:
            raise _too_deep(source)
        stack.extend((p, v, depth + 1) for p, v in children)


def check_programme_file(text: str, source: str) -> None:
    """Refuse a programme file that is too large, too deep, too long in any list, has too many
    sessions, networks or groups, or has control characters in a one-line field."""
    check_size(text, PROGRAMME_MAX_BYTES, source)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return  # the file format's own reader explains syntax errors, with line and column
    except RecursionError:
        raise _too_deep(source) from None
    problems: list[str] = []

    def visit(path: str, value: Any) -> None:
        if (
            isinstance(value, str)
            and len(problems) < MAX_PROBLEMS
            and _one_line(path)
            and has_controls(value)
        ):
            problems.append(
                _(
                    "%(path)s: line breaks and other control characters are not allowed "
                    "here; write it on one line",
                    path=path,
                )
            )

    check_shape(document, source, visit=visit)
    for section, most in PROGRAMME_MAX_COUNTS.items():
        rows = document.get(section)
        if isinstance(rows, list) and len(rows) > most:
            problems.append(
                _(
                    "%(section)s: %(count)s entries; a programme has at most %(max)s",
                    section=section,
                    count=f"{len(rows):,}",
                    max=f"{most:,}",
                )
            )
    if problems:
        raise Invalid(
            _("%(source)s was not imported: it is beyond what EventHub accepts.", source=source),
            problems=problems,
        )


def _one_line(path: str) -> bool:
    parts = [p.split("[", 1)[0] for p in path.split(".")]
    return any(p in ONE_LINE_KEYS for p in parts)


def load_board_json(raw: bytes | str, source: str = "file") -> Any:
    """Parse a board export within the size and nesting limits (Invalid otherwise)."""
    check_size(raw, BOARD_MAX_BYTES, source)
    try:
        document = json.loads(raw)
    except RecursionError:
        raise _too_deep(source) from None
    check_shape(document, source)
    return document
