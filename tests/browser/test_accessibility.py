"""Every main page, as each kind of visitor sees it, in English and Arabic, on a phone:
axe-core finds no serious or critical violation, and no page is wider than the 390 px screen.

Disclosures (`<details>`), the time-zone suggestions and the room's report dialog are opened
before the check, so what they show is checked too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eventhub.board import service as board
from eventhub.board.models import ItemKind
from eventhub.programme.models import Role

from .conftest import PHONE, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.fresh_database]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")

ANONYMOUS = ["/", "/login", "/e/test-event/sessions/opening"]
PARTICIPANT = [
    "/",
    "/profile",
    "/e/test-event/",
    "/e/test-event/programme",
    "/e/test-event/sessions/wg1-meeting",
    "/e/test-event/groups/wg1",
    "/e/test-event/groups/wg1/board",
    "/e/test-event/groups/wg1/room",
]
FACILITATOR = [
    "/e/test-event/groups/wg1/board",
    "/e/test-event/groups/wg1/board/items/{item}",
    "/e/test-event/groups/wg1/room",
]
ORGANISER = [
    "/e/test-event/people",
    "/e/test-event/manage/sessions",
    "/e/test-event/manage/sessions/opening/edit",
    "/e/test-event/manage/sessions/opening/invites",
    "/e/test-event/report",
]


@pytest.fixture
def people(make_event, make_person, add_member, db):
    event = make_event()
    group = event.working_groups[0]
    found = {}
    for role, where in (
        ("organiser", None),
        ("facilitator", group),
        ("participant", group),
    ):
        person = make_person(f"{role}@example.org", name=f"Amina {role}", timezone="Asia/Manila")
        add_member(person, event, Role(role), where)
        found[role] = person
    item = board.add_item(
        found["facilitator"],
        group,
        kind=ItemKind.RECOMMENDATION,
        text="Fund the regional rosters of women mediators.",
        audience="Donors",
    )
    db.session.commit()
    return found, item


def _open_everything(page) -> None:
    page.evaluate(
        """() => {
          for (const d of document.querySelectorAll('details')) d.open = true;
          const zone = document.querySelector('[data-zone-picker]');
          if (zone) zone.focus();
        }"""
    )
    page.wait_for_timeout(200)


def _check(page, url: str, problems: list[str]) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    _open_everything(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        problems.append(f"{url}: {width}px wide on a {PHONE['width']}px phone")
    # Through DevTools, as a person's browser extension would: the page's CSP forbids scripts
    # that are not its own.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Runtime.evaluate", {"expression": AXE.read_text(encoding="utf-8")})
    cdp.detach()
    for state in ("page", "dialog"):
        if state == "dialog":
            opened = page.evaluate(
                """() => { const d = document.querySelector('dialog');
                           if (!d) return false; d.showModal(); return true; }"""
            )
            if not opened:
                break
        result = page.evaluate(
            """async () => (await axe.run(document, {
                 runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
               })).violations.map(v => ({id: v.id, impact: v.impact,
                 targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
        )
        for violation in result:
            if violation["impact"] in SERIOUS:
                problems.append(
                    f"{url} ({state}): {violation['id']} [{violation['impact']}] "
                    f"{violation['targets']}"
                )


@pytest.mark.parametrize("language", ["en", "ar"])
def test_main_pages_have_no_serious_violation_and_fit_a_phone(
    browser, server, people, language, db
):
    found, item = people
    for person in found.values():
        person.language = language
    db.session.commit()
    live = server()
    problems: list[str] = []

    page = browser(viewport=PHONE, locale=language, timezone_id="Asia/Manila")
    for path in ANONYMOUS:
        _check(page, live.url + path, problems)

    for role, paths in (
        ("participant", PARTICIPANT),
        ("facilitator", FACILITATOR),
        ("organiser", ORGANISER),
    ):
        page = browser(viewport=PHONE, locale=language, timezone_id="Asia/Manila")
        sign_in(page, live.url, found[role].email)
        for path in paths:
            _check(page, live.url + path.format(item=item.id), problems)

    assert not problems, "\n".join(problems)
