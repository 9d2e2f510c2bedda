"""Booked, moved and cancelled bilaterals reach calendars as meeting requests, like session invites."""

from __future__ import annotations

import icalendar

from eventhub.bilaterals import booking, service
from tests.smtp import mail_server

from .conftest import NOW, slot


def _structure(message) -> list:
    """The MIME tree as nested (content type, disposition) pairs."""
    if message.is_multipart():
        return [message.get_content_type(), [_structure(p) for p in message.iter_parts()]]
    return (message.get_content_type(), message.get_content_disposition())


def _parts(message):
    """(text, inline calendar, attached calendar) of a meeting request."""
    alternative, attached = message.get_payload()
    text, inline = alternative.get_payload()
    return text, inline, attached


def _calendar(part) -> icalendar.Calendar:
    content = part.get_content()
    return icalendar.Calendar.from_ical(content if isinstance(content, bytes) else content.encode())


def _vevent(part):
    (vevent,) = _calendar(part).walk("VEVENT")
    return vevent


def test_booked_moved_and_cancelled_bilaterals_are_meeting_requests(
    app, db, event, window, person, make_person, add_member
):
    amina = person("Europe/Paris", name="Amina", language="fr")
    liza = person("Asia/Manila", name="Liza", language="en")
    organiser = make_person()
    add_member(organiser, event, "organiser")
    asked = service.ask(event, amina, invitee=liza, window=window, slots=[slot(1)], now=NOW)
    db.session.commit()
    uid = f"bilateral-{asked.id}.{event.slug}@eventhub"

    with mail_server(app) as server:
        booking.accept(asked, liza, slot_id=asked.current_slots[0].id, now=NOW)
        db.session.commit()
        assert server.recipients() == sorted([amina.email, liza.email])
        booked = server.to(amina.email)
        assert _structure(booked) == [
            "multipart/mixed",
            [
                ["multipart/alternative", [("text/plain", None), ("text/calendar", None)]],
                ("application/ics", "attachment"),
            ],
        ]
        text, inline, attached = _parts(booked)
        assert inline.get_param("method") == "REQUEST"
        assert _calendar(inline)["METHOD"] == "REQUEST"
        assert attached.get_filename() == "bilateral.ics"
        assert _calendar(attached).to_ical() == _calendar(inline).to_ical()
        vevent = _vevent(inline)
        assert str(vevent["UID"]) == uid
        assert int(vevent["SEQUENCE"]) == 1
        assert vevent["TRANSP"] == "OPAQUE"
        assert str(vevent["ATTENDEE"]) == f"mailto:{amina.email}"  # only her, never the other
        assert vevent.decoded("DTSTART") == slot(1)[0]
        # Her text, in French, its times in Paris (13:30 UTC is 14:30 there) as France writes them.
        assert booked["Subject"] == (
            f"La réunion bilatérale avec Liza est confirmée ({event.title})"
        )
        body = text.get_content()
        assert "lundi 4 mars 2030, 14:30–15:00 (heure normale d’Europe centrale)" in body
        # Liza reads English, in Manila's time (21:30), and gets the same entry.
        liza_text, liza_inline, _attached = _parts(server.to(liza.email))
        assert "Monday, March 4, 2030, 9:30\u202fPM–10:00\u202fPM" in liza_text.get_content()
        assert str(_vevent(liza_inline)["UID"]) == uid

        server.received.clear()
        booking.organiser_move(asked, organiser, starts=slot(3)[0], place="Table 2", now=NOW)
        db.session.commit()
        _text, inline, _attached = _parts(server.to(amina.email))
        assert inline.get_param("method") == "REQUEST"
        moved = _vevent(inline)
        assert str(moved["UID"]) == uid
        assert int(moved["SEQUENCE"]) == 2
        assert moved.decoded("DTSTART") == slot(3)[0]

        server.received.clear()
        booking.cancel(asked, liza, now=NOW, message="Flight delayed")
        db.session.commit()
        assert server.recipients() == sorted([amina.email, liza.email])
        for _rcpt, message in server.received:
            _text, inline, attached = _parts(message)
            assert inline.get_param("method") == "CANCEL"
            assert _calendar(inline)["METHOD"] == "CANCEL"
            assert _calendar(attached)["METHOD"] == "CANCEL"
            cancelled = _vevent(inline)
            assert str(cancelled["UID"]) == uid
            assert int(cancelled["SEQUENCE"]) == 3
            assert cancelled["STATUS"] == "CANCELLED" and cancelled["TRANSP"] == "TRANSPARENT"


def test_a_request_not_yet_booked_carries_no_calendar(app, db, event, window, person):
    amina, liza = person(), person()
    with mail_server(app) as server:
        service.ask(event, amina, invitee=liza, window=window, slots=[slot(0)], now=NOW)
        db.session.commit()
    message = server.to(liza.email)
    assert _structure(message) == ("text/plain", None)
