"""Programme files, format 1: read and check TOML into plain data, and write an event back as TOML."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import tomli_w
from flask_babel import gettext as _
from flask_babel import ngettext

from ..errors import Invalid
from ..i18n import valid_zone, zone_choices
from .filechecks import (
    BAD,
    AmbiguousTime,
    Field,
    NonExistentTime,
    Problems,
    _wrong_type,
    a_date,
    a_datetime,
    a_text,
    boolean,
    choice,
    from_local,
    key,
    language,
    list_of,
    read_table,
    read_tables,
    to_local,
    unique_keys,
    url,
)
from .models import Attribution, Event, SessionKind

FORMAT = 1


@dataclass(frozen=True)
class EventData:
    slug: str
    title: str
    timezone: str
    starts: date
    ends: date
    host: str = ""
    languages: tuple[str, ...] = ()
    attribution: Attribution = Attribution.NAMED
    audiences: tuple[str, ...] = ()
    summary: str = ""


@dataclass(frozen=True)
class NetworkData:
    key: str
    name: str
    acronym: str = ""
    region: str = ""


@dataclass(frozen=True)
class RecordingData:
    language: str
    url: str


@dataclass(frozen=True)
class SessionData:
    key: str
    kind: SessionKind
    title: str
    starts: datetime  # aware, UTC
    ends: datetime  # aware, UTC
    working_group: str | None = None
    public: bool = False
    description: str = ""
    cancelled: bool = False
    location: str = ""
    join_url: str = ""
    recordings: tuple[RecordingData, ...] = ()


@dataclass(frozen=True)
class WorkingGroupData:
    key: str
    title: str
    lead: tuple[str, ...] = ()
    introduction: str = ""
    background: str = ""
    objectives: str = ""
    guiding_questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Programme:
    event: EventData
    networks: tuple[NetworkData, ...]
    sessions: tuple[SessionData, ...]
    working_groups: tuple[WorkingGroupData, ...]


# ---------------------------------------------------------------------------------------------
# Format 1


def as_written(problems: Problems, path: str, value: Any) -> Any:
    """No check here: the value is a table (or tables) read field by field afterwards."""
    return value


TOP_FIELDS = {
    "format": Field(as_written, required=True),
    "event": Field(as_written, required=True),
    "networks": Field(as_written),
    "sessions": Field(as_written),
    "working_groups": Field(as_written),
}
EVENT_FIELDS = {
    "slug": Field(key(100), required=True),
    "title": Field(a_text(300, nonempty=True, one_line=True), required=True),
    "host": Field(a_text(300)),
    "timezone": Field(a_text(64, nonempty=True), required=True),
    "languages": Field(list_of(language)),
    "starts": Field(a_date, required=True),
    "ends": Field(a_date, required=True),
    "attribution": Field(choice(Attribution)),
    "audiences": Field(list_of(a_text(300, nonempty=True))),
    "summary": Field(a_text()),
}
NETWORK_FIELDS = {
    "key": Field(key(), required=True),
    "acronym": Field(a_text(64)),
    "name": Field(a_text(300, nonempty=True), required=True),
    "region": Field(a_text(200)),
}
RECORDING_FIELDS = {
    "language": Field(language, required=True),
    "url": Field(url, required=True),
}
SESSION_FIELDS = {
    "key": Field(key(), required=True),
    "kind": Field(choice(SessionKind), required=True),
    "title": Field(a_text(300, nonempty=True, one_line=True), required=True),
    "starts": Field(a_datetime, required=True),
    "ends": Field(a_datetime, required=True),
    "working_group": Field(key()),
    "public": Field(boolean),
    "description": Field(a_text()),
    "cancelled": Field(boolean),
    "location": Field(a_text(300)),
    "join_url": Field(url),
    "recordings": Field(as_written),
}
WORKING_GROUP_FIELDS = {
    "key": Field(key(), required=True),
    "title": Field(a_text(300, nonempty=True, one_line=True), required=True),
    "lead": Field(list_of(key())),
    "introduction": Field(a_text()),
    "background": Field(a_text()),
    "objectives": Field(a_text()),
    "guiding_questions": Field(list_of(a_text(nonempty=True), unique=False)),
}


def parse_programme(text: str, *, source: str = "<programme>") -> Programme:
    """Read and check a programme file; raises Invalid listing every problem, each with its path."""
    problems = Problems()
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        problems.append(_syntax_problem(str(error)))
        raise invalid(problems, source) from None
    top = read_table(problems, "", document, TOP_FIELDS)
    assert top is not None
    _check_format(problems, top.get("format", BAD))
    event, zone = _event(problems, top.get("event", BAD))
    network_rows = read_tables(problems, "networks", top.get("networks", []), NETWORK_FIELDS)
    group_rows = read_tables(
        problems, "working_groups", top.get("working_groups", []), WORKING_GROUP_FIELDS
    )
    session_rows = read_tables(problems, "sessions", top.get("sessions", []), SESSION_FIELDS)
    network_keys = unique_keys(problems, network_rows)
    group_keys = unique_keys(problems, group_rows)
    for path, values in group_rows:
        leads = values.get("lead", ())
        for i, lead in enumerate(() if leads is BAD else leads):
            if lead not in network_keys:
                problems.add(f"{path}.lead[{i}]", _unknown_network(lead, network_keys))
                values["lead"] = BAD
    languages = set(event.languages) if event else None
    for path, values in session_rows:
        _session(problems, path, values, zone, group_keys, languages)
    unique_keys(problems, session_rows)
    if problems:
        raise invalid(problems, source)
    return Programme(
        event=event,
        networks=_build_all(NetworkData, network_rows),
        sessions=_build_all(SessionData, session_rows),
        working_groups=_build_all(WorkingGroupData, group_rows),
    )


def _check_format(problems: Problems, value: Any) -> None:
    if value is BAD:
        problems.add(
            "format", _("write format = %(format)d as the file's first line", format=FORMAT)
        )
    elif isinstance(value, bool) or not isinstance(value, int):
        _wrong_type(problems, "format", _("the number %(format)d", format=FORMAT), value)
    elif value != FORMAT:
        problems.add(
            "format",
            _(
                "this file says format %(found)d, but EventHub reads format %(format)d; write "
                "format = %(format)d and use the fields that format has",
                found=value,
                format=FORMAT,
            ),
        )


def invalid(problems: Problems, source: str) -> Invalid:
    """The error that refuses a file, listing every problem in file order."""
    problems.sort(key=_file_order)
    message = ngettext(
        "%(source)s: %(num)d problem; nothing was imported.",
        "%(source)s: %(num)d problems; nothing was imported.",
        len(problems),
        source=source,
    )
    return Invalid(message, problems=list(problems))


SECTIONS = ("format", "event", "networks", "sessions", "working_groups")


def _file_order(problem: str) -> tuple:
    """Problems in the order of the file's sections, then by (numeric) index within them."""
    path = problem.split(":", 1)[0]
    section = path.split(".", 1)[0].split("[", 1)[0]
    rank = SECTIONS.index(section) if section in SECTIONS else -1
    parts = re.split(r"\[(\d+)\]", path)
    return (rank, [int(p) if i % 2 else p for i, p in enumerate(parts)])


