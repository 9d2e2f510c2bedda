"""An event with members, room messages and agreed board items, for the report's tests."""

from __future__ import annotations

import pytest

from eventhub.accounts.models import Person
from eventhub.board.models import BoardItem, ItemKind, ItemState
from eventhub.programme.models import Attribution, Role
from eventhub.rooms.models import Message, Room, RoomKind

# Names that would be easy to spot in any output; each person also has a display name.
PEOPLE = [
    ("facilitator", "wg1", "Xiomara Quenby", "Quenby X.", "xiomara.quenby@example.org"),
    ("rapporteur", "wg1", "Wilhelmina Ostrander", None, "w.ostrander@example.net"),
    ("facilitator", "wg2", "Yevgenia Dalrymple", None, "yevgenia@example.com"),
    ("participant", "wg1", "Zuleikha Brandvold", "Zuli", "zuleikha.b@example.org"),
    ("participant", "wg2", "Ottoline Vasquez-Hale", None, "ottoline@example.org"),
    ("organiser", None, "Perpetua Lindqvist", None, "perpetua@example.org"),
]


@pytest.fixture
def report_event(db, make_event, make_person, add_member):
    """make(attribution) -> (event, people): wg1 has 3 agreed recommendations and an insight,
    wg2 one agreed recommendation; drafts and proposals that must stay out of the report."""

    def make(attribution: Attribution = Attribution.CHATHAM_HOUSE, slug: str = "report-event"):
        event = make_event(slug, attribution=attribution)
        event.summary = "The meeting agreed on **four** recommendations."
        groups = {g.key: g for g in event.working_groups}
        network = event.networks[0]
        people = []
        for role, group_key, name, display, email in PEOPLE:
            if role in ("organiser", "participant"):  # they sign in in the page tests
                person = make_person(email, name=name, display_name=display)
            else:  # no password: hashing one costs time and nobody signs in as them
                person = Person(email=email, name=name, display_name=display)
                db.session.add(person)
            membership = add_member(person, event, role, groups.get(group_key))
            membership.network = network
            if role != "organiser":
                add_member(person, event, Role.PARTICIPANT)
            people.append(person)
        wg1, wg2 = groups["wg1"], groups["wg2"]
        room = Room(event=event, kind=RoomKind.WORKING_GROUP, working_group=wg1, last_seq=3)
        db.session.add(room)
        for seq, body in enumerate(("We need funding.", "Agreed.", "Hidden spam"), start=1):
            db.session.add(Message(room=room, seq=seq, author=people[3], body=body))
        db.session.flush()
        room.last_seq = 3
        db.session.scalars(
            db.select(Message).where(Message.seq == 3)
        ).one().hidden_at = event.created_at
        q1, q2 = wg1.guiding_questions
        items = [
            (
                wg1,
                ItemKind.RECOMMENDATION,
                1,
                "Fund women mediators' networks for ten years.",
                "Member States",
                q1,
                ItemState.AGREED,
            ),
            (
                wg1,
                ItemKind.RECOMMENDATION,
                2,
                "Include women in every delegation.",
                "Donors",
                q2,
                ItemState.AGREED,
            ),
            (
                wg1,
                ItemKind.RECOMMENDATION,
                3,
                "Report yearly on women's participation.",
                "Member States",
                q2,
                ItemState.AGREED,
            ),
            (
                wg1,
                ItemKind.RECOMMENDATION,
                4,
                "A proposal still under discussion.",
                "Donors",
                q1,
                ItemState.PROPOSED,
            ),
            (
                wg1,
                ItemKind.INSIGHT,
                1,
                "Informal mediation is rarely counted.",
                None,
                q1,
                ItemState.AGREED,
            ),
            (
                wg2,
                ItemKind.RECOMMENDATION,
                1,
                "Protect mediators from online harassment.",
                "Donors",
                wg2.guiding_questions[0],
                ItemState.AGREED,
            ),
            (
                wg2,
                ItemKind.RECOMMENDATION,
                2,
                "A draft nobody agreed.",
                "Donors",
                None,
                ItemState.DRAFT,
            ),
        ]
        for position, (group, kind, number, text, audience, question, state) in enumerate(items):
            db.session.add(
                BoardItem(
                    working_group=group,
                    kind=kind,
                    number=number,
                    text=text,
                    audience=audience,
                    guiding_question=question,
                    state=state,
                    position=position,
                    created_by=people[0],
                )
            )
        db.session.commit()
        return event, people

    return make
