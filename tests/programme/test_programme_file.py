"""Reading programme files into plain data, and writing events back: the export and round trip."""

from __future__ import annotations

import dataclasses
import tomllib
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from eventhub.programme.fileexport import export_programme
from eventhub.programme.fileformat import (
    Programme,
    RecordingData,
    SessionData,
    parse_programme,
)
from eventhub.programme.importer import import_programme
from eventhub.programme.models import Event, Recording, Session, SessionKind
from tests.conftest import DEMO_PROGRAMME


@pytest.fixture(autouse=True)
def english(app):
    with force_locale("en"):
        yield


@pytest.fixture
def demo_text() -> str:
    return DEMO_PROGRAMME.read_text(encoding="utf-8")


@pytest.fixture
def demo(db, demo_text) -> Event:
    import_programme(demo_text)
    db.session.commit()
    return db.session.scalar(select(Event))


def test_demo_file_reads_into_plain_data_with_utc_times(demo_text):
    programme = parse_programme(demo_text)
    assert isinstance(programme, Programme)
    assert (len(programme.networks), len(programme.working_groups), len(programme.sessions)) == (
        5,
        5,
        7,
    )
    opening = programme.sessions[0]
    assert opening.kind is SessionKind.OPENING and opening.public
    assert opening.starts == datetime(2020, 10, 8, 12, 0, tzinfo=UTC)
    assert programme.working_groups[4].lead == ("awmn", "wmc")
    with pytest.raises(dataclasses.FrozenInstanceError):
        opening.title = "Changed"


def test_export_starts_with_format_and_reads_back_as_the_same_programme(demo, demo_text):
    exported = export_programme(demo)
    assert exported.startswith("format = 2\n")
    assert parse_programme(exported) == parse_programme(demo_text)


def test_reimporting_the_export_changes_nothing(demo, db):
    exported = export_programme(demo)
    report = import_programme(exported)
    assert not report.has_changes
    assert {s.sequence for s in db.session.scalars(select(Session))} == {0}
    assert export_programme(demo) == exported  # stable


def test_export_writes_local_times_without_offset_and_multiline_text(demo):
    exported = export_programme(demo)
    document = tomllib.loads(exported)
    assert document["sessions"][0]["starts"] == datetime(2020, 10, 8, 14, 0)  # naive: Rome time
    assert 'summary = """\nThe first anniversary' in exported
    assert [s["key"] for s in document["sessions"]][:2] == ["opening", "wg1-meeting"]
    assert list(document) == ["format", "event", "networks", "sessions", "working_groups"]


def test_export_leaves_out_optional_fields_at_their_default(demo):
    document = tomllib.loads(export_programme(demo))
    opening, wg1_meeting = document["sessions"][:2]
    assert opening["public"] is True
    assert "public" not in wg1_meeting
    assert not {"cancelled", "join_url", "location", "recordings"} & set(opening)
    assert "background" not in document["working_groups"][0]


def test_export_writes_every_field_the_format_has(make_event, db):
    event = make_event()
    opening = next(s for s in event.sessions if s.key == "opening")
    opening.cancelled = True
    opening.location = "Palais des Nations, Room XX"
    opening.description = "Two lines\nof description.\n"
    opening.recordings = [Recording(language="fr", url="https://r.example.org/fr")]
    db.session.commit()
    exported = export_programme(event)
    document = tomllib.loads(exported)
    session = next(s for s in document["sessions"] if s["key"] == "opening")
    assert session["cancelled"] is True
    assert session["join_url"] == "https://call.example.org/opening"
    assert session["location"] == "Palais des Nations, Room XX"
    assert session["recordings"] == [{"language": "fr", "url": "https://r.example.org/fr"}]
    assert session["starts"] == datetime(2030, 3, 2, 10, 0)  # 09:00 UTC in Rome
    assert document["working_groups"][0]["lead"] == ["net-a"]
    assert document["working_groups"][0]["guiding_questions"] == [
        "WG1 question 1",
        "WG1 question 2",
    ]
    assert document["event"]["attribution"] == "chatham-house"
    # and it reads back as the same data, without a change on re-import
    programme = parse_programme(exported)
    read = next(s for s in programme.sessions if s.key == "opening")
    assert read == SessionData(
        key="opening",
        kind=SessionKind.OPENING,
        title="Opening",
        public=True,
        cancelled=True,
        starts=opening.starts_at,
        ends=opening.ends_at,
        location="Palais des Nations, Room XX",
        description="Two lines\nof description.\n",
        join_url="https://call.example.org/opening",
        recordings=(RecordingData("fr", "https://r.example.org/fr"),),
    )
    assert not import_programme(exported).has_changes