def _syntax_problem(error: str) -> str:
    where = re.search(r"\(at line (\d+), column (\d+)\)", error)
    detail = error[: where.start()].strip() if where else error
    if where:
        line, column = int(where.group(1)), int(where.group(2))
        return _(
            "line %(line)d, column %(column)d: this is not valid TOML (%(detail)s); fix the "
            "text there, for example a missing quote, bracket or “=”",
            line=line,
            column=column,
            detail=detail,
        )
    return _("this is not valid TOML (%(detail)s); fix the file's syntax", detail=detail)


def _unknown_network(value: str, keys: set[str]) -> str:
    return _(
        "no network has the key “%(key)s”; add it under [[networks]] or use one of: %(keys)s",
        key=value,
        keys=", ".join(sorted(keys)) or "-",
    )


def _unknown_group(value: str, keys: set[str]) -> str:
    return _(
        "no working group has the key “%(key)s”; add it under [[working_groups]] or use one of: "
        "%(keys)s",
        key=value,
        keys=", ".join(sorted(keys)) or "-",
    )


def _event(problems: Problems, value: Any) -> tuple[EventData | None, ZoneInfo | None]:
    if value is BAD:
        return None, None
    values = read_table(problems, "event", value, EVENT_FIELDS)
    if values is None:
        return None, None
    zone = None
    name = values.get("timezone", BAD)
    if name is not BAD:
        zone = valid_zone(name)
        if zone is None:
            close = difflib.get_close_matches(name, zone_choices(), n=1)
            hint = close[0] if close else "Europe/Rome"
            problems.add(
                "event.timezone",
                _(
                    "“%(value)s” is not a time zone we know; use an IANA "
                    "name such as “%(example)s”",
                    value=name,
                    example=hint,
                ),
            )
            values["timezone"] = BAD
    starts, ends = values.get("starts", BAD), values.get("ends", BAD)
    if starts is not BAD and ends is not BAD and ends < starts:
        problems.add(
            "event.ends",
            _("ends before it starts (%(starts)s); check both dates", starts=starts.isoformat()),
        )
        values["ends"] = BAD
    return _build(EventData, values), zone


