"""Feeds of an imported programme: UIDs stable across re-imports, SEQUENCE up when a session changes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from eventhub.programme.importer import import_programme
from eventhub.programme.models import Event, Session

DEMO = Path(__file__).resolve().parents[2] / "examples" / "ga-annual-meeting-2020.toml"
SLUG = "ga-annual-meeting-2020"


@pytest.fixture
def import_demo(app, db):
    def do(text: str | None = None) -> Event:
        with app.test_request_context():  # the importer's messages are translated
            import_programme(text if text is not None else DEMO.read_text(encoding="utf-8"))
        db.session.commit()
        db.session.expire_all()
        return db.session.scalar(db.select(Event).where(Event.slug == SLUG))

    return do


def _organiser_feed(runner, tmp_path) -> str:
    out = tmp_path / "feed.ics"
    result = runner.invoke(args=["calendar", SLUG, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_imported_programme_feed_matches_the_file_local_times(runner, tmp_path, import_demo, parse):
    event = import_demo()
    parsed = parse(_organiser_feed(runner, tmp_path))
    rome = ZoneInfo("Europe/Rome")
    opening = parsed[f"opening.{SLUG}@eventhub"]
    # The file says 2020-10-08T14:00:00 in the event's zone (Rome, CEST).
    assert opening.start == datetime(2020, 10, 8, 14, 0, tzinfo=rome)
    assert opening.end == datetime(2020, 10, 8, 16, 30, tzinfo=rome)
    for session in event.sessions:
        entry = parsed[f"{session.key}.{SLUG}@eventhub"]
        assert (entry.start, entry.end) == (session.starts_at, session.ends_at)


def test_reimport_keeps_uids_and_changed_session_gets_higher_sequence(
    db, runner, tmp_path, import_demo, parse
):
    import_demo()
    before = parse(_organiser_feed(runner, tmp_path))
    text = DEMO.read_text(encoding="utf-8").replace(
        'title = "High-Level Opening Event"', 'title = "High-Level Opening Event, renamed"'
    )
    assert "renamed" in text
    import_demo(text)
    after = parse(_organiser_feed(runner, tmp_path))
    assert set(after) == set(before)
    uid = f"opening.{SLUG}@eventhub"
    assert after[uid].sequence > before[uid].sequence
    assert after[uid].summary == "High-Level Opening Event, renamed"
    unchanged = next(u for u in before if u != uid)
    assert after[unchanged].sequence == before[unchanged].sequence
    assert db.session.query(Session).count() == len(after)
