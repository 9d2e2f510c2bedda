"""The board page without JavaScript: plain forms, post-redirect-get, messages; item detail and exports."""

from __future__ import annotations

import lxml.html

from eventhub.board import participation, queries, service
from eventhub.board.models import BoardItem, ItemState


def url(board, suffix=""):
    return f"/e/{board.event.slug}/groups/{board.group.key}/board{suffix}"


def test_board_page_lists_items_for_a_member(board, client, login):
    board.add(text="Fund networks for the long term")
    board.add(kind="insight", audience=None, text="Trust takes years")
    from eventhub.extensions import db

    db.session.commit()
    login(board.participant)
    page = client.get(url(board)).get_data(as_text=True)
    assert "WG1-R1" in page and "Fund networks for the long term" in page
    assert "WG1-I1" in page and "Trust takes years" in page
    assert "Propose an item" in page


def test_board_page_needs_an_event_member(board, client, login, make_person):
    stranger = make_person()
    login(stranger)
    assert client.get(url(board)).status_code == 403


def test_facilitator_captures_an_item_with_a_plain_form(board, client, login, db):
    login(board.facilitator)
    response = client.post(
        url(board, "/items"),
        data={
            "kind": "recommendation",
            "text": "Protect mediators online",
            "audience": "Member States",
            "question": str(board.group.guiding_questions[0].id),
            "sources": [str(board.messages[0].id)],
        },
    )
    assert response.status_code == 303
    item = db.session.query(BoardItem).one()
    assert (item.text, item.state, item.guiding_question_id) == (
        "Protect mediators online",
        ItemState.PROPOSED,
        board.group.guiding_questions[0].id,
    )
    page = client.get(response.location).get_data(as_text=True)
    assert "The item is on the board." in page and "WG1-R1" in page


def test_bad_capture_shows_the_problem_and_saves_nothing(board, client, login, db):
    login(board.facilitator)
    response = client.post(
        url(board, "/items"),
        data={"kind": "recommendation", "text": "x", "audience": "Aliens"},
        follow_redirects=True,
    )
    assert "is not one of this event&#39;s audiences" in response.get_data(as_text=True)
    assert db.session.query(BoardItem).count() == 0


def test_capture_prefilled_from_a_room_message(board, client, login):
    login(board.facilitator)
    page = client.get(url(board, f"?from_message={board.messages[1].id}")).get_data(as_text=True)
    assert "Mentoring too" in page
    assert f'name="sources" value="{board.messages[1].id}"' in page
    page = client.get(url(board, f"?from_message={board.other_messages[0].id}"))
    assert "Another room" not in page.get_data(as_text=True)


def test_participant_endorses_and_facilitator_agrees_with_forms(board, client, login, app, db):
    item = board.add()
    db.session.commit()
    participant = app.test_client()
    login(board.participant, participant)
    response = participant.post(
        url(board, f"/items/{item.id}/endorse"), data={"endorse": "1"}, follow_redirects=True
    )
    assert "You endorsed WG1-R1." in response.get_data(as_text=True)
    assert "1 endorsement" in response.get_data(as_text=True)
    login(board.facilitator)
    response = client.post(
        url(board, f"/items/{item.id}/state"),
        data={"state": "agreed", "version": "1"},
        follow_redirects=True,
    )
    assert "WG1-R1 is now agreed." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(BoardItem, item.id).state == ItemState.AGREED


