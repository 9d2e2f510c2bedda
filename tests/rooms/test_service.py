"""The rooms service: one room per group or plenary, and sequence numbers nobody shares."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from eventhub.extensions import db as _db
from eventhub.rooms.models import Message, Room
from eventhub.rooms.posting import post_message
from eventhub.rooms.service import room_for_group, room_for_session


def test_room_for_group_is_made_once(db, group):
    first = room_for_group(group)
    db.session.commit()
    assert room_for_group(group).id == first.id
    assert db.session.query(Room).count() == 1
    assert first.title == group.title


def test_room_for_session_is_a_qa_room(db, event):
    opening = next(s for s in event.sessions if s.key == "opening")
    room = room_for_session(opening)
    db.session.commit()
    assert room.kind.value == "qa" and room.title == "Opening"
    assert room_for_session(opening).id == room.id


@pytest.mark.fresh_database  # four threads, four connections: each commit is a real one
def test_concurrent_senders_never_share_a_sequence_number(app, db, group, make_person, add_member):
    room = room_for_group(group)
    authors = []
    for _ in range(4):
        person = make_person()
        add_member(person, group.event, "participant", group)
        authors.append(person.id)
    db.session.commit()
    room_id = room.id
    failures = []

    def talk(author_id: int) -> None:
        with app.app_context():
            for i in range(10):
                try:
                    post_message(
                        room_id,
                        author_id,
                        f"{author_id}-{i}",
                        f"{author_id}-{i}",
                    )
                    _db.session.commit()
                except Exception as error:  # collected and asserted below
                    _db.session.rollback()
                    failures.append(error)
            _db.session.remove()

    threads = [threading.Thread(target=talk, args=(a,)) for a in authors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failures == []
    db.session.expire_all()
    seqs = db.session.scalars(select(Message.seq).where(Message.room_id == room_id)).all()
    assert sorted(seqs) == list(range(1, 41))
    assert db.session.get(Room, room_id).last_seq == 40
