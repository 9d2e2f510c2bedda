"""Add-to-calendar buttons and the profile's subscription box; no call link on any public page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from eventhub.programme.models import Role

CALL = "call.example.org"


def _google_link(html: str) -> str:
    start = html.index("https://calendar.google.com/calendar/render?")
    return html[start : html.index('"', start)].replace("&amp;", "&")


def test_session_page_offers_ics_and_google_links(client, dst_event):
    dst_event()
    html = client.get("/e/dst-event/sessions/opening").get_data(as_text=True)
    assert "/e/dst-event/sessions/opening/calendar.ics" in html
    query = parse_qs(urlsplit(_google_link(html)).query)
    assert query["action"] == ["TEMPLATE"]
    assert query["text"] == ["Opening"]
    assert query["dates"] == ["20201024T080000Z/20201024T103000Z"]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/e/dst-event/",
        "/e/dst-event/programme",
        "/e/dst-event/sessions/opening",
        "/e/dst-event/sessions/closing",
        "/e/dst-event/sessions/dropped",
        "/e/dst-event/calendar.ics",
        "/e/dst-event/sessions/opening/calendar.ics",
        "/e/dst-event/sessions/closing/calendar.ics",
        "/e/dst-event/groups/wg1/calendar.ics",
    ],
)
def test_no_public_page_or_feed_carries_a_call_link(client, dst_event, path):
    dst_event()
    response = client.get(path, follow_redirects=True)  # a members' page leads to sign-in
    assert response.status_code == 200, path
    assert CALL not in response.get_data(as_text=True)


def test_google_link_has_no_call_link_for_an_observer(
    client, dst_event, make_person, add_member, sign_in
):
    event = dst_event()
    observer = make_person()
    add_member(observer, event, Role.OBSERVER)
    sign_in(observer)
    html = client.get("/e/dst-event/sessions/opening").get_data(as_text=True)
    assert CALL not in _google_link(html)


def test_google_link_has_the_session_page_not_the_call_link_for_a_member(
    client, dst_event, make_person, add_member, sign_in
):
    event = dst_event()
    member = make_person()
    add_member(member, event, Role.PARTICIPANT)
    sign_in(member)
    html = client.get("/e/dst-event/sessions/opening").get_data(as_text=True)
    details = parse_qs(urlsplit(_google_link(html)).query)["details"][0]
    assert CALL not in details
    assert "/e/dst-event/sessions/opening" in details


def test_group_page_offers_download_and_points_to_her_subscription(
    client, dst_event, make_person, add_member, sign_in
):
    event = dst_event()
    person = make_person()
    add_member(person, event, Role.PARTICIPANT, event.working_groups[0])
    sign_in(person)
    response = client.get("/e/dst-event/groups/wg1")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'href="/e/dst-event/groups/wg1/calendar.ics"' in html
    assert 'href="/profile#calendar-subscription"' in html
    # A calendar app polls without her login: a group webcal link would show it nothing.
    assert "webcal://" not in html


def test_profile_offers_to_create_then_shows_webcal_link(client, db, make_person, sign_in):
    person = sign_in(make_person())
    html = client.get("/profile").get_data(as_text=True)
    assert 'action="/profile/calendar"' in html and "webcal://" not in html
    client.post("/profile/calendar")
    db.session.refresh(person)
    html = client.get("/profile").get_data(as_text=True)
    assert f"webcal://localhost/calendar/{person.calendar_token}.ics" in html
    assert 'action="/profile/calendar/revoke"' in html
