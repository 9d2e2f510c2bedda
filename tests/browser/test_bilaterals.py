"""In a real browser: Manila asks New York for a bilateral in a Vienna window; both see it on
My agenda at their own local time and in their personal feeds; a cancellation reaches both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import requests
import vobject
from babel.dates import format_time

from eventhub.programme import windows
from eventhub.programme.models import Session, SessionKind

from .conftest import PHONE, screenshot, sign_in, visible_text

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.fresh_database]

PURPOSE = "Early-warning networks in South-East Asia"


@pytest.fixture
def vienna(make_event, make_person, add_member, db):
    event = make_event(timezone="Europe/Vienna")
    # A window a few days ahead (the server runs on the real clock): 13:00–15:00 UTC.
    day = (datetime.now(UTC) + timedelta(days=3)).replace(
        hour=13, minute=0, second=0, microsecond=0
    )
    window_session = Session(
        key="bilaterals",
        kind=SessionKind.BILATERAL,
        title="Bilateral meetings",
        starts_at=day,
        ends_at=day + timedelta(hours=2),
        location="Hofburg",
    )
    event.sessions.append(window_session)
    db.session.flush()
    windows.set_window(window_session, slot_minutes=30, tables=["Table 1", "Table 2"])
    liza = make_person(
        "liza@example.org", name="Liza Manalo", timezone="Asia/Manila", language="en"
    )
    organiser = make_person("org@example.org", name="Olga Organiser", timezone="Europe/Vienna")
    add_member(organiser, event, "organiser")
    maria = make_person(
        "maria@example.org", name="Maria Lopez", timezone="America/New_York", language="en"
    )
    for person in (liza, maria):
        add_member(person, event, "participant")
        person.regenerate_calendar_token()
    db.session.commit()
    return {"event": event, "start": day, "liza": liza, "maria": maria, "organiser": organiser}


def _clock(instant: datetime, zone: str) -> str:
    return format_time(instant, format="short", tzinfo=ZoneInfo(zone), locale="en").replace(
        "\u202f", " "
    )


def _feed(url: str, token: str) -> bytes:
    response = requests.get(f"{url}/calendar/{token}.ics", timeout=10)
    assert response.status_code == 200
    return response.content


def _bilateral_in(feed: bytes):
    """The bilateral as icalendar and as vobject read it: (dtstart, status, sequence) each."""
    parsed = icalendar.Calendar.from_ical(feed)
    ours = [e for e in parsed.walk("VEVENT") if str(e["UID"]).startswith("bilateral-")]
    assert len(ours) == 1
    one = ours[0]
    by_icalendar = (one.decoded("DTSTART"), str(one["STATUS"]), int(one["SEQUENCE"]))
    other = vobject.readOne(feed.decode())
    found = [v for v in other.vevent_list if v.uid.value.startswith("bilateral-")]
    assert len(found) == 1
    v = found[0]
    by_vobject = (v.dtstart.value, v.status.value, int(v.sequence.value))
    assert by_icalendar == by_vobject
    return by_icalendar


def test_manila_and_new_york_arrange_a_bilateral_in_a_vienna_window(browser, server, vienna):
    event, start = vienna["event"], vienna["start"]
    liza, maria = vienna["liza"], vienna["maria"]
    slot = start + timedelta(minutes=30)  # the second slot: 13:30 UTC
    live = server()

    # Liza, in Manila, on her phone: asks Maria for the 13:30 UTC slot.
    asking = browser(timezone_id="Asia/Manila", viewport=PHONE)
    sign_in(asking, live.url, liza.email)
    asking.goto(f"{live.url}/e/{event.slug}/bilaterals/new")
    asking.select_option("#with", label="Maria Lopez")
    asking.select_option("#where", index=1)
    asking.click("#ask-whom button[type=submit]")
    labels = visible_text(asking, "form.stacked:not(#ask-whom)")
    # Each slot in her zone, Maria's and the event's.
    assert _clock(slot, "Asia/Manila") in labels
    assert f"Maria Lopez: {_clock(slot, 'America/New_York')}" in labels
    assert f"(Vienna {_clock(slot, 'Europe/Vienna')})" in labels
    screenshot(asking, "bilateral-ask-phone")
    asking.check(f"input[name=slots][value='{int(slot.timestamp())}']")
    asking.fill("#purpose", PURPOSE)
    asking.click("text=Send the request")
    assert "Your request is sent" in visible_text(asking)

    # Maria, in New York: sees it waiting, accepts the one time proposed.
    answering = browser(timezone_id="America/New_York")
    sign_in(answering, live.url, maria.email)
    answering.goto(f"{live.url}/e/{event.slug}/")
    answering.click("nav.event-nav >> text=Bilateral meetings")
    assert "Waiting for your answer" in visible_text(answering)
    answering.click("text=Meeting with Liza Manalo")
    assert PURPOSE in visible_text(answering)
    screenshot(answering, "bilateral-answer-desktop")
    answering.check("input[name=accept-slot]")
    answering.click("text=Accept this time")
    assert "The meeting is booked" in visible_text(answering)

    # Both see it on My agenda at their own local time, with Vienna's clock beside it.
    for page, zone, name in (
        (asking, "Asia/Manila", "Maria Lopez"),
        (answering, "America/New_York", "Liza Manalo"),
    ):
        page.goto(f"{live.url}/agenda")
        text = visible_text(page)
        assert f"Bilateral meeting with {name}" in text
        assert f"{_clock(slot, zone)}–{_clock(slot + timedelta(minutes=30), zone)}" in text
        assert f"(Vienna {_clock(slot, 'Europe/Vienna')}" in text
    screenshot(asking, "agenda-manila-phone")
    screenshot(answering, "agenda-new-york-desktop")

    # Their feeds carry it, at the same instant for both parsers.
    booked = {}
    for person in (liza, maria):
        dtstart, status, sequence = _bilateral_in(_feed(live.url, person.calendar_token))
        assert dtstart == slot and status == "CONFIRMED"
        booked[person.id] = sequence

    # The organisers see the table schedule, in Vienna's time.
    organising = browser(timezone_id="Europe/Vienna", viewport=PHONE)
    sign_in(organising, live.url, vienna["organiser"].email)
    organising.goto(f"{live.url}/e/{event.slug}/bilaterals/schedule")
    text = visible_text(organising)
    assert "Liza Manalo · Maria Lopez" in text and "Table 1" in text
    assert _clock(slot, "Europe/Vienna") in text
    screenshot(organising, "bilateral-schedule-phone")
    organising.click("text=Liza Manalo · Maria Lopez")
    assert "Move the meeting" in visible_text(organising)
    screenshot(organising, "bilateral-organiser-phone")

    # Maria cancels: both feeds say CANCELLED, with a higher SEQUENCE.
    answering.goto(f"{live.url}/e/{event.slug}/bilaterals")
    answering.click("text=Meeting with Liza Manalo")
    answering.click("summary:has-text('Cancel this meeting')")
    answering.fill("#cancel-message", "My flight was moved.")
    answering.click("button:has-text('Cancel the meeting')")
    assert "The meeting is cancelled" in visible_text(answering)
    for person in (liza, maria):
        dtstart, status, sequence = _bilateral_in(_feed(live.url, person.calendar_token))
        assert dtstart == slot and status == "CANCELLED"
        assert sequence > booked[person.id]

    # In Arabic, right to left, on a phone.
    asking.goto(f"{live.url}/agenda")
    asking.select_option("#language-select", "ar")
    asking.wait_for_selector("html[dir=rtl]")
    screenshot(asking, "agenda-arabic-phone")
    asking.goto(f"{live.url}/e/{event.slug}/bilaterals")
    screenshot(asking, "bilaterals-arabic-phone")
