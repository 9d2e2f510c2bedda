"""Calendar invites: sent through a real local SMTP server, or downloaded when there is none."""

from __future__ import annotations

import email
import io
import socket
import zipfile
from email import policy

import pytest
import vobject
from aiosmtpd.controller import Controller

from eventhub.programme.models import Role


class Inbox:
    """An aiosmtpd handler that keeps what it received."""

    def __init__(self):
        self.received = []  # (envelope recipients, parsed message)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield inbox
    controller.stop()


@pytest.fixture
def group_with_members(dst_event, make_person, add_member, sign_in):
    event = dst_event()
    group = event.working_groups[0]
    organiser = make_person("organiser@example.org", name="Olga Organiser")
    add_member(organiser, event, Role.ORGANISER)
    amina = make_person(
        "amina@example.org",
        name="Amina Real",
        display_name="Amina",
        language="fr",
        timezone="Africa/Nairobi",
    )
    add_member(amina, event, Role.PARTICIPANT, group)
    bea = make_person("bea@example.org", name="Bea")
    add_member(bea, event, Role.FACILITATOR, group)
    outsider = make_person("outsider@example.org")
    add_member(outsider, event, Role.PARTICIPANT)
    watcher = make_person("watcher@example.org")
    add_member(watcher, event, Role.OBSERVER, group)
    sign_in(organiser)
    return event, group


def _calendar_part(message):
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0]


def _read(message):
    part = _calendar_part(message)
    return vobject.readOne(
        part.get_content() if isinstance(part.get_content(), str) else part.get_content().decode()
    )


def test_session_invites_reach_the_group_members_only(client, smtp, group_with_members):
    response = client.post("/e/dst-event/manage/sessions/wg1-after/invites")
    assert response.status_code in (302, 303)
    recipients = sorted(r for rcpt, _m in smtp.received for r in rcpt)
    assert recipients == ["amina@example.org", "bea@example.org"]
    for rcpt, message in smtp.received:
        part = _calendar_part(message)
        assert part.get_content_type() == "text/calendar"
        assert part.get_param("method") == "REQUEST"
        calendar = _read(message)
        assert calendar.method.value == "REQUEST"
        assert calendar.vevent.uid.value == "wg1-after.dst-event@eventhub"
        assert calendar.vevent.sequence.value == "0"
        assert calendar.vevent.organizer.value == "mailto:organiser@example.org"
        # Each attendee sees only herself.
        attendees = [a.value for a in calendar.vevent.contents["attendee"]]
        assert attendees == [f"mailto:{rcpt[0]}"]
        assert message["To"] == rcpt[0]
        # Never the call link (one rule: the session page shows it in time), but that page.
        serialized = calendar.serialize().replace("\r\n ", "")
        assert "call.example.org" not in serialized
        assert "/e/dst-event/sessions/wg1-after" in serialized
        assert message.get_body(preferencelist=("plain",)) is not None


def test_update_keeps_uid_with_higher_sequence_and_cancel_says_cancel(
    client, db, smtp, group_with_members
):
    event, _group = group_with_members
    session = next(s for s in event.sessions if s.key == "wg1-after")
    client.post("/e/dst-event/manage/sessions/wg1-after/invites")
    first = {rcpt[0]: _read(m) for rcpt, m in smtp.received}
    smtp.received.clear()

    session.sequence += 1
    session.title = "WG after (moved)"
    db.session.commit()
    client.post("/e/dst-event/manage/sessions/wg1-after/invites")
    second = {rcpt[0]: _read(m) for rcpt, m in smtp.received}
    smtp.received.clear()
    for address, calendar in second.items():
        assert calendar.vevent.uid.value == first[address].vevent.uid.value
        assert int(calendar.vevent.sequence.value) > int(first[address].vevent.sequence.value)
        assert calendar.vevent.summary.value == "WG after (moved)"

    session.sequence += 1
    session.cancelled = True
    db.session.commit()
    client.post("/e/dst-event/manage/sessions/wg1-after/invites")
    assert len(smtp.received) == 2
    for _rcpt, message in smtp.received:
        assert _calendar_part(message).get_param("method") == "CANCEL"
        calendar = _read(message)
        assert calendar.method.value == "CANCEL"
        assert calendar.vevent.status.value == "CANCELLED"
        assert calendar.vevent.sequence.value == "2"


