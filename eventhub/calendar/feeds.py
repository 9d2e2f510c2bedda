"""iCalendar (RFC 5545) feeds and invites, built by pure functions from plain data.

Nothing here touches the database, the request or the permission rules: the
service (`service.py`) decides what each viewer may see and hands over
`Entry` values; these functions only write them out with the `icalendar`
library, so they can be tested, benchmarked and reused by the CLI as they are.

Times are written in UTC (`DTSTART:20201025T080000Z`), never with a TZID.
Every client (Outlook, Google, Apple, Thunderbird, dateutil/vobject, `ics`)
reads a UTC instant the same way and shows it in the viewer's own zone, so a
session right after a clock change lands at the right local time whatever the
event's or the viewer's zone. A TZID would need a VTIMEZONE, and the one
`icalendar` writes by itself lists each transition as an RDATE, which
dateutil-based parsers and Outlook read one hour off after a change; writing
UTC removes that whole class of bug at no cost, because our sessions do not
recur (a recurrence rule is the one thing that would need a local zone).

DTSTAMP: in a published feed (no METHOD) RFC 5545 makes it the time the
information was last revised, so it is the session's `updated_at` and an
unchanged feed serialises to the same bytes; in an invite (METHOD:REQUEST or
CANCEL) it is the time the invite was made, as iTIP requires.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from icalendar import Calendar, Event, vCalAddress, vDDDTypes, vInt, vText, vUri
from icalendar.prop import vDuration

PRODID = "-//EventHub//Calendar feeds//EN"

# RFC 5545 §3.3.11: TEXT may hold no control characters other than HTAB (and escaped line breaks).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")
_UNSAFE_URI = re.compile(r"[\x00-\x20\x7f\"<>\\^`{|}]")
_UID_UNSAFE = re.compile(r"[^A-Za-z0-9._~-]")


@dataclass(frozen=True)
class Entry:
    """One session as a calendar sees it, already filtered for the viewer."""

    uid: str
    summary: str
    starts_at: datetime  # timezone-aware
    ends_at: datetime
    sequence: int
    created: datetime
    last_modified: datetime
    description: str = ""
    url: str = ""
    location: str = ""
    cancelled: bool = False
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feed:
    """A published calendar (a subscription or a download)."""

    name: str
    entries: list[Entry] = field(default_factory=list)
    description: str = ""
    # How often subscribed clients should poll (RFC 7986 REFRESH-INTERVAL).
    refresh: timedelta = timedelta(hours=1)


@dataclass(frozen=True)
class Party:
    """An organiser or attendee of an invite."""

    email: str
    name: str = ""


def session_uid(event_slug: str, session_key: str) -> str:
    """The UID of a session: the same across exports, re-imports and edits (never the DB id)."""
    return f"{_UID_UNSAFE.sub('-', session_key)}.{_UID_UNSAFE.sub('-', event_slug)}@eventhub"


def one_line(text: str) -> str:
    """A single-line TEXT value: line breaks become spaces, control characters go."""
    return _CONTROL.sub("", _LINE_BREAKS.sub(" ", text or "")).strip()


def multi_line(text: str) -> str:
    """A multi-line TEXT value with plain `\\n` breaks (icalendar escapes them as `\\n`)."""
    return _CONTROL.sub("", _LINE_BREAKS.sub("\n", text or "")).strip()


def safe_uri(url: str) -> str:
    """The URL when it cannot break a content line, else nothing (URIs are not escaped in iCalendar)."""
    url = (url or "").strip()
    if not url or _UNSAFE_URI.search(url):
        return ""
    return url


def _utc(instant: datetime) -> vDDDTypes:
    if instant.tzinfo is None:
        raise ValueError(f"naive datetime {instant!r} in a calendar entry")
    return vDDDTypes(instant.astimezone(UTC).replace(microsecond=0))


def _vevent(entry: Entry, *, stamp: datetime | None) -> Event:
    # Properties are set with their types directly: icalendar's add() guesses types, and on a
    # feed of a thousand sessions the guessing costs more than the writing.
    vevent = Event()
    vevent["UID"] = vText(entry.uid)
    vevent["DTSTAMP"] = _utc(stamp or entry.last_modified)
    vevent["DTSTART"] = _utc(entry.starts_at)
    vevent["DTEND"] = _utc(entry.ends_at)
    vevent["SEQUENCE"] = vInt(entry.sequence)
    vevent["CREATED"] = _utc(entry.created)
    vevent["LAST-MODIFIED"] = _utc(entry.last_modified)
    vevent["SUMMARY"] = vText(one_line(entry.summary))
    description = multi_line(entry.description)
    if description:
        vevent["DESCRIPTION"] = vText(description)
    # Never the video call (calendar.service): a feed is read at any time, by any app.
    location = one_line(entry.location)
    if location:
        vevent["LOCATION"] = vText(location)
    url = safe_uri(entry.url)
    if url:
        vevent["URL"] = vUri(url)
    if entry.categories:
        vevent.add("CATEGORIES", [one_line(c) for c in entry.categories if one_line(c)])
    vevent["STATUS"] = vText("CANCELLED" if entry.cancelled else "CONFIRMED")
    # A cancelled session no longer takes up her time (Outlook shows it free).
    vevent["TRANSP"] = vText("TRANSPARENT" if entry.cancelled else "OPAQUE")
    return vevent


def _calendar(name: str, description: str = "", method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar["PRODID"] = vText(PRODID)
    calendar["VERSION"] = vText("2.0")
    calendar["CALSCALE"] = vText("GREGORIAN")
    if method:
        calendar["METHOD"] = vText(method)
    name = one_line(name)
    if name:
        calendar["NAME"] = vText(name)  # RFC 7986
        calendar["X-WR-CALNAME"] = vText(name)  # Apple, Google, Outlook
    description = multi_line(description)
    if description:
        calendar["X-WR-CALDESC"] = vText(description)
    return calendar


def build_feed(feed: Feed) -> bytes:
    """A published VCALENDAR (no METHOD) with one VEVENT per entry, cancelled ones included."""
    calendar = _calendar(feed.name, feed.description)
    calendar.add("REFRESH-INTERVAL", vDuration(feed.refresh), parameters={"VALUE": "DURATION"})
    calendar["X-PUBLISHED-TTL"] = vDuration(feed.refresh)
    # The same bytes icalendar writes for the whole calendar, with each VEVENT taken from the
    # memo below: a feed is mostly unchanged between two polls, and writing (line folding above
    # all) is nine tenths of the cost of a feed.
    head = calendar.to_ical()
    assert head.endswith(_END_CALENDAR)
    return b"".join([head[: -len(_END_CALENDAR)], *map(_vevent_ical, feed.entries), _END_CALENDAR])


_END_CALENDAR = b"END:VCALENDAR\r\n"


@lru_cache(maxsize=20_000)
def _vevent_ical(entry: Entry) -> bytes:
    """One published VEVENT, written by icalendar; memoised on the entry's full content."""
    return _vevent(entry, stamp=None).to_ical()


