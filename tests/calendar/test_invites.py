"""Calendar invites: sent through a real local SMTP server, or downloaded when there is none."""

from __future__ import annotations

import email
import io
import socket
import zipfile
from datetime import UTC, datetime
from email import policy

import icalendar
import lxml.html
import pytest
import vobject
from aiosmtpd.controller import Controller

from eventhub.accounts.models import Person
from eventhub.calendar.models import InviteDelivery
from eventhub.extensions import db
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


def test_plenary_invites_go_to_everyone_taking_part_but_the_organiser_sending_them(
    client, smtp, group_with_members
):
    client.post("/e/dst-event/manage/sessions/opening/invites")
    recipients = sorted(r for rcpt, _m in smtp.received for r in rcpt)
    # She is the invite's ORGANIZER: inviting her as ATTENDEE too confuses calendars.
    assert recipients == ["amina@example.org", "bea@example.org", "outsider@example.org"]


def test_the_organiser_is_invited_where_she_takes_part_herself(
    client, db, smtp, group_with_members, add_member
):
    event, group = group_with_members
    organiser = db.session.scalars(db.select(Person).filter_by(email="organiser@example.org")).one()
    add_member(organiser, event, Role.PARTICIPANT, group)
    client.post("/e/dst-event/manage/sessions/wg1-after/invites")
    recipients = sorted(r for rcpt, _m in smtp.received for r in rcpt)
    assert recipients == ["amina@example.org", "bea@example.org", "organiser@example.org"]


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


def test_unreachable_mail_server_is_tried_again_then_shown_failed_and_resent(
    app, client, group_with_members
):
    port = _free_port()  # nobody listens there yet
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_RETRY_DELAYS=(0, 0))
    response = client.post("/e/dst-event/manage/sessions/wg1-after/invites", follow_redirects=True)
    assert response.status_code == 200
    people = _delivery_cards(response)
    assert {p["email"]: p["state"] for p in people} == {
        "amina@example.org": "failed",
        "bea@example.org": "failed",
    }
    assert all(
        p["answer"].startswith("The mail server could not be reached. Technical details: ")
        and "127.0.0.1" in p["answer"]
        for p in people
    )
    assert db_deliveries()[0].attempts == 3  # the first try and two more
    # The server is back: the organiser sends the failed ones again.
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        page = client.post(
            "/e/dst-event/manage/sessions/wg1-after/invites",
            data={"resend": "failed"},
            follow_redirects=True,
        )
    finally:
        controller.stop()
    assert sorted(r for rcpt, _m in inbox.received for r in rcpt) == [
        "amina@example.org",
        "bea@example.org",
    ]
    assert {p["state"] for p in _delivery_cards(page)} == {"sent"}


def test_invite_text_is_in_her_language_and_time_zone(client, smtp, group_with_members):
    client.post("/e/dst-event/manage/sessions/wg1-after/invites")
    bodies = {r[0]: m.get_body(preferencelist=("plain",)).get_content() for r, m in smtp.received}
    # Amina reads French and lives in Nairobi: 09:00Z is 12:00 there; the medium date, short
    # times without seconds, the end's date only if it differs, the zone named once.
    amina = bodies["amina@example.org"]
    assert "Chère Amina Real" in amina or "Bonjour Amina Real" in amina
    assert "26 oct. 2020, 12:00\u2009–\u200914:00 (heure normale d’Afrique de l’Est)" in amina
    assert amina.count("Afrique de l’Est") == 1
    assert "12:00:00" not in amina
    # ...and the event's own clock once more, in Rome.
    assert "26 oct. 2020, 10:00\u2009–\u200912:00 (heure normale d’Europe centrale)" in amina
    # Bea has no zone of her own: the event's clock (Rome, 10:00 after the change), in English,
    # said once.
    bea = bodies["bea@example.org"]
    assert (
        "Oct 26, 2020, 10:00\u202fAM\u2009–\u200912:00\u202fPM (Central European Standard Time)"
        in bea
    )
    assert bea.count("Central European") == 1


