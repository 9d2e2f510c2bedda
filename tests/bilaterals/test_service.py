"""Asking, counter-proposing, accepting, declining and cancelling bilaterals; nobody double-booked."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from eventhub.bilaterals import booking, service
from eventhub.bilaterals.models import Accepting, BilateralState
from eventhub.errors import Conflict, Invalid, NotAllowed
from eventhub.programme import activity
from tests.smtp import mail_server

from .conftest import NOW, WINDOW_START, slot


def test_request_proposes_slots_and_awaits_the_invitee(db, event, window, person):
    amina, liza = person(), person("Asia/Manila")
    asked = service.ask(
        event,
        amina,
        invitee=liza,
        window=window,
        slots=[slot(0), slot(2)],
        purpose="Roster",
        now=NOW,
    )
    db.session.commit()
    assert asked.state == BilateralState.PENDING
    assert asked.awaiting_id == liza.id
    assert [(s.starts_at, s.ends_at) for s in asked.current_slots] == [slot(0), slot(2)]
    assert service.awaiting(liza, event) == [asked]
    assert service.awaiting(amina, event) == []


def test_acceptance_books_one_slot_and_a_table_for_both(db, event, window, person):
    amina, liza = person(), person("Asia/Manila")
    asked = service.ask(event, amina, invitee=liza, window=window, slots=[slot(1)], now=NOW)
    booking.accept(asked, liza, slot_id=asked.current_slots[0].id, now=NOW)
    db.session.commit()
    assert asked.state == BilateralState.ACCEPTED
    assert (asked.starts_at, asked.ends_at) == slot(1)
    assert asked.place == "Table 1"
    assert asked.sequence == 1
    # Both are now busy then: nobody can book either of them into that slot.
    assert slot(1) not in service.window_slots(window, [amina], NOW)
    assert slot(1) not in service.window_slots(window, [liza], NOW)


def test_counter_proposal_passes_the_turn_back(db, event, window, person):
    amina, liza = person(), person()
    asked = service.ask(event, amina, invitee=liza, window=window, slots=[slot(0)], now=NOW)
    service.counter_propose(asked, liza, slots=[slot(3)], message="Later suits me", now=NOW)
    assert asked.awaiting_id == amina.id
    assert [(s.starts_at, s.ends_at) for s in asked.current_slots] == [slot(3)]
    with pytest.raises(NotAllowed):
        booking.accept(asked, liza, slot_id=asked.current_slots[0].id, now=NOW)
    # The first round's slot is no longer on offer.
    first = next(s for s in asked.slots if s.round == 1)
    with pytest.raises(Invalid):
        booking.accept(asked, amina, slot_id=first.id, now=NOW)
    booking.accept(asked, amina, slot_id=asked.current_slots[0].id, now=NOW)
    assert (asked.starts_at, asked.ends_at) == slot(3)


def test_decline_with_a_message_closes_the_request(db, event, window, person):
    amina, liza = person(), person()
    asked = service.ask(event, amina, invitee=liza, window=window, slots=[slot(0)], now=NOW)
    service.decline(asked, liza, message="Not this time", now=NOW)
    assert asked.state == BilateralState.DECLINED
    assert asked.message == "Not this time"
    with pytest.raises(Conflict):
        booking.accept(asked, liza, slot_id=asked.current_slots[0].id, now=NOW)


def test_either_side_cancels_and_frees_the_slot(db, event, window, person):
    amina, liza = person(), person()
    asked = service.ask(event, amina, invitee=liza, window=window, slots=[slot(0)], now=NOW)
    booking.accept(asked, liza, slot_id=asked.current_slots[0].id, now=NOW)
    booking.cancel(asked, amina, message="Flight changed", now=NOW)
    db.session.commit()
    assert asked.state == BilateralState.CANCELLED
    assert asked.sequence == 2
    assert slot(0) in service.window_slots(window, [amina, liza], NOW)
    with pytest.raises(Conflict):
        booking.cancel(asked, liza, now=NOW)


def test_outsider_cannot_cancel(db, event, window, person):
    amina, liza, eve = person(), person(), person()
    asked = service.ask(event, amina, invitee=liza, window=window, slots=[slot(0)], now=NOW)
    with pytest.raises(NotAllowed):
        booking.cancel(asked, eve, now=NOW)


def test_nobody_is_booked_twice_in_one_slot(db, event, window, person):
    amina, liza, fatou = person(), person(), person()
    first = service.ask(event, amina, invitee=liza, window=window, slots=[slot(0)], now=NOW)
    second = service.ask(event, fatou, invitee=liza, window=window, slots=[slot(0)], now=NOW)
    booking.accept(first, liza, slot_id=first.current_slots[0].id, now=NOW)
    with pytest.raises(Conflict):
        booking.accept(second, liza, slot_id=second.current_slots[0].id, now=NOW)


def test_a_table_is_never_given_twice(db, event, window, person):
    people = [person() for _ in range(6)]
    pairs = [people[0:2], people[2:4], people[4:6]]
    asks = [
        service.ask(event, a, invitee=b, window=window, slots=[slot(0)], now=NOW) for a, b in pairs
    ]
    booked = [
        booking.accept(b, pair[1], slot_id=b.current_slots[0].id, now=NOW)
        for b, pair in zip(asks[:2], pairs[:2], strict=True)
    ]
    assert sorted(b.place for b in booked) == ["Table 1", "Table 2"]
    with pytest.raises(Conflict):
        booking.accept(asks[2], pairs[2][1], slot_id=asks[2].current_slots[0].id, now=NOW)
    # A slot with every table taken is no longer offered.
    assert slot(0) not in service.window_slots(window, [], NOW)


def test_a_session_she_is_a_member_of_keeps_her_busy(db, event, window, person):
    amina, liza = person(), person()
    opening = next(s for s in event.sessions if s.key == "opening")
    opening.starts_at, opening.ends_at = WINDOW_START, WINDOW_START + timedelta(hours=1)
    db.session.commit()
    asked = service.ask(event, amina, invitee=liza, window=window, slots=[slot(3)], now=NOW)
    with pytest.raises(Invalid):
        service.ask(event, amina, invitee=liza, window=window, slots=[slot(0), slot(7)], now=NOW)
    assert slot(0) not in service.window_slots(window, [liza], NOW)
    service.counter_propose(asked, liza, slots=[slot(2)], now=NOW)
    # The opening moves on top of the proposed time before she answers: accepting is refused.
    opening.ends_at = WINDOW_START + timedelta(hours=2)
    with pytest.raises(Conflict):
        booking.accept(asked, amina, slot_id=asked.current_slots[0].id, now=NOW)


def test_opted_out_person_cannot_be_asked(db, event, window, person):
    amina, liza = person(), person()
    service.save_preferences(liza, accepting=Accepting.NOBODY, work_starts=540, work_ends=1020)
    assert liza not in service.askable_people(event, amina)
    with pytest.raises(NotAllowed):
        service.ask(event, amina, invitee=liza, window=window, slots=[slot(0)], now=NOW)


def test_blocked_person_cannot_ask_and_hears_the_same_as_opted_out(db, event, window, person):
    amina, liza, fatou = person(), person(), person()
    pending = service.ask(event, amina, invitee=liza, window=window, slots=[slot(0)], now=NOW)
    service.block(liza, amina)
    assert pending.state == BilateralState.DECLINED
    assert liza not in service.askable_people(event, amina)
    assert liza in service.askable_people(event, fatou)
    with pytest.raises(NotAllowed) as refused:
        service.ask(event, amina, invitee=liza, window=window, slots=[slot(1)], now=NOW)
    assert "not taking meeting requests from you" in refused.value.message
    service.unblock(liza, amina.id)
    assert liza in service.askable_people(event, amina)


def test_my_networks_only_refuses_people_of_other_networks(db, event, window, person):
    amina = person(network="net-a")
    liza = person(network="net-a")
    fatou = person(network="net-b")
    service.save_preferences(liza, accepting=Accepting.MY_NETWORKS, work_starts=540, work_ends=1020)
    assert liza in service.askable_people(event, amina)
    assert liza not in service.askable_people(event, fatou)
    with pytest.raises(NotAllowed):
        service.ask(event, fatou, invitee=liza, window=window, slots=[slot(0)], now=NOW)


def test_requests_are_rate_limited(app, db, event, window, person):
    app.config["BILATERAL_REQUESTS_PER_HOUR"] = 2
    amina = person()
    for n in range(2):
        service.ask(event, amina, invitee=person(), window=window, slots=[slot(n)], now=NOW)
    with pytest.raises(NotAllowed):
        service.ask(event, amina, invitee=person(), window=window, slots=[slot(3)], now=NOW)
    # An hour later she may ask again.
    later = NOW + timedelta(hours=1, minutes=1)
    service.ask(event, amina, invitee=person(), window=window, slots=[slot(3)], now=later)


def test_a_network_request_is_taken_by_the_member_who_answers(db, event, window, person):
    amina = person(network="net-a")
    nb1, nb2 = person(network="net-b"), person(network="net-b")
    network = next(n for n in event.networks if n.key == "net-b")
    asked = service.ask(event, amina, network=network, window=window, slots=[slot(0)], now=NOW)
    assert asked in service.awaiting(nb1, event) and asked in service.awaiting(nb2, event)
    booking.accept(asked, nb2, slot_id=asked.current_slots[0].id, now=NOW)
    assert asked.invitee_id == nb2.id
    with pytest.raises(Conflict):
        booking.accept(asked, nb1, slot_id=asked.current_slots[0].id, now=NOW)


def test_slots_must_be_the_windows_and_one_to_three(db, event, window, person):
    amina, liza = person(), person()
    off = (slot(0)[0] + timedelta(minutes=10), slot(0)[1] + timedelta(minutes=10))
    for slots in ([], [slot(0), slot(1), slot(2), slot(3)], [off]):
        with pytest.raises(Invalid):
            service.ask(event, amina, invitee=liza, window=window, slots=slots, now=NOW)
    with pytest.raises(Invalid):
        service.ask(event, amina, invitee=liza, window=window, slots=[slot(0)], now=WINDOW_START)


def test_outside_windows_only_common_working_hours_are_offered(db, event, person):
    manila, new_york = person("Asia/Manila"), person("America/New_York")
    # 09:00–17:00 each: Manila is 13 hours ahead of New York in March 2030 (after the US change).
    slots = service.outside_slots([manila, new_york], NOW, event)
    assert slots == []
    service.save_preferences(
        new_york, accepting=Accepting.EVERYONE, work_starts=17 * 60, work_ends=23 * 60
    )
    slots = service.outside_slots([manila, new_york], NOW, event)
    assert slots
    for starts, _ends in slots:
        ny = starts.astimezone(new_york_zone())
        mn = starts.astimezone(manila_zone())
        assert 17 <= ny.hour < 23 and 9 <= mn.hour < 17
    asked = service.ask(event, manila, invitee=new_york, slots=slots[:2], now=NOW)
    assert asked.window is None
    outside = (slots[0][0] - timedelta(hours=8), slots[0][1] - timedelta(hours=8))
    with pytest.raises(Invalid):
        service.ask(event, manila, invitee=new_york, slots=[outside], now=NOW)


def new_york_zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo("America/New_York")


def manila_zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Manila")


def test_organiser_moves_and_cancels_with_both_told_and_on_the_record(
    app, db, event, window, person, make_person, add_member
):
    amina, liza = person(), person()
    organiser = make_person()
    add_member(organiser, event, "organiser")
    asked = service.ask(event, amina, invitee=liza, window=window, slots=[slot(0)], now=NOW)
    booking.accept(asked, liza, slot_id=asked.current_slots[0].id, now=NOW)
    db.session.commit()
    with mail_server(app) as server:
        booking.organiser_move(
            asked, organiser, starts=slot(2)[0], place="Table 2", now=NOW, reason="Room"
        )
        assert (asked.starts_at, asked.place, asked.sequence) == (slot(2)[0], "Table 2", 2)
        db.session.commit()
        assert server.recipients() == sorted([amina.email, liza.email])
        assert all("moved your meeting" in m["Subject"] for _r, m in server.received)
        server.received.clear()
        booking.organiser_cancel(asked, organiser, now=NOW, reason="Venue closed")
        assert asked.state == BilateralState.CANCELLED and asked.sequence == 3
        db.session.commit()
    assert server.recipients() == sorted([amina.email, liza.email])
    # On the event's activity log: each action once for each of the two people, with the reason.
    entries, _more = activity.entries(event, kind="programme")
    logged = sorted((e.action, e.subject_id, e.reason) for e in entries)
    assert logged == sorted(
        [
            ("bilateral.move", amina.id, "Room"),
            ("bilateral.move", liza.id, "Room"),
            ("bilateral.cancel", amina.id, "Venue closed"),
            ("bilateral.cancel", liza.id, "Venue closed"),
        ]
    )
    move = next(e for e in entries if e.action == "bilateral.move")
    assert move.actor_id == organiser.id
    assert move.details == {"starts": slot(2)[0].isoformat(), "table": "Table 2"}


def test_the_activity_page_says_who_moved_a_bilateral_where(
    app, client, db, event, window, person, make_person, add_member, login
):
    amina, liza = person(name="Amina"), person(name="Liza")
    organiser = make_person(name="Olga")
    add_member(organiser, event, "organiser")
    asked = service.ask(event, amina, invitee=liza, window=window, slots=[slot(0)], now=NOW)
    booking.accept(asked, liza, slot_id=asked.current_slots[0].id, now=NOW)
    booking.organiser_move(asked, organiser, starts=slot(2)[0], place="Table 2", now=NOW)
    db.session.commit()
    login(organiser)
    page = client.get(f"/e/{event.slug}/activity").get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", "", page).split())
    # 14:00 UTC is 15:00 in Vienna, the event's zone.
    assert "Olga moved the bilateral meeting of Amina to" in text
    assert "Mon, Mar 4, 2030, 3:00 PM, Table 2." in text  # split() took the thin space


def _queries(db, call) -> int:
    from sqlalchemy import event as sa_event

    count = 0

    def counted(*_args):
        nonlocal count
        count += 1

    sa_event.listen(db.engine, "before_cursor_execute", counted)
    try:
        call()
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", counted)
    return count


def test_finding_whom_to_ask_costs_the_same_for_five_people_or_thirty(db, event, window, person):
    amina = person()
    for _ in range(5):
        person(network="net-a")
    db.session.commit()
    few = _queries(db, lambda: service.askable_people(event, amina))
    few_networks = _queries(db, lambda: service.askable_networks(event, amina))
    for _ in range(25):
        service.save_preferences(
            person(network="net-b"),
            accepting=Accepting.MY_NETWORKS,
            work_starts=540,
            work_ends=1020,
        )
    db.session.commit()
    assert _queries(db, lambda: service.askable_people(event, amina)) == few
    assert _queries(db, lambda: service.askable_networks(event, amina)) == few_networks
    assert len(service.askable_people(event, amina)) == 5