def build_invite(
    entry: Entry, *, organizer: Party, attendees: Iterable[Party], stamp: datetime, name: str = ""
) -> bytes:
    """An iTIP invite (RFC 5546): METHOD:REQUEST, or METHOD:CANCEL for a cancelled session.

    An update is simply a new invite with the same UID and a higher SEQUENCE.
    """
    method = "CANCEL" if entry.cancelled else "REQUEST"
    calendar = _calendar(name, method=method)
    vevent = _vevent(entry, stamp=stamp)
    vevent.add("ORGANIZER", _address(organizer))
    for attendee in attendees:
        address = _address(attendee)
        address.params.update(
            {
                "ROLE": "REQ-PARTICIPANT",
                "CUTYPE": "INDIVIDUAL",
                "PARTSTAT": "NEEDS-ACTION",
                "RSVP": "FALSE",
            }
        )
        vevent.add("ATTENDEE", address)
    calendar.add_component(vevent)
    return calendar.to_ical()


def _address(party: Party) -> vCalAddress:
    email = one_line(party.email)
    if not email or _UNSAFE_URI.search(email) or ":" in email:
        raise ValueError(f"not an e-mail address for a calendar: {party.email!r}")
    address = vCalAddress(f"mailto:{email}")
    # A parameter value cannot hold a double quote; RFC 6868's ^' escape is not read everywhere.
    name = one_line(party.name).replace('"', "'")
    if name:
        address.params["CN"] = name  # icalendar quotes it when it holds , ; or :
    return address
