"""In real browsers: three members ask and upvote a plenary's questions; the order changes live
on every screen; the moderator marks one as being answered and every screen highlights it."""

from __future__ import annotations

import pytest

from eventhub.programme.models import Attribution

from .conftest import PHONE, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.fresh_database]

LIVE = "#qa-connection[data-state=online]"


@pytest.fixture
def people(make_event, make_person, add_member):
    event = make_event(attribution=Attribution.NAMED)
    amina = make_person("amina@example.org", name="Amina", language="en")
    leila = make_person("leila@example.org", name="Leila", language="ar")
    chair = make_person("chair@example.org", name="Chair", language="en")
    add_member(amina, event, "participant")
    add_member(leila, event, "participant")
    add_member(chair, event, "organiser")
    return amina, leila, chair


def question(text: str) -> str:
    return f"#qa-questions li.qa-question:has-text('{text}')"


def order(page) -> list[str]:
    return page.eval_on_selector_all(
        "#qa-questions li.qa-question .qa-text", "nodes => nodes.map(n => n.textContent.trim())"
    )


def test_asking_upvoting_and_answering_update_every_screen(browser, server, people):
    amina, leila, chair = people
    live = server()
    url = f"{live.url}/e/test-event/sessions/opening/qa"
    errors: list[str] = []
    pages = {}
    for person, viewport in ((amina, PHONE), (leila, PHONE), (chair, None)):
        page = browser(viewport=viewport) if viewport else browser()
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, live.url, person.email)
        page.goto(url)
        page.wait_for_selector(LIVE)
        pages[person.name] = page
    a, b, c = pages["Amina"], pages["Leila"], pages["Chair"]

    # Amina asks two questions; everyone sees both, newest votes equal so first asked first.
    for text in ("Who funds the rosters?", "How do we reach rural mediators?"):
        a.fill("#qa-body", text)
        a.click("#qa-ask-form button[type=submit]")
        for page in (a, b, c):
            page.wait_for_selector(question(text))
    assert order(b) == ["Who funds the rosters?", "How do we reach rural mediators?"]

    # Leila (in Arabic, right to left) and the chair upvote the second: it moves up everywhere.
    assert b.get_attribute("html", "dir") == "rtl"
    b.click(f"{question('rural mediators')} .qa-vote-button")
    c.click(f"{question('rural mediators')} .qa-vote-button")
    for page in (a, b, c):
        page.wait_for_function(
            "() => document.querySelector('#qa-questions li .qa-text').textContent.includes('rural')"
        )
        page.wait_for_selector(f"{question('rural mediators')} .qa-count:text-is('2')")
    assert (
        b.get_attribute(f"{question('rural mediators')} .qa-vote-button", "aria-pressed") == "true"
    )
    assert (
        a.get_attribute(f"{question('rural mediators')} .qa-vote-button", "aria-pressed") == "false"
    )

    # The chair marks the first question as being answered: every screen highlights it.
    c.click(f"{question('Who funds')} form[data-states~='open'] button:has-text('Being answered')")
    for page in (a, b, c):
        page.wait_for_selector(f"{question('Who funds')}[data-state=answering]")
        assert page.is_visible(f"{question('Who funds')} [data-show=answering]")
    assert order(a)[0] == "Who funds the rosters?"  # being answered comes first
    # Nobody but the chair sees moderation controls.
    assert not a.is_visible("form[data-action=moderate]") and not b.is_visible(
        "form[data-action=moderate]"
    )
    screenshot(a, "qa-participant-phone")
    screenshot(c, "qa-moderator-desktop")
    assert not errors, errors
