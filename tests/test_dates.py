"""Dates and times read one way: every page and e-mail goes through one formatting layer.

No numeric short date (2/6/24 reads as 6 February in Vienna and 2 June in Washington), no time
with seconds, a range's end date only when it is another day, and the event's own clock carries
its date when its day is not the viewer's.
"""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale

from eventhub.board import service as board
from eventhub.board.models import ItemKind, ItemState
from eventhub.calendar.invites import _body as invite_body
from eventhub.extensions import db as _db
from eventhub.i18n import fmt_datetime, fmt_time_range, other_clock
from eventhub.programme import members
from eventhub.programme.models import Invitation, Role, Session, SessionKind

PROJECT_DIR = Path(__file__).resolve().parent.parent
VIENNA = ZoneInfo("Europe/Vienna")
MANILA = ZoneInfo("Asia/Manila")
LANGUAGES = ("en", "fr", "ar", "es", "ru")

# A date of digits and separators (2/6/24, 06.02.2024, 2024-02-06, ٦/٢/٢٠٢٤) and a time with
# seconds (20:00:00). \d matches every script's digits; bidi marks are dropped before matching.
NUMERIC_DATE = re.compile(r"\b\d{1,4}\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?\d{1,4}\b")
SECONDS = re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b")
MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u2066\u2067\u2068\u2069"), None)


