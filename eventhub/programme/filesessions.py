"""Programme files: checking each session's times (read in the event's zone), working group and
recordings."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from ..errors import Invalid
from ..plain import from_plain
from .filechecks import (
    BAD,
    Field,
    Problems,
    instant_in,
    language,
    read_tables,
    to_local,
    url,
)
from .filedata import RecordingData
from .models import SessionKind

RECORDING_FIELDS = {
    "language": Field(language, required=True),
    "url": Field(url, required=True),
}


def unknown_group(value: str, keys: set[str]) -> str:
    return _(
        "no working group has the key “%(key)s”; add it under [[working_groups]] or use one of: "
        "%(keys)s",
        key=value,
        keys=", ".join(sorted(keys)) or "-",
    )


def check_session(
    problems: Problems,
    path: str,
    values: dict,
    zone: ZoneInfo | None,
    group_keys: set[str],
    languages: set[str] | None,
) -> None:
    """Check one session's times, working group and recordings, in place."""
    _check_times(problems, path, values, zone)
    _check_group(problems, path, values, group_keys)
    if "recordings" in values:
        _check_recordings(problems, path, values, languages)


def _check_times(problems: Problems, path: str, values: dict, zone: ZoneInfo | None) -> None:
    """Read starts and ends in the event's zone; a session ends after it starts."""
    written = values.get("starts", BAD), values.get("ends", BAD)
    for name in ("starts", "ends"):
        values[name] = _instant(problems, f"{path}.{name}", values.get(name, BAD), zone)
    starts, ends = values["starts"], values["ends"]
    if zone is None and all(v is not BAD and v.tzinfo is None for v in written):
        starts, ends = written  # no zone to read them in, but their order can still be checked
    if starts is not BAD and ends is not BAD:
        if ends < starts:
            problems.add(
                f"{path}.ends",
                _(
                    "ends before it starts (%(starts)s); check the date and the time",
                    starts=(to_local(starts, zone) if zone else starts).isoformat(),
                ),
            )
            values["ends"] = BAD
        elif ends == starts:
            problems.add(
                f"{path}.ends", _("ends at the moment it starts; give the session a duration")
            )
            values["ends"] = BAD


def _check_group(problems: Problems, path: str, values: dict, group_keys: set[str]) -> None:
    """A working-group session names its group; no other kind does."""
    kind, group = values.get("kind", BAD), values.get("working_group")
    if kind == SessionKind.WORKING_GROUP and group is None:
        problems.add(
            f"{path}.working_group",
            _("missing; a session of kind “working-group” names its working group's key"),
        )
        values["kind"] = BAD
    elif kind is not BAD and kind != SessionKind.WORKING_GROUP and group not in (None, BAD):
        problems.add(
            f"{path}.working_group",
            _(
                "only sessions of kind “working-group” belong to a "
                "working group; remove this line or set kind = "
                "“working-group”"
            ),
        )
        values["working_group"] = BAD
    elif group not in (None, BAD) and group not in group_keys:
        problems.add(f"{path}.working_group", unknown_group(group, group_keys))
        values["working_group"] = BAD


def _check_recordings(
    problems: Problems, path: str, values: dict, languages: set[str] | None
) -> None:
    """One recording per language, each in one of the event's languages."""
    rows = read_tables(problems, f"{path}.recordings", values["recordings"], RECORDING_FIELDS)
    seen: set[str] = set()
    for where, recording in rows:
        lang = recording.get("language", BAD)
        if lang is BAD:
            continue
        if lang in seen:
            problems.add(
                f"{where}.language",
                _(
                    "a recording in “%(language)s” is already listed for this session; keep one",
                    language=lang,
                ),
            )
            recording["language"] = BAD
        elif languages is not None and lang not in languages:
            problems.add(
                f"{where}.language",
                _(
                    "“%(language)s” is not one of the event's "
                    "languages; add it to [event] languages",
                    language=lang,
                ),
            )
            recording["language"] = BAD
        seen.add(lang)
    recordings = [build(RecordingData, r) for _path, r in rows]
    bad = not isinstance(values["recordings"], list) or len(rows) < len(values["recordings"])
    if bad or None in recordings:
        values["recordings"] = BAD
    else:  # their order means nothing: kept by language, as the export writes them
        values["recordings"] = tuple(sorted(recordings, key=lambda r: r.language))


def _instant(problems: Problems, path: str, value: Any, zone: ZoneInfo | None) -> Any:
    """An aware UTC datetime: as written when it has an offset, else read in the event's zone."""
    if value is BAD:
        return BAD
    if value.tzinfo is None and zone is None:
        return BAD  # the event's time zone is missing or wrong, and reported as such
    try:
        return instant_in(value, zone)
    except Invalid as error:  # a time the clocks skip or repeat: the forms' own message
        problems.add(path, error.message)
        return BAD


def build(cls: type, values: dict) -> Any:
    """The dataclass from a table's checked values, or None when any value was refused."""
    if any(v is BAD for v in values.values()):
        return None
    return from_plain(cls, values)
