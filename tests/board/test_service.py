"""Board rules: who may capture and change what, the workflow, merge, endorsements, history, freeze."""

from __future__ import annotations

from datetime import date

import pytest

from eventhub.board import participation, queries, service
from eventhub.board.models import (
    BoardItem,
    Endorsement,
    ItemState,
    agreed_items,
    item_reference,
    items_for_messages,
)
from eventhub.errors import Conflict, Invalid, NotAllowed


def count_items(db):
    return db.session.query(BoardItem).count()


# --- capture ---


@pytest.mark.parametrize("role", ["facilitator", "rapporteur", "organiser"])
def test_board_editors_capture_items_as_proposed(board, role):
    item = board.add(getattr(board, role))
    assert item.state == ItemState.PROPOSED
    assert item.version == 1
    assert [v.version for v in item.versions] == [1]


def test_editor_may_capture_as_draft(board):
    assert board.add(state="draft").state == ItemState.DRAFT


def test_participant_proposal_arrives_as_draft_whatever_she_asks(board):
    item = board.add(board.participant, state="proposed")
    assert item.state == ItemState.DRAFT
    assert item.created_by == board.participant


@pytest.mark.parametrize("role", ["outsider", "observer"])
def test_non_members_cannot_add_items(board, db, role):
    with pytest.raises(NotAllowed):
        board.add(getattr(board, role))
    assert count_items(db) == 0


def test_recommendations_and_insights_are_numbered_separately_and_never_reused(board):
    r1 = board.add()
    i1 = board.add(kind="insight", audience=None)
    r2 = board.add()
    service.change_state(board.facilitator, r2, "withdrawn", version=1)
    r3 = board.add()
    assert [item_reference(x) for x in (r1, i1, r2, r3)] == ["WG1-R1", "WG1-I1", "WG1-R2", "WG1-R3"]


def test_insight_may_have_no_audience_but_recommendation_needs_one(board, db):
    assert board.add(kind="insight", audience=None).audience is None
    with pytest.raises(Invalid, match="audience"):
        board.add(audience=None)
    assert count_items(db) == 1


