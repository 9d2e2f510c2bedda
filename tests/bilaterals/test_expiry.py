"""Requests nobody answered in time expire when the last time proposed comes; the person who
asked is told, in her language."""

from __future__ import annotations

from datetime import timedelta

import pytest

from eventhub.bilaterals import booking, expiry, jobs, service
from eventhub.bilaterals.models import BilateralState
from eventhub.errors import Conflict
from eventhub.jobs import huey
from tests.smtp import mail_server

from .conftest import NOW, slot

MINUTE = timedelta(minutes=1)


def test_a_request_expires_when_its_last_time_proposed_comes_and_the_asker_is_told(
    app, db, event, window, person
):
    amina, liza = person(language="fr"), person()
    asked = service.ask(
        event, amina, invitee=liza, window=window, slots=[slot(0), slot(2)], now=NOW
    )
    db.session.commit()
    with mail_server(app) as server:
        # The first time has come, the second not yet: she may still accept that one.
        assert expiry.expire_due(now=slot(2)[0] - MINUTE) == []
        db.session.commit()
        assert asked.state == BilateralState.PENDING
        assert expiry.expire_due(now=slot(2)[0]) == [asked]
        db.session.commit()
    assert asked.state == BilateralState.EXPIRED and asked.awaiting_id is None
    assert server.recipients() == [amina.email]  # the one who asked, not the one asked
    message = server.to(amina.email)
    assert message["Subject"].startswith("Votre demande de réunion")
    assert "a expiré" in message["Subject"]
    with pytest.raises(Conflict):
        booking.accept(asked, liza, slot_id=asked.current_slots[1].id, now=slot(2)[0])
    # Once is enough: the next sweep finds nothing.
    assert expiry.expire_due(now=slot(3)[0]) == []


def test_a_counter_proposal_with_later_times_keeps_the_request_open(app, db, event, window, person):
    amina, liza = person(), person()
    asked = service.ask(event, amina, invitee=liza, window=window, slots=[slot(0)], now=NOW)
    service.counter_propose(asked, liza, slots=[slot(3)], now=NOW)
    db.session.commit()
    assert expiry.expire_due(now=slot(1)[0]) == []
    assert expiry.expire_due(now=slot(3)[0]) == [asked]


def test_booked_and_answered_meetings_never_expire(app, db, event, window, person):
    amina, liza, cleo = person(), person(), person()
    booked = service.ask(event, amina, invitee=liza, window=window, slots=[slot(0)], now=NOW)
    booking.accept(booked, liza, slot_id=booked.current_slots[0].id, now=NOW)
    declined = service.ask(event, amina, invitee=cleo, window=window, slots=[slot(1)], now=NOW)
    service.decline(declined, cleo, now=NOW)
    db.session.commit()
    assert expiry.expire_due(now=slot(3)[0]) == []
    assert (booked.state, declined.state) == (BilateralState.ACCEPTED, BilateralState.DECLINED)


def test_an_expired_request_says_so_on_its_page(app, client, db, event, window, person, login):
    amina, liza = person(), person()
    asked = service.ask(event, amina, invitee=liza, window=window, slots=[slot(0)], now=NOW)
    db.session.commit()
    login(liza)
    url = f"/e/{event.slug}/bilaterals/{asked.id}"
    assert "Accept this time" in client.get(url).get_data(as_text=True)
    expiry.expire_due(now=slot(0)[0])
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Expired" in page
    assert "Accept this time" not in page


def test_expiry_runs_as_a_periodic_job(app, db, event, window, person, monkeypatch):
    assert jobs.expire_requests.name in {t.name for t in huey._registry.periodic_tasks}
    amina, liza = person(), person()
    asked = service.ask(event, amina, invitee=liza, window=window, slots=[slot(0)], now=NOW)
    db.session.commit()
    monkeypatch.setattr("eventhub.bilaterals.expiry.utcnow", lambda: slot(0)[1])
    jobs.expire_requests.call_local()
    db.session.expire_all()
    assert asked.state == BilateralState.EXPIRED
