"""Join the call from where she is: the room, the programme row, the event home (rooms/calls.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from eventhub.rooms import moderation
from eventhub.rooms.calls import call_for, group_call
from eventhub.timestamps import utcnow

LEAD = 30  # JOIN_LINK_LEAD_MINUTES's default


@pytest.fixture
def meeting(db, group):
    """The group's first session, moved to start in an hour."""
    session = sorted(group.sessions, key=lambda s: s.starts_at)[0]
    session.starts_at = utcnow().replace(microsecond=0) + timedelta(hours=1)
    session.ends_at = session.starts_at + timedelta(hours=1)
    db.session.commit()
    return session


def test_the_call_opens_at_the_lead_time_not_a_minute_before(app, meeting, member, group):
    person, _client = member("participant", group, connect=False)
    opens = meeting.starts_at - timedelta(minutes=LEAD)
    with app.test_request_context():
        assert call_for(meeting, person, opens - timedelta(minutes=1)) is None
        call = call_for(meeting, person, opens + timedelta(minutes=1))
        assert call is not None and call.url == meeting.join_url
        assert call.on_now is False and call.minutes_to_start == LEAD - 1
        started = call_for(meeting, person, meeting.starts_at + timedelta(minutes=1))
        assert started.on_now is True and started.minutes_to_start == 0
        assert call_for(meeting, person, meeting.ends_at + timedelta(minutes=1)) is None


def test_observers_and_other_groups_never_get_the_call(app, meeting, member, group, other_group):
    observer, _ = member("observer", group, connect=False)
    elsewhere, _ = member("participant", other_group, connect=False)
    at = meeting.starts_at
    with app.test_request_context():
        assert call_for(meeting, observer, at) is None
        assert call_for(meeting, elsewhere, at) is None


def test_nobody_removed_from_the_room_is_offered_its_call(app, db, room, meeting, member, group):
    facilitator, _ = member("facilitator", group, connect=False)
    person, _ = member("participant", group, connect=False)
    with app.test_request_context():
        assert group_call(group, person, meeting.starts_at) is not None
        moderation.remove(room, person, facilitator)
        db.session.commit()
        assert group_call(group, person, meeting.starts_at) is None


def test_room_programme_and_event_home_show_join_the_call(db, room, meeting, member, group, event):
    meeting.starts_at = utcnow() + timedelta(minutes=12, seconds=30)
    meeting.ends_at = meeting.starts_at + timedelta(hours=1)
    db.session.commit()
    _person, client = member("participant", group, connect=False)
    for url in (
        f"/e/{event.slug}/groups/{group.key}/room",
        f"/e/{event.slug}/programme",
        f"/e/{event.slug}/",
    ):
        html = client.get(url).get_data(as_text=True)
        assert "Join the call" in html and meeting.join_url in html, url
        assert "starts in 13 min" in html, url
    _other, other_client = member("participant", None, connect=False)
    assert meeting.join_url not in other_client.get(f"/e/{event.slug}/programme").get_data(
        as_text=True
    )