def test_capture_from_room_messages_links_them_both_ways(board):
    item = board.add(source_message_ids=[m.id for m in board.messages])
    assert {s.message_id for s in item.sources} == {m.id for m in board.messages}
    assert items_for_messages([board.messages[0].id, board.other_messages[0].id]) == {
        board.messages[0].id: [(item.id, "WG1-R1")]
    }


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"text": "   "}, "empty"),
        ({"text": "x" * 2001}, "too long"),
        ({"audience": "Aliens"}, "not one of this event's audiences"),
        ({"kind": "opinion"}, "an insight, a recommendation or a follow-up action"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(board, db, fields, expected):
    with pytest.raises(Invalid, match=expected):
        board.add(**fields)
    assert count_items(db) == 0


def test_guiding_question_of_another_group_is_refused(board, db):
    with pytest.raises(Invalid, match="guiding question"):
        board.add(guiding_question_id=board.other_group.guiding_questions[0].id)
    assert count_items(db) == 0


def test_source_message_from_another_room_is_refused(board, db):
    with pytest.raises(Invalid, match="not in this working group's room"):
        board.add(source_message_ids=[board.other_messages[0].id])
    assert count_items(db) == 0


def test_every_problem_is_listed_at_once(board):
    with pytest.raises(Invalid) as caught:
        board.add(text="", audience="Aliens", source_message_ids=[board.other_messages[0].id])
    assert len(caught.value.problems) == 3


# --- editing and history ---


def test_edit_records_a_version_with_editor_and_summary(board):
    item = board.add()
    service.edit_item(
        board.rapporteur,
        item,
        version=1,
        text="Fund networks for ten years.",
        audience="Member States",
    )
    assert item.version == 2
    latest = item.versions[-1]
    assert (latest.version, latest.text, latest.editor) == (
        2,
        "Fund networks for ten years.",
        board.rapporteur,
    )
    # What changed is kept as data, for each reader to read in her language; nobody typed a word.
    assert (latest.summary_key, latest.summary_args, latest.summary) == (
        "edited",
        {"fields": ["text", "audience"]},
        "",
    )
    assert item.versions[0].text == "Fund women mediators' networks for the long term."


def test_edit_on_a_stale_version_is_refused_showing_the_current_text(board):
    item = board.add()
    service.edit_item(board.facilitator, item, version=1, text="First edit.", audience="Donors")
    with pytest.raises(Conflict, match="First edit."):
        service.edit_item(board.rapporteur, item, version=1, text="Second edit.", audience="Donors")
    assert item.text == "First edit."
    assert item.version == 2


def test_participant_cannot_edit(board):
    item = board.add()
    with pytest.raises(NotAllowed):
        service.edit_item(board.participant, item, version=1, text="Mine now", audience="Donors")
    assert item.version == 1


def test_edit_with_bad_input_changes_nothing(board):
    item = board.add()
    with pytest.raises(Invalid):
        service.edit_item(board.facilitator, item, version=1, text="", audience="Donors")
    with pytest.raises(Invalid):
        service.edit_item(
            board.facilitator,
            item,
            version=1,
            text="ok",
            audience="Donors",
            guiding_question_id=board.other_group.guiding_questions[0].id,
        )
    assert item.version == 1 and len(item.versions) == 1


# --- workflow ---


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["proposed"], True),
        (["withdrawn"], True),
        (["agreed"], False),  # a draft is proposed first
        (["proposed", "agreed"], True),
        (["proposed", "draft"], True),
        (["proposed", "withdrawn"], True),
        (["proposed", "agreed", "proposed"], True),  # reopened
        (["proposed", "agreed", "withdrawn"], True),
        (["proposed", "agreed", "draft"], False),
        (["withdrawn", "proposed"], False),  # withdrawn is final
    ],
)
def test_state_transitions(board, path, allowed):
    item = board.add(state="draft")
    *before, last = path
    for state in before:
        service.change_state(board.facilitator, item, state, version=item.version)
    if allowed:
        service.change_state(board.facilitator, item, last, version=item.version)
        assert item.state == last
        assert item.versions[-1].state == last
    else:
        with pytest.raises(Invalid):
            service.change_state(board.facilitator, item, last, version=item.version)
        assert item.state == (before[-1] if before else "draft")


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("facilitator", True),
        ("rapporteur", True),
        ("organiser", True),
        ("participant", False),
        ("outsider", False),
        ("observer", False),
    ],
)
def test_only_board_editors_change_states(board, role, allowed):
    item = board.add(board.participant)
    person = getattr(board, role)
    if allowed:
        service.change_state(person, item, "proposed", version=1)
        assert item.state == ItemState.PROPOSED
    else:
        with pytest.raises(NotAllowed):
            service.change_state(person, item, "proposed", version=1)
        assert item.state == ItemState.DRAFT


def test_state_change_on_stale_version_is_refused(board):
    item = board.add()
    service.edit_item(board.facilitator, item, version=1, text="Changed", audience="Donors")
    with pytest.raises(Conflict):
        service.change_state(board.rapporteur, item, "agreed", version=1)
    assert item.state == ItemState.PROPOSED


def test_agreed_items_are_listed_in_priority_order(board):
    a, b, c = board.add(text="A"), board.add(text="B"), board.add(text="C")
    for item in (a, c):
        service.change_state(board.facilitator, item, "agreed", version=1)
    service.reorder(board.facilitator, board.group, [c.id, b.id, a.id])
    assert [i.text for i in agreed_items(board.group)] == ["C", "A"]


def test_reorder_by_participant_is_refused(board):
    a, b = board.add(text="A"), board.add(text="B")
    with pytest.raises(NotAllowed):
        service.reorder(board.participant, board.group, [b.id, a.id])
    assert [i.text for i in queries.group_items(board.group)] == ["A", "B"]


