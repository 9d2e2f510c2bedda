"""Writing an event back as a programme file (format 2): importing it again changes nothing."""

from __future__ import annotations

from typing import Any

import tomli_w

from .filechecks import to_local
from .fileformat import FORMAT
from .models import Attribution, Event
from .texts import join


def export_programme(event: Event) -> str:
    """The event as a programme file in the current format: importing it back changes nothing.

    A partner's logo is written as the name of its file; `logo_files(event)` gives the files."""
    zone = event.zone
    document: dict[str, Any] = {"format": FORMAT}
    document["event"] = _without_defaults(
        {
            "slug": event.slug,
            "title": event.as_written("title"),
            "host": event.host,
            "timezone": event.timezone,
            "languages": list(event.languages or []),
            "starts": event.starts,
            "ends": event.ends,
            "attribution": ""
            if event.attribution == Attribution.NAMED
            else event.attribution.value,
            "audiences": [
                join(
                    audience,
                    (event.translations or {}).get("audiences", {}).get(audience),
                    event.primary_language,
                )
                for audience in event.audiences or []
            ],
            "venue": event.as_written("venue"),
            "format": event.format.value if event.format else "",
            "summary": event.as_written("summary"),
            "acknowledgements": event.as_written("acknowledgements"),
            "partners": [
                _without_defaults(
                    {"name": p.as_written("name"), "role": p.role.value, "logo": p.logo_name}
                )
                for p in event.partners
            ],
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
                "title": s.as_written("title"),
                "starts": to_local(s.starts_at, zone),
                "ends": to_local(s.ends_at, zone),
                "public": s.public,
                "cancelled": s.cancelled,
                "location": s.location,
                "join_url": s.join_url,
                "description": s.as_written("description"),
                "recordings": [
                    {"language": r.language, "url": r.url}
                    for r in sorted(s.recordings, key=lambda r: r.language)
                ],
                "bilateral": _window(s.bilateral_window),
            }
        )
        for s in sorted(event.sessions, key=lambda s: (s.starts_at, s.key))
    ]
    document["working_groups"] = [
        _without_defaults(
            {
                "key": wg.key,
                "title": wg.as_written("title"),
                "lead": [n.key for n in wg.lead_networks],
                "introduction": wg.as_written("introduction"),
                "background": wg.as_written("background"),
                "objectives": wg.as_written("objectives"),
                "guiding_questions": [q.as_written("text") for q in wg.guiding_questions],
            }
        )
        for wg in sorted(event.working_groups, key=lambda wg: (wg.position, wg.key))
    ]
    document = {name: value for name, value in document.items() if value != []}
    return tomli_w.dumps(document, multiline_strings=True)


def _window(window) -> dict | None:
    if window is None:
        return None
    return _without_defaults(
        {"slot_minutes": window.slot_minutes, "tables": window.tables, "call_url": window.call_url}
    )


def logo_files(event: Event) -> dict[str, bytes]:
    """The partners' logo files the export names, by the name it writes."""
    return {p.logo_name: p.logo for p in event.partners if p.logo_name and p.logo}


def _without_defaults(fields: dict[str, Any]) -> dict[str, Any]:
    """Optional fields at their default (empty text or list, false) are left out."""
    return {name: value for name, value in fields.items() if value not in ("", [], False, None)}