def test_group_invites_send_every_session_of_the_group(client, smtp, group_with_members):
    client.post("/e/dst-event/manage/groups/wg1/invites")
    uids = sorted(_read(m).vevent.uid.value for _r, m in smtp.received)
    assert uids == sorted(["wg1-before.dst-event@eventhub", "wg1-after.dst-event@eventhub"] * 2)


def test_plenary_invites_go_to_everyone_taking_part(client, smtp, group_with_members):
    client.post("/e/dst-event/manage/sessions/opening/invites")
    recipients = sorted(r for rcpt, _m in smtp.received for r in rcpt)
    assert recipients == [
        "amina@example.org",
        "bea@example.org",
        "organiser@example.org",
        "outsider@example.org",
    ]


def test_attendee_name_follows_attribution_rule(client, db, smtp, group_with_members):
    event, _group = group_with_members
    client.post("/e/dst-event/manage/sessions/wg1-after/invites")
    named = {r[0]: _read(m) for r, m in smtp.received}
    assert named["amina@example.org"].vevent.attendee.params["CN"] == ["Amina Real"]
    smtp.received.clear()
    from eventhub.programme.models import Attribution

    event.attribution = Attribution.CHATHAM_HOUSE
    db.session.commit()
    client.post("/e/dst-event/manage/sessions/wg1-after/invites")
    hidden = {r[0]: _read(m) for r, m in smtp.received}
    assert hidden["amina@example.org"].vevent.attendee.params["CN"] == ["Amina"]


def test_participant_cannot_send_invites(client, smtp, dst_event, make_person, add_member, sign_in):
    event = dst_event()
    person = make_person()
    add_member(person, event, Role.PARTICIPANT, event.working_groups[0])
    sign_in(person)
    assert client.post("/e/dst-event/manage/sessions/wg1-after/invites").status_code == 403
    assert client.get("/e/dst-event/manage/groups/wg1/invites.zip").status_code == 403
    assert smtp.received == []


def test_without_smtp_the_organiser_downloads_the_invites(client, group_with_members):
    page = client.get("/e/dst-event/manage/groups/wg1/invites")
    assert page.status_code == 200
    assert "invites.zip" in page.get_data(as_text=True)
    refused = client.post("/e/dst-event/manage/groups/wg1/invites")
    assert refused.status_code == 400
    response = client.get("/e/dst-event/manage/groups/wg1/invites.zip")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = sorted(n for n in archive.namelist() if n.endswith(".ics"))
    assert names == [
        "amina@example.org/wg1-after.ics",
        "amina@example.org/wg1-before.ics",
        "bea@example.org/wg1-after.ics",
        "bea@example.org/wg1-before.ics",
    ]
    calendar = vobject.readOne(archive.read("bea@example.org/wg1-after.ics").decode())
    assert calendar.method.value == "REQUEST"


def test_unreachable_mail_server_is_reported_not_a_crash(app, client, group_with_members):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port())  # nobody listens there
    response = client.post("/e/dst-event/manage/sessions/wg1-after/invites", follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "did not take the invites" in page and "amina@example.org" in page


def test_invite_text_is_in_her_language_and_time_zone(client, smtp, group_with_members):
    client.post("/e/dst-event/manage/sessions/wg1-after/invites")
    bodies = {r[0]: m.get_body(preferencelist=("plain",)).get_content() for r, m in smtp.received}
    # Amina reads French and lives in Nairobi: 09:00Z is 12:00 there, on "lundi 26 octobre".
    assert "lundi 26 octobre 2020" in bodies["amina@example.org"]
    assert "12:00" in bodies["amina@example.org"]
    # Bea has no zone of her own: the event's clock (Rome, 10:00 after the change), in English.
    assert "Monday, October 26, 2020" in bodies["bea@example.org"]
    assert "10:00" in bodies["bea@example.org"]
