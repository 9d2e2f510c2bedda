"""The programme pages: event home, programme, session and working-group pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from eventhub.programme.models import Recording, Session, SessionKind

JOIN_URL = "https://call.example.org/wg1"


@pytest.fixture
def event(make_event):
    return make_event()


def session_of(event, key: str) -> Session:
    return next(s for s in event.sessions if s.key == key)


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def starting_in(db, session: Session, delta: timedelta, length: timedelta = timedelta(hours=1)):
    """Move `session` so that it starts `delta` from now."""
    session.starts_at = datetime.now(UTC) + delta
    session.ends_at = session.starts_at + length
    db.session.commit()


# --- index ----------------------------------------------------------------------------------


def test_index_lists_her_events_only(client, make_event, make_person, add_member, login):
    mine = make_event("mine")
    make_event("other-event").title = "Someone else's meeting"
    person = make_person()
    add_member(person, mine, "participant")
    login(person)
    html = page(client, "/")
    assert "/e/mine/" in html
    assert "/e/other-event/" not in html


def test_index_signed_out_welcomes_and_lists_public_sessions(client, event):
    html = page(client, "/")
    assert "/login" in html
    assert "/e/test-event/sessions/opening" in html
    assert "/e/test-event/sessions/wg1-meeting" not in html


# --- event home -----------------------------------------------------------------------------


def test_event_home_shows_summary_host_networks_and_links(client, event, login_as):
    login_as("participant", event=event)
    html = page(client, "/e/test-event/")
    for text in ("Test Event", "Test Host", "A test event.", "Network A", "Nordic countries"):
        assert text in html
    assert "/e/test-event/programme" in html
    assert "/e/test-event/groups/wg1" in html


def test_event_home_shows_what_is_on_now_and_next(client, db, event, login_as):
    starting_in(db, session_of(event, "opening"), timedelta(minutes=-30))
    starting_in(db, session_of(event, "wg1-meeting"), timedelta(hours=3))
    login_as("participant", event=event)
    html = page(client, "/e/test-event/")
    on_now, on_next = html.split('id="on-next"', 1)
    assert "Opening" in on_now.split('id="on-now"', 1)[1]
    assert "WG1 meeting" in on_next
    assert "WG2 meeting" not in on_next


def test_unknown_event_is_404(client, login_as, event):
    login_as("participant", event=event)
    assert client.get("/e/no-such-event/").status_code == 404
    assert client.get("/e/no-such-event/programme").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/e/test-event/sessions/nope",
        "/e/test-event/groups/nope",
        "/e/test-event/sessions/%00",
        "/e/" + "x" * 500 + "/",
        "/e/test-event/groups/wg1%2F..%2F..",
        "/e/%E2%80%AE/programme",
        "/e/test-event/sessions/" + "%F0%9F%98%80" * 40,
    ],
)
def test_odd_addresses_get_404_not_500(client, event, login_as, url):
    login_as("organiser", event=event)
    assert client.get(url).status_code == 404


# --- programme ------------------------------------------------------------------------------


def test_programme_groups_sessions_by_day_with_the_event_clock_beside(client, event, login_as):
    # Opening: 2030-03-02 09:00 UTC = 10:00 in Rome = 17:00 in Manila.
    login_as("participant", event=event, timezone="Asia/Manila")
    html = page(client, "/e/test-event/programme")
    assert "Saturday, March 2, 2030" in html
    assert "Sunday, March 3, 2030" in html
    assert "5:00\u202fPM" in html or "5:00 PM" in html
    assert "(Rome 10:00" in html
    assert "the time zone set in your profile" in html
    assert html.index("Opening") < html.index("WG1 meeting") < html.index("WG2 meeting")


def test_programme_in_the_event_zone_has_no_second_clock(client, event, login_as):
    login_as("participant", event=event)
    html = page(client, "/e/test-event/programme")
    assert 'class="event-clock"' not in html
    assert "the event’s time zone" in html


def test_programme_uses_the_browser_zone_cookie_when_the_profile_has_none(client, event, login_as):
    login_as("participant", event=event)
    client.set_cookie("eventhub_tz", "Asia/Manila")
    html = page(client, "/e/test-event/programme")
    assert "the time zone of your device" in html
    assert "(Rome 10:00" in html
    assert 'data-zone-source="browser"' in html


def test_programme_ignores_a_bogus_zone_cookie(client, event, login_as):
    login_as("participant", event=event)
    client.set_cookie("eventhub_tz", "Mars/Olympus<script>")
    html = page(client, "/e/test-event/programme")
    assert 'data-zone-source="event"' in html
    assert "Olympus" not in html


def test_programme_is_formatted_for_the_locale(client, event, login_as):
    login_as("participant", event=event, language="fr", timezone="Europe/Rome")
    html = page(client, "/e/test-event/programme")
    assert "samedi 2 mars 2030" in html
    assert "10:00" in html


def test_programme_shows_cancelled_sessions_as_cancelled(client, db, event, login_as):
    session_of(event, "wg2-meeting").cancelled = True
    db.session.commit()
    login_as("participant", event=event)
    html = page(client, "/e/test-event/programme")
    assert "<s><bdi>WG2 meeting</bdi></s>" in html
    assert "Cancelled" in html


# --- session page ---------------------------------------------------------------------------


def test_session_page_shows_kind_times_place_description_and_group(client, db, event, login_as):
    s = session_of(event, "wg1-meeting")
    s.location = "Room 4, Palazzo"
    s.description = "We **discuss** the questions."
    db.session.commit()
    login_as("participant", event=event, timezone="Asia/Manila")
    html = page(client, "/e/test-event/sessions/wg1-meeting")
    assert "WG1 meeting" in html
    assert "Working group" in html
    assert "Room 4, Palazzo" in html
    assert "<strong>discuss</strong>" in html
    assert "/e/test-event/groups/wg1" in html
    # 2030-03-03 09:00 UTC: 17:00 in Manila, 10:00 in Rome.
    assert "Sunday, March 3, 2030" in html
    assert "(Rome 10:00" in html


def test_session_page_lists_recordings_per_language(client, db, event, login_as):
    s = session_of(event, "opening")
    s.recordings = [
        Recording(language="en", url="https://video.example.org/en"),
        Recording(language="fr", url="https://video.example.org/fr"),
    ]
    db.session.commit()
    login_as("participant", event=event)
    html = page(client, "/e/test-event/sessions/opening")
    assert "https://video.example.org/en" in html and "Recording in English" in html
    assert "https://video.example.org/fr" in html and "Recording in French" in html


def test_cancelled_session_says_so_and_offers_no_call(client, db, event, login_as):
    s = session_of(event, "wg1-meeting")
    s.cancelled = True
    starting_in(db, s, timedelta(minutes=5))
    login_as("participant", event=event, working_group="wg1")
    html = page(client, "/e/test-event/sessions/wg1-meeting")
    assert "This session has been cancelled" in html
    assert JOIN_URL not in html


def test_join_link_shown_to_a_member_from_the_lead_time(client, app, db, event, login_as):
    lead = app.config["JOIN_LINK_LEAD_MINUTES"]
    starting_in(db, session_of(event, "wg1-meeting"), timedelta(minutes=lead - 5))
    login_as("participant", event=event, working_group="wg1")
    html = page(client, "/e/test-event/sessions/wg1-meeting")
    assert JOIN_URL in html


def test_join_link_shown_while_the_session_runs(client, db, event, login_as):
    starting_in(db, session_of(event, "wg1-meeting"), timedelta(minutes=-50))
    login_as("participant", event=event, working_group="wg1")
    assert JOIN_URL in page(client, "/e/test-event/sessions/wg1-meeting")


def test_join_link_not_yet_shown_before_the_lead_time_says_when(client, app, db, event, login_as):
    lead = app.config["JOIN_LINK_LEAD_MINUTES"]
    starting_in(db, session_of(event, "wg1-meeting"), timedelta(minutes=lead + 60))
    login_as("participant", event=event, working_group="wg1")
    html = page(client, "/e/test-event/sessions/wg1-meeting")
    assert JOIN_URL not in html
    assert "The link to join will appear here at" in html


def test_join_link_gone_after_the_session(client, db, event, login_as):
    starting_in(db, session_of(event, "wg1-meeting"), timedelta(hours=-3))
    login_as("participant", event=event, working_group="wg1")
    html = page(client, "/e/test-event/sessions/wg1-meeting")
    assert JOIN_URL not in html
    assert "This session is over" in html


def test_join_link_of_a_group_session_hidden_from_event_wide_participants(
    client, db, event, login_as
):
    # Taking part in the event does not make her a member of every working group.
    starting_in(db, session_of(event, "wg1-meeting"), timedelta(minutes=-5))
    login_as("participant", event=event)
    assert JOIN_URL not in page(client, "/e/test-event/sessions/wg1-meeting")


def test_join_link_never_shown_to_an_observer(client, db, event, login_as):
    starting_in(db, session_of(event, "wg1-meeting"), timedelta(minutes=-5))
    login_as("observer", event=event, working_group="wg1")
    html = page(client, "/e/test-event/sessions/wg1-meeting")
    assert "WG1 meeting" in html
    assert JOIN_URL not in html


def test_join_link_of_a_group_session_hidden_from_members_of_another_group(
    client, db, event, login_as
):
    starting_in(db, session_of(event, "wg1-meeting"), timedelta(minutes=-5))
    login_as("participant", event=event, working_group="wg2")
    html = page(client, "/e/test-event/sessions/wg1-meeting")
    assert JOIN_URL not in html


def test_public_session_never_shows_the_join_link_to_anonymous(client, db, event):
    opening = session_of(event, "opening")
    starting_in(db, opening, timedelta(minutes=-5))
    html = page(client, "/e/test-event/sessions/opening")
    assert "Opening" in html
    assert "call.example.org" not in html
    assert "Video call" not in html


def test_public_session_shows_the_join_link_to_a_member(client, db, event, login_as):
    starting_in(db, session_of(event, "opening"), timedelta(minutes=-5))
    login_as("participant", event=event)
    assert "https://call.example.org/opening" in page(client, "/e/test-event/sessions/opening")


def test_private_session_refused_to_anonymous(client, event):
    response = client.get("/e/test-event/sessions/wg1-meeting")
    assert response.status_code in (302, 401)
    assert "call.example.org" not in response.get_data(as_text=True)


# --- working group page ---------------------------------------------------------------------


def test_working_group_page_shows_leads_notes_questions_sessions(client, db, event, login_as):
    wg = event.working_groups[0]
    wg.background = "Some *history*."
    db.session.commit()
    login_as("participant", event=event)
    html = page(client, "/e/test-event/groups/wg1")
    assert "Working group 1" in html
    assert "Led by NA" in html
    assert "Intro 1" in html and "Objectives 1" in html
    assert "<em>history</em>" in html
    assert html.index("WG1 question 1") < html.index("WG1 question 2")
    assert "/e/test-event/sessions/wg1-meeting" in html


def test_working_group_notes_are_sanitized(client, db, event, login_as):
    wg = event.working_groups[0]
    wg.introduction = (
        'Hello <script>alert("x")</script> [link](javascript:alert(1)) <img src=x onerror=alert(1)>'
    )
    db.session.commit()
    login_as("participant", event=event)
    html = page(client, "/e/test-event/groups/wg1")
    main = html.split('<main id="main"', 1)[1]
    assert "<script>alert" not in main
    assert 'href="javascript:' not in main
    assert "<img" not in main
    assert "Hello" in main


def test_working_group_lists_people_by_public_name_only(
    client, event, make_person, add_member, login_as
):
    wg = event.working_groups[0]
    shy = make_person("amina@example.org", name="Amina Real-Name", display_name="Dove")
    plain = make_person("bea@example.org", name="Bea Example")
    add_member(shy, event, "facilitator", wg)
    add_member(plain, event, "participant", wg)
    login_as("participant", event=event)
    html = page(client, "/e/test-event/groups/wg1")
    assert "Dove" in html and "Facilitator" in html
    assert "Bea Example" in html
    assert "Amina Real-Name" not in html
    assert "amina@example.org" not in html


def test_working_group_page_refused_to_observers_and_strangers(
    client, app, event, make_person, login, login_as
):
    login_as("observer", event=event)
    assert client.get("/e/test-event/groups/wg1").status_code == 403
    other = app.test_client()
    login(make_person(), other)
    assert other.get("/e/test-event/groups/wg1").status_code == 403


def test_group_session_kinds_are_labelled(client, db, event, login_as):
    session_of(event, "opening").kind = SessionKind.KEYNOTE
    db.session.commit()
    login_as("participant", event=event)
    assert "Keynote" in page(client, "/e/test-event/sessions/opening")
