"""Who has not yet spoken in this session, for facilitators only; a queue that can put
first-time speakers first (rooms/voices.py)."""

from __future__ import annotations

from datetime import timedelta

from eventhub.programme.models import Membership
from eventhub.rooms.models import Message
from eventhub.timestamps import utcnow
from tests.rooms.conftest import emit, received


def send(sock, room, body):
    assert emit(sock, "send", {"room": room.id, "body": body, "client_id": body})["ok"]


def set_network(db, person, group, network):
    membership = db.session.scalar(
        db.select(Membership).where(
            Membership.person_id == person.id, Membership.working_group_id == group.id
        )
    )
    membership.network = network
    db.session.commit()


def test_facilitators_see_who_has_not_spoken_grouped_by_region_and_network(
    db, room, member, group, event
):
    fac, fs = member("facilitator", group, display_name="Fatou")
    amina, sa = member("participant", group, display_name="Amina")
    ingrid, si = member("participant", group, display_name="Ingrid")
    olga, _so = member("participant", group, display_name="Olga")
    member("observer", group, display_name="Watcher")
    africa, nordic = sorted(event.networks, key=lambda n: n.region)
    set_network(db, amina, group, africa)
    set_network(db, ingrid, group, nordic)
    for sock in (fs, sa, si):
        emit(sock, "join", {"room": room.id})
    send(sa, room, "From the Sahel")

    ack = emit(fs, "not_heard", {"room": room.id})
    assert ack["ok"] is True
    assert ack["spoken"] == 1 and ack["total"] == 4  # observers do not count
    groups = [(g["region"], g["network"], [p["name"] for p in g["people"]]) for g in ack["groups"]]
    assert groups == [("Nordic countries", "NB", ["Ingrid"]), ("", "", ["Fatou", "Olga"])]
    # Nobody else ever receives it, and a participant may not ask.
    assert all(name != "not_heard" for name, _ in received(sa))
    refused = emit(sa, "not_heard", {"room": room.id})
    assert refused["ok"] is False and refused["error"] == "forbidden"


def test_only_this_sessions_messages_count(db, room, member, group):
    _fac, fs = member("facilitator", group)
    amina, sa = member("participant", group, display_name="Amina")
    emit(sa, "join", {"room": room.id})
    send(sa, room, "Yesterday's point")
    # Her message was before today's session began: she has not spoken in this one.
    db.session.query(Message).update({"created_at": utcnow() - timedelta(days=1)})
    session = sorted(group.sessions, key=lambda s: s.starts_at)[0]
    session.starts_at = utcnow() - timedelta(minutes=30)
    db.session.commit()
    names = [
        p["name"] for g in emit(fs, "not_heard", {"room": room.id})["groups"] for p in g["people"]
    ]
    assert "Amina" in names
    send(sa, room, "Today's point")
    names = [
        p["name"] for g in emit(fs, "not_heard", {"room": room.id})["groups"] for p in g["people"]
    ]
    assert "Amina" not in names


def test_the_queue_can_put_first_time_speakers_first(db, room, member, group):
    _fac, fs = member("facilitator", group)
    _a, sa = member("participant", group, display_name="Amina")
    _b, sb = member("participant", group, display_name="Beatriz")
    for sock in (fs, sa, sb):
        emit(sock, "join", {"room": room.id})
    send(sa, room, "I spoke already")
    emit(sa, "raise_hand", {"room": room.id})
    emit(sb, "raise_hand", {"room": room.id})
    received(sb)
    ack = emit(fs, "queue_order", {"room": room.id, "first_time_first": True})
    assert ack["ok"] is True
    [(_, queue)] = received(sb, "queue")
    assert [h["name"] for h in queue["queue"]] == ["Beatriz", "Amina"]
    assert queue["first_time_first"] is True
    emit(fs, "queue_order", {"room": room.id, "first_time_first": False})
    [(_, queue)] = received(sb, "queue")
    assert [h["name"] for h in queue["queue"]] == ["Amina", "Beatriz"]
    refused = emit(sa, "queue_order", {"room": room.id, "first_time_first": True})
    assert refused["ok"] is False and refused["error"] == "forbidden"
    malformed = emit(fs, "queue_order", {"room": room.id, "first_time_first": "yes"})
    assert malformed["error"] == "invalid" and malformed["problems"]
