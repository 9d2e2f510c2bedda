"""The demo is alive: `demo-setup` places it around today, with a session on now, its call link
and a discussion under way; `--keep-dates` keeps the file's 2020 dates."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from eventhub.programme.models import Event, Session
from eventhub.rooms.models import Message
from eventhub.timestamps import utcnow

from .test_members_cli import DEMO_PROGRAMME


def _on_now(db) -> list[Session]:
    now = utcnow()
    sessions = db.session.scalars(select(Session)).all()
    return [s for s in sessions if s.starts_at <= now < s.ends_at]


def test_demo_setup_puts_a_working_group_session_on_now_with_a_call_and_a_discussion(
    runner, db, client
):
    result = runner.invoke(args=["demo-setup", str(DEMO_PROGRAMME)])
    assert result.exit_code == 0, result.output
    on_now = _on_now(db)
    assert [s.key for s in on_now] == ["wg1-meeting"]
    assert on_now[0].join_url.startswith("https://")
    assert "On now:" in result.output
    event = db.session.scalar(select(Event))
    assert event.starts <= utcnow().astimezone(event.zone).date() <= event.ends
    messages = db.session.scalars(select(Message)).all()
    assert len(messages) == 3

    # The participant sees it: "on now" on the event's home, and the call link on the session.
    client.post(
        "/login", data={"email": "participant@demo.eventhub.test", "password": "eventhub-demo"}
    )
    page = client.get(f"/e/{event.slug}/sessions/wg1-meeting").get_data(as_text=True)
    assert on_now[0].join_url in page


def test_demo_setup_again_keeps_it_on_now_without_a_second_discussion(runner, db):
    assert runner.invoke(args=["demo-setup", str(DEMO_PROGRAMME)]).exit_code == 0
    before = [(s.key, s.ends_at - s.starts_at) for s in db.session.scalars(select(Session))]
    assert runner.invoke(args=["demo-setup", str(DEMO_PROGRAMME)]).exit_code == 0
    db.session.expire_all()
    assert [s.key for s in _on_now(db)] == ["wg1-meeting"]
    after = [(s.key, s.ends_at - s.starts_at) for s in db.session.scalars(select(Session))]
    assert sorted(after) == sorted(before)  # lengths (and so the order of the day) unchanged
    assert len(db.session.scalars(select(Message)).all()) == 3


def test_keep_dates_puts_the_files_dates_back(runner, db):
    assert runner.invoke(args=["demo-setup", str(DEMO_PROGRAMME)]).exit_code == 0
    result = runner.invoke(args=["demo-setup", "--keep-dates", str(DEMO_PROGRAMME)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    event = db.session.scalar(select(Event))
    assert (event.starts, event.ends) == (date(2020, 10, 8), date(2020, 10, 22))
    assert _on_now(db) == []


def test_create_user_accepts_the_demos_reserved_domain(runner, db):
    assert runner.invoke(args=["demo-setup", str(DEMO_PROGRAMME)]).exit_code == 0
    result = runner.invoke(
        args=[
            "create-user",
            "participant@demo.eventhub.test",
            "--role",
            "participant",
            "--event",
            "ga-annual-meeting-2020",
            "--working-group",
            "wg3",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "is now participant" in result.output
