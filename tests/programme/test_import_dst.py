"""Local times in programme files across daylight-saving changes (Europe/Rome, autumn 2020 and spring 2021)."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from eventhub.errors import Invalid
from eventhub.programme.fileexport import export_programme
from eventhub.programme.importer import import_programme
from eventhub.programme.models import Event, Session

PROGRAMME = """\
format = 1

[event]
slug = "autumn"
title = "Autumn meeting"
timezone = "Europe/Rome"
starts = 2020-10-24
ends = 2021-03-31

[[sessions]]
key = "before"
kind = "plenary"
title = "Saturday, summer time"
starts = 2020-10-24T10:00:00
ends = 2020-10-24T11:00:00

[[sessions]]
key = "after"
kind = "plenary"
title = "Monday, winter time"
starts = 2020-10-26T10:00:00
ends = 2020-10-26T11:00:00
"""


@pytest.fixture(autouse=True)
def english(app):
    with force_locale("en"):
        yield


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def starts(db, key: str) -> datetime:
    return db.session.scalar(select(Session).filter_by(key=key)).starts_at


def refused(db, text: str) -> list[str]:
    with pytest.raises(Invalid) as caught:
        import_programme(text)
    assert db.session.scalar(select(func.count(Event.id))) == 0
    return caught.value.problems


def test_local_times_on_both_sides_of_the_autumn_change_are_read_in_the_event_zone(db):
    import_programme(PROGRAMME)
    db.session.commit()
    assert starts(db, "before") == utc(2020, 10, 24, 8, 0)  # CEST, UTC+2
    assert starts(db, "after") == utc(2020, 10, 26, 9, 0)  # CET, UTC+1


def test_viewer_zone_with_another_change_date_sees_each_session_at_its_own_offset(db):
    # New York changed a week later (1 November): both sessions are at 10:00 in Rome, but
    # a viewer there sees 04:00 before the Rome change and 05:00 after it.
    import_programme(PROGRAMME)
    new_york = ZoneInfo("America/New_York")
    assert starts(db, "before").astimezone(new_york).hour == 4
    assert starts(db, "after").astimezone(new_york).hour == 5


def test_import_refuses_local_time_skipped_by_spring_forward(db):
    text = PROGRAMME.replace("2020-10-26T10:00:00", "2021-03-28T02:30:00").replace(
        "2020-10-26T11:00:00", "2021-03-28T04:00:00"
    )
    problems = refused(db, text)
    # The session forms' message (one set for both), at the value's path in the file.
    assert problems == [
        "sessions[1].starts: 2021-03-28 02:30 does not exist in Europe/Rome: the clocks go "
        "forward that night. Choose a time outside the skipped hour."
    ]


def test_import_refuses_ambiguous_local_time_in_fall_back(db):
    text = PROGRAMME.replace("2020-10-24T10:00:00", "2020-10-25T02:30:00").replace(
        "2020-10-24T11:00:00", "2020-10-25T04:00:00"
    )
    problems = refused(db, text)
    assert problems == [
        "sessions[0].starts: 2020-10-25 02:30 happens twice in Europe/Rome: the clocks go back "
        "that night. Choose a time outside the repeated hour, or enter it in another time zone."
    ]


def test_explicit_offset_settles_an_ambiguous_time_and_export_keeps_it(db):
    text = PROGRAMME.replace("2020-10-24T10:00:00", "2020-10-25T02:30:00+01:00").replace(
        "2020-10-24T11:00:00", "2020-10-25T04:00:00"
    )
    import_programme(text)
    db.session.commit()
    assert starts(db, "before") == utc(2020, 10, 25, 1, 30)
    exported = export_programme(db.session.scalar(select(Event)))
    sessions = tomllib.loads(exported)["sessions"]
    assert sessions[0]["starts"].isoformat() == "2020-10-25T02:30:00+01:00"
    assert sessions[0]["ends"] == datetime(
        2020, 10, 25, 4, 0
    )  # unambiguous: written without offset
    assert not import_programme(exported).has_changes


def test_offset_written_in_another_zone_is_taken_as_written(db):
    text = PROGRAMME.replace("2020-10-24T10:00:00", "2020-10-24T03:30:00-04:00")
    import_programme(text)
    assert starts(db, "before") == utc(2020, 10, 24, 7, 30)
