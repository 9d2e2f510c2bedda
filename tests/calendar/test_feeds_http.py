"""The .ics feeds over HTTP: instants across a clock change, access, tokens, call links."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from eventhub.programme.models import Role

CALL = "call.example.org"


def _uid(key, slug="dst-event"):
    return f"{key}.{slug}@eventhub"


def test_event_feed_is_text_calendar_utf8(client, dst_event):
    dst_event()
    response = client.get("/e/dst-event/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"


def test_member_feed_has_every_session_at_the_programme_instants(
    client, dst_event, make_person, add_member, sign_in, parse
):
    event = dst_event()
    person = make_person()
    add_member(person, event, Role.PARTICIPANT, event.working_groups[0])
    sign_in(person)
    parsed = parse(client.get("/e/dst-event/calendar.ics").get_data(as_text=True))
    assert set(parsed) == {_uid(s.key) for s in event.sessions}
    for session in event.sessions:
        entry = parsed[_uid(session.key)]
        assert entry.start == session.starts_at
        assert entry.end == session.ends_at


def test_sessions_either_side_of_rome_clock_change_show_right_local_times(client, dst_event, parse):
    # Rome leaves summer time on 25 Oct, New York on 1 Nov, Sydney enters it on 4 Oct:
    # each viewer sees a different shift, and every one must match her own clock.
    dst_event()
    parsed = parse(client.get("/e/dst-event/calendar.ics").get_data(as_text=True))
    opening, closing = parsed[_uid("opening")], parsed[_uid("closing")]

    def local(instant, zone):
        return instant.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")

    assert local(opening.start, "Europe/Rome") == "2020-10-24 10:00"  # CEST, UTC+2
    assert local(closing.start, "Europe/Rome") == "2020-11-02 14:00"  # CET, UTC+1
    assert local(opening.start, "America/New_York") == "2020-10-24 04:00"  # EDT
    assert local(closing.start, "America/New_York") == "2020-11-02 08:00"  # EST
    assert local(opening.start, "Australia/Sydney") == "2020-10-24 19:00"  # AEDT
    assert local(opening.start, "Asia/Kolkata") == "2020-10-24 13:30"  # no DST


def test_working_group_sessions_either_side_of_the_change_keep_their_instants(
    client, dst_event, make_person, add_member, sign_in, parse
):
    event = dst_event()
    person = make_person()
    add_member(person, event, Role.PARTICIPANT, event.working_groups[0])
    sign_in(person)
    parsed = parse(client.get("/e/dst-event/groups/wg1/calendar.ics").get_data(as_text=True))
    assert set(parsed) == {_uid("wg1-before"), _uid("wg1-after")}
    rome = ZoneInfo("Europe/Rome")
    assert parsed[_uid("wg1-before")].start.astimezone(rome).hour == 14
    assert parsed[_uid("wg1-after")].start.astimezone(rome).hour == 10
    assert parsed[_uid("wg1-after")].start == datetime(2020, 10, 26, 9, 0, tzinfo=UTC)


def test_working_group_description_has_theme_and_guiding_questions(
    client, dst_event, make_person, add_member, sign_in, parse
):
    event = dst_event()
    person = make_person()
    add_member(person, event, Role.PARTICIPANT, event.working_groups[0])
    sign_in(person)
    parsed = parse(client.get("/e/dst-event/groups/wg1/calendar.ics").get_data(as_text=True))
    description = parsed[_uid("wg1-after")].description
    assert "Mediation and climate" in description
    assert "1. What works, and why?" in description
    assert "2. Who is missing?" in description


def test_anonymous_event_feed_has_only_public_sessions_and_no_call_link(client, dst_event, parse):
    dst_event()
    text = client.get("/e/dst-event/calendar.ics").get_data(as_text=True)
    assert set(parse(text)) == {_uid("opening"), _uid("closing"), _uid("dropped")}
    assert CALL not in text


def test_anonymous_group_feed_shows_nothing_private(client, dst_event, parse):
    dst_event()
    text = client.get("/e/dst-event/groups/wg1/calendar.ics").get_data(as_text=True)
    assert parse(text) == {}
    assert CALL not in text


def test_private_session_feed_needs_sign_in(client, dst_event):
    dst_event()
    response = client.get("/e/dst-event/sessions/wg1-before/calendar.ics")
    assert response.status_code in (302, 401, 403)
    assert CALL not in response.get_data(as_text=True)


def test_public_session_feed_has_no_call_link_for_anonymous(client, dst_event, parse):
    dst_event()
    text = client.get("/e/dst-event/sessions/opening/calendar.ics").get_data(as_text=True)
    assert set(parse(text)) == {_uid("opening")}
    assert CALL not in text


def test_session_page_to_join_from_only_in_sessions_she_takes_part_in(
    client, dst_event, make_person, add_member, sign_in
):
    event = dst_event()
    other_group = event.working_groups[0]
    person = make_person()
    add_member(person, event, Role.PARTICIPANT)  # event-wide, in no working group
    sign_in(person)
    text = client.get("/e/dst-event/calendar.ics").get_data(as_text=True)
    entries = {
        e.split("UID:")[1].split(".")[0]: e
        for e in text.replace("\r\n ", "").split("BEGIN:VEVENT")[1:]
    }
    assert CALL not in text
    assert "appears on the session page" in entries["opening"]
    assert "appears on the session page" not in entries["wg1-before"]
    assert other_group.key  # the group exists; she is simply not in it


def test_observer_sees_no_call_links(client, dst_event, make_person, add_member, sign_in):
    event = dst_event()
    person = make_person()
    add_member(person, event, Role.OBSERVER)
    sign_in(person)
    text = client.get("/e/dst-event/calendar.ics").get_data(as_text=True)
    assert "BEGIN:VEVENT" in text
    assert CALL not in text


def test_member_url_points_to_the_room(client, dst_event, make_person, add_member, sign_in, parse):
    event = dst_event()
    person = make_person()
    add_member(person, event, Role.PARTICIPANT, event.working_groups[0])
    sign_in(person)
    parsed = parse(client.get("/e/dst-event/calendar.ics").get_data(as_text=True))
    assert parsed[_uid("wg1-after")].url.endswith("/e/dst-event/groups/wg1/room")
    assert parsed[_uid("opening")].url.endswith("/e/dst-event/sessions/opening")


def test_cancelled_session_stays_in_feed_as_cancelled(client, dst_event, parse):
    dst_event()
    parsed = parse(client.get("/e/dst-event/calendar.ics").get_data(as_text=True))
    dropped = parsed[_uid("dropped")]
    assert dropped.status == "CANCELLED"
    assert dropped.sequence == 1
    assert parsed[_uid("opening")].status == "CONFIRMED"


def test_unchanged_feed_answers_not_modified(client, dst_event):
    dst_event()
    first = client.get("/e/dst-event/calendar.ics")
    again = client.get(
        "/e/dst-event/calendar.ics", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


# --- personal subscriptions -----------------------------------------------------------------


def _agenda_person(event, make_person, add_member, group=True):
    person = make_person(language="fr")
    add_member(person, event, Role.PARTICIPANT, event.working_groups[0] if group else None)
    person.regenerate_calendar_token()
    return person


def test_personal_feed_has_plenaries_and_her_groups_sessions(
    client, db, dst_event, make_person, add_member, parse
):
    event = dst_event()
    person = _agenda_person(event, make_person, add_member)
    db.session.commit()
    response = client.get(f"/calendar/{person.calendar_token}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.get_data(as_text=True)
    parsed = parse(text)
    assert set(parsed) == {
        _uid(k) for k in ("opening", "closing", "dropped", "wg1-before", "wg1-after")
    }
    for session in event.sessions:
        assert parsed[_uid(session.key)].start == session.starts_at
        assert parsed[_uid(session.key)].end == session.ends_at
    assert CALL not in text
    assert "/e/dst-event/sessions/wg1-after" in text.replace("\r\n ", "")


def test_personal_feed_of_someone_outside_the_group_lacks_its_sessions(
    client, db, dst_event, make_person, add_member, parse
):
    event = dst_event()
    person = _agenda_person(event, make_person, add_member, group=False)
    db.session.commit()
    text = client.get(f"/calendar/{person.calendar_token}.ics").get_data(as_text=True)
    assert _uid("wg1-before") not in parse(text)
    assert "wg1-before" not in text


def test_token_never_shows_another_persons_agenda(client, db, dst_event, make_person, add_member):
    event = dst_event()
    other = dst_event("other-event")
    mine = _agenda_person(event, make_person, add_member, group=False)
    theirs = _agenda_person(other, make_person, add_member)
    db.session.commit()
    text = client.get(f"/calendar/{mine.calendar_token}.ics").get_data(as_text=True)
    assert "other-event" not in text
    assert theirs.public_name not in text
    text = client.get(f"/calendar/{theirs.calendar_token}.ics").get_data(as_text=True)
    assert "@dst-event" not in text and "other-event@eventhub" in text
    assert mine.public_name not in text


def test_unknown_token_is_refused(client, dst_event):
    dst_event()
    assert client.get("/calendar/not-a-real-token-at-all-12345.ics").status_code == 404
    assert client.get("/calendar/x.ics").status_code == 404


def test_regenerating_revokes_the_old_address(
    client, db, dst_event, make_person, add_member, sign_in
):
    event = dst_event()
    person = _agenda_person(event, make_person, add_member)
    db.session.commit()
    old = person.calendar_token
    sign_in(person)
    response = client.post("/profile/calendar")
    assert response.status_code in (302, 303)
    db.session.refresh(person)
    assert person.calendar_token and person.calendar_token != old
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{person.calendar_token}.ics").status_code == 200


def test_revoked_token_is_refused(client, db, dst_event, make_person, add_member, sign_in):
    event = dst_event()
    person = _agenda_person(event, make_person, add_member)
    db.session.commit()
    old = person.calendar_token
    sign_in(person)
    client.post("/profile/calendar/revoke")
    db.session.refresh(person)
    assert person.calendar_token is None
    assert client.get(f"/calendar/{old}.ics").status_code == 404


def test_token_of_deactivated_person_is_refused(client, db, dst_event, make_person, add_member):
    event = dst_event()
    person = _agenda_person(event, make_person, add_member)
    person.active = False
    db.session.commit()
    assert client.get(f"/calendar/{person.calendar_token}.ics").status_code == 404


def test_regenerating_needs_sign_in(client, dst_event):
    response = client.post("/profile/calendar")
    assert response.status_code in (302, 401, 403)


def test_uid_survives_reimport_as_new_rows(client, db, dst_event, parse):
    event = dst_event()
    before = parse(client.get("/e/dst-event/calendar.ics").get_data(as_text=True))
    # Re-import as a programme file would do after the event was deleted: new rows, new ids.
    db.session.delete(event)
    db.session.commit()
    again = dst_event()
    assert {s.id for s in again.sessions}  # fresh rows
    after = parse(client.get("/e/dst-event/calendar.ics").get_data(as_text=True))
    assert set(before) == set(after)


def test_session_feed_sequence_follows_the_session(client, db, dst_event, parse):
    event = dst_event()
    session = next(s for s in event.sessions if s.key == "opening")
    seen = []
    for _ in range(3):
        parsed = parse(
            client.get("/e/dst-event/sessions/opening/calendar.ics").get_data(as_text=True)
        )
        seen.append(parsed[_uid("opening")].sequence)
        session.sequence += 1
        db.session.commit()
    assert seen == [0, 1, 2]


def test_hostile_session_title_is_escaped_and_folded_in_the_feed(client, db, dst_event, parse):
    event = dst_event()
    session = next(s for s in event.sessions if s.key == "opening")
    session.title = (
        "Peace, security; and\\ justice\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\n"
        "UID:evil@x\nDTSTART:19990101T000000Z " + "long words " * 20
    )
    db.session.commit()
    body = client.get("/e/dst-event/calendar.ics").data
    assert max(len(line) for line in body.split(b"\r\n")) <= 75
    parsed = parse(body.decode())
    assert set(parsed) == {_uid("opening"), _uid("closing"), _uid("dropped")}
    opening = parsed[_uid("opening")]
    assert opening.summary.startswith("Peace, security; and\\ justice END:VEVENT BEGIN:VEVENT")
    assert opening.start == datetime(2020, 10, 24, 8, 0, tzinfo=UTC)


def test_organisers_agenda_has_every_groups_sessions(
    client, db, dst_event, make_person, add_member, parse
):
    event = dst_event()
    person = make_person()
    add_member(person, event, Role.ORGANISER)
    person.regenerate_calendar_token()
    db.session.commit()
    parsed = parse(client.get(f"/calendar/{person.calendar_token}.ics").get_data(as_text=True))
    assert set(parsed) == {_uid(s.key) for s in event.sessions}


def test_observers_agenda_has_plenaries_without_call_links(
    client, db, dst_event, make_person, add_member, parse
):
    event = dst_event()
    person = make_person()
    add_member(person, event, Role.OBSERVER, event.working_groups[0])
    person.regenerate_calendar_token()
    db.session.commit()
    text = client.get(f"/calendar/{person.calendar_token}.ics").get_data(as_text=True)
    assert set(parse(text)) == {_uid("opening"), _uid("closing"), _uid("dropped")}
    assert CALL not in text