def _session(
    problems: Problems,
    path: str,
    values: dict,
    zone: ZoneInfo | None,
    group_keys: set[str],
    languages: set[str] | None,
) -> None:
    """Check one session's times, working group and recordings, in place."""
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
        problems.add(f"{path}.working_group", _unknown_group(group, group_keys))
        values["working_group"] = BAD
    if "recordings" in values:
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
                        "a recording in “%(language)s” is already listed "
                        "for this session; keep one",
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
        recordings = [_build(RecordingData, r) for _path, r in rows]
        bad = not isinstance(values["recordings"], list) or len(rows) < len(values["recordings"])
        if bad or None in recordings:
            values["recordings"] = BAD
        else:  # their order means nothing: kept by language, as the export writes them
            values["recordings"] = tuple(sorted(recordings, key=lambda r: r.language))


def _instant(problems: Problems, path: str, value: Any, zone: ZoneInfo | None) -> Any:
    """An aware UTC datetime: as written when it has an offset, else read in the event's zone."""
    if value is BAD:
        return BAD
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    if zone is None:
        return BAD  # the event's time zone is missing or wrong, and reported as such
    try:
        return from_local(value, zone)
    except NonExistentTime:
        before = value.replace(tzinfo=zone, fold=0)
        problems.add(
            path,
            _(
                "%(time)s does not exist in %(zone)s: the clocks go forward then; write "
                "another time, or give an explicit offset such as %(example)s",
                time=value.isoformat(),
                zone=zone.key,
                example=before.isoformat(),
            ),
        )
    except AmbiguousTime:
        first = value.replace(tzinfo=zone, fold=0).isoformat()
        second = value.replace(tzinfo=zone, fold=1).isoformat()
        problems.add(
            path,
            _(
                "%(time)s happens twice in %(zone)s: the clocks go back then; write it "
                "with an explicit offset, %(first)s for the first time or %(second)s "
                "for the second",
                time=value.isoformat(),
                zone=zone.key,
                first=first,
                second=second,
            ),
        )
    return BAD


def _build(cls: type, values: dict) -> Any:
    """The dataclass, or None when any value was refused."""
    if any(v is BAD for v in values.values()):
        return None
    return cls(**{name: value for name, value in values.items() if value is not None})


def _build_all(cls: type, rows: list[tuple[str, dict]]) -> tuple:
    return tuple(_build(cls, values) for _path, values in rows)


# ---------------------------------------------------------------------------------------------
# Writing


def export_programme(event: Event) -> str:
    """The event as a format 1 programme file: importing it back changes nothing."""
    zone = event.zone
    document: dict[str, Any] = {"format": FORMAT}
    document["event"] = _without_defaults(
        {
            "slug": event.slug,
            "title": event.title,
            "host": event.host,
            "timezone": event.timezone,
            "languages": list(event.languages or []),
            "starts": event.starts,
            "ends": event.ends,
            "attribution": ""
            if event.attribution == Attribution.NAMED
            else event.attribution.value,
            "audiences": list(event.audiences or []),
            "summary": event.summary,
        }
    )
    document["networks"] = [
        _without_defaults({"key": n.key, "acronym": n.acronym, "name": n.name, "region": n.region})
        for n in sorted(event.networks, key=lambda n: n.id)
    ]
    document["sessions"] = [
        _without_defaults(
            {
                "key": s.key,
                "kind": s.kind.value,
                "working_group": s.working_group.key if s.working_group else "",
                "title": s.title,
                "starts": to_local(s.starts_at, zone),
                "ends": to_local(s.ends_at, zone),
                "public": s.public,
                "cancelled": s.cancelled,
                "location": s.location,
                "join_url": s.join_url,
                "description": s.description,
                "recordings": [
                    {"language": r.language, "url": r.url}
                    for r in sorted(s.recordings, key=lambda r: r.language)
                ],
            }
        )
        for s in sorted(event.sessions, key=lambda s: (s.starts_at, s.key))
    ]
    document["working_groups"] = [
        _without_defaults(
            {
                "key": wg.key,
                "title": wg.title,
                "lead": [n.key for n in wg.lead_networks],
                "introduction": wg.introduction,
                "background": wg.background,
                "objectives": wg.objectives,
                "guiding_questions": [q.text for q in wg.guiding_questions],
            }
        )
        for wg in sorted(event.working_groups, key=lambda wg: (wg.position, wg.key))
    ]
    document = {name: value for name, value in document.items() if value != []}
    return tomli_w.dumps(document, multiline_strings=True)


def _without_defaults(fields: dict[str, Any]) -> dict[str, Any]:
    """Optional fields at their default (empty text or list, false) are left out."""
    return {name: value for name, value in fields.items() if value not in ("", [], False, None)}
