"""Programme files, formats 1 and 2: read and check TOML into plain data (filedata.py).

Every problem is reported with its path in the file, and a file with any problem is refused whole.
Writing an event back is fileexport.py; each session's checks are filesessions.py.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import ngettext

from ..errors import Invalid
from ..i18n import valid_zone, zone_choices
from .filechecks import (
    BAD,
    Field,
    Problems,
    _wrong_type,
    a_date,
    a_datetime,
    a_text,
    boolean,
    choice,
    key,
    language,
    list_of,
    read_table,
    read_tables,
    unique_keys,
    url,
)
from .filedata import (
    EventData,
    NetworkData,
    PartnerData,
    Programme,
    RecordingData,
    SessionData,
    WorkingGroupData,
)
from .filesessions import build, check_session
from .filetexts import a_text_by_language, check_languages, check_row_languages
from .filewindows import check_bilateral
from .models import Attribution, EventFormat, PartnerRole, SessionKind

FORMAT = 2  # what the export writes
FORMATS = (1, 2)  # what the import reads: format 1 is format 2 without texts by language
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}
LOGO_MAX_BYTES = 1_000_000

__all__ = [
    "FORMAT",
    "EventData",
    "NetworkData",
    "PartnerData",
    "Programme",
    "RecordingData",
    "SessionData",
    "WorkingGroupData",
    "invalid",
    "parse_programme",
]


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
PARTNER_FIELDS = {
    "name": Field(a_text_by_language(300, nonempty=True), required=True),
    "role": Field(choice(PartnerRole), required=True),
    "logo": Field(a_text(300)),
}
EVENT_FIELDS = {
    "slug": Field(key(100), required=True),
    "title": Field(a_text_by_language(300, nonempty=True, one_line=True), required=True),
    "host": Field(a_text(300)),
    "timezone": Field(a_text(64, nonempty=True), required=True),
    "languages": Field(list_of(language)),
    "starts": Field(a_date, required=True),
    "ends": Field(a_date, required=True),
    "attribution": Field(choice(Attribution)),
    "audiences": Field(list_of(a_text_by_language(300, nonempty=True))),
    "summary": Field(a_text_by_language()),
    "venue": Field(a_text_by_language(300)),
    "format": Field(choice(EventFormat)),
    "partners": Field(as_written),
    "acknowledgements": Field(a_text_by_language()),
}
EVENT_TEXTS = ("title", "audiences", "summary", "venue", "acknowledgements")
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
    "title": Field(a_text_by_language(300, nonempty=True, one_line=True), required=True),
    "starts": Field(a_datetime, required=True),
    "ends": Field(a_datetime, required=True),
    "working_group": Field(key()),
    "public": Field(boolean),
    "description": Field(a_text_by_language()),
    "cancelled": Field(boolean),
    "location": Field(a_text(300)),
    "join_url": Field(url),
    "recordings": Field(as_written),
    "bilateral": Field(as_written),
}
SESSION_TEXTS = ("title", "description")
WORKING_GROUP_FIELDS = {
    "key": Field(key(), required=True),
    "title": Field(a_text_by_language(300, nonempty=True, one_line=True), required=True),
    "lead": Field(list_of(key())),
    "introduction": Field(a_text_by_language()),
    "background": Field(a_text_by_language()),
    "objectives": Field(a_text_by_language()),
    "guiding_questions": Field(list_of(a_text_by_language(nonempty=True), unique=False)),
}
WORKING_GROUP_TEXTS = ("title", "introduction", "background", "objectives", "guiding_questions")


def parse_programme(
    text: str, *, source: str = "<programme>", directory: Path | None = None
) -> Programme:
    """Read and check a programme file; raises Invalid listing every problem, each with its path.

    Partners' logo files are read relative to `directory` (the file's own folder)."""
    problems = Problems()
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        problems.append(_syntax_problem(str(error)))
        raise invalid(problems, source) from None
    top = read_table(problems, "", document, TOP_FIELDS)
    assert top is not None
    fmt = top.get("format", BAD)
    _check_format(problems, fmt)
    event, zone = _event(problems, top.get("event", BAD), fmt, directory)
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
        check_session(problems, path, values, zone, group_keys, languages)
        check_bilateral(problems, path, values, fmt)
    unique_keys(problems, session_rows)
    declared = event.languages if event else ()
    for rows, fields in ((group_rows, WORKING_GROUP_TEXTS), (session_rows, SESSION_TEXTS)):
        for path, values in rows:
            check_row_languages(problems, path, values, fields, declared, fmt)
    if problems:
        raise invalid(problems, source)
    return Programme(
        event=event,
        networks=tuple(build(NetworkData, values) for _path, values in network_rows),
        sessions=tuple(build(SessionData, values) for _path, values in session_rows),
        working_groups=tuple(build(WorkingGroupData, values) for _path, values in group_rows),
    )


def _check_format(problems: Problems, value: Any) -> None:
    if value is BAD:
        problems.add(
            "format", _("write format = %(format)d as the file's first line", format=FORMAT)
        )
    elif isinstance(value, bool) or not isinstance(value, int):
        _wrong_type(problems, "format", _("the number %(format)d", format=FORMAT), value)
    elif value not in FORMATS:
        problems.add(
            "format",
            _(
                "this file says format %(found)d, but EventHub reads formats 1 and %(format)d; "
                "write format = %(format)d and use the fields that format has",
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


def _event(
    problems: Problems, value: Any, fmt: Any, directory: Path | None
) -> tuple[EventData | None, ZoneInfo | None]:
    if value is BAD:
        return None, None
    values = read_table(problems, "event", value, EVENT_FIELDS)
    if values is None:
        return None, None
    languages = values.get("languages", ())
    check_row_languages(
        problems, "event", values, EVENT_TEXTS, () if languages is BAD else languages, fmt
    )
    if "partners" in values:
        values["partners"] = _partners(problems, values["partners"], languages, fmt, directory)
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
    return build(EventData, values), zone


def _partners(
    problems: Problems, value: Any, languages: Any, fmt: Any, directory: Path | None
) -> Any:
    if fmt == 1:
        problems.add("event.partners", _("partners need format = 2 at the top of the file"))
        return BAD
    rows = read_tables(problems, "event.partners", value, PARTNER_FIELDS)
    partners = []
    for path, values in rows:
        values["name"] = check_languages(
            problems,
            f"{path}.name",
            values.get("name", BAD),
            () if languages is BAD else languages,
            fmt,
        )
        if values.get("logo"):
            values["logo_bytes"] = _logo(problems, f"{path}.logo", values["logo"], directory)
        partners.append(build(PartnerData, values))
    if not isinstance(value, list) or len(rows) < len(value) or None in partners:
        return BAD
    return tuple(partners)


def _logo(problems: Problems, path: str, name: str, directory: Path | None) -> Any:
    """The logo file's bytes: a PNG or JPEG file beside the programme file (or below it)."""
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts:
        problems.add(
            path,
            _("“%(name)s”: give the logo's file name relative to the programme file", name=name),
        )
        return BAD
    if directory is None:
        problems.add(
            path,
            _("a logo file can only be read when the programme is imported from a file"),
        )
        return BAD
    file = directory / relative
    try:
        with file.open("rb") as handle:
            content = handle.read(LOGO_MAX_BYTES + 1)
    except OSError:
        problems.add(
            path,
            _(
                "there is no readable file “%(name)s” beside the programme file; put the logo "
                "there or correct its name",
                name=name,
            ),
        )
        return BAD
    if len(content) > LOGO_MAX_BYTES:
        problems.add(path, _("“%(name)s” is larger than 1 MB; use a smaller image", name=name))
        return BAD
    if not any(content.startswith(magic) for magic in LOGO_TYPES):
        problems.add(
            path, _("“%(name)s” is not a PNG or JPEG image; save the logo as one", name=name)
        )
        return BAD
    return content
