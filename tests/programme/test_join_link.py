"""One rule for the video-call link everywhere: members the call is for (not observers, not removed
from its room), only from the lead time to the end; feeds and add-to-calendar links never carry it
and point to the session page instead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from eventhub.programme.models import Role, Session
from eventhub.programme.service import JoinLink, join_link, join_link_state
from eventhub.rooms import moderation
from eventhub.rooms.service import room_for_group, room_for_session

CALL = "call.example.org"
LEAD = 30  # config.JOIN_LINK_LEAD_MINUTES


def session_of(event, key: str) -> Session:
    return next(s for s in event.sessions if s.key == key)


def starting_in(db, session: Session, delta: timedelta) -> None:
    session.starts_at = datetime.now(UTC) + delta
    session.ends_at = session.starts_at + timedelta(hours=1)
    db.session.commit()


@pytest.fixture
def event(make_event):
    return make_event()


def test_the_lead_time_is_what_the_tests_assume(app):
    assert app.config["JOIN_LINK_LEAD_MINUTES"] == LEAD


@pytest.mark.parametrize(
    ("offset", "state"),
    [
        (timedelta(minutes=-LEAD - 1), JoinLink.LATER),  # a minute before it opens
        (timedelta(minutes=-LEAD + 1), JoinLink.OPEN),  # a minute after
        (timedelta(minutes=59), JoinLink.OPEN),  # a minute before the end
        (timedelta(minutes=61), JoinLink.OVER),  # a minute after
    ],
)
def test_the_link_opens_at_the_lead_time_and_closes_at_the_end(event, offset, state):
    session = session_of(event, "opening")
    start = datetime(2030, 3, 2, 9, 0, tzinfo=UTC)
    session.starts_at, session.ends_at = start, start + timedelta(hours=1)
    assert join_link_state(session, start + offset, LEAD).state == state


@pytest.mark.parametrize(("minutes", "shown"), [(LEAD + 1, False), (LEAD - 1, True)])
def test_the_session_page_shows_the_link_one_minute_after_the_lead_time_not_one_before(
    client, db, event, login_as, minutes, shown
):
    starting_in(db, session_of(event, "wg1-meeting"), timedelta(minutes=minutes))
    login_as("participant", event=event, working_group="wg1")
    html = client.get(f"/e/{event.slug}/sessions/wg1-meeting").get_data(as_text=True)
    assert (f"https://{CALL}/wg1" in html) is shown
    assert ("The link to join will appear here" in html) is not shown


def test_a_member_removed_from_the_groups_room_loses_the_call_link_until_readmitted(
    app, client, db, event, login_as, make_person, add_member
):
    session = session_of(event, "wg1-meeting")
    starting_in(db, session, timedelta(minutes=-5))
    group = event.working_groups[0]
    her = login_as("participant", event=event, working_group="wg1")
    facilitator = make_person()
    add_member(facilitator, event, Role.FACILITATOR, group)
    room = room_for_group(group)
    url = f"/e/{event.slug}/sessions/wg1-meeting"
    assert f"https://{CALL}/wg1" in client.get(url).get_data(as_text=True)

    moderation.remove(room, her, facilitator)
    db.session.commit()
    assert join_link(her, session, datetime.now(UTC)).state == JoinLink.NONE
    html = client.get(url).get_data(as_text=True)
    assert CALL not in html and "Video call" not in html
    for feed in (
        f"/e/{event.slug}/calendar.ics",
        f"/e/{event.slug}/sessions/wg1-meeting/calendar.ics",
    ):
        text = client.get(feed).get_data(as_text=True).replace("\r\n ", "")
        [entry] = [e for e in text.split("BEGIN:VEVENT") if "UID:wg1-meeting." in e]
        assert CALL not in entry and "appears on the session page" not in entry

    moderation.readmit(room, her, facilitator)
    db.session.commit()
    assert f"https://{CALL}/wg1" in client.get(url).get_data(as_text=True)


def test_a_member_removed_from_a_plenarys_qa_loses_its_call_link(
    client, db, event, login_as, make_person, add_member
):
    opening = session_of(event, "opening")
    starting_in(db, opening, timedelta(minutes=-5))
    her = login_as("participant", event=event)
    organiser = make_person()
    add_member(organiser, event, Role.ORGANISER)
    moderation.remove(room_for_session(opening), her, organiser)
    db.session.commit()
    html = client.get(f"/e/{event.slug}/sessions/opening").get_data(as_text=True)
    assert CALL not in html


@pytest.mark.parametrize("offset", [timedelta(days=-2), timedelta(minutes=-5), timedelta(days=2)])
def test_feeds_never_carry_the_call_link_but_the_session_page(client, db, event, login_as, offset):
    starting_in(db, session_of(event, "wg1-meeting"), offset)
    login_as("facilitator", event=event, working_group="wg1")
    for url in (
        f"/e/{event.slug}/calendar.ics",
        f"/e/{event.slug}/groups/wg1/calendar.ics",
        f"/e/{event.slug}/sessions/wg1-meeting/calendar.ics",
    ):
        text = client.get(url).get_data(as_text=True).replace("\r\n ", "")
        assert CALL not in text, url
        assert "CONFERENCE" not in text
        assert f"http://localhost/e/{event.slug}/sessions/wg1-meeting" in text, url


def test_the_personal_feed_never_carries_the_call_link(client, db, event, login_as):
    from eventhub.calendar.service import personal_feed

    starting_in(db, session_of(event, "opening"), timedelta(minutes=-5))
    her = login_as("participant", event=event, working_group="wg1")
    text = personal_feed(her).decode().replace("\r\n ", "")
    assert CALL not in text
    assert f"/e/{event.slug}/sessions/opening" in text


def test_the_google_calendar_link_never_carries_the_call_link(client, db, event, login_as):
    starting_in(db, session_of(event, "opening"), timedelta(days=2))
    login_as("participant", event=event)
    html = client.get(f"/e/{event.slug}/sessions/opening").get_data(as_text=True)
    start = html.index("https://calendar.google.com/calendar/render?")
    link = html[start : html.index('"', start)].replace("&amp;", "&")
    params = parse_qs(urlsplit(link).query)
    assert CALL not in link and "call.example" not in repr(params)
    assert f"/e/{event.slug}/sessions/opening" in params["details"][0]
