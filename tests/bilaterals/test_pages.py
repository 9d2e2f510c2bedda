"""Bilateral pages over HTTP: ask, answer, cancel; privacy on every page, feed, export and report."""

from __future__ import annotations

import re
from datetime import timedelta

import icalendar
import pytest

from eventhub.bilaterals import booking, service
from eventhub.bilaterals.models import Bilateral, BilateralState
from eventhub.calendar import service as calendar
from eventhub.programme.fileexport import export_programme
from eventhub.timestamps import utcnow
from tests.smtp import mail_server

from .conftest import slot

PURPOSE = "Protection roster for mediators in the Sahel"


@pytest.fixture
def future_window(event, window, db):
    """Move the window to tomorrow, so the pages (which use the real clock) offer its slots."""
    session = window.session
    start = (utcnow() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    session.starts_at, session.ends_at = start, start + timedelta(hours=2)
    db.session.commit()
    return window


def _csrf_free(app):
    app.config["WTF_CSRF_ENABLED"] = False


def test_ask_accept_and_cancel_through_the_pages(
    app, db, client, event, future_window, person, login
):
    _csrf_free(app)
    amina, liza = person(), person("Asia/Manila")
    login(amina)
    page = client.get(f"/e/{event.slug}/bilaterals/new?with=p{liza.id}&where=w{future_window.id}")
    assert page.status_code == 200
    values = re.findall(r'name="slots" type="checkbox" value="(\d+)"', page.get_data(as_text=True))
    assert len(values) == 4  # two hours of 30-minute slots
    answer = client.post(
        f"/e/{event.slug}/bilaterals/new",
        data={
            "with": f"p{liza.id}",
            "where": f"w{future_window.id}",
            "slots": values[:2],
            "purpose": PURPOSE,
        },
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    asked = db.session.scalar(db.select(Bilateral))
    assert asked.state == BilateralState.PENDING and len(asked.current_slots) == 2

    client.post("/logout")
    login(liza)
    listing = client.get(f"/e/{event.slug}/bilaterals").get_data(as_text=True)
    assert "Waiting for your answer" in listing and amina.public_name in listing
    detail = client.get(f"/e/{event.slug}/bilaterals/{asked.id}")
    assert PURPOSE in detail.get_data(as_text=True)
    chosen = asked.current_slots[1].id
    done = client.post(
        f"/e/{event.slug}/bilaterals/{asked.id}/accept", data={"accept-slot": str(chosen)}
    )
    assert done.status_code == 302
    db.session.refresh(asked)
    assert asked.state == BilateralState.ACCEPTED and asked.place == "Table 1"

    agenda = client.get("/agenda").get_data(as_text=True)
    assert f"Bilateral meeting with {amina.public_name}" in agenda

    cancelled = client.post(
        f"/e/{event.slug}/bilaterals/{asked.id}/cancel", data={"cancel-message": "Sorry"}
    )
    assert cancelled.status_code == 302
    db.session.refresh(asked)
    assert asked.state == BilateralState.CANCELLED and asked.sequence == 2


@pytest.fixture
def booked(db, event, window, person, make_person, add_member):
    """A booked bilateral between two participants, plus an outsider, an organiser and an observer."""
    amina, liza, outsider = person(), person(), person()
    organiser = make_person()
    add_member(organiser, event, "organiser")
    observer = make_person()
    add_member(observer, event, "observer")
    now = slot(0)[0] - timedelta(days=10)
    asked = service.ask(
        event, amina, invitee=liza, window=window, slots=[slot(1)], purpose=PURPOSE, now=now
    )
    booking.accept(asked, liza, slot_id=asked.current_slots[0].id, now=now)
    db.session.commit()
    return {
        "bilateral": asked,
        "amina": amina,
        "liza": liza,
        "outsider": outsider,
        "organiser": organiser,
        "observer": observer,
    }


def test_only_the_two_parties_and_organisers_see_a_bilateral(client, event, booked, login):
    url = f"/e/{event.slug}/bilaterals/{booked['bilateral'].id}"
    for who, status in (
        ("amina", 200),
        ("liza", 200),
        ("organiser", 200),
        ("outsider", 403),
        ("observer", 403),
    ):
        client.post("/logout")
        login(booked[who])
        response = client.get(url)
        assert response.status_code == status, who
        listing = client.get(f"/e/{event.slug}/bilaterals")
        if who in ("outsider", "observer"):
            assert PURPOSE not in listing.get_data(as_text=True)
    client.post("/logout")
    assert client.get(url).status_code in (302, 401)


def test_the_organiser_sees_the_table_schedule_and_others_do_not(client, event, booked, login):
    login(booked["organiser"])
    page = client.get(f"/e/{event.slug}/bilaterals/schedule").get_data(as_text=True)
    assert booked["amina"].public_name in page and "Table 1" in page
    client.post("/logout")
    login(booked["amina"])
    assert client.get(f"/e/{event.slug}/bilaterals/schedule").status_code == 403


def test_no_bilateral_in_public_pages_feeds_exports_or_report(
    app, client, db, event, booked, login
):
    names = (booked["amina"].public_name, booked["liza"].public_name)
    secret = (PURPOSE, "bilateral-", "Bilateral meeting with", *names)

    def clean(text: str, where: str):
        for word in secret:
            assert word not in text, f"{word!r} leaked in {where}"

    clean(calendar.public_feed(event).decode(), "public feed")
    clean(calendar.event_feed(event, booked["outsider"]).decode(), "event feed")
    clean(calendar.organiser_feed(event).decode(), "organiser export")
    clean(export_programme(event), "programme export")
    for group in event.working_groups:
        clean(calendar.group_feed(group, booked["amina"]).decode(), "group feed")
    login(booked["organiser"])
    for path in (
        f"/e/{event.slug}/",
        f"/e/{event.slug}/programme",
        f"/e/{event.slug}/report",
        f"/e/{event.slug}/report/download?format=md",
        f"/e/{event.slug}/board/export.json",
    ):
        response = client.get(path)
        clean(response.get_data(as_text=True), path)
    # Her own feed is the one place it shows, and only hers and the other party's.
    assert PURPOSE in calendar.personal_feed(booked["amina"]).decode()
    assert PURPOSE not in calendar.personal_feed(booked["outsider"]).decode()


def test_personal_feeds_carry_the_booking_then_its_cancellation(db, event, booked):
    asked, amina, liza = booked["bilateral"], booked["amina"], booked["liza"]

    def vevent(person):
        parsed = icalendar.Calendar.from_ical(calendar.personal_feed(person))
        found = [c for c in parsed.walk("VEVENT") if str(c["UID"]).startswith("bilateral-")]
        assert len(found) == 1
        return found[0]

    before = {p.id: vevent(p) for p in (amina, liza)}
    for ev in before.values():
        assert ev.decoded("DTSTART") == slot(1)[0]
        assert str(ev["STATUS"]) == "CONFIRMED"
    booking.cancel(asked, amina, now=slot(0)[0] - timedelta(days=1), message="Ill")
    db.session.commit()
    for person in (amina, liza):
        after = vevent(person)
        assert str(after["STATUS"]) == "CANCELLED"
        assert int(after["SEQUENCE"]) > int(before[person.id]["SEQUENCE"])
        assert after["UID"] == before[person.id]["UID"]


def test_mail_goes_out_after_the_commit_in_her_language(app, db, event, window, person):
    amina, liza = person(), person("Asia/Manila", language="fr")
    now = slot(0)[0] - timedelta(days=10)
    with mail_server(app) as server:
        service.ask(event, amina, invitee=liza, window=window, slots=[slot(0)], now=now)
        assert server.received == []  # nothing before the commit
        db.session.commit()
        assert server.recipients() == [liza.email]
        message = server.to(liza.email)
        assert "vous demande" in message["Subject"]
        # 13:00 UTC is 21:00 in Manila.
        assert "21:00" in message.get_body(preferencelist=("plain",)).get_content()
        # A rolled-back request sends nothing.
        service.ask(event, amina, invitee=person(), window=window, slots=[slot(1)], now=now)
        db.session.rollback()
        db.session.commit()
    assert len(server.received) == 1


def test_an_organiser_makes_a_bilateral_session_a_window(
    app, client, db, event, make_person, add_member, login
):
    _csrf_free(app)
    organiser = make_person()
    add_member(organiser, event, "organiser")
    login(organiser)
    schedule = client.get(f"/e/{event.slug}/bilaterals/schedule").get_data(as_text=True)
    assert "Set its slots and tables" in schedule
    refused = client.post(
        f"/e/{event.slug}/sessions/bilaterals/bilateral-window", data={"slot_minutes": "500"}
    )
    assert refused.status_code == 400
    saved = client.post(
        f"/e/{event.slug}/sessions/bilaterals/bilateral-window",
        data={"slot_minutes": "20", "tables": "Table A\nTable B\n", "call_url": ""},
    )
    assert saved.status_code == 302
    window = service.windows(event)[0]
    assert (window.slot_minutes, window.tables) == (20, ["Table A", "Table B"])
    # Not a bilateral session: refused with a message.
    wrong = client.post(
        f"/e/{event.slug}/sessions/opening/bilateral-window", data={"slot_minutes": "30"}
    )
    assert "Only a session of kind bilateral" in wrong.get_data(as_text=True)
    # A participant may not.
    client.post("/logout")
    login(make_person())  # not even a member of the event
    assert client.get(f"/e/{event.slug}/sessions/bilaterals/bilateral-window").status_code == 403


def _invite_of(message) -> icalendar.Calendar:
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return icalendar.Calendar.from_ical(part.get_payload(decode=True))


def test_invites_go_with_the_booking_and_the_cancellation(app, db, event, window, person):
    amina, liza = person(), person("Asia/Manila")
    now = slot(0)[0] - timedelta(days=10)
    with mail_server(app) as server:
        asked = service.ask(event, amina, invitee=liza, window=window, slots=[slot(0)], now=now)
        booking.accept(asked, liza, slot_id=asked.current_slots[0].id, now=now)
        db.session.commit()
        booked = [(rcpt, m) for rcpt, m in server.received if m.is_multipart()]
        assert sorted(r for rcpt, _m in booked for r in rcpt) == sorted([amina.email, liza.email])
        for _rcpt, message in booked:
            invite = _invite_of(message)
            assert str(invite["METHOD"]) == "REQUEST"
            vevent = next(iter(invite.walk("VEVENT")))
            assert vevent.decoded("DTSTART") == slot(0)[0] and int(vevent["SEQUENCE"]) == 1
        server.received.clear()
        booking.cancel(asked, liza, now=now)
        db.session.commit()
    assert server.recipients() == sorted([amina.email, liza.email])
    for _rcpt, message in server.received:
        invite = _invite_of(message)
        assert str(invite["METHOD"]) == "CANCEL"
        assert int(next(iter(invite.walk("VEVENT")))["SEQUENCE"]) == 2


def test_her_agenda_lists_requests_waiting_for_her(client, db, event, window, person, login):
    amina, liza = person(), person()
    service.ask(
        event,
        amina,
        invitee=liza,
        window=window,
        slots=[slot(0)],
        now=slot(0)[0] - timedelta(days=10),
    )
    db.session.commit()
    login(liza)
    page = client.get("/agenda").get_data(as_text=True)
    assert "1 meeting request waits for your answer" in page
    assert f"From {amina.public_name}" in page


def test_an_organiser_moves_a_meeting_through_its_page(app, client, db, event, booked, login):
    _csrf_free(app)
    asked = booked["bilateral"]
    login(booked["organiser"])
    url = f"/e/{event.slug}/bilaterals/{asked.id}/move"
    refused = client.post(url, data={"move-starts": "12345", "move-place": "Table 2"})
    assert refused.status_code == 400
    assert "Choose one of the window" in refused.get_data(as_text=True)
    later = str(int(slot(3)[0].timestamp()))
    moved = client.post(
        url, data={"move-starts": later, "move-place": "Table 2", "move-message": "Room"}
    )
    assert moved.status_code == 302
    db.session.refresh(asked)
    assert (asked.starts_at, asked.place, asked.sequence) == (slot(3)[0], "Table 2", 2)
    # A participant may not move it.
    client.post("/logout")
    login(booked["amina"])
    assert client.post(url, data={"move-starts": later, "move-place": "Table 1"}).status_code == 403
