"""The outbox: mail written in a transaction, sent by a job after the commit, in batches over one
connection, with each recipient's state; through a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import smtplib
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventhub import outbox
from eventhub.jobs import Job
from eventhub.mail import DeliveryReason
from eventhub.outbox import DeliveryState, OutgoingMail
from eventhub.reports import silence
from eventhub.timestamps import utcnow
from tests.smtp import free_port, mail_server


def _mails(db) -> list[OutgoingMail]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)))


def _mail(to: str, subject: str = "Hello") -> outbox.Mail:
    return outbox.Mail(to, subject, f"A message for {to}.")


def test_a_message_refused_for_now_is_tried_again_and_then_sent(app, db):
    with mail_server(app) as server:
        server.refuse_for_now["amina@example.org"] = 1
        outbox.queue([_mail("amina@example.org")], topic="test:1")
        assert server.received == []  # nothing before the commit
        db.session.commit()
    (mail,) = _mails(db)
    assert mail.state == DeliveryState.SENT and mail.attempts == 2
    assert mail.answer.startswith("250")
    assert server.recipients() == ["amina@example.org"]  # once, on the second try


def test_an_address_refused_for_good_is_failed_with_the_servers_answer(app, db):
    with mail_server(app) as server:
        server.refuse_for_good["nobody@example.org"] = "550 5.1.1 <nobody@example.org>: no such"
        outbox.queue([_mail("nobody@example.org"), _mail("bea@example.org")], topic="test:2")
        db.session.commit()
    failed, sent = _mails(db)
    assert (failed.state, failed.attempts) == (DeliveryState.FAILED, 1)  # never tried again
    assert failed.answer == "550 5.1.1 <nobody@example.org>: no such"
    assert sent.state == DeliveryState.SENT
    assert server.recipients() == ["bea@example.org"]


def test_still_refused_after_every_try_is_failed(app, db):
    with mail_server(app) as server:
        server.refuse_for_now["amina@example.org"] = 10
        outbox.queue([_mail("amina@example.org")], topic="test:3")
        db.session.commit()
    (mail,) = _mails(db)
    assert (mail.state, mail.attempts) == (DeliveryState.FAILED, 3)  # first try and two more
    assert "451 4.7.1 greylisted" in mail.answer
    assert server.received == []


def test_an_unreachable_server_leaves_the_message_failed_with_the_reason(app, db):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_RETRY_DELAYS=(0,))
    outbox.queue([_mail("amina@example.org")], topic="test:4")
    db.session.commit()
    (mail,) = _mails(db)
    assert (mail.state, mail.attempts) == (DeliveryState.FAILED, 2)
    # Our reason as a code, read in each reader's language; the technical detail beside it.
    assert mail.reason == DeliveryReason.UNREACHABLE
    assert mail.answer.startswith("127.0.0.1:")


def test_no_mail_server_when_the_job_runs_is_our_reason_not_a_servers_answer(app, db):
    with mail_server(app):
        outbox.queue([_mail("amina@example.org")], topic="test:6")
    app.config["MAIL_SERVER"] = ""  # the consumer's settings lost the server meanwhile
    db.session.commit()
    (mail,) = _mails(db)
    assert (mail.state, mail.reason, mail.answer) == (
        DeliveryState.FAILED,
        DeliveryReason.NO_MAIL_SERVER,
        None,
    )


def test_a_message_whose_text_is_gone_is_failed_with_our_reason(app, db):
    with mail_server(app) as server:
        (row,) = outbox.queue([_mail("amina@example.org")], topic="test:7")
        row.content = None
        db.session.commit()
    (mail,) = _mails(db)
    assert (mail.state, mail.reason, mail.answer) == (
        DeliveryState.FAILED,
        DeliveryReason.CONTENT_GONE,
        None,
    )
    assert server.received == []


def test_still_refused_after_every_try_keeps_the_servers_last_answer_and_no_reason(app, db):
    with mail_server(app) as server:
        server.refuse_for_now["amina@example.org"] = 10
        outbox.queue([_mail("amina@example.org")], topic="test:8")
        db.session.commit()
    (mail,) = _mails(db)
    assert mail.state == DeliveryState.FAILED and mail.reason is None
    assert mail.answer.startswith("451")


def test_a_batch_goes_over_one_connection_and_the_text_is_not_kept(app, db):
    app.config["MAIL_BATCH_SIZE"] = 3
    with mail_server(app) as server:
        outbox.queue([_mail(f"p{n}@example.org") for n in range(5)], topic="test:5")
        db.session.commit()
    assert len(server.received) == 5
    assert len(server.connections) == 2  # 3 + 2
    jobs = db.session.scalars(select(Job).where(Job.subject == "mail:test:5")).all()
    assert len(jobs) == 2 and {j.state.value for j in jobs} == {"done"}
    # Sent: its text (an invitation's link, say) is no longer in the database.
    assert {(m.state, m.content) for m in _mails(db)} == {(DeliveryState.SENT, None)}
    assert _mails(db)[0].subject == "Hello"


def test_nothing_is_sent_when_the_transaction_rolls_back(app, db):
    with mail_server(app) as server:
        outbox.queue([_mail("amina@example.org")], topic="test:6")
        db.session.rollback()
        db.session.commit()
        # A savepoint rolled back takes its mail with it; the outer transaction's goes out.
        try:
            with db.session.begin_nested():
                outbox.queue([_mail("bea@example.org")], topic="test:7")
                raise RuntimeError("the step failed")
        except RuntimeError:
            pass
        outbox.queue([_mail("cleo@example.org")], topic="test:8")
        db.session.commit()
    assert server.recipients() == ["cleo@example.org"]
    assert [m.recipient for m in _mails(db)] == ["cleo@example.org"]


def test_without_a_mail_server_nothing_is_queued(app, db):
    assert outbox.queue([_mail("amina@example.org")], topic="test:9") == []
    db.session.commit()
    assert _mails(db) == []


def test_a_line_break_in_a_subject_is_flattened(app, db):
    with mail_server(app) as server:
        outbox.queue([_mail("amina@example.org", subject="Two\nlines")], topic="test:10")
        db.session.commit()
    assert server.to("amina@example.org")["Subject"] == "Two lines"


@pytest.fixture
def smtp_threads(monkeypatch):
    """The names of the threads that opened an SMTP connection."""
    names: list[str] = []
    real = smtplib.SMTP.__init__

    def opened(self, *args, **kwargs):
        names.append(threading.current_thread().name)
        real(self, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "__init__", opened)
    return names


def test_the_web_process_never_talks_to_the_mail_server(
    app, client, db, make_event, login_as, smtp_threads
):
    """An invitation sent from the people page goes out from a job (tests run jobs in a thread
    of their own, as a consumer would), never from the request."""
    event = make_event()
    login_as("organiser", event=event)
    with mail_server(app) as server:
        response = client.post(
            f"/e/{event.slug}/people",
            data={"email": "nadia@example.org", "role": "participant", "working_group": ""},
        )
    assert response.status_code == 302
    assert server.recipients() == ["nadia@example.org"]
    assert smtp_threads == ["eventhub-immediate-job"]


def test_silence_reminders_go_out_after_the_commit_in_one_batch(
    app, db, make_event, make_person, add_member
):
    event = make_event()
    organiser = make_person("olga@example.org", language="fr", timezone="Africa/Nairobi")
    add_member(organiser, event, "organiser")
    add_member(make_person("amina@example.org"), event, "participant")
    now = utcnow()
    circulation = silence.circulate(
        organiser, event, audience="participants", deadline=now + timedelta(hours=12), now=now
    )
    db.session.commit()
    with mail_server(app) as server:
        assert silence.remind_due(now=now) == 1
        assert server.received == []  # nothing before the commit
        db.session.commit()
    assert server.recipients() == ["amina@example.org", "olga@example.org"]
    assert len(server.connections) == 1
    assert server.to("olga@example.org")["Subject"].startswith("Procédure")
    assert {m.topic for m in _mails(db)} == {f"circulation:{circulation.id}"}
