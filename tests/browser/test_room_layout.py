"""The room's first screen, on a phone and on a desktop, in English and in Arabic: the question,
the timer, her hand, the call and the composer without scrolling, the discussion at its latest
message. The screenshots are kept in docs/screenshots/ for the README."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from eventhub.rooms import posting
from eventhub.rooms.service import room_for_group
from eventhub.timestamps import utcnow

from .conftest import DESKTOP, PHONE, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.fresh_database]

CONNECTED = "#room-connection[data-state=connected]"
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "docs" / "screenshots"
WIDE = {**DESKTOP, "height": 800}

LINES = [
    "Let us hear from the Sahel first.",
    "Rosters of women mediators exist but are rarely used by envoys.",
    "In the Arab States the networks meet twice a year; funding is the gap.",
    "Could the rosters be shared with the regional organisations directly?",
    "We tried that with ECOWAS: it worked when a focal point owned it.",
    "Protection must come first: several members were threatened online.",
    "Agreed. A rapid-response fund would help, even a small one.",
    "Noted for the board: long-term, flexible funding for networks.",
    "And training for digital safety, in Arabic and French too.",
    "The Nordic network can host the next exchange online.",
    "Should we propose a standing contact in each envoy's office?",
    "Yes, and report back every year at this meeting.",
]


@pytest.fixture
def busy_room(db, make_event, make_person, add_member):
    """A working group on now, with its call, a question, a running timer and a discussion."""
    event = make_event()
    group = event.working_groups[0]
    meeting = next(s for s in group.sessions)
    meeting.starts_at = utcnow() - timedelta(minutes=5)
    meeting.ends_at = utcnow() + timedelta(hours=2)
    people = []
    for email, name, role in (
        ("amina@example.org", "Amina", "facilitator"),
        ("fatou@example.org", "Fatou", "participant"),
        ("leila@example.org", "Leila", "participant"),
        ("ingrid@example.org", "Ingrid", "rapporteur"),
    ):
        person = make_person(email, name=f"{name} Example", display_name=name)
        add_member(person, event, role, group)
        people.append(person)
    room = room_for_group(group)
    room.current_question = group.guiding_questions[1]
    room.timer_ends_at = utcnow() + timedelta(minutes=30)
    db.session.commit()
    for i, line in enumerate(LINES):
        posting.post_message(room.id, people[i % len(people)].id, line, f"seed-{i}")
    db.session.commit()
    return people


def in_first_screen(page, selector: str) -> bool:
    """Visible and wholly inside the viewport as the page opened (no scrolling)."""
    box = page.locator(selector).first.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["x"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] + box["width"] <= size["width"] + 1
    )


@pytest.mark.parametrize(
    "viewport,size", [(PHONE, "phone"), (WIDE, "desktop")], ids=["phone", "desktop"]
)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_first_screen_has_what_she_needs_in_the_next_minute(
    browser, server, busy_room, db, viewport, size, language
):
    _amina, fatou, *_ = busy_room
    fatou.language = language
    db.session.commit()
    live = server()
    page = browser(viewport=viewport)
    sign_in(page, live.url, fatou.email)
    page.goto(f"{live.url}/e/test-event/groups/wg1/room")
    page.wait_for_selector(CONNECTED)
    page.wait_for_selector("#room-timer:not(:empty)")
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")

    for selector in (
        "#room-body",
        "#room-compose button[type=submit]",
        "#current-question",
        "#room-timer",
        "#room-hand",
        ".room-bar .call-button",
    ):
        assert in_first_screen(page, selector), f"{selector} is not in the first screen"
    assert "WG1 question 2" in page.inner_text("#current-question")
    # The page itself does not scroll, nor sideways; the discussion opened at its latest message.
    assert page.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 1")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert in_first_screen(page, "#messages li.message:last-child .message-body")
    assert page.locator("#messages li.message:last-child").inner_text().count("report back") == 1
    assert page.evaluate(
        "(() => { const s = document.getElementById('room-scroll');"
        " return s.scrollHeight > s.clientHeight && s.scrollTop > 0; })()"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"room-{size}-{language}.png"))
    if size == "phone":
        # Panels one tap away: the queue opens over the discussion and closes with Escape.
        assert not page.is_visible("#room-panel-queue")
        page.click("#room-tabs [data-panel=room-panel-queue]")
        assert page.is_visible("#room-panel-queue")
        page.keyboard.press("Escape")
        assert not page.is_visible("#room-panel-queue")
        assert page.evaluate("document.activeElement.dataset.panel") == "room-panel-queue"
        page.click("#room-tabs [data-panel=room-panel-people]")
        page.click("#room-panel-close")  # a visible way out too, one tap
        assert not page.is_visible("#room-panel-people")
    else:
        assert page.is_visible("#room-panel-queue") and page.is_visible("#room-panel-people")


def test_new_messages_wait_behind_a_marker_while_she_reads_further_up(browser, server, busy_room):
    amina, fatou, *_ = busy_room
    live = server()
    pages = {}
    for person, viewport in ((fatou, PHONE), (amina, WIDE)):
        page = browser(viewport=viewport)
        sign_in(page, live.url, person.email)
        page.goto(f"{live.url}/e/test-event/groups/wg1/room")
        page.wait_for_selector(CONNECTED)
        pages[person.email] = page
    reader, writer = pages[fatou.email], pages[amina.email]
    reader.evaluate("document.getElementById('room-scroll').scrollTop = 0")
    for text in ("First new one", "Second new one"):
        writer.fill("#room-body", text)
        writer.click("#room-compose button[type=submit]")
        reader.wait_for_selector(f"#messages li.message:has-text('{text}')", state="attached")
    reader.wait_for_selector("#room-new-marker:has-text('2')")
    assert reader.evaluate("document.getElementById('room-scroll').scrollTop") == 0
    reader.click("#room-new-marker")
    assert reader.is_hidden("#room-new-marker")
    assert in_first_screen(reader, "#messages li.message:last-child .message-body")
    assert reader.evaluate("document.activeElement.id") == "room-body"


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_room_and_board_have_no_serious_accessibility_violations(
    browser, server, busy_room, db, language
):
    amina, fatou, *_ = busy_room
    for person in (amina, fatou):
        person.language = language
    db.session.commit()
    live = server()
    found = {}
    # The facilitator on a wide screen: every panel beside the discussion, a poll open.
    page = browser(viewport=WIDE)
    sign_in(page, live.url, amina.email)
    page.goto(f"{live.url}/e/test-event/groups/wg1/room")
    page.wait_for_selector(CONNECTED)
    page.click("#room-poll-new summary")
    page.fill("#room-poll-question", "What comes first?")
    page.fill("#room-poll-options", "Funding\nProtection")
    page.click("#room-poll-form button[type=submit]")
    page.wait_for_selector("#room-poll legend")
    page.click("#room-question-box summary")
    found["room, facilitator, wide"] = serious_violations(page)
    page.click("#messages li.message:last-child button.link >> nth=1")  # Add to the board
    page.wait_for_selector("#room-capture-dialog[open]")
    found["capture dialog"] = serious_violations(page)
    page.goto(f"{live.url}/e/test-event/groups/wg1/board")
    found["board, wide"] = serious_violations(page)
    # A participant on a phone, each panel open in turn.
    phone = browser(viewport=PHONE)
    sign_in(phone, live.url, fatou.email)
    phone.goto(f"{live.url}/e/test-event/groups/wg1/room")
    phone.wait_for_selector(CONNECTED)
    for panel in ("room-panel-people", "room-panel-queue", "room-panel-poll"):
        phone.click(f"#room-tabs [data-panel={panel}]")
        found[f"room, phone, {panel}"] = serious_violations(phone)
    phone.goto(f"{live.url}/e/test-event/groups/wg1/board")
    found["board, phone"] = serious_violations(phone)
    assert {where: v for where, v in found.items() if v} == {}
