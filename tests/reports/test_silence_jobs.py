"""The silence procedure's deadlines and reminders as periodic jobs of the consumer."""

from __future__ import annotations

from datetime import datetime, timedelta

from eventhub.extensions import db as _db
from eventhub.jobs.queue import huey
from eventhub.reports import jobs, service, silence
from eventhub.reports.models import CirculationState
from eventhub.timestamps import utcnow
from tests.reports.test_outcome import pretoria  # noqa: F401  (the fixture)


def _scheduled(at: datetime) -> set[str]:
    """The periodic jobs a consumer started with --periodic runs at that minute."""
    return {task.name for task in huey.read_periodic(at)}


def test_deadlines_run_every_minute_and_reminders_every_ten(app):
    assert "close_due_circulations" in _scheduled(datetime(2026, 11, 27, 21, 3))
    assert "remind_circulations" not in _scheduled(datetime(2026, 11, 27, 21, 3))
    assert {"close_due_circulations", "remind_circulations"} <= _scheduled(
        datetime(2026, 11, 27, 21, 10)
    )


def test_the_periodic_job_adopts_a_silent_text_whose_deadline_has_passed(
    pretoria,  # noqa: F811
):
    event, organiser, _rapporteur, _participant = pretoria
    now = utcnow()
    passed = silence.circulate(
        organiser,
        event,
        audience="leads",
        deadline=now - timedelta(minutes=1),
        now=now - timedelta(days=2),
    )
    _db.session.commit()
    jobs.close_due_circulations.call_local()  # what the consumer's scheduler calls
    _db.session.expire_all()
    assert passed.state == CirculationState.ADOPTED
    assert service.latest(event).content_hash == passed.content_hash
    # The next minute finds nothing to do.
    jobs.close_due_circulations.call_local()
    assert service.latest(event).version == 1


def test_the_periodic_job_leaves_a_text_whose_deadline_is_to_come(pretoria):  # noqa: F811
    event, organiser, _rapporteur, _participant = pretoria
    running = silence.circulate(
        organiser, event, audience="leads", deadline=utcnow() + timedelta(hours=2)
    )
    _db.session.commit()
    jobs.close_due_circulations.call_local()
    _db.session.expire_all()
    assert running.state == CirculationState.OPEN and service.latest(event) is None


def test_the_periodic_reminder_goes_once_within_a_day_of_the_deadline(pretoria):  # noqa: F811
    event, organiser, _rapporteur, _participant = pretoria
    later = silence.circulate(
        organiser, event, audience="leads", deadline=utcnow() + timedelta(days=3)
    )
    _db.session.commit()
    jobs.remind_circulations.call_local()
    _db.session.expire_all()
    assert later.reminded_at is None  # three days ahead: not yet
    silence.withdraw(organiser, later)
    soon = silence.circulate(
        organiser, event, audience="leads", deadline=utcnow() + timedelta(hours=5)
    )
    _db.session.commit()
    jobs.remind_circulations.call_local()
    _db.session.expire_all()
    reminded = soon.reminded_at
    assert reminded is not None
    jobs.remind_circulations.call_local()
    _db.session.expire_all()
    assert soon.reminded_at == reminded  # once