def visible_text(page: str) -> str:
    """What a reader sees: no tags, attributes, scripts or styles; spaces normalised."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", page))
    text = text.translate(MARKS).replace("\u202f", " ").replace("\xa0", " ")
    return re.sub(r"\s+", " ", text)


def misread_dates(text: str) -> list[str]:
    """Numeric dates and times with seconds in `text` (URLs are not dates)."""
    text = re.sub(r"\S*://\S+", " ", text)
    return NUMERIC_DATE.findall(text) + SECONDS.findall(text)


def test_the_check_catches_what_it_is_for():
    assert misread_dates("Expires 12/11/26, 2:46 AM")
    assert misread_dates("8:00 PM–2/6/24, 12:00 AM")
    assert misread_dates("le 06.02.2024")
    assert misread_dates("at 20:00:00")
    assert misread_dates("٢٧‏/١١‏/٢٠٢٦".translate(MARKS))
    assert not misread_dates("Fri, Nov 27, 2026, 8:00 PM–10:00 PM")
    assert not misread_dates("https://example.org/2026/11/27")


@pytest.fixture
def vienna_evening(db, make_event):
    """An event in Vienna with a session on Friday 27 November 2026, 19:00–21:00 Vienna time,
    and one from 23:00 to 01:00 that ends the next day."""
    event = make_event(timezone="Europe/Vienna")
    for key, hour in (("evening", 19), ("late", 23)):
        starts = datetime(2026, 11, 27, hour, 0, tzinfo=VIENNA)
        event.sessions.append(
            Session(
                key=key,
                kind=SessionKind.PLENARY,
                title=f"Plenary {key}",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
            )
        )
    db.session.commit()
    return event


def test_a_manila_viewer_of_a_vienna_evening_sees_the_event_clock_with_its_date(
    client, vienna_evening, login_as
):
    login_as("participant", event=vienna_evening, timezone="Asia/Manila")
    text = visible_text(client.get("/e/test-event/sessions/evening").get_data(as_text=True))
    # Her own clock: Saturday morning in Manila.
    assert "Saturday, November 28, 2026" in text
    assert re.search(r"2:00 AM\s*–\s*4:00 AM", text)
    # The event's clock: still Friday evening in Vienna, and it says so.
    assert "(Vienna Fri, Nov 27, 7:00 PM–9:00 PM)" in text


def test_the_event_clock_has_no_date_when_the_day_is_the_same(client, vienna_evening, login_as):
    login_as("participant", event=vienna_evening, timezone="Europe/London")
    text = visible_text(client.get("/e/test-event/sessions/evening").get_data(as_text=True))
    assert re.search(r"6:00 PM\s*–\s*8:00 PM", text)
    assert "(Vienna 7:00 PM–9:00 PM)" in text


def test_a_range_shows_its_end_date_only_when_it_is_another_day(app, vienna_evening):
    sessions = {s.key: s for s in vienna_evening.sessions}
    evening, late = sessions["evening"], sessions["late"]
    with app.test_request_context(), force_locale("en"):
        assert (
            fmt_time_range(evening.starts_at, evening.ends_at, VIENNA)
            == "7:00\u202fPM–9:00\u202fPM"
        )
        assert fmt_time_range(late.starts_at, late.ends_at, VIENNA) == (
            "11:00\u202fPM – Sat, Nov 28, 1:00\u202fAM"
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_layer_never_writes_a_numeric_date_or_seconds(app, language):
    instant = datetime(2024, 2, 6, 23, 0, 5, tzinfo=UTC)
    with app.test_request_context(), force_locale(language):
        for text in (
            fmt_datetime(instant, VIENNA),
            fmt_datetime(instant, VIENNA, "short"),
            fmt_datetime(instant, MANILA, "full"),
            fmt_time_range(instant, instant + timedelta(hours=3), VIENNA),
            other_clock(instant, instant + timedelta(hours=1), MANILA, VIENNA) or "",
        ):
            assert not misread_dates(text.translate(MARKS)), (language, text)


@pytest.fixture
def busy_event(db, make_event, make_person, add_member):
    """An event with what shows dates: a pending invitation, a board item with history, a frozen
    board, a published report is not needed (its dates are checked by the report tests)."""
    event = make_event(timezone="Europe/Vienna")
    organiser = make_person(timezone="Asia/Manila")
    add_member(organiser, event, Role.ORGANISER)
    group = event.working_groups[0]
    item = board.add_item(
        organiser, group, kind=ItemKind.RECOMMENDATION, text="Fund rosters.", audience="Donors"
    )
    board.change_state(organiser, item, ItemState.AGREED, version=item.version)
    invitation = Invitation(
        event=event, email="guest@example.org", role=Role.PARTICIPANT, invited_by=organiser
    )
    db.session.add(invitation)
    db.session.commit()
    return event, organiser, item, invitation


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_shows_a_numeric_date_or_a_time_with_seconds(client, busy_event, login, language):
    event, organiser, item, _invitation = busy_event
    organiser.language = language
    _db.session.commit()
    login(organiser)
    pages = [
        "/",
        "/profile",
        "/e/test-event/",
        "/e/test-event/programme",
        "/e/test-event/sessions/opening",
        "/e/test-event/sessions/wg1-meeting",
        "/e/test-event/groups/wg1",
        "/e/test-event/groups/wg1/board",
        f"/e/test-event/groups/wg1/board/items/{item.id}",
        "/e/test-event/people",
        "/e/test-event/manage/sessions",
        "/e/test-event/manage/sessions/opening/edit",
        "/e/test-event/manage/sessions/opening/invites",
        "/e/test-event/report",
    ]
    problems = {}
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        found = misread_dates(visible_text(response.get_data(as_text=True)))
        if found:
            problems[path] = found
    assert not problems, problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_email_shows_a_numeric_date_or_a_time_with_seconds(app, busy_event, language):
    event, organiser, _item, invitation = busy_event
    organiser.language = language
    with app.test_request_context(), force_locale(language):
        subject, body = members.invitation_mail(invitation, "https://eventhub.example.org/i/x")
        texts = [subject, body]
        for session in event.sessions:
            texts.append(invite_body(session, organiser, "https://eventhub.example.org/s"))
    for text in texts:
        assert not misread_dates(text.translate(MARKS)), text


def test_templates_ask_for_no_short_or_hand_made_dates():
    """A template that asks for a 'short' width or formats by hand bypasses the layer."""
    offenders = []
    for path in (PROJECT_DIR / "templates").rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        if re.search(r"\|\s*datetime\([^)]*'short'|strftime|\.format\(", source):
            offenders.append(str(path.relative_to(PROJECT_DIR)))
    assert not offenders
