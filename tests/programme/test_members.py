"""Invitations, memberships and the organisers' people page."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import date, timedelta

import lxml.html
import pytest
from sqlalchemy import select

from eventhub.accounts.models import Person
from eventhub.outbox import DeliveryState, OutgoingMail, retention
from eventhub.programme import members
from eventhub.programme.members import mailing
from eventhub.programme.models import Event, Invitation, Membership, Role
from eventhub.timestamps import utcnow
from tests.conftest import PASSWORD
from tests.smtp import free_port, mail_server

LINK = re.compile(r'value="(http://localhost/invitations/[^"]+)"')


@pytest.fixture
def event(make_event):
    return make_event()


@pytest.fixture
def organiser(login_as, event):
    return login_as("organiser", event=event, name="Olu Organiser")


def _invite(client, event, email="new@example.org", role="participant", working_group=""):
    return client.post(
        f"/e/{event.slug}/people",
        data={"email": email, "role": role, "working_group": working_group},
    )


def _link(response) -> str:
    match = LINK.search(response.get_data(as_text=True))
    assert match, "the page shows no invitation link"
    return match.group(1).removeprefix("http://localhost")


def _new_account(**overrides):
    data = {"name": "Nadia New", "display_name": "", "password": PASSWORD, "confirm": PASSWORD}
    data.update(overrides)
    return data


def _roles(db, email):
    person = db.session.scalar(select(Person).where(Person.email == email))
    if person is None:
        return None
    return sorted(
        (m.role.value, m.working_group.key if m.working_group else None)
        for m in db.session.scalars(select(Membership).where(Membership.person_id == person.id))
    )


# --- access ------------------------------------------------------------------------------------


def test_people_page_lists_members_and_roles_for_organisers(
    client, event, organiser, make_person, add_member
):
    add_member(
        make_person("fatima@example.org", name="Fatima"),
        event,
        "facilitator",
        event.working_groups[0],
    )
    page = client.get(f"/e/{event.slug}/people")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "fatima@example.org" in text and "Working group 1" in text
    assert "Facilitator" in text and "Olu Organiser" in text


@pytest.mark.parametrize(
    "role, group",
    [("participant", None), ("facilitator", "wg1"), ("observer", None), ("rapporteur", "wg2")],
)
def test_people_page_is_for_organisers_only(client, event, login_as, role, group):
    login_as(role, event=event, working_group=group)
    assert client.get(f"/e/{event.slug}/people").status_code == 403
    assert _invite(client, event).status_code == 403
    assert client.get(f"/e/{event.slug}/people/1/remove").status_code == 403


def test_people_page_sends_strangers_to_sign_in(client, event):
    response = client.get(f"/e/{event.slug}/people")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_organiser_of_one_event_cannot_manage_another(client, make_event, login_as, db):
    mine = make_event("mine")
    other = make_event("other")
    login_as("organiser", event=mine)
    assert client.get(f"/e/{other.slug}/people").status_code == 403
    assert _invite(client, other).status_code == 403
    assert db.session.scalar(select(Invitation)) is None


def test_people_page_of_unknown_event_is_404(client, organiser):
    assert client.get("/e/no-such-event/people").status_code == 404


# --- inviting ----------------------------------------------------------------------------------


def test_invitation_without_mail_shows_the_link_and_a_new_person_accepts(
    client, app, event, organiser, db
):
    response = _invite(client, event, "Nadia@Example.org", "facilitator", "wg1")
    assert response.status_code == 200
    link = _link(response)
    assert "new@example.org" not in response.get_data(as_text=True)
    assert "nadia@example.org" in response.get_data(as_text=True)  # listed as pending
    client.post("/logout")

    page = client.get(link)
    assert page.status_code == 200
    assert "Create your account for nadia@example.org" in page.get_data(as_text=True)
    response = client.post(link, data=_new_account(display_name="N."))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/e/{event.slug}/"
    assert _roles(db, "nadia@example.org") == [("facilitator", "wg1")]
    nadia = db.session.scalar(select(Person).where(Person.email == "nadia@example.org"))
    assert (nadia.name, nadia.display_name) == ("Nadia New", "N.")
    assert nadia.check_password(PASSWORD)
    assert client.get("/profile").status_code == 200  # signed in


def _invitation_mail_cell(response) -> str:
    page = lxml.html.fromstring(response.get_data(as_text=True))
    (cell,) = page.xpath("//table[contains(@class, 'invitations')]//td[@class='invitation-mail']")
    return " ".join(cell.text_content().split())


def test_invitation_is_emailed_after_the_commit_and_shown_sent(client, app, event, organiser):
    with mail_server(app) as server:
        server.refuse_for_now["nadia@example.org"] = 1  # greylisted once: tried again
        response = _invite(client, event, "nadia@example.org", "participant", "wg2")
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "The invitation to nadia@example.org is on its way" in page.get_data(as_text=True)
    assert _invitation_mail_cell(page).startswith("Sent")
    assert server.recipients() == ["nadia@example.org"]
    body = server.to("nadia@example.org").get_body(preferencelist=("plain",)).get_content()
    assert "Working group 2" in body
    assert re.search(r"http://localhost/invitations/\S+", body)


def test_a_refused_invitation_is_shown_failed_and_sent_again_with_a_new_link(
    client, app, event, organiser, db
):
    with mail_server(app) as server:
        server.refuse_for_good["nadia@example.org"] = "550 5.1.1 <nadia@example.org>: no mailbox"
        response = _invite(client, event, "nadia@example.org")
        page = client.get(response.headers["Location"])
        cell = _invitation_mail_cell(page)
        assert cell.startswith("Failed")
        assert "Mail server: 550 5.1.1 <nadia@example.org>: no mailbox" in cell
        assert "Send again" in page.get_data(as_text=True)
        # The address is fixed on the server's side; the organiser sends it again.
        del server.refuse_for_good["nadia@example.org"]
        invitation = db.session.scalar(select(Invitation))
        response = client.post(f"/e/{event.slug}/invitations/{invitation.id}/resend")
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert _invitation_mail_cell(page).startswith("Sent")
    assert "Send again" not in page.get_data(as_text=True)
    body = server.to("nadia@example.org").get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://localhost(/invitations/\S+)", body).group(1)
    client.post("/logout")
    assert client.get(link).status_code == 200


@pytest.mark.parametrize(
    "language, reason, server_said",
    [
        (
            "fr",
            "Non envoyé\xa0: aucun serveur de messagerie n’est configuré.",
            "Serveur de messagerie",
        ),
        ("ar", "لم تُرسل: لم يُضبط أي خادم بريد.", "خادم البريد"),
        ("en", "Not sent: no mail server is configured.", "Mail server"),
    ],
)
def test_our_reason_for_a_failed_invitation_reads_in_the_organisers_language_the_server_verbatim(
    client, app, event, organiser, db, language, reason, server_said
):
    organiser.language = language
    refused = "550 5.1.1 <nadia@example.org>: no mailbox"
    for address, why, answer in [
        ("amina@example.org", "no-mail-server", None),
        ("nadia@example.org", None, refused),
    ]:
        invitation, _token = members.invite(event, address, Role.PARTICIPANT)
        db.session.flush()
        db.session.add(
            OutgoingMail(
                topic=mailing.topic(invitation),
                recipient=address,
                subject="Invitation",
                state=DeliveryState.FAILED,
                reason=why,
                answer=answer,
            )
        )
    db.session.commit()
    page = lxml.html.fromstring(client.get(f"/e/{event.slug}/people").get_data(as_text=True))
    cells = page.xpath("//table[contains(@class, 'invitations')]//td[@class='invitation-mail']")
    nadia, amina = (" ".join(c.text_content().split()) for c in cells)  # newest first
    # Our reason in her language, not presented as the server's words.
    assert reason.replace("\xa0", " ") in amina and server_said not in amina
    # The server's words, as it said them, after the label that says whose they are.
    assert nadia.index(server_said) < nadia.index(refused)


def test_the_organisers_list_reads_the_same_once_the_outbox_keeps_only_delivery_records(
    client, app, event, organiser, db
):
    with mail_server(app) as server:
        server.refuse_for_good["nadia@example.org"] = "550 5.1.1 <nadia@example.org>: no mailbox"
        _invite(client, event, "nadia@example.org")
        _invite(client, event, "bea@example.org")

    def cells() -> list[str]:
        page = lxml.html.fromstring(client.get(f"/e/{event.slug}/people").get_data(as_text=True))
        found = page.xpath("//table[contains(@class, 'invitations')]//td[@class='invitation-mail']")
        return [" ".join(cell.text_content().split()) for cell in found]

    before = cells()
    assert [c.split()[0] for c in before] == ["Sent", "Failed"]  # newest first
    later = utcnow() + timedelta(days=app.config["OUTBOX_KEEP_DAYS"], minutes=1)
    retention.purge(app.config["OUTBOX_KEEP_DAYS"], now=later)
    db.session.commit()
    assert cells() == before  # the same states, times and server's answer
    assert "Send again" in client.get(f"/e/{event.slug}/people").get_data(as_text=True)
    mails = db.session.scalars(select(OutgoingMail)).all()
    assert {(m.recipient, m.subject) for m in mails} == {("", "")}

    # Sent again, the failure is superseded: once it is old, only the new message is kept.
    nadia = db.session.scalar(select(Invitation).where(Invitation.email == "nadia@example.org"))
    with mail_server(app):
        client.post(f"/e/{event.slug}/invitations/{nadia.id}/resend")
    assert [c.split()[0] for c in cells()] == ["Sent", "Sent"]
    retention.purge(app.config["OUTBOX_KEEP_DAYS"], now=later + timedelta(days=60))
    db.session.commit()
    db.session.expire_all()
    kept = db.session.scalars(select(OutgoingMail)).all()
    invitations = db.session.scalars(select(Invitation)).all()
    assert sorted((m.topic, m.state) for m in kept) == sorted(
        (mailing.topic(i), DeliveryState.SENT) for i in invitations
    )
    assert [c.split()[0] for c in cells()] == ["Sent", "Sent"]


def test_an_unreachable_mail_server_shows_the_invitation_failed(client, app, event, organiser):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_RETRY_DELAYS=(0,))
    response = _invite(client, event)
    assert response.status_code == 302
    cell = _invitation_mail_cell(client.get(response.headers["Location"]))
    assert cell.startswith("Failed")
    assert "The mail server could not be reached. Technical details: 127.0.0.1:" in cell


def test_sending_again_without_a_mail_server_gives_a_new_link_to_copy(client, event, organiser, db):
    first = _link(_invite(client, event, "nadia@example.org"))
    invitation = db.session.scalar(select(Invitation))
    response = client.post(f"/e/{event.slug}/invitations/{invitation.id}/resend")
    assert response.status_code == 200
    second = _link(response)
    assert second != first
    client.post("/logout")
    assert client.get(first).status_code == 404  # the earlier link stopped working
    assert client.get(second).status_code == 200


@pytest.mark.parametrize("role", ["organiser", "observer"])
def test_event_wide_roles_cannot_be_given_in_one_working_group(client, event, organiser, db, role):
    response = _invite(client, event, role=role, working_group="wg1")
    assert response.status_code == 400
    assert "is for the whole event, not for one working group" in response.get_data(as_text=True)
    assert db.session.scalar(select(Invitation)) is None


@pytest.mark.parametrize(
    "email, role, group, message",
    [
        ("", "participant", "", "Enter the e-mail address to invite."),
        ("not-an-address", "participant", "", "is not an e-mail address"),
        ("a" * 300 + "@example.org", "participant", "", "not an e-mail address"),
        ("x@example.org\nBcc: y@example.org", "participant", "", "not an e-mail address"),
        ("x@example.org", "queen", "", "Choose one of the roles in the list."),
        ("x@example.org", "participant", "wg99", "Choose the whole event or one of its"),
        ("x@example.org", "", "", "Choose one of the roles in the list."),
    ],
)
def test_bad_invitations_get_a_message_and_change_nothing(
    client, event, organiser, db, email, role, group, message
):
    response = _invite(client, event, email, role, group)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Invitation)) is None


def test_inviting_again_renews_the_pending_invitation(client, event, organiser, db):
    _invite(client, event, "nadia@example.org", "participant")
    _invite(client, event, "nadia@example.org", "observer")
    invitations = db.session.scalars(select(Invitation)).all()
    assert [(i.email, i.role) for i in invitations] == [("nadia@example.org", Role.OBSERVER)]


# --- accepting ---------------------------------------------------------------------------------


def test_expired_invitation_gets_a_clear_page(client, app, event, organiser, db):
    link = _link(_invite(client, event))
    client.post("/logout")
    app.config["INVITATION_MAX_AGE"] = -1
    response = client.get(link)
    assert response.status_code == 410
    assert "This invitation has expired" in response.get_data(as_text=True)
    assert client.post(link, data=_new_account()).status_code == 410
    assert _roles(db, "new@example.org") is None


def test_invitation_older_than_its_age_is_expired_even_if_renewed_link(
    client, app, event, organiser, db
):
    link = _link(_invite(client, event))
    invitation = db.session.scalar(select(Invitation))
    invitation.created_at -= timedelta(seconds=app.config["INVITATION_MAX_AGE"] + 60)
    db.session.commit()
    assert client.get(link).status_code == 410


@pytest.mark.parametrize(
    "mangle",
    [
        lambda link: link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb"),
        lambda link: link + "x",
        lambda link: "/invitations/" + "A" * 5000,
        lambda link: "/invitations/%00%ff",
    ],
)
def test_tampered_invitation_link_gets_a_clear_page(client, event, organiser, db, mangle):
    link = _link(_invite(client, event))
    client.post("/logout")
    response = client.get(mangle(link))
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.get_data(as_text=True)


def test_the_invitation_link_is_opaque(client, event, organiser, db):
    # It used to carry the address in readable base64 (finding 6 of issue 11).
    link = _link(_invite(client, event, "nadia@example.org"))
    token = link.removeprefix("/invitations/")
    readable = token + base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("latin-1")
    assert "nadia" not in readable.lower() and "example" not in readable.lower()
    invitation = db.session.scalar(select(Invitation))
    assert len(token) >= 40  # 256 random bits
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()  # only a hash kept
    # Inviting again sends a new link; the old one stops working.
    again = _link(_invite(client, event, "nadia@example.org"))
    assert again != link
    client.post("/logout")
    assert client.get(link).status_code == 404
    assert client.get(again).status_code == 200


def test_used_invitation_cannot_be_used_again(client, event, organiser, db):
    link = _link(_invite(client, event))
    client.post("/logout")
    client.post(link, data=_new_account())
    client.post("/logout")
    response = client.get(link)
    assert response.status_code == 410
    assert "already been used" in response.get_data(as_text=True)
    response = client.post(link, data=_new_account(name="Someone else"))
    assert response.status_code == 410


def test_withdrawn_invitation_stops_working(client, event, organiser, db):
    link = _link(_invite(client, event))
    invitation = db.session.scalar(select(Invitation))
    response = client.post(f"/e/{event.slug}/invitations/{invitation.id}/withdraw")
    assert response.status_code == 302
    assert db.session.scalar(select(Invitation)).withdrawn_at is not None  # kept, not used
    assert members.pending_invitations(event) == []
    client.post("/logout")
    response = client.get(link)
    assert response.status_code == 410
    assert "withdrawn" in response.get_data(as_text=True)


def test_existing_person_signs_in_then_accepts(client, event, organiser, make_person, db):
    make_person("known@example.org")
    link = _link(_invite(client, event, "known@example.org", "rapporteur", "wg2"))
    client.post("/logout")
    page = client.get(link).get_data(as_text=True)
    assert "Sign in to accept the invitation" in page
    assert "Create your account" not in page
    # A stranger cannot create a second account for the address.
    assert client.post(link, data=_new_account()).status_code == 200
    assert db.session.scalar(select(Person).where(Person.name == "Nadia New")) is None

    signed_in = client.post(
        "/login", data={"email": "known@example.org", "password": PASSWORD, "next": link}
    )
    assert signed_in.headers["Location"] == link
    assert "Accept the invitation" in client.get(link).get_data(as_text=True)
    response = client.post(link)
    assert response.status_code == 302
    assert _roles(db, "known@example.org") == [("rapporteur", "wg2")]


def test_signed_in_person_accepting_keeps_her_other_roles(
    client, event, make_person, add_member, login, db
):
    boss = make_person("boss@example.org")
    add_member(boss, event, "organiser")
    someone = make_person("someone@example.org")
    add_member(someone, event, "participant", event.working_groups[0])
    invitation, token = members.invite(
        event, "someone@example.org", Role.FACILITATOR, event.working_groups[1], invited_by=boss
    )
    db.session.commit()
    login(someone)
    assert client.post(f"/invitations/{token}").status_code == 302
    assert _roles(db, "someone@example.org") == [("facilitator", "wg2"), ("participant", "wg1")]


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"password": "short", "confirm": "short"}, "Use between 10 and 500 characters."),
        ({"confirm": "something else entirely"}, "The two passwords are not the same."),
        ({"name": ""}, "Enter your name."),
        ({"name": "n" * 1000}, "Use at most 200 characters."),
        ({"display_name": "\x1b[31mred"}, "cannot be shown"),
        ({"password": "p" * 600, "confirm": "p" * 600}, "Use between 10 and 500 characters."),
    ],
)
def test_new_account_garbage_gets_a_message_and_creates_nothing(
    client, event, organiser, db, fields, message
):
    link = _link(_invite(client, event))
    client.post("/logout")
    response = client.post(link, data=_new_account(**fields))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _roles(db, "new@example.org") is None
    assert db.session.scalar(select(Invitation)).accepted_at is None


# --- changing and removing roles ---------------------------------------------------------------


def test_organiser_changes_a_role(client, event, organiser, make_person, add_member, db):
    membership = add_member(
        make_person("p@example.org"), event, "participant", event.working_groups[0]
    )
    response = client.post(
        f"/e/{event.slug}/people/{membership.id}/role",
        data={"role": "facilitator"},
        follow_redirects=True,
    )
    assert "is now Facilitator" in response.get_data(as_text=True)
    assert _roles(db, "p@example.org") == [("facilitator", "wg1")]


def test_group_membership_cannot_become_an_event_wide_role(
    client, event, organiser, make_person, add_member, db
):
    membership = add_member(
        make_person("p@example.org"), event, "participant", event.working_groups[0]
    )
    response = client.post(
        f"/e/{event.slug}/people/{membership.id}/role",
        data={"role": "organiser"},
        follow_redirects=True,
    )
    assert "Choose one of the roles in the list." in response.get_data(as_text=True)
    assert _roles(db, "p@example.org") == [("participant", "wg1")]


@pytest.mark.parametrize("role", ["", "x" * 10_000, "organiser\x00", "مشارك"])
def test_garbage_role_gets_a_message_and_changes_nothing(
    client, event, organiser, make_person, add_member, db, role
):
    membership = add_member(make_person("p@example.org"), event, "observer")
    response = client.post(
        f"/e/{event.slug}/people/{membership.id}/role", data={"role": role}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "Choose one of the roles in the list." in response.get_data(as_text=True)
    assert _roles(db, "p@example.org") == [("observer", None)]


def test_the_last_organiser_cannot_be_demoted_or_removed(client, event, organiser, db):
    mine = db.session.scalar(select(Membership).where(Membership.person_id == organiser.id))
    response = client.post(
        f"/e/{event.slug}/people/{mine.id}/role", data={"role": "observer"}, follow_redirects=True
    )
    assert "only organiser" in response.get_data(as_text=True)
    response = client.post(f"/e/{event.slug}/people/{mine.id}/remove", follow_redirects=True)
    assert "only organiser" in response.get_data(as_text=True)
    assert _roles(db, organiser.email) == [("organiser", None)]


def test_removal_asks_for_confirmation_then_removes(
    client, event, organiser, make_person, add_member, db
):
    membership = add_member(make_person("p@example.org", name="Pia"), event, "observer")
    page = client.get(f"/e/{event.slug}/people/{membership.id}/remove")
    assert page.status_code == 200
    assert "Remove <bdi>Pia" in page.get_data(as_text=True)  # her name isolated for bidi
    assert _roles(db, "p@example.org") == [("observer", None)]
    response = client.post(f"/e/{event.slug}/people/{membership.id}/remove")
    assert response.status_code == 302
    assert _roles(db, "p@example.org") == []


def test_membership_of_another_event_is_not_found_here(
    client, make_event, login_as, make_person, add_member, db
):
    mine = make_event("mine")
    other = make_event("other")
    login_as("organiser", event=mine)
    theirs = add_member(make_person("p@example.org"), other, "observer")
    assert client.post(f"/e/{mine.slug}/people/{theirs.id}/remove").status_code == 404
    assert (
        client.post(
            f"/e/{mine.slug}/people/{theirs.id}/role", data={"role": "participant"}
        ).status_code
        == 404
    )
    assert _roles(db, "p@example.org") == [("observer", None)]


def test_removed_person_loses_access(client, event, make_person, add_member, login, db):
    boss = make_person("boss@example.org")
    add_member(boss, event, "organiser")
    second = make_person("second@example.org")
    membership = add_member(second, event, "organiser")
    login(second)
    assert client.get(f"/e/{event.slug}/people").status_code == 200
    # She removes her own organiser role; the page is no longer hers.
    response = client.post(f"/e/{event.slug}/people/{membership.id}/remove")
    assert response.headers["Location"] == "/"
    assert client.get(f"/e/{event.slug}/people").status_code == 403


def test_pending_invitations_are_listed_until_accepted(client, event, organiser):
    link = _link(_invite(client, event, "pending@example.org", "observer"))
    page = client.get(f"/e/{event.slug}/people").get_data(as_text=True)
    assert "Pending invitations" in page and "pending@example.org" in page
    client.post("/logout")
    client.post(link, data=_new_account())
    client.post("/logout")
    client.post("/login", data={"email": organiser.email, "password": PASSWORD})
    page = client.get(f"/e/{event.slug}/people").get_data(as_text=True)
    assert "No invitation is waiting for an answer." in page
    assert "pending@example.org" in page  # now a member


def test_someone_else_signed_in_cannot_accept_an_invitation_meant_for_another_address(
    client, event, make_event, make_person, add_member, login, db
):
    # Finding 6 of issue 11: a participant of another event opened an organiser invitation
    # addressed to someone else and became organiser.
    boss = make_person("boss@example.org")
    add_member(boss, event, "organiser")
    _invitation, token = members.invite(event, "invited@example.org", Role.ORGANISER)
    db.session.commit()
    intruder = make_person("other@example.org")
    add_member(intruder, make_event("other-event"), "participant")
    login(intruder)
    page = client.get(f"/invitations/{token}").get_data(as_text=True)
    assert "This invitation was sent to invited@example.org" in page
    assert "You are signed in as other@example.org" in page
    assert "Accept the invitation" not in page
    response = client.post(f"/invitations/{token}")
    assert response.status_code == 403
    assert _roles(db, "other@example.org") == [("participant", None)]
    assert db.session.scalar(select(Invitation)).accepted_at is None


def test_the_invited_address_accepts_whatever_its_case(client, event, make_person, login, db):
    _invitation, token = members.invite(event, "Invited@Example.org", Role.OBSERVER)
    db.session.commit()
    login(make_person("invited@example.org"))
    assert client.post(f"/invitations/{token}").status_code == 302
    assert _roles(db, "invited@example.org") == [("observer", None)]


def test_sending_many_invitations_is_rate_limited(limited_app):
    from eventhub.extensions import db

    client = limited_app.test_client()
    event = Event(
        slug="e", title="E", timezone="UTC", starts=date(2030, 1, 1), ends=date(2030, 1, 2)
    )
    boss = Person(email="boss@example.org", name="Boss")
    boss.set_password(PASSWORD)
    db.session.add_all([event, boss, Membership(person=boss, event=event, role=Role.ORGANISER)])
    db.session.commit()
    client.post("/login", data={"email": "boss@example.org", "password": PASSWORD})
    for n in range(2):
        assert _invite(client, event, f"p{n}@example.org").status_code == 200
    response = _invite(client, event, "p3@example.org")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert client.get(f"/e/{event.slug}/people").status_code == 200
