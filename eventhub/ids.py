"""Ids from outside (URLs, forms, socket payloads) bounded to the database's integer range.

A row id or sequence number beyond a 32-bit signed integer cannot exist; asking for one must
answer "not found" or "invalid", never reach the database (PostgreSQL: "integer out of
range"; SQLite: OverflowError beyond 64 bits).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from werkzeug.routing import IntegerConverter

# PostgreSQL's `integer`, the type of every id and sequence column.
MAX_ID = 2**31 - 1

# For socket and API payloads: a row id, and a sequence number (0: before the first).
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
Seq = Annotated[int, Field(ge=0, le=MAX_ID)]


def parse_id(raw: str | None) -> int | None:
    """The id written in `raw` (a form or query value), or None when it cannot be one."""
    raw = (raw or "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` in every route: a number beyond the database's range matches no route (404)."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app) -> None:
    # Before any blueprint registers its rules: a rule binds its converter when it is added.
    app.url_map.converters["int"] = BoundedIntegerConverter