def test_reorder_naming_another_boards_item_is_refused(board):
    a = board.add(text="A")
    other = service.add_item(board.organiser, board.other_group, kind="insight", text="x")
    with pytest.raises(Invalid):
        service.reorder(board.facilitator, board.group, [other.id, a.id])


def test_move_item_up(board):
    board.add(text="A")
    b = board.add(text="B")
    service.move_item(board.facilitator, b, -1)
    assert [i.text for i in queries.group_items(board.group)] == ["B", "A"]


# --- merge ---


def test_merge_carries_endorsements_comments_and_sources_to_the_survivor(board, db):
    survivor = board.add(text="Survivor", source_message_ids=[board.messages[0].id])
    dup = board.add(text="Duplicate", source_message_ids=[board.messages[1].id])
    participation.endorse(board.participant, survivor)
    participation.endorse(board.participant, dup)  # same person on both: counted once
    participation.endorse(board.participant2, dup)
    participation.add_comment(board.participant2, dup, "Same as R1")
    service.merge_item(board.facilitator, dup, survivor, version=dup.version)
    assert dup.state == ItemState.MERGED and dup.merged_into == survivor
    assert sorted(e.person.name for e in survivor.endorsements) == ["Participant", "Participant2"]
    assert [c.body for c in survivor.comments] == ["Same as R1"]
    assert {s.message_id for s in survivor.sources} == {m.id for m in board.messages}
    assert db.session.query(Endorsement).count() == 2
    assert (dup.versions[-1].summary_key, dup.versions[-1].summary_args) == (
        "merged-into",
        {"reference": "WG1-R1"},
    )
    assert (survivor.versions[-1].summary_key, survivor.versions[-1].summary_args) == (
        "merged-from",
        {"reference": "WG1-R2"},
    )
    assert survivor.version == 2


def test_merge_into_another_groups_item_is_refused(board):
    item = board.add()
    other = service.add_item(board.organiser, board.other_group, kind="insight", text="x")
    with pytest.raises(Invalid, match="same board"):
        service.merge_item(board.organiser, item, other, version=1)
    assert item.state == ItemState.PROPOSED


def test_merge_into_itself_or_a_merged_item_is_refused(board):
    a, b, c = board.add(text="A"), board.add(text="B"), board.add(text="C")
    with pytest.raises(Invalid):
        service.merge_item(board.facilitator, a, a, version=1)
    service.merge_item(board.facilitator, b, c, version=1)
    with pytest.raises(Invalid):
        service.merge_item(board.facilitator, a, b, version=1)
    with pytest.raises(Invalid):
        service.merge_item(board.facilitator, b, a, version=b.version)


def test_participant_cannot_merge(board):
    a, b = board.add(text="A"), board.add(text="B")
    with pytest.raises(NotAllowed):
        service.merge_item(board.participant, a, b, version=1)
    assert a.state == ItemState.PROPOSED


def test_merged_item_can_no_longer_be_edited(board):
    a, b = board.add(text="A"), board.add(text="B")
    service.merge_item(board.facilitator, a, b, version=1)
    with pytest.raises(Invalid, match="merged"):
        service.edit_item(board.facilitator, a, version=a.version, text="again", audience="Donors")


# --- endorsements and comments ---


def test_member_endorses_a_proposed_item_once_and_can_withdraw(board):
    item = board.add()
    participation.endorse(board.participant, item)
    with pytest.raises(Conflict):
        participation.endorse(board.participant, item)
    assert len(item.endorsements) == 1
    participation.withdraw_endorsement(board.participant, item)
    assert item.endorsements == []
    with pytest.raises(Invalid):
        participation.withdraw_endorsement(board.participant, item)


@pytest.mark.parametrize("state", ["draft", "agreed", "withdrawn"])
def test_only_proposed_items_can_be_endorsed(board, state):
    item = board.add(state="draft")
    if state == "agreed":
        service.change_state(board.facilitator, item, "proposed", version=1)
    if state != "draft":
        service.change_state(board.facilitator, item, state, version=item.version)
    with pytest.raises(Invalid, match="Only proposed items"):
        participation.endorse(board.participant, item)
    assert item.endorsements == []


