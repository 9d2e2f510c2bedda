"""The activity log: moderation and organiser actions on the record, never erased when reversed,
read by the event's organisers in their own language."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eventhub.programme import activity
from eventhub.programme.activity import ActivityEntry, AppendOnly
from eventhub.programme.activity_text import SENTENCES
from eventhub.programme.models import Role
from eventhub.rooms.models import Message, RoomMute, RoomRemoval
from eventhub.rooms.service import room_for_group
from tests.rooms.conftest import _fresh_process_state, emit, received  # noqa: F401  (a fixture)


@pytest.fixture
def event(make_event):
    return make_event()


@pytest.fixture
def group(event):
    return event.working_groups[0]


@pytest.fixture
def room(db, group):
    room = room_for_group(group)
    db.session.commit()
    return room


@pytest.fixture
def people(app, event, group, room, make_person, add_member, login, socket_client):
    """A facilitator and a participant of the group, each signed in with a joined socket."""

    def joined(role, **fields):
        person = make_person(**fields)
        add_member(person, event, role, group)
        flask_client = app.test_client()
        login(person, flask_client)
        sock = socket_client(flask_client)
        emit(sock, "join", {"room": room.id})
        received(sock)
        return person, sock, flask_client

    return joined("facilitator", display_name="Fatou"), joined("participant", display_name="Pia")


def log(db, event) -> list[tuple]:
    db.session.expire_all()
    return [
        (e.action, e.actor_id, e.subject_id, e.reason, e.details)
        for e in db.session.scalars(
            select(ActivityEntry)
            .where(ActivityEntry.event_id == event.id)
            .order_by(ActivityEntry.id)
        )
    ]


def test_every_action_reads_as_a_sentence():
    assert set(SENTENCES) == activity.ACTIONS


def test_record_refuses_an_unknown_action_and_details_that_are_not_plain_json(db, event):
    with pytest.raises(ValueError, match="unknown activity action"):
        activity.record(event, None, "message.vanish")
    with pytest.raises(TypeError):
        activity.record(event, None, "session.add", session=object())


def test_an_entry_can_be_neither_changed_nor_deleted(db, event, make_person):
    entry = activity.record(event, make_person(), "session.cancel", session="opening")
    db.session.commit()
    entry.reason = "rewritten"
    with pytest.raises(AppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(ActivityEntry, entry.id))
    with pytest.raises(AppendOnly):
        db.session.flush()
    db.session.rollback()
    assert log(db, event)[0][:4] == ("session.cancel", entry.actor_id, None, "")


def test_hide_and_unhide_are_both_on_the_record_and_the_message_keeps_who_hid_it(
    db, event, room, people
):
    (fac, fs, _), (par, ps, _) = people
    sent = emit(ps, "send", {"room": room.id, "body": "rude", "client_id": "c1"})
    assert emit(fs, "hide", {"room": room.id, "message": sent["id"], "reason": "insult"})["ok"]
    assert emit(fs, "unhide", {"room": room.id, "message": sent["id"]})["ok"]
    message = db.session.get(Message, sent["id"])
    db.session.refresh(message)
    assert message.hidden is False and message.hidden_by_id == fac.id
    assert log(db, event) == [
        ("message.hide", fac.id, par.id, "insult", {"group": "wg1", "seq": 1}),
        ("message.unhide", fac.id, par.id, "", {"group": "wg1", "seq": 1}),
    ]


def test_unmute_and_readmit_keep_the_sanction_and_append_their_reversal(db, event, room, people):
    (fac, fs, _), (par, ps, _) = people
    assert emit(fs, "mute", {"room": room.id, "person": par.id, "minutes": 10, "reason": "spam"})[
        "ok"
    ]
    assert emit(fs, "unmute", {"room": room.id, "person": par.id})["ok"]
    assert emit(ps, "send", {"room": room.id, "body": "back", "client_id": "c2"})["ok"]
    assert emit(fs, "remove", {"room": room.id, "person": par.id, "reason": "threats"})["ok"]
    assert emit(fs, "readmit", {"room": room.id, "person": par.id})["ok"]
    assert emit(ps, "join", {"room": room.id})["ok"]
    # Removed a second time after being readmitted: a second removal, the first one kept.
    assert emit(fs, "remove", {"room": room.id, "person": par.id})["ok"]
    assert emit(ps, "join", {"room": room.id})["error"] == "removed"

    db.session.expire_all()
    [mute] = db.session.scalars(select(RoomMute)).all()
    assert mute.muted_by_id == fac.id and mute.ended_by_id == fac.id and mute.ended_at
    removals = db.session.scalars(select(RoomRemoval).order_by(RoomRemoval.id)).all()
    assert [(r.removed_by_id, r.readmitted_by_id) for r in removals] == [
        (fac.id, fac.id),
        (fac.id, None),
    ]
    actions = [(a, reason) for a, _, subject, reason, _ in log(db, event) if subject == par.id]
    assert actions == [
        ("person.mute", "spam"),
        ("person.unmute", ""),
        ("person.remove", "threats"),
        ("person.readmit", ""),
        ("person.remove", ""),
    ]
    assert log(db, event)[0][4]["minutes"] == 10


def test_a_new_mute_replaces_the_running_one_and_both_stay(db, event, room, people):
    (fac, fs, _), (par, ps, _) = people
    emit(fs, "mute", {"room": room.id, "person": par.id, "minutes": 10})
    later = emit(fs, "mute", {"room": room.id, "person": par.id, "minutes": 60})
    refused = emit(ps, "send", {"room": room.id, "body": "x", "client_id": "c3"})
    assert refused["error"] == "muted" and refused["until"] == later["until"]
    db.session.expire_all()
    mutes = db.session.scalars(select(RoomMute).order_by(RoomMute.id)).all()
    assert [m.ended_at is None for m in mutes] == [False, True]


def test_reports_and_their_dismissal_are_on_the_record(db, event, room, people):
    (fac, fs, _), (par, ps, _) = people
    sent = emit(fs, "send", {"room": room.id, "body": "hello", "client_id": "c4"})
    ack = emit(ps, "report", {"room": room.id, "message": sent["id"], "reason": "off topic"})
    assert emit(fs, "dismiss_report", {"room": room.id, "report": ack["report"]})["ok"]
    assert [(a, actor, subject, reason) for a, actor, subject, reason, _ in log(db, event)] == [
        ("message.report", par.id, fac.id, "off topic"),
        ("report.dismiss", fac.id, fac.id, ""),
    ]


def test_role_changes_invitations_and_removals_from_the_people_page_are_recorded(
    db, client, event, login_as, make_person, add_member
):
    organiser = login_as("organiser", event=event)
    member = make_person(display_name="Maryam")
    membership = add_member(member, event, Role.PARTICIPANT)
    assert (
        client.post(f"/e/{event.slug}/people/{membership.id}/role", data={"role": "rapporteur"})
    ).status_code == 302
    client.post(
        f"/e/{event.slug}/people",
        data={"email": "new@example.org", "role": "participant", "working_group": "wg2"},
    )
    assert (
        client.post(f"/e/{event.slug}/people/{membership.id}/remove", data={})
    ).status_code == 302
    assert log(db, event) == [
        (
            "role.change",
            organiser.id,
            member.id,
            "",
            {"role": "rapporteur", "old_role": "participant"},
        ),
        (
            "invitation.send",
            organiser.id,
            None,
            "",
            {"email": "new@example.org", "role": "participant", "where": "wg2"},
        ),
        ("role.remove", organiser.id, member.id, "", {"role": "rapporteur"}),
    ]


def test_programme_edits_are_recorded_with_the_fields_that_changed(db, client, event, login_as):
    organiser = login_as("organiser", event=event)
    session = next(s for s in event.sessions if s.key == "opening")
    from eventhub.programme import editing

    data = editing.SessionInput(
        title="Opening, renamed",
        kind=session.kind,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        working_group_key="",
        public=session.public,
        description=session.description,
        location="Pretoria",
        join_url=session.join_url,
    )
    assert editing.edit_session(session, data, by=organiser)
    editing.cancel_session(session, by=organiser)
    editing.restore_session(session, by=organiser)
    assert [(a, d) for a, _, _, _, d in log(db, event)] == [
        ("session.edit", {"session": "opening", "fields": ["title", "location"]}),
        ("session.cancel", {"session": "opening"}),
        ("session.restore", {"session": "opening"}),
    ]


def test_organisers_read_the_log_in_their_language_with_names_isolated(
    db, client, event, room, people, login_as
):
    (fac, fs, _), (par, ps, _) = people
    par.display_name = "<b>Pia</b>"
    db.session.commit()
    emit(fs, "mute", {"room": room.id, "person": par.id, "minutes": 5, "reason": "Cris & menaces"})
    login_as("organiser", event=event)
    page = client.get(f"/e/{event.slug}/activity")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert (
        "<bdi>Fatou</bdi> muted <bdi>&lt;b&gt;Pia&lt;/b&gt;</bdi> in <bdi>Working group 1</bdi> "
        "for 5 minutes." in html
    )
    assert "Cris &amp; menaces" in html and "<b>Pia</b>" not in html
    client.post("/language", data={"language": "fr"})
    html = client.get(f"/e/{event.slug}/activity").get_data(as_text=True)
    assert "<bdi>Fatou</bdi> a mis <bdi>&lt;b&gt;Pia&lt;/b&gt;</bdi> en sourdine" in html


def test_only_the_events_organisers_read_the_log(app, client, event, people, login_as):
    (_fac, _fs, fac_client), (_par, _ps, par_client) = people
    assert fac_client.get(f"/e/{event.slug}/activity").status_code == 403
    assert par_client.get(f"/e/{event.slug}/activity").status_code == 403
    login_as("organiser", event=event)
    assert client.get(f"/e/{event.slug}/activity").status_code == 200
    assert client.get(f"/e/{event.slug}/activity?before={2**70}").status_code == 404
    assert client.get(f"/e/{event.slug}/activity?kind=nothing").status_code == 404


def test_a_deleted_account_reads_as_a_former_participant(db, client, event, login_as, make_person):
    gone = make_person(display_name="Gone")
    activity.record(event, gone, "session.cancel", session="opening")
    db.session.commit()
    db.session.delete(gone)
    db.session.commit()
    login_as("organiser", event=event)
    html = client.get(f"/e/{event.slug}/activity").get_data(as_text=True)
    assert "<bdi>Former participant</bdi> cancelled the session <bdi>Opening</bdi>." in html


def test_the_log_pages_and_filters_by_kind(db, client, event, login_as):
    organiser = login_as("organiser", event=event)
    for _ in range(activity.PAGE + 5):
        activity.record(event, organiser, "session.cancel", session="opening")
    activity.record(event, organiser, "board.freeze", group="wg1")
    db.session.commit()
    first = client.get(f"/e/{event.slug}/activity").get_data(as_text=True)
    assert first.count('class="activity-entry') == activity.PAGE and "Older entries" in first
    report = client.get(f"/e/{event.slug}/activity?kind=report").get_data(as_text=True)
    assert report.count('class="activity-entry') == 1 and "froze the board" in report
