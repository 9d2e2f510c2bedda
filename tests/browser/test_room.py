"""In real browsers: two people chat in a working group's room and see each other's messages live;
the facilitator hides one and it disappears for the participant."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from .conftest import PHONE, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.fresh_database]

CONNECTED = "#room-connection[data-state=connected]"


@pytest.fixture
def people(make_event, make_person, add_member):
    event = make_event()
    group = event.working_groups[0]
    facilitator = make_person(
        "fatou@example.org", name="Fatou Diallo", display_name="Fatou", language="en"
    )
    participant = make_person(
        "leila@example.org", name="Leila Haddad", display_name="Leila", language="en"
    )
    add_member(facilitator, event, "facilitator", group)
    add_member(participant, event, "participant", group)
    return facilitator, participant


def message(text: str) -> str:
    return f"#messages li.message:has-text('{text}')"


def enter_room(browser, live, person, *, path: str = "/e/test-event/groups/wg1/room", **options):
    """A fresh browser signed in as `person`, in the room, connected."""
    page = browser(**options)
    sign_in(page, live.url, person.email)
    page.goto(f"{live.url}{path}")
    page.wait_for_selector(CONNECTED)
    return page


def post(page, text: str) -> None:
    page.fill("#room-body", text)
    page.click("#room-compose button[type=submit]")


def test_two_people_chat_and_the_facilitator_hides_a_message(browser, server, people):
    facilitator, participant = people
    live = server()
    room = f"{live.url}/e/test-event/groups/wg1/room"

    errors = []
    leila = browser(viewport=PHONE)
    leila.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(leila, live.url, participant.email)
    leila.goto(room)
    leila.wait_for_selector(CONNECTED)

    fatou = browser()
    fatou.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(fatou, live.url, facilitator.email)
    fatou.goto(room)
    fatou.wait_for_selector(CONNECTED)
    assert fatou.is_visible("#facilitate-heading")
    assert not leila.is_visible("#facilitate-heading")
    # Only the facilitator sees who has not spoken yet.
    fatou.wait_for_selector("#room-unheard li:has-text('Leila')")
    assert leila.locator("#room-unheard").count() == 0
    # Who is here: Fatou's list came with her join; Leila's gains her with the room's next
    # presence broadcast (coalesced, PRESENCE_FLUSH_SECONDS).
    assert fatou.locator("#room-presence li").count() == 2
    leila.wait_for_selector(
        "#room-presence li:has-text('Fatou')", state="attached"
    )  # folded on a phone

    # Leila writes with the keyboard only (Ctrl+Enter sends); Fatou sees it without reloading.
    leila.focus("#room-body")
    leila.keyboard.type("Networks need *long-term* funding.")
    leila.keyboard.press("Control+Enter")
    fatou.wait_for_selector(message("long-term funding"))
    assert fatou.inner_html(f"{message('long-term funding')} .message-body").count("<em>") == 1
    assert "Leila" in fatou.inner_text(message("long-term funding"))
    assert "leila@example.org" not in fatou.content()

    # Fatou answers; Leila sees it, once, after her own.
    fatou.fill("#room-body", "Thank you, noted for the board.")
    fatou.click("#room-compose button[type=submit]")
    leila.wait_for_selector(message("noted for the board"))
    texts = leila.locator("#messages li.message .message-body").all_inner_texts()
    assert [t.strip() for t in texts] == [
        "Networks need long-term funding.",
        "Thank you, noted for the board.",
    ]
    leila.fill("#room-body", "Something I regret writing")
    leila.click("#room-compose button[type=submit]")
    fatou.wait_for_selector(message("regret writing"))

    # Fatou hides it: gone for Leila, kept and marked for Fatou.
    fatou.click(f"{message('regret writing')} button:has-text('Hide')")
    leila.wait_for_selector(message("regret writing"), state="detached")
    fatou.wait_for_selector(f"{message('regret writing')}.is-hidden .message-hidden-note")
    # Her focus stays where she acted: Hide became Show again, in the same place.
    fatou.wait_for_function("document.activeElement.textContent === 'Show again'")
    assert leila.is_visible(message("long-term funding"))
    screenshot(leila, "room-participant-phone")
    screenshot(fatou, "room-facilitator")

    # After a reload the hidden message stays away for Leila.
    leila.reload()
    leila.wait_for_selector(CONNECTED)
    assert leila.locator(message("regret writing")).count() == 0
    assert leila.locator("#messages li.message").count() == 2

    # Facilitation reaches her live too: the question, and the floor after she raises her hand.
    fatou.select_option("#room-set-question-select", label="Question 2: WG1 question 2")
    fatou.click("#room-set-question button[type=submit]")
    leila.wait_for_selector("#current-question:has-text('WG1 question 2')")
    leila.click("#room-hand")
    fatou.wait_for_selector("#room-queue li:has-text('Leila')")
    fatou.click("#room-queue li:has-text('Leila') button:has-text('Give the floor')")
    leila.wait_for_selector("#room-floor:has-text('You have the floor.')")
    fatou.close()  # her socket goes: she leaves Leila's list
    leila.wait_for_selector("#room-presence li:has-text('Fatou')", state="detached")
    assert errors == []


def test_text_sent_while_the_server_is_down_arrives_after_it_comes_back(browser, server, people):
    facilitator, participant = people
    live = server()
    leila = enter_room(browser, live, participant, viewport=PHONE)
    fatou = enter_room(browser, live, facilitator)
    post(fatou, "Before the outage")
    leila.wait_for_selector(message("Before the outage"))

    live.kill()  # a crash: the page says so and keeps what she writes
    leila.wait_for_selector("#room-connection[data-state=reconnecting]")
    leila.fill("#room-body", "Written while offline")
    leila.click("#room-compose button[type=submit]")
    leila.wait_for_selector("#room-outbox:has-text('Waiting to be sent: 1')")

    live.start()  # same port, same database
    for page in (leila, fatou):
        page.wait_for_selector(CONNECTED, timeout=30_000)
        page.wait_for_selector(message("Written while offline"), timeout=30_000)
    leila.wait_for_selector("#room-outbox", state="hidden")
    for page in (leila, fatou):
        bodies = page.locator("#messages li.message .message-body").all_inner_texts()
        assert [b.strip() for b in bodies] == ["Before the outage", "Written while offline"]


# A message's DOM as a person meets it: tags, classes, the attributes that matter, and text,
# with whitespace between elements ignored (the template and the script indent differently).
SHAPE = """(node) => {
  const walk = (n) => {
    if (n.nodeType === Node.TEXT_NODE) return n.textContent.trim() ? n.textContent.trim() : null;
    if (n.nodeType !== Node.ELEMENT_NODE) return null;
    const attrs = {};
    for (const a of n.attributes) attrs[a.name] = a.value;
    return [n.tagName.toLowerCase(), attrs, [...n.childNodes].map(walk).filter((c) => c !== null)];
  };
  return walk(node);
}"""


def test_a_live_message_is_the_same_as_after_a_reload(browser, server, people, db):
    facilitator, participant = people
    # Her profile says New York; her laptop says Paris: times follow the profile, live and loaded.
    facilitator.timezone = "America/New_York"
    db.session.commit()
    live = server()
    leila = enter_room(browser, live, participant, viewport=PHONE)
    fatou = enter_room(browser, live, facilitator, timezone_id="Europe/Paris")
    post(fatou, "Let us hear from the Sahel first.")
    leila.wait_for_selector(message("Sahel first"))
    leila.click(f"{message('Sahel first')} button:has-text('Reply')")
    post(leila, "Rosters exist but are *rarely* used.")
    fatou.wait_for_selector(message("Rosters exist"))

    shapes = {}
    for text in ("Sahel first", "Rosters exist"):
        shapes[text] = fatou.locator(message(text)).evaluate(SHAPE)
    fatou.reload()
    fatou.wait_for_selector(CONNECTED)
    for text, shape in shapes.items():
        assert fatou.locator(message(text)).evaluate(SHAPE) == shape

    # The facilitator's mark is on her message, her actions on both, the time in her zone.
    mine = fatou.locator(message("Sahel first"))
    assert mine.locator(".role-mark").inner_text() == "Facilitator"
    theirs = fatou.locator(message("Rosters exist"))
    assert theirs.locator(".role-mark").count() == 0
    assert theirs.locator(".message-actions button").all_inner_texts() == [
        "Reply",
        "Add to the board",
        "Report to facilitators",
        "Hide",
    ]
    assert "in reply to Fatou" in theirs.inner_text()
    stamp = theirs.locator("time").get_attribute("datetime")
    expected = (
        datetime.fromisoformat(stamp).astimezone(ZoneInfo("America/New_York")).strftime("%-I:%M")
    )
    assert theirs.locator("time").inner_text().startswith(expected)


def test_a_live_message_captured_in_the_room_reaches_another_members_board(browser, server, people):
    facilitator, participant = people
    live = server()
    board = browser(viewport=PHONE)
    sign_in(board, live.url, participant.email)
    board.goto(f"{live.url}/e/test-event/groups/wg1/board")
    board.wait_for_selector("#board-connection[data-state=live]")
    leila = enter_room(browser, live, participant, viewport=PHONE)
    fatou = enter_room(browser, live, facilitator)
    post(leila, "Envoys should name a standing contact for women mediators.")
    post(leila, "And report on it every year.")
    fatou.wait_for_selector(message("report on it every year"))

    # Fatou captures both live messages into one insight, in a dialog, without leaving.
    fatou.click(f"{message('report on it every year')} button:has-text('Add to the board')")
    fatou.wait_for_selector("#room-capture-dialog[open]")
    assert fatou.evaluate("document.activeElement.id") == "room-capture-text"
    fatou.check("#room-capture-messages li:has-text('standing contact') input")
    fatou.fill(
        "#room-capture-text", "A standing contact for women mediators in every envoy's office"
    )
    fatou.click("#room-capture-submit")
    fatou.wait_for_selector("#room-capture-dialog", state="hidden")
    fatou.wait_for_selector("#room-notice:has-text('Added to the board as WG1-I1.')")
    assert fatou.url.endswith("/room")
    # Focus is back on the message she captured from.
    assert fatou.evaluate("document.activeElement.textContent") == "Add to the board"

    # Both messages say which item they fed, at once, in the room of everyone present.
    for page in (fatou, leila):
        for text in ("standing contact", "report on it every year"):
            page.wait_for_selector(f"{message(text)} .message-board:has-text('WG1-I1')")
    # The other member's board shows the new item live, with its two sources.
    item = "li.board-item:has-text('WG1-I1')"
    board.wait_for_selector(item)
    assert "every envoy's office" in board.inner_text(item)
    assert "2 sources" in board.inner_text(item)

    # Adding a message as a source of the existing item, from the same dialog.
    post(leila, "Start with the three envoys already in post.")
    fatou.wait_for_selector(message("three envoys"))
    fatou.click(f"{message('three envoys')} button:has-text('Add to the board')")
    fatou.check("#room-capture-dialog input[name=mode][value=existing]")
    fatou.select_option(
        "#room-capture-item",
        label="WG1-I1: A standing contact for women mediators in every envoy's office",
    )
    fatou.click("#room-capture-submit")
    leila.wait_for_selector(f"{message('three envoys')} .message-board:has-text('WG1-I1')")
    board.wait_for_selector(f"{item}:has-text('3 sources')")

    # Loaded as it was live: after a reload the marks are the same.
    fatou.reload()
    fatou.wait_for_selector(CONNECTED)
    for text in ("standing contact", "report on it every year", "three envoys"):
        assert "WG1-I1" in fatou.inner_text(f"{message(text)} .message-board")


def test_a_poll_opened_answered_by_two_and_closed_shows_the_counts_to_both(
    browser, server, people, make_person, add_member, db
):
    facilitator, participant = people
    other = make_person("ines@example.org", name="Ines", display_name="Ines", language="en")
    add_member(other, _event(db), "participant", _group(db))
    live = server()
    leila = enter_room(browser, live, participant, viewport=PHONE)
    ines = enter_room(browser, live, other, viewport=PHONE)
    fatou = enter_room(browser, live, facilitator)

    fatou.click("#room-poll-new summary")
    fatou.fill("#room-poll-question", "What comes first?")
    fatou.fill("#room-poll-options", "Funding\nProtection\nTraining")
    fatou.click("#room-poll-form button[type=submit]")
    for page in (leila, ines):
        page.wait_for_selector("#room-poll-mark:has-text('●')")  # the Poll tab says it is open
        page.click("#room-tabs [data-panel=room-panel-poll]")
        page.wait_for_selector("#room-poll legend:has-text('What comes first?')")
    leila.check("#room-poll .poll-option:has-text('Protection') input")
    leila.click("#room-poll-answer")
    leila.wait_for_selector("#room-notice:has-text('Your answer is counted.')")
    ines.check("#room-poll .poll-option:has-text('Protection') input")
    ines.click("#room-poll-answer")
    ines.wait_for_selector("#room-poll .poll-state:has-text('Answers: 2')")
    # Ines changes her mind while it is open.
    ines.check("#room-poll .poll-option:has-text('Training') input")
    ines.click("#room-poll-answer")
    fatou.wait_for_selector(
        "#room-poll .poll-option:has-text('Training') .poll-count:has-text('1')"
    )

    fatou.click("#room-poll-close")
    for page in (leila, ines, fatou):
        page.wait_for_selector("#room-poll .poll-state:has-text('Closed')")
        counts = page.locator("#room-poll .poll-count").all_inner_texts()
        assert counts == ["0", "1", "1"]
        assert page.locator("#room-poll input:not([disabled])").count() == 0
        assert "Leila" not in page.inner_text("#room-poll")  # counts, never names
    screenshot(leila, "room-poll-phone")


def _event(db):
    from eventhub.programme.models import Event

    return db.session.scalar(db.select(Event))


def _group(db):
    return _event(db).working_groups[0]