def test_stale_edit_form_shows_the_current_text_and_keeps_hers(board, client, login, db):
    item = board.add()
    service.edit_item(board.rapporteur, item, version=1, text="Their newer text", audience="Donors")
    db.session.commit()
    login(board.facilitator)
    response = client.post(
        url(board, f"/items/{item.id}/edit"),
        data={"version": "1", "text": "My older edit", "audience": "Donors"},
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Their newer text" in page and "My older edit" in page
    db.session.expire_all()
    assert db.session.get(BoardItem, item.id).text == "Their newer text"


def test_item_page_shows_history_and_diff(board, client, login, db):
    item = board.add(text="Fund networks for five years")
    service.edit_item(
        board.facilitator, item, version=1, text="Fund networks for ten years", audience="Donors"
    )
    db.session.commit()
    login(board.facilitator)
    page = client.get(url(board, f"/items/{item.id}")).get_data(as_text=True)
    assert "<del>five</del>" in page and "<ins>ten</ins>" in page


def test_history_written_by_a_french_facilitator_reads_in_each_readers_language(
    board, client, login, app, db
):
    board.facilitator.language = "fr"
    board.participant.language = "ar"
    item = board.add(text="Fund networks for five years")
    db.session.commit()
    login(board.facilitator)
    client.post(
        url(board, f"/items/{item.id}/edit"),
        data={"version": "1", "text": "Fund networks for ten years", "audience": "Donors"},
    )
    client.post(url(board, f"/items/{item.id}/state"), data={"state": "agreed", "version": "2"})
    client.post(url(board, f"/items/{item.id}/state"), data={"state": "proposed", "version": "3"})
    assert db.session.get(BoardItem, item.id).version == 4
    page = client.get(url(board, f"/items/{item.id}?diff=2")).get_data(as_text=True)
    assert "Modifié\xa0: texte" in page and "proposée → adoptée" in page

    arabic = app.test_client()
    login(board.participant, arabic)
    page = arabic.get(url(board, f"/items/{item.id}?diff=2")).get_data(as_text=True)
    assert "عُدّلت: النص" in page  # "Changes in version 2" and the history
    assert "مقترحة ← متفق عليها" in page and "متفق عليها ← مقترحة" in page
    assert "Modifié" not in page and "proposée" not in page and "Saisie" not in page

    english = app.test_client()
    login(board.participant2, english)
    page = english.get(url(board, f"/items/{item.id}")).get_data(as_text=True)
    assert "Edited: text" in page and "proposed → agreed" in page and "Captured" in page


def test_item_page_says_version_with_one_word_in_each_language(board, client, login, app, db):
    # Arabic once said الإصدار in the history's links (the report's word then) and النسخة around them.
    item = board.add(text="Fund networks for five years")
    service.edit_item(
        board.facilitator, item, version=1, text="Fund networks for ten years", audience="Donors"
    )
    db.session.commit()
    for language in ("en", "ar", "fr", "es", "ru"):
        board.participant.language = language
        db.session.commit()
        reader = app.test_client()
        login(board.participant, reader)
        html = reader.get(url(board, f"/items/{item.id}")).get_data(as_text=True)
        page = lxml.html.fromstring(html)
        history = '//table[contains(@class, "board-history")]'
        column = page.xpath(f'{history}//th[@scope="col"]')[0].text_content().strip()
        links = [a.text_content() for a in page.xpath(f'{history}//th[@scope="row"]/a')]
        heading = page.get_element_by_id("diff-heading").text_content()
        assert links == [f"{column} 2", f"{column} 1"], language  # newest first
        # The heading declines the word in Russian ("в версии"): its stem is the same.
        assert column.lower()[:-1] in heading.lower(), (language, column, heading)
        assert language != "ar" or "الإصدار" not in html


def test_a_summary_the_editor_typed_reads_as_she_typed_it_in_every_language(
    board, client, login, app, db
):
    board.facilitator.language = "fr"
    item = board.add(text="Fund networks for five years")
    db.session.commit()
    login(board.facilitator)
    client.post(
        url(board, f"/items/{item.id}/edit"),
        data={
            "version": "1",
            "text": "Fund networks for ten years",
            "audience": "Donors",
            "summary": "Raccourci après la <plénière>",
        },
    )
    for language in ("ar", "en", "es", "fr"):
        board.participant.language = language
        db.session.commit()
        reader = app.test_client()
        login(board.participant, reader)
        page = reader.get(url(board, f"/items/{item.id}")).get_data(as_text=True)
        assert page.count("<bdi>Raccourci après la &lt;plénière&gt;</bdi>") == 2, language
        assert "Modifié" not in page and "Edited" not in page, language


def test_history_written_before_summaries_were_data_shows_what_it_says(board, client, login, db):
    item = board.add()
    item.versions[0].summary, item.versions[0].summary_key = "Saisie", None
    db.session.commit()
    login(board.participant)
    page = client.get(url(board, f"/items/{item.id}")).get_data(as_text=True)
    assert "<bdi>Saisie</bdi>" in page


def test_under_chatham_house_only_facilitators_see_who_endorsed_and_edited(
    board, client, login, app, db
):
    item = board.add()
    participation.endorse(board.participant2, item)
    participation.add_comment(board.participant2, item, "I agree")
    db.session.commit()
    login(board.facilitator)
    page = client.get(url(board, f"/items/{item.id}")).get_data(as_text=True)
    assert "participant2-shown" in page and "facilitator-shown" in page
    other = app.test_client()
    login(board.participant, other)
    page = other.get(url(board, f"/items/{item.id}")).get_data(as_text=True)
    assert "I agree" in page and "1 endorsement" in page
    assert "participant2-shown" not in page and "facilitator-shown" not in page


def test_frozen_board_is_marked_and_offers_no_forms(board, client, login, db):
    item = board.add()
    service.set_frozen(board.organiser, board.group, True)
    db.session.commit()
    login(board.facilitator)
    page = client.get(url(board)).get_data(as_text=True)
    assert "This board is frozen" in page
    assert "/endorse" not in page and "/state" not in page and "Add an item" not in page
    response = client.post(
        url(board, f"/items/{item.id}/state"),
        data={"state": "agreed", "version": "1"},
        follow_redirects=True,
    )
    assert "frozen" in response.get_data(as_text=True)


def test_group_by_question_and_filter(board, client, login, db):
    q1 = board.group.guiding_questions[0]
    board.add(text="About funding", guiding_question_id=q1.id)
    board.add(text="About safety")
    db.session.commit()
    login(board.participant)
    page = client.get(url(board, "?view=question")).get_data(as_text=True)
    assert page.index(q1.text) < page.index("About funding") < page.index("Not tied to")
    page = client.get(url(board, "?q=safety")).get_data(as_text=True)
    assert "About safety" in page and "About funding" not in page


def test_item_fragment_renders_one_item_and_204_when_filtered_out(board, client, login, db):
    item = board.add(text="About funding")
    db.session.commit()
    login(board.participant)
    response = client.get(url(board, f"/items/{item.id}/fragment?view=state"))
    page = response.get_data(as_text=True)
    assert page.lstrip().startswith("<li") and 'data-section="s-proposed"' in page
    assert client.get(url(board, f"/items/{item.id}/fragment?q=safety")).status_code == 204


def test_participant_proposal_by_form_arrives_as_draft(board, client, login, db):
    login(board.participant)
    response = client.post(
        url(board, "/items"),
        data={"kind": "insight", "text": "Trust first", "state": "proposed"},
        follow_redirects=True,
    )
    assert "The item is on the board." in response.get_data(as_text=True)
    assert db.session.query(BoardItem).one().state == ItemState.DRAFT


def test_organiser_freezes_and_unfreezes_by_form(board, client, login, db):
    login(board.organiser)
    client.post(url(board, "/freeze"), data={"frozen": "1"})
    assert queries.is_frozen(board.group)
    client.post(url(board, "/freeze"), data={"frozen": "0"})
    db.session.expire_all()
    assert not queries.is_frozen(board.group)


def test_facilitator_cannot_freeze_by_form(board, client, login):
    login(board.facilitator)
    response = client.post(url(board, "/freeze"), data={"frozen": "1"}, follow_redirects=True)
    assert "Only the event" in response.get_data(as_text=True)
    assert not queries.is_frozen(board.group)


def test_merged_item_page_links_to_the_survivor_and_names_people_in_a_named_event(
    make_board, in_request, client, login, db
):
    from eventhub.programme.models import Attribution

    board = make_board(attribution=Attribution.NAMED)
    a, b = board.add(text="A"), board.add(text="B", source_message_ids=[board.messages[0].id])
    participation.endorse(board.participant2, b)
    service.merge_item(board.facilitator, b, a, version=1)
    db.session.commit()
    login(board.participant)
    page = client.get(url(board, f"/items/{b.id}")).get_data(as_text=True)
    assert "Merged into" in page and f'href="{url(board, f"/items/{a.id}")}"' in page
    assert "facilitator-shown" in page  # who made each version, in a named event
    assert f"/room#message-{board.messages[0].id}" in page
    page = client.get(url(board, f"/items/{a.id}")).get_data(as_text=True)
    assert "Endorsed by <bdi>participant2-shown</bdi>" in page


def test_room_message_links_to_the_board_item_it_fed(app, db, client, login_as, make_event):
    from eventhub.board import service as board_service
    from eventhub.rooms import posting
    from eventhub.rooms import service as room_service

    event = make_event()
    group = event.working_groups[0]
    facilitator = login_as("facilitator", event=event, working_group="wg1")
    room = room_service.room_for_group(group)
    message = posting.post_message(room.id, facilitator.id, "Fund protection desks", "c1")
    db.session.commit()
    page = client.get(f"/e/{event.slug}/groups/wg1/room").get_data(as_text=True)
    assert f"from_message={message.id}" in page  # a member may capture it
    item = board_service.add_item(
        facilitator,
        group,
        kind="recommendation",
        text="Fund protection desks",
        audience="Donors",
        source_message_ids=[message.id],
    )
    db.session.commit()
    page = client.get(f"/e/{event.slug}/groups/wg1/room").get_data(as_text=True)
    assert f"/board/items/{item.id}" in page or f"item_id={item.id}" in page


def test_a_follow_up_action_shows_on_the_board_and_its_page(board, client, login, db):
    item = board.add(
        kind="follow-up", text="Brief the envoys", audience=None, owner="The secretariat"
    )
    db.session.commit()
    login(board.participant)
    page = client.get(url(board)).get_data(as_text=True)
    assert "WG1-A1" in page and "Follow-up action" in page and "Brief the envoys" in page
    item_page = client.get(url(board, f"/items/{item.id}"))
    assert item_page.status_code == 200 and "Follow-up action" in item_page.get_data(as_text=True)