def test_the_end_date_is_written_only_when_it_differs(client, db, smtp, group_with_members):
    event, _group = group_with_members
    session = next(s for s in event.sessions if s.key == "wg1-after")
    session.ends_at = datetime(2020, 10, 27, 9, 0, tzinfo=UTC)  # the next morning
    db.session.commit()
    client.post("/e/dst-event/manage/sessions/wg1-after/invites")
    bea = {r[0]: m for r, m in smtp.received}["bea@example.org"]
    text = bea.get_body(preferencelist=("plain",)).get_content()
    assert "Oct 26, 2020, 10:00\u202fAM\u2009–\u2009Oct 27, 2020, 10:00\u202fAM" in text


# --- as Outlook reads them, and as the organiser sees them go out ---------------------------


def db_deliveries():
    return db.session.scalars(db.select(InviteDelivery).order_by(InviteDelivery.id)).all()


def _delivery_cards(response) -> list[dict]:
    page = lxml.html.fromstring(response.data)
    cards = []
    for card in page.xpath("//li[contains(@class, 'delivery ')]"):
        cards.append(
            {
                "email": card.xpath("string(.//*[contains(@class, 'delivery-person')]/span)"),
                "state": card.get("class").split("delivery-")[-1],
                "answer": card.xpath("string(.//*[@class='delivery-answer'])"),
            }
        )
    return cards


def _structure(message) -> list:
    """The MIME tree as nested (content type, disposition) pairs."""
    if message.is_multipart():
        return [message.get_content_type(), [_structure(p) for p in message.iter_parts()]]
    return (message.get_content_type(), message.get_content_disposition())


def _icalendar(part) -> icalendar.Calendar:
    content = part.get_content()
    return icalendar.Calendar.from_ical(content if isinstance(content, bytes) else content.encode())


def test_an_invite_is_a_meeting_request_outlook_and_gmail_apply(client, smtp, group_with_members):
    client.post("/e/dst-event/manage/sessions/wg1-after/invites")
    message = {r[0]: m for r, m in smtp.received}["amina@example.org"]
    assert _structure(message) == [
        "multipart/mixed",
        [
            ["multipart/alternative", [("text/plain", None), ("text/calendar", None)]],
            ("application/ics", "attachment"),
        ],
    ]
    alternative, attached = message.get_payload()
    text, inline = alternative.get_payload()
    assert text.get_content_charset() == "utf-8"
    assert inline.get_param("method") == "REQUEST" and inline.get_content_charset() == "utf-8"
    assert attached.get_filename() == "invite.ics"
    calendar = _icalendar(inline)
    assert calendar["METHOD"] == "REQUEST"
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == "wg1-after.dst-event@eventhub"
    assert str(vevent["ORGANIZER"]) == "mailto:organiser@example.org"
    assert str(vevent["ATTENDEE"]) == "mailto:amina@example.org"
    assert vevent["TRANSP"] == "OPAQUE"
    # The attachment is the same calendar.
    assert _icalendar(attached).to_ical() == calendar.to_ical()


def test_a_cancellation_is_a_cancel_that_frees_the_time(client, db, smtp, group_with_members):
    event, _group = group_with_members
    session = next(s for s in event.sessions if s.key == "wg1-after")
    session.cancelled = True
    session.sequence += 1
    db.session.commit()
    client.post("/e/dst-event/manage/sessions/wg1-after/invites")
    for _rcpt, message in smtp.received:
        alternative, _attached = message.get_payload()
        inline = alternative.get_payload()[1]
        assert inline.get_param("method") == "CANCEL"
        calendar = _icalendar(inline)
        assert calendar["METHOD"] == "CANCEL"
        (vevent,) = calendar.walk("VEVENT")
        assert vevent["STATUS"] == "CANCELLED" and vevent["TRANSP"] == "TRANSPARENT"
        assert int(vevent["SEQUENCE"]) == 1
    subjects = {r[0]: m["Subject"] for r, m in smtp.received}
    assert subjects == {
        "amina@example.org": "Annulée\u00a0: WG after",  # she reads French
        "bea@example.org": "Cancelled: WG after",
    }


