"""Times on the pages across daylight-saving changes, in the event's zone and in the viewer's.

Rome leaves summer time on 2020-10-25, New York only on 2020-11-01: in the week between, the two
clocks are 5 hours apart instead of 6.
"""

from __future__ import annotations

import html as html_lib
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from eventhub.programme.models import Session, SessionKind

ROME = ZoneInfo("Europe/Rome")


@pytest.fixture
def event(db, make_event):
    event = make_event(timezone="Europe/Rome")
    for key, day in (("before", 24), ("between", 26), ("after", 2)):
        month = 11 if key == "after" else 10
        starts = datetime(2020, month, day, 14, 0, tzinfo=ROME)
        event.sessions.append(
            Session(
                key=key,
                kind=SessionKind.PLENARY,
                title=f"Plenary {key}",
                public=False,
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
            )
        )
    db.session.commit()
    return event


def times_on(html: str) -> str:
    """The page's text with tags dropped and spaces normalised, for matching '2:00 PM'."""
    text = (
        html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u202f", " ").replace("\xa0", " ")
    )
    return re.sub(r"\s+", " ", text)


def session_page(client, key: str) -> str:
    response = client.get(f"/e/test-event/sessions/{key}")
    assert response.status_code == 200
    return times_on(response.get_data(as_text=True))


@pytest.mark.parametrize("key", ["before", "between", "after"])
def test_event_zone_shows_the_same_wall_clock_on_both_sides_of_romes_change(
    client, event, login_as, key
):
    login_as("participant", event=event, timezone="Europe/Rome")
    text = session_page(client, key)
    assert re.search(r"2:00 PM\s*–\s*3:00 PM", text)
    assert "(Rome 2:00" not in text


@pytest.mark.parametrize(
    ("key", "new_york"),
    [
        ("before", "8:00 AM"),  # both on summer time: 6 hours apart
        ("between", "9:00 AM"),  # Rome back on winter time, New York not yet: 5 hours
        ("after", "8:00 AM"),  # both on winter time: 6 hours again
    ],
)
def test_viewer_zone_with_another_change_date_shows_the_right_local_time(
    client, event, login_as, key, new_york
):
    login_as("participant", event=event, timezone="America/New_York")
    text = session_page(client, key)
    assert new_york in text
    assert "(Rome 2:00 PM" in text


def test_programme_puts_each_session_on_its_local_day_across_the_change(client, event, login_as):
    login_as("participant", event=event, timezone="America/New_York")
    response = client.get("/e/test-event/programme")
    text = times_on(response.get_data(as_text=True))
    saturday = text.index("Saturday, October 24, 2020")
    monday = text.index("Monday, October 26, 2020")
    after = text.index("Monday, November 2, 2020")
    assert saturday < text.index("8:00 AM", saturday) < text.index("Plenary before") < monday
    assert monday < text.index("9:00 AM", monday) < text.index("Plenary between") < after
    assert after < text.index("8:00 AM", after) < text.index("Plenary after")
