"""The people page in a browser: where each invitation's e-mail stands, on a phone and a wide
screen, in English and Arabic; a failed one says what the server answered and can be resent."""

from __future__ import annotations

import pytest

from eventhub.outbox import DeliveryState, OutgoingMail
from eventhub.programme import members
from eventhub.programme.members import mailing
from eventhub.programme.models import Role

from .conftest import DESKTOP, PHONE, screenshot, sign_in, visible_text

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.fresh_database]

ANSWER = "550 5.1.1 <fatou@example.org>: Recipient address rejected: User unknown"
NO_MAIL_SERVER = {
    "en": "Not sent: no mail server is configured.",
    "ar": "لم تُرسل: لم يُضبط أي خادم بريد.",
}


@pytest.fixture
def invited(db, make_event, make_person, add_member):
    event = make_event()
    organisers = {}
    for language in ("en", "ar"):
        person = make_person(f"organiser-{language}@example.org", language=language)
        add_member(person, event, Role.ORGANISER)
        organisers[language] = person
    states = {
        "fatou@example.org": (DeliveryState.FAILED, ANSWER, None),
        "liza@example.org": (DeliveryState.SENT, "250 2.0.0 Ok: queued as 4F1A", None),
        "amina@example.org": (DeliveryState.QUEUED, None, None),
        # Our own reason, not the server's: read in the organiser's language.
        "olu@example.org": (DeliveryState.FAILED, None, "no-mail-server"),
    }
    for address, (state, answer, reason) in states.items():
        invitation, _token = members.invite(event, address, Role.PARTICIPANT)
        db.session.flush()
        db.session.add(
            OutgoingMail(
                topic=mailing.topic(invitation),
                recipient=address,
                subject="Invitation",
                state=state,
                answer=answer,
                reason=reason,
                attempts=1,
            )
        )
    members.invite(event, "nadia@example.org", Role.PARTICIPANT)  # a link given to copy
    db.session.commit()
    return event, organisers


@pytest.mark.parametrize(
    "language, viewport, size", [("en", PHONE, "phone"), ("ar", DESKTOP, "desktop")]
)
def test_the_organiser_sees_each_invitations_mail_and_can_resend_a_failed_one(
    browser, server, invited, language, viewport, size
):
    event, organisers = invited
    live = server()
    page = browser(viewport=viewport)
    sign_in(page, live.url, organisers[language].email)
    page.goto(f"{live.url}/e/{event.slug}/people")
    pending = page.locator("table.invitations")
    text = visible_text(page, "table.invitations")
    assert ANSWER in text  # the server's answer, as it said it
    assert NO_MAIL_SERVER[language] in text
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    resend = pending.locator("form[action$='/resend'] button")
    assert resend.count() == 2 and resend.first.is_visible()
    if language == "en":
        for said in ("Failed", "Sent", "Waiting", "Not e-mailed: the link was given to copy"):
            assert said in text
    # One column on a phone: the page never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    pending.scroll_into_view_if_needed()
    screenshot(page, f"people-invitation-mail-{language}-{size}")