@pytest.mark.parametrize("role", ["outsider", "observer"])
def test_non_members_cannot_endorse_or_comment(board, role):
    item = board.add()
    with pytest.raises(NotAllowed):
        participation.endorse(getattr(board, role), item)
    with pytest.raises(NotAllowed):
        participation.add_comment(getattr(board, role), item, "Hello")
    assert item.endorsements == [] and item.comments == []


def test_comment_validation(board):
    item = board.add()
    with pytest.raises(Invalid, match="empty"):
        participation.add_comment(board.participant, item, "  ")
    with pytest.raises(Invalid, match="too long"):
        participation.add_comment(board.participant, item, "x" * 2001)
    comment = participation.add_comment(board.participant, item, "مع التوصية")
    assert item.comments == [comment]


def test_facilitator_hides_a_comment_participant_cannot(board):
    item = board.add()
    comment = participation.add_comment(board.participant, item, "Rude")
    with pytest.raises(NotAllowed):
        participation.hide_comment(board.participant2, comment)
    participation.hide_comment(board.facilitator, comment)
    assert item.visible_comments == []


def test_names_are_visible_to_facilitators_only_under_chatham_house(board):
    assert board.event.chatham_house
    assert queries.may_see_names(board.facilitator, board.group)
    assert not queries.may_see_names(board.participant, board.group)
    assert not queries.may_see_names(board.rapporteur, board.group)


def test_names_are_visible_to_members_in_a_named_event(make_board, in_request):
    from eventhub.programme.models import Attribution

    named = make_board(attribution=Attribution.NAMED)
    assert queries.may_see_names(named.participant, named.group)


# --- freeze ---


def test_organiser_freezes_the_board_and_everything_is_refused(board):
    item = board.add()
    with pytest.raises(NotAllowed):
        service.set_frozen(board.facilitator, board.group, True)
    service.set_frozen(board.organiser, board.group, True)
    assert queries.is_frozen(board.group)
    attempts = [
        lambda: board.add(),
        lambda: service.edit_item(board.facilitator, item, version=1, text="x", audience="Donors"),
        lambda: service.change_state(board.organiser, item, "agreed", version=1),
        lambda: participation.endorse(board.participant, item),
        lambda: participation.add_comment(board.participant, item, "late"),
        lambda: service.reorder(board.facilitator, board.group, [item.id]),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed, match="frozen"):
            attempt()
    assert (item.version, item.state, item.endorsements, item.comments) == (
        1,
        ItemState.PROPOSED,
        [],
        [],
    )
    service.set_frozen(board.organiser, board.group, False)
    service.change_state(board.facilitator, item, "agreed", version=1)
    assert item.state == ItemState.AGREED


def test_a_follow_up_action_keeps_who_acts_and_by_when(board):
    item = board.add(
        kind="follow-up",
        text="Draft terms of reference.",
        audience=None,
        owner="  The secretariat ",
        due="2030-04-30",
    )
    assert (item.reference, item.owner, item.due) == (
        "WG1-A1",
        "The secretariat",
        date(2030, 4, 30),
    )
    with pytest.raises(Invalid, match="not a date"):
        board.add(kind="follow-up", text="x", audience=None, due="soon")
    other = board.add(kind="insight", text="An insight.", audience=None, owner="ignored")
    assert (other.owner, other.due) == ("", None)


def test_adding_a_source_records_the_message_by_the_number_the_room_shows(board, app):
    from flask_babel import force_locale

    from eventhub.board.history_text import generated_summary

    item = board.add()
    second = board.messages[1]
    service.add_source(board.facilitator, item, second.id)
    latest = item.versions[-1]
    assert (latest.summary_key, latest.summary_args) == (
        "source",
        {"message": second.id, "seq": 2},
    )
    with force_locale("fr"):
        assert generated_summary(latest.summary_key, latest.summary_args) == (
            "Source ajoutée\xa0: message 2"
        )
