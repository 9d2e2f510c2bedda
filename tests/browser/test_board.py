"""In real browsers: a facilitator captures an item from a room message, a participant endorses
it, the facilitator agrees it; both pages show each step without reloading."""

from __future__ import annotations

import pytest

from eventhub.rooms.models import Message, Room, RoomKind

from .conftest import PHONE, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.fresh_database]


@pytest.fixture
def setup(make_event, make_person, add_member, db):
    event = make_event()
    group = event.working_groups[0]
    facilitator = make_person("fatou@example.org", name="Fatou", language="en")
    participant = make_person("leila@example.org", name="Leila", language="en")
    add_member(facilitator, event, "facilitator", group)
    add_member(participant, event, "participant", group)
    room = Room(event=event, kind=RoomKind.WORKING_GROUP, working_group=group, last_seq=1)
    message = Message(
        room=room,
        seq=1,
        author=participant,
        body="Donors should fund women mediators' networks for ten years.",
    )
    db.session.add_all([room, message])
    db.session.commit()
    return facilitator, participant, message


def mark(page):
    """A flag that a reload would wipe out."""
    page.evaluate("window.__sameDocument = true")


def same_document(page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def test_capture_endorse_agree_live_on_both_pages(browser, server, setup):
    facilitator, participant, message = setup
    live = server()
    board = f"{live.url}/e/test-event/groups/wg1/board"

    leila = browser(viewport=PHONE)
    sign_in(leila, live.url, participant.email)
    leila.goto(board)
    leila.wait_for_selector("#board-connection[data-state=live]")
    mark(leila)

    fatou = browser()
    sign_in(fatou, live.url, facilitator.email)
    # The room's "add to the board" link: the capture form opens, prefilled from the message.
    fatou.goto(f"{board}?from_message={message.id}")
    fatou.wait_for_selector("#board-connection[data-state=live]")
    mark(fatou)
    assert "ten years" in fatou.input_value("#capture-text")
    fatou.select_option("#capture-audience", "Donors")
    fatou.click("#capture-form button[type=submit]")

    # 1. Captured: both pages show WG1-R1, proposed.
    item = "li.board-item:has-text('WG1-R1')"
    for page in (fatou, leila):
        page.wait_for_selector(f"{item} .badge-proposed")
        assert "ten years" in page.inner_text(item)
        assert "1 source" in page.inner_text(item)

    # 2. Leila endorses it; Fatou sees the count change.
    leila.click(f"{item} button:has-text('Endorse')")
    leila.wait_for_selector(f"{item} .board-you-endorsed")
    fatou.wait_for_selector(f"{item} .board-endorsements:has-text('1 endorsement')")

    # 3. Fatou marks it agreed; Leila sees it agreed.
    fatou.click(f"{item} button:has-text('Mark agreed')")
    for page in (fatou, leila):
        page.wait_for_selector(f"{item} .badge-agreed")

    assert same_document(fatou) and same_document(leila)
    assert fatou.input_value("#capture-text") == ""  # ready for the next item
    screenshot(leila, "board-phone-agreed")
    screenshot(fatou, "board-desktop-agreed")


def test_board_in_arabic_on_a_phone_mirrors(browser, server, setup, make_person, add_member, db):
    from flask import current_app

    from eventhub.board import service
    from eventhub.programme.models import Event

    facilitator, participant, message = setup
    participant.language = "ar"
    event = db.session.scalar(db.select(Event))
    with current_app.test_request_context():
        service.add_item(
            facilitator,
            event.working_groups[0],
            kind="recommendation",
            text="تمويل شبكات الوسيطات على المدى الطويل",
            audience="Donors",
        )
    live = server()
    page = browser(viewport=PHONE, locale="ar")
    sign_in(page, live.url, participant.email)
    page.goto(f"{live.url}/e/test-event/groups/wg1/board")
    assert page.get_attribute("html", "dir") == "rtl"
    widths = page.eval_on_selector(
        "li.board-item",
        "el => [getComputedStyle(el).borderRightWidth, getComputedStyle(el).borderLeftWidth]",
    )
    assert float(widths[0].rstrip("px")) > float(
        widths[1].rstrip("px")
    )  # the start is on the right
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "board-arabic-phone")


# Versions 2-4 of an item as a French facilitator left them, as each reader should read them.
HISTORY = {
    "ar": ["مقترحة ← متفق عليها", "Raccourci après la plénière", "عُدّلت: النص", "سُجِّلت"],
    "en": ["proposed → agreed", "Raccourci après la plénière", "Edited: text", "Captured"],
}


@pytest.mark.parametrize("language", ["ar", "en"])
def test_item_history_by_a_french_facilitator_reads_in_the_readers_language(
    browser, server, setup, db, language
):
    from flask import current_app

    from eventhub.board import service
    from eventhub.programme.models import Event

    facilitator, participant, _message = setup
    facilitator.language, participant.language = "fr", language
    event = db.session.scalar(db.select(Event))
    with current_app.test_request_context():
        item = service.add_item(
            facilitator,
            event.working_groups[0],
            kind="recommendation",
            text="Fund women mediators' networks for five years.",
            audience="Donors",
        )
        service.edit_item(
            facilitator,
            item,
            version=1,
            text="Fund women mediators' networks for ten years.",
            audience="Donors",
        )
        service.edit_item(
            facilitator,
            item,
            version=2,
            text="Fund the networks for ten years.",
            audience="Donors",
            summary="Raccourci après la plénière",
        )
        service.change_state(facilitator, item, "agreed", version=3)
    db.session.commit()
    live = server()
    page = browser(viewport=PHONE, locale=language)
    sign_in(page, live.url, participant.email)
    page.goto(f"{live.url}/e/test-event/groups/wg1/board/items/{item.id}")
    rows = page.locator("table.board-history tbody tr td:last-child")
    assert rows.all_inner_texts() == HISTORY[language]
    for size, viewport in (("phone", PHONE), ("desktop", {"width": 1280, "height": 800})):
        page.set_viewport_size(viewport)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), size
        screenshot(page, f"board-item-history-{language}-{size}")
