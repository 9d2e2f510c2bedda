"""Frozen dataclasses to and from plain values (JSON-ready), by their type hints: one rebuilder
for the programme file's checked values and for a published report's stored JSON."""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from datetime import date, datetime
from functools import cache
from typing import Any


def to_plain(value: Any) -> Any:
    """Dataclasses, dates, enums and tuples as JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_plain(tp: Any, value: Any) -> Any:
    """`value` as type `tp`: nested dataclasses, tuples, dates and enums rebuilt from plain
    values; values already of their type are kept. Fields missing from a dataclass's values
    (or None for a field that is not optional) take their defaults."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return from_plain(inner[0], value)
    if origin is tuple:
        return _tuple(typing.get_args(tp), value)
    if origin is dict:
        _key, inner = typing.get_args(tp)
        return {k: from_plain(inner, v) for k, v in value.items()}
    if dataclasses.is_dataclass(tp):
        return _dataclass(tp, value)
    return _scalar(tp, value)


def _tuple(args: tuple, value: Any) -> tuple:
    if len(args) == 2 and args[1] is Ellipsis:
        return tuple(from_plain(args[0], v) for v in value)
    return tuple(from_plain(a, v) for a, v in zip(args, value, strict=True))


def _dataclass(tp: type, value: Any) -> Any:
    if isinstance(value, tp):
        return value
    hints = _hints(tp)
    names = {f.name for f in dataclasses.fields(tp)}
    return tp(
        **{k: from_plain(hints[k], v) for k, v in value.items() if k in names and v is not None}
    )


def _scalar(tp: Any, value: Any) -> Any:
    if tp is datetime and isinstance(value, str):
        return datetime.fromisoformat(value)
    if tp is date and isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(tp, type) and issubclass(tp, enum.Enum) and not isinstance(value, tp):
        return tp(value)
    return value
