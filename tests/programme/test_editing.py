"""Editing the programme in the app: add, edit, move, cancel, restore; SEQUENCE on every change."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import vobject

from eventhub.errors import Invalid
from eventhub.programme.filechecks import instant_in
from eventhub.programme.models import Role, Session
from tests.conftest import session_id_for

ROME = ZoneInfo("Europe/Rome")


@pytest.fixture
def organiser(client, make_event, make_person, add_member):
    event = make_event()
    person = make_person(timezone="America/New_York")
    add_member(person, event, Role.ORGANISER)
    with client.session_transaction() as s:
        s["_user_id"] = session_id_for(person)
        s["_fresh"] = True
    return person


def _session(db, key):
    db.session.expire_all()
    return db.session.scalar(db.select(Session).where(Session.key == key))


def _form(**overrides):
    data = {
        "title": "New plenary",
        "kind": "plenary",
        "working_group": "",
        "starts": "2030-03-05T10:00",
        "ends": "2030-03-05T11:30",
        "zone": "event",
        "description": "",
        "location": "",
        "join_url": "",
    }
    data.update(overrides)
    return data


def _feed_entry(client, key):
    text = client.get("/e/test-event/calendar.ics").get_data(as_text=True)
    for event in vobject.readOne(text).vevent_list:
        if event.uid.value == f"{key}.test-event@eventhub":
            return event
    raise AssertionError(f"{key} not in feed")


def test_organiser_adds_a_session_in_the_event_time_zone(client, db, organiser):
    response = client.post("/e/test-event/manage/sessions/new", data=_form(key="extra"))
    assert response.status_code == 302
    session = _session(db, "extra")
    assert session.starts_at == datetime(2030, 3, 5, 9, 0, tzinfo=UTC)  # 10:00 in Rome, CET
    assert session.sequence == 0
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "New plenary" in page
    assert "America/New_York" in page and "Europe/Rome" in page  # both clocks shown


def test_organiser_adds_a_session_in_her_own_time_zone(client, db, organiser):
    client.post(
        "/e/test-event/manage/sessions/new",
        data=_form(key="extra", zone="mine", starts="2030-03-05T04:00", ends="2030-03-05T05:00"),
    )
    session = _session(db, "extra")
    assert session.starts_at == datetime(2030, 3, 5, 9, 0, tzinfo=UTC)  # 04:00 EST
    assert session.starts_at.astimezone(ROME).hour == 10


def test_each_edit_raises_sequence_in_the_feed(client, db, organiser):
    assert _feed_entry(client, "opening").sequence.value == "0"
    client.post(
        "/e/test-event/manage/sessions/opening/edit",
        data=_form(title="Opening, renamed", kind="opening"),
    )
    first = _feed_entry(client, "opening")
    assert first.sequence.value == "1"
    assert first.summary.value == "Opening, renamed"
    client.post(
        "/e/test-event/manage/sessions/opening/move",
        data={"starts": "2030-03-05T15:00", "zone": "event"},
    )
    moved = _feed_entry(client, "opening")
    assert moved.sequence.value == "2"
    assert moved.dtstart.value == datetime(2030, 3, 5, 14, 0, tzinfo=UTC)
    assert moved.uid.value == first.uid.value


def test_edit_that_changes_nothing_keeps_sequence(client, db, organiser):
    session = _session(db, "opening")
    local = session.starts_at.astimezone(ROME)
    end = session.ends_at.astimezone(ROME)
    client.post(
        "/e/test-event/manage/sessions/opening/edit",
        data=_form(
            title=session.title,
            kind="opening",
            starts=local.strftime("%Y-%m-%dT%H:%M"),
            ends=end.strftime("%Y-%m-%dT%H:%M"),
            public="y",
            join_url=session.join_url,
        ),
    )
    assert _session(db, "opening").sequence == 0


def test_move_keeps_the_length(client, db, organiser):
    client.post(
        "/e/test-event/manage/sessions/wg1-meeting/move",
        data={"starts": "2030-03-06T12:00", "zone": "event"},
    )
    session = _session(db, "wg1-meeting")
    assert session.starts_at == datetime(2030, 3, 6, 11, 0, tzinfo=UTC)
    assert session.ends_at - session.starts_at == (datetime(2, 1, 1, 2) - datetime(2, 1, 1, 0))
    assert session.sequence == 1


def test_cancel_then_restore_each_bump_sequence_and_show_in_feed(client, db, organiser):
    client.post("/e/test-event/manage/sessions/opening/cancel")
    entry = _feed_entry(client, "opening")
    assert entry.status.value == "CANCELLED" and entry.sequence.value == "1"
    client.post("/e/test-event/manage/sessions/opening/restore")
    entry = _feed_entry(client, "opening")
    assert entry.status.value == "CONFIRMED" and entry.sequence.value == "2"


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"ends": "2030-03-05T09:00"}, "must end after it starts"),
        ({"working_group": "no-such-group"}, "no working group"),
        ({"kind": "working-group"}, "needs its working group"),
        ({"join_url": "javascript:alert(1)"}, "full web address"),
        ({"join_url": "call me maybe"}, "full web address"),
        ({"starts": "2030-03-31T02:30", "ends": "2030-03-31T04:00"}, "does not exist"),
        ({"starts": "2030-10-27T02:30", "ends": "2030-10-27T04:00"}, "happens twice"),
        ({"starts": "not a time"}, "Starts"),
        ({"title": "   "}, "Title"),
        ({"title": "Opening\r\nsecond line"}, "on one line"),
        ({"title": "Opening\u0007"}, "on one line"),
    ],
)
def test_bad_edit_is_refused_with_a_message_and_changes_nothing(
    client, db, organiser, fields, message
):
    before = _session(db, "opening")
    snapshot = (before.title, before.starts_at, before.ends_at, before.sequence)
    response = client.post(
        "/e/test-event/manage/sessions/opening/edit", data=_form(**{"kind": "opening", **fields})
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    after = _session(db, "opening")
    assert (after.title, after.starts_at, after.ends_at, after.sequence) == snapshot


def test_adding_with_a_taken_or_bad_key_is_refused(client, db, organiser):
    count = db.session.query(Session).count()
    taken = client.post("/e/test-event/manage/sessions/new", data=_form(key="opening"))
    assert taken.status_code == 400 and "is taken" in taken.get_data(as_text=True)
    bad = client.post("/e/test-event/manage/sessions/new", data=_form(key="Bad Key;"))
    assert bad.status_code == 400 and "lower-case letters" in bad.get_data(as_text=True)
    assert db.session.query(Session).count() == count


def test_participant_cannot_edit_the_programme(client, db, make_event, make_person, add_member):
    event = make_event()
    person = make_person()
    add_member(person, event, Role.PARTICIPANT)
    with client.session_transaction() as s:
        s["_user_id"] = session_id_for(person)
    assert client.get("/e/test-event/manage/sessions").status_code == 403
    assert client.post("/e/test-event/manage/sessions/opening/cancel").status_code == 403
    assert client.post("/e/test-event/manage/sessions/new", data=_form(key="x")).status_code == 403
    assert _session(db, "opening").cancelled is False


def test_forms_render_for_the_organiser(client, organiser):
    for path in (
        "/e/test-event/manage/sessions",
        "/e/test-event/manage/sessions/new",
        "/e/test-event/manage/sessions/opening/edit",
        "/e/test-event/manage/sessions/opening/move",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
    edit = client.get("/e/test-event/manage/sessions/opening/edit").get_data(as_text=True)
    assert 'value="2030-03-02T10:00"' in edit  # 09:00Z shown on the event's clock


# --- the service ----------------------------------------------------------------------------


def test_local_time_in_the_skipped_hour_is_refused(app):
    with app.test_request_context(), pytest.raises(Invalid, match="does not exist"):
        instant_in(datetime(2020, 3, 29, 2, 30), ROME)


def test_local_time_in_the_repeated_hour_is_refused(app):
    with app.test_request_context(), pytest.raises(Invalid, match="happens twice"):
        instant_in(datetime(2020, 10, 25, 2, 30), ROME)


def test_local_times_either_side_of_the_change_are_read_right(app):
    with app.test_request_context():
        assert instant_in(datetime(2020, 10, 24, 10), ROME) == datetime(2020, 10, 24, 8, tzinfo=UTC)
        assert instant_in(datetime(2020, 10, 26, 10), ROME) == datetime(2020, 10, 26, 9, tzinfo=UTC)


def test_change_with_notify_leads_to_sending_the_update(client, db, organiser):
    response = client.post(
        "/e/test-event/manage/sessions/opening/move",
        data={"starts": "2030-03-05T15:00", "zone": "event", "notify": "y"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/e/test-event/manage/sessions/opening/invites")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Moved" in page  # her confirmation, with both clocks, arrives on the invites page


def test_cancelling_leads_to_sending_the_cancellation(client, db, organiser):
    response = client.post("/e/test-event/manage/sessions/opening/cancel")
    assert response.headers["Location"].endswith("/e/test-event/manage/sessions/opening/invites")