class Picky(Inbox):
    """A mail server that refuses one address for good and another once, for now."""

    def __init__(self):
        super().__init__()
        self.refused_once: set[str] = set()
        self.connections: set = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.connections.add(session.peer)
        if address == "outsider@example.org":
            return "550 5.1.1 <outsider@example.org>: no such mailbox"
        if address == "bea@example.org" and address not in self.refused_once:
            self.refused_once.add(address)
            return "451 4.7.1 greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def picky_smtp(app):
    inbox = Picky()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_RETRY_DELAYS=(0, 0))
    yield inbox
    controller.stop()


def test_each_person_has_her_delivery_state_with_the_servers_answer(
    client, picky_smtp, group_with_members
):
    page = client.post("/e/dst-event/manage/sessions/opening/invites", follow_redirects=True)
    cards = {c["email"]: c for c in _delivery_cards(page)}
    assert {e: c["state"] for e, c in cards.items()} == {
        "amina@example.org": "sent",
        "bea@example.org": "sent",  # greylisted, then taken on the next try
        "outsider@example.org": "failed",
    }
    assert (
        "550 5.1.1 <outsider@example.org>: no such mailbox"
        in cards["outsider@example.org"]["answer"]
    )
    assert cards["amina@example.org"]["answer"].startswith("Mail server: 250")
    attempts = {d.person.email: d.attempts for d in db_deliveries()}
    assert attempts == {"amina@example.org": 1, "bea@example.org": 2, "outsider@example.org": 1}
    assert sorted(r for rcpt, _m in picky_smtp.received for r in rcpt) == [
        "amina@example.org",
        "bea@example.org",
    ]
    assert b"Send the failed invite again" in page.data


def test_invites_go_out_in_batches_over_one_connection_each(
    app, client, picky_smtp, group_with_members, make_person, add_member
):
    event, group = group_with_members
    for n in range(5):
        add_member(make_person(f"member{n}@example.org"), event, Role.PARTICIPANT, group)
    app.config["MAIL_BATCH_SIZE"] = 4
    client.post("/e/dst-event/manage/sessions/wg1-after/invites")
    # 7 people (amina, bea and five more) in batches of 4: two connections, and one more for
    # bea's second try.
    assert len(db_deliveries()) == 7
    assert len(picky_smtp.connections) == 3
    assert len(picky_smtp.received) == 7


def test_a_title_with_a_line_break_is_sent_on_one_line(client, db, smtp, group_with_members):
    event, _group = group_with_members
    session = next(s for s in event.sessions if s.key == "wg1-after")
    session.title = "WG after\r\nsecond line"
    db.session.commit()
    response = client.post("/e/dst-event/manage/sessions/wg1-after/invites")
    assert response.status_code in (302, 303)
    assert len(smtp.received) == 2
    message = {r[0]: m for r, m in smtp.received}["bea@example.org"]
    assert message["Subject"] == "Invitation: WG after second line"
    calendar = _icalendar(message.get_payload()[0].get_payload()[1])
    assert str(calendar.walk("VEVENT")[0]["SUMMARY"]) == "WG after second line"


def test_nothing_is_sent_by_the_request_itself(client, smtp, group_with_members, monkeypatch):
    """The request only queues: sending happens in a job (here at the commit, in a thread)."""
    import threading

    from eventhub import mail

    threads = []
    real = mail.Mailer.send

    def spy(self, message):
        threads.append(threading.current_thread().name)
        return real(self, message)

    monkeypatch.setattr(mail.Mailer, "send", spy)
    client.post("/e/dst-event/manage/sessions/wg1-after/invites")
    assert threads == ["eventhub-immediate-job"] * 2


def test_a_title_with_a_line_break_still_sends_invites(client, db, smtp, group_with_members):
    # Stored before titles were checked (finding 9 of issue 11): the form answered 500.
    event, _group = group_with_members
    session = next(s for s in event.sessions if s.key == "wg1-after")
    session.title = "Protection\nof mediators\r\n"
    db.session.commit()
    response = client.post("/e/dst-event/manage/sessions/wg1-after/invites")
    assert response.status_code in (302, 303)
    assert smtp.received
    for _rcpt, message in smtp.received:
        assert message["Subject"].endswith(": Protection of mediators")
