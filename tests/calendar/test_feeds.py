"""The pure feed builder: escaping, folding, UIDs, invites, read back by independent parsers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import vobject

from eventhub.calendar.feeds import Entry, Feed, Party, build_feed, build_invite, session_uid

START = datetime(2020, 10, 25, 1, 30, tzinfo=UTC)
HOSTILE = "Peace, justice; and\\ more\r\nDTSTART:19990101T000000Z\rATTENDEE:mailto:x@evil.example"


def _entry(**fields) -> Entry:
    values = dict(
        uid=session_uid("ev", "s1"),
        summary="Session",
        starts_at=START,
        ends_at=START + timedelta(hours=2),
        sequence=0,
        created=START,
        last_modified=START,
    )
    values.update(fields)
    return Entry(**values)


def test_uid_is_built_from_slug_and_key():
    assert session_uid("ga-2020", "wg1-meeting-1") == "wg1-meeting-1.ga-2020@eventhub"


def test_uid_cannot_carry_separators():
    assert session_uid("ev", "a;b:c\r\n") == "a-b-c--.ev@eventhub"


def test_hostile_title_is_escaped_and_injects_nothing(parse):
    text = build_feed(Feed(name="Cal", entries=[_entry(summary=HOSTILE)])).decode()
    parsed = parse(text)
    (entry,) = parsed.values()
    assert entry.summary.startswith("Peace, justice; and\\ more")
    assert entry.start == START  # the injected DTSTART did not win
    assert "\r\nDTSTART:1999" not in text and "\r\nATTENDEE" not in text
    assert text.count("BEGIN:VEVENT") == 1


def test_hostile_description_keeps_its_lines_as_text(parse):
    text = build_feed(Feed(name="Cal", entries=[_entry(description=HOSTILE)])).decode()
    (entry,) = parse(text).values()
    assert "DTSTART:19990101T000000Z" in entry.description
    assert entry.description.count("\n") == 2
    assert "\r\nDTSTART:1999" not in text


def test_long_lines_are_folded_at_75_octets():
    title = "Très long titre, avec des virgules; et des accents é ü ش " * 8
    body = build_feed(Feed(name="Cal", entries=[_entry(summary=title)]))
    lines = body.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)
    # Folding never splits a UTF-8 character.
    for line in lines:
        line.decode("utf-8")
    parsed = vobject.readOne(body.decode())
    assert parsed.vevent.summary.value == title.strip()


def test_url_that_could_break_a_line_is_dropped():
    text = build_feed(Feed(name="Cal", entries=[_entry(url="https://x.org/\r\nX-EVIL:1")])).decode()
    assert "X-EVIL" not in text and "URL:" not in text


def test_feed_without_changes_serialises_identically():
    feed = Feed(name="Cal", entries=[_entry()])
    assert build_feed(feed) == build_feed(feed)


def test_cancelled_entry_is_kept_with_status_cancelled(parse):
    (entry,) = parse(
        build_feed(Feed(name="Cal", entries=[_entry(cancelled=True)])).decode()
    ).values()
    assert entry.status == "CANCELLED"


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        build_feed(Feed(name="Cal", entries=[_entry(starts_at=datetime(2020, 1, 1))]))


def test_invite_is_a_request_with_organiser_and_attendee():
    body = build_invite(
        _entry(sequence=3),
        organizer=Party("org@example.org", "Org, One"),
        attendees=[Party("amina@example.org", "Amina; A.")],
        stamp=START,
    )
    calendar = vobject.readOne(body.decode())
    assert calendar.method.value == "REQUEST"
    event = calendar.vevent
    assert event.organizer.value == "mailto:org@example.org"
    assert event.attendee.value == "mailto:amina@example.org"
    assert event.attendee.params["CN"] == ["Amina; A."]
    assert event.sequence.value == "3"


def test_invite_for_cancelled_session_is_a_cancel():
    body = build_invite(
        _entry(cancelled=True),
        organizer=Party("o@example.org"),
        attendees=[Party("a@example.org")],
        stamp=START,
    )
    calendar = vobject.readOne(body.decode())
    assert calendar.method.value == "CANCEL"
    assert calendar.vevent.status.value == "CANCELLED"


def test_invite_refuses_address_that_could_inject():
    with pytest.raises(ValueError):
        build_invite(
            _entry(),
            organizer=Party("o@example.org"),
            attendees=[Party("a@example.org\r\nX-EVIL:1")],
            stamp=START,
        )


def test_feed_is_byte_for_byte_what_icalendar_writes_for_the_whole_calendar():
    from icalendar import Calendar

    entries = [
        _entry(uid=session_uid("ev", f"s{n}"), summary=f"Session {n}; long " * 9) for n in range(3)
    ]
    body = build_feed(Feed(name="Cal", entries=entries))
    body_again = build_feed(Feed(name="Cal", entries=entries))  # from the memo this time
    assert body == body_again
    assert Calendar.from_ical(body).to_ical() == body
