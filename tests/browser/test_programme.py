"""In a real browser: sign in, read the programme in her time zone, switch to Arabic."""

from __future__ import annotations

import pytest

from .conftest import PHONE, screenshot, sign_in, visible_text

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.fresh_database]

# The test event's opening: 2030-03-02 09:00 UTC, which is 10:00 in Rome and 17:00 in Manila.


@pytest.fixture
def event(make_event):
    return make_event()


@pytest.fixture
def member(event, make_person, add_member):
    def make(timezone: str | None, email: str):
        person = make_person(email, name="Maria Rossi", timezone=timezone, language="en")
        add_member(person, event, "participant")
        return person

    return make


def test_programme_in_rome_shows_the_event_clock_only(browser, server, member):
    maria = member("Europe/Rome", "maria@example.org")
    live = server()
    page = browser()
    sign_in(page, live.url, maria.email)
    page.goto(f"{live.url}/e/test-event/programme")
    text = visible_text(page)
    assert "Saturday, 2 March 2030" in text or "Saturday, March 2, 2030" in text
    assert "10:00 AM" in text
    assert "(Rome" not in text.split("Times are shown", 1)[0]
    assert page.get_attribute("html", "data-zone-source") == "profile"
    screenshot(page, "programme-rome-desktop")


def test_programme_in_manila_shows_local_times_with_romes_beside(browser, server, member):
    liza = member("Asia/Manila", "liza@example.org")
    live = server()
    # The browser's own zone must not override the one in her profile.
    page = browser(timezone_id="America/New_York")
    sign_in(page, live.url, liza.email)
    page.goto(f"{live.url}/e/test-event/programme")
    text = visible_text(page)
    assert "5:00 PM" in text
    assert "(Rome 10:00 AM" in text
    assert "the time zone set in your profile" in text
    screenshot(page, "programme-manila-desktop")
    for path, name in (
        ("/e/test-event/", "event"),
        ("/e/test-event/sessions/wg1-meeting", "session"),
    ):
        page.goto(f"{live.url}{path}")
        assert "(Rome 10:00 AM" in visible_text(page)
        screenshot(page, f"{name}-manila-desktop")


def test_browser_zone_is_detected_once_when_the_profile_has_none(browser, server, member):
    ana = member(None, "ana@example.org")
    live = server()
    page = browser(timezone_id="Asia/Manila")
    sign_in(page, live.url, ana.email)
    page.goto(f"{live.url}/e/test-event/programme")
    # timezone.js sets the cookie and redraws the page's main part (no reload); the page then
    # says where its zone came from.
    page.wait_for_selector("html[data-zone-source=browser]", state="attached")
    text = visible_text(page)
    assert "5:00 PM" in text
    assert "(Rome 10:00 AM" in text
    assert "the time zone of your device" in text
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies["eventhub_tz"] == "Asia/Manila"
    # Remembered: the next page is right at once, with no second reload.
    fetched = []
    page.on("request", lambda r: r.is_navigation_request() and fetched.append(r.url))
    page.goto(f"{live.url}/e/test-event/")
    page.wait_for_load_state("networkidle")
    assert fetched == [f"{live.url}/e/test-event/"]
    assert page.get_attribute("html", "data-zone-source") == "browser"


def test_switching_to_arabic_gives_a_right_to_left_page(browser, server, member):
    maria = member("Europe/Rome", "maria@example.org")
    live = server()
    page = browser()
    sign_in(page, live.url, maria.email)
    page.goto(f"{live.url}/e/test-event/programme")
    with page.expect_navigation():
        page.select_option("#language-select", "ar")  # submits itself (autosubmit.js)
    page.wait_for_load_state()
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "ar"
    assert page.url.endswith("/e/test-event/programme")
    screenshot(page, "programme-arabic-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "programme-arabic-phone")


def test_programme_fits_a_phone(browser, server, member):
    maria = member("Asia/Manila", "maria@example.org")
    live = server()
    page = browser(viewport=PHONE)
    sign_in(page, live.url, maria.email)
    for path, name in (
        ("/e/test-event/programme", "programme"),
        ("/e/test-event/", "event"),
        ("/e/test-event/groups/wg1", "group"),
    ):
        page.goto(f"{live.url}{path}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways on a phone by {overflow}px"
        screenshot(page, f"{name}-manila-phone")


def test_public_session_shows_the_browsers_zone_without_reloading(browser, server, event):
    live = server()
    page = browser(timezone_id="Asia/Manila")
    fetched = []
    page.on("request", lambda r: r.is_navigation_request() and fetched.append(r.url))
    page.goto(f"{live.url}/e/test-event/sessions/opening")
    page.evaluate("window.sameDocument = true")
    page.wait_for_selector("html[data-zone-source=browser]", state="attached")
    page.wait_for_load_state("networkidle")
    text = visible_text(page)
    assert "5:00 PM" in text
    assert "(Rome 10:00 AM" in text
    assert "call.example.org" not in page.content()
    # One navigation only: the times were redrawn in the same document, which never reloaded.
    assert fetched == [f"{live.url}/e/test-event/sessions/opening"]
    assert page.evaluate("window.sameDocument") is True
    screenshot(page, "public-session-anonymous-desktop")
