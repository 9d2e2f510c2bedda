"""Board exports: CSV a spreadsheet reads (Arabic and French intact), JSON that import-board restores."""

from __future__ import annotations

import csv
import io
import json

import pytest

from eventhub.board import exports, participation, queries, service
from eventhub.board.models import BoardItem, BoardState
from eventhub.programme.models import Attribution

ARABIC = "تمويل شبكات الوسيطات على المدى الطويل، وليس لسنة واحدة فقط."
FRENCH = "Protéger les médiatrices en ligne : « sécurité numérique » d’abord."


@pytest.fixture
def filled(board, db):
    """A board with an agreed Arabic recommendation, a French insight, a merge and a comment."""
    q1 = board.group.guiding_questions[0]
    r1 = board.add(
        text=ARABIC,
        audience="Donors",
        guiding_question_id=q1.id,
        source_message_ids=[board.messages[0].id],
    )
    i1 = board.add(kind="insight", audience=None, text=FRENCH)
    r2 = board.add(
        text='Duplicate, with a "quote", a comma\nand a new line',
        source_message_ids=[board.messages[1].id],
    )
    participation.endorse(board.participant, r1)
    participation.endorse(board.participant2, r2)
    participation.add_comment(board.participant2, r1, "Très bien, مع الشكر")
    service.merge_item(board.facilitator, r2, r1, version=1)
    service.change_state(board.facilitator, r1, "agreed", version=r1.version)
    service.edit_item(board.rapporteur, i1, version=1, text=FRENCH + " Révisé.", audience=None)
    db.session.commit()
    return board


def read_csv(body: bytes) -> list[dict]:
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_csv_reads_back_field_by_field_with_arabic_and_french(filled):
    rows = read_csv(exports.to_csv(filled.event, filled.group))
    q1 = filled.group.guiding_questions[0]
    assert rows == [
        {
            "reference": "WG1-R1",
            "group": "wg1",
            "kind": "recommendation",
            "state": "agreed",
            "audience": "Donors",
            "question": f"1. {q1.text}",
            "text": ARABIC,
            "endorsements": "2",
            "comments": "1",
            "sources": "2",
            "merged_into": "",
        },
        {
            "reference": "WG1-I1",
            "group": "wg1",
            "kind": "insight",
            "state": "proposed",
            "audience": "",
            "question": "",
            "text": FRENCH + " Révisé.",
            "endorsements": "0",
            "comments": "0",
            "sources": "0",
            "merged_into": "",
        },
        {
            "reference": "WG1-R2",
            "group": "wg1",
            "kind": "recommendation",
            "state": "merged",
            "audience": "Donors",
            "question": "",
            "text": 'Duplicate, with a "quote", a comma\nand a new line',
            "endorsements": "0",
            "comments": "0",
            "sources": "1",
            "merged_into": "WG1-R1",
        },
    ]


def test_csv_and_json_name_nobody_under_chatham_house(filled):
    names = ["participant", "Participant", "facilitator", "rapporteur"]
    for body in (exports.to_csv(filled.event), exports.to_json(filled.event)):
        text = body.decode("utf-8-sig")
        assert not any(name in text for name in names)


def test_json_names_people_in_a_named_event(make_board, in_request, db):
    board = make_board(attribution=Attribution.NAMED)
    item = board.add()
    participation.endorse(board.participant, item)
    db.session.commit()
    data = json.loads(exports.to_json(board.event))
    [exported] = data["groups"][0]["items"]
    assert exported["endorsed_by"] == ["participant-shown"]
    assert exported["versions"][0]["editor"] == "facilitator-shown"


def test_whole_event_export_has_every_group(filled, db):
    service.add_item(filled.organiser, filled.other_group, kind="insight", text="Other group")
    db.session.commit()
    rows = read_csv(exports.to_csv(filled.event))
    assert [r["reference"] for r in rows] == ["WG1-R1", "WG1-I1", "WG1-R2", "WG2-I1"]


def test_export_page_is_for_board_editors_and_organisers(filled, client, login, app):
    login(filled.facilitator)
    response = client.get(f"/e/{filled.event.slug}/groups/wg1/board/export.csv")
    assert response.status_code == 200
    assert read_csv(response.data)[0]["text"] == ARABIC
    assert client.get(f"/e/{filled.event.slug}/board/export.json").status_code == 403
    other = app.test_client()
    login(filled.participant, other)
    assert other.get(f"/e/{filled.event.slug}/groups/wg1/board/export.csv").status_code == 403


def _comparable(data: dict) -> dict:
    data = json.loads(json.dumps(data))
    data.pop("exported_at")
    for group in data["groups"]:
        for item in group["items"]:
            # People are not exported, so endorsements come back as counts only.
            item.pop("endorsements")
    return data


def test_json_round_trip_through_import_board(filled, runner, tmp_path, db):
    before = exports.export_data(filled.event)
    r2 = before["groups"][0]["items"][2]
    assert r2["versions"][-1]["change"] == {"key": "merged-into", "args": {"reference": "WG1-R1"}}
    path = tmp_path / "board.json"
    result = runner.invoke(
        args=["export-board", filled.event.slug, "--format", "json", "-o", str(path)]
    )
    assert result.exit_code == 0, result.output
    refused = runner.invoke(args=["import-board", filled.event.slug, str(path)])
    assert refused.exit_code == 1 and "--replace" in refused.output
    result = runner.invoke(args=["import-board", filled.event.slug, str(path), "--replace"])
    assert result.exit_code == 0, result.output
    assert "wg1: 3 items restored." in result.output
    db.session.expire_all()
    assert _comparable(exports.export_data(filled.event)) == _comparable(before)
    # Numbers are never reused, even after a restore.
    item = service.add_item(
        filled.facilitator, filled.group, kind="recommendation", text="New", audience="Donors"
    )
    assert item.reference == "WG1-R3"


def test_export_board_cli_writes_csv_for_one_group(filled, runner):
    result = runner.invoke(
        args=["export-board", filled.event.slug, "--working-group", "wg1", "--format", "csv"]
    )
    assert result.exit_code == 0
    assert ARABIC in result.stdout_bytes.decode("utf-8-sig")
    result = runner.invoke(
        args=["export-board", filled.event.slug, "--working-group", "nope", "--format", "csv"]
    )
    assert result.exit_code == 1 and "wg1, wg2" in result.output


def test_import_refuses_an_invalid_file_whole_listing_every_problem(filled, runner, tmp_path, db):
    data = exports.export_data(filled.event)
    items = data["groups"][0]["items"]
    items[0]["state"] = "approved"
    items[1]["audience"] = "Aliens"
    items[2]["merged_into"] = "WG1-R9"
    data["groups"][1]["key"] = "wg9"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    count = db.session.query(BoardItem).count()
    result = runner.invoke(args=["import-board", filled.event.slug, str(path), "--replace"])
    assert result.exit_code == 1
    assert "groups[0].items[0].state" in result.output
    # Structure errors are reported first; fix the state and the other problems all show.
    items[0]["state"] = "agreed"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(args=["import-board", filled.event.slug, str(path), "--replace"])
    assert result.exit_code == 1
    for where in ("groups[0].items[1].audience", "groups[0].items[2].merged_into", "groups[1].key"):
        assert where in result.output
    db.session.expire_all()
    assert db.session.query(BoardItem).count() == count


def test_import_refuses_a_change_it_cannot_read(filled, runner, tmp_path, db):
    data = exports.export_data(filled.event)
    versions = data["groups"][0]["items"][0]["versions"]
    versions[0]["change"] = {"key": "renamed", "args": {}}
    versions[-1]["change"] = {"key": "state", "args": {"old": "draft"}}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(args=["import-board", filled.event.slug, str(path), "--replace"])
    assert result.exit_code == 1
    for n in (0, len(versions) - 1):
        assert f"groups[0].items[0].versions[{n}].change" in result.output


def test_import_refuses_what_is_not_json(filled, runner, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    result = runner.invoke(args=["import-board", filled.event.slug, str(path)])
    assert result.exit_code == 1 and "not JSON" in result.output


def test_import_restores_a_frozen_board_into_another_event(
    filled, make_event, runner, tmp_path, db
):
    service.set_frozen(filled.organiser, filled.group, True)
    db.session.commit()
    path = tmp_path / "board.json"
    path.write_bytes(exports.to_json(filled.event, filled.group))
    other = make_event(slug="copy")
    result = runner.invoke(args=["import-board", "copy", str(path)])
    assert result.exit_code == 0, result.output
    assert "sources were not linked" in result.output  # the new event's room has no messages
    group = other.working_groups[0]
    assert db.session.get(BoardState, group.id).frozen
    assert [i.reference for i in queries.group_items(group)] == ["WG1-R1", "WG1-I1", "WG1-R2"]


def test_csv_defuses_texts_a_spreadsheet_would_run_as_formulas(board, db):
    board.add(text='=HYPERLINK("http://evil.example","Click")')
    board.add(text="-5% of the budget is not enough")
    rows = read_csv(exports.to_csv(board.event, board.group))
    assert [r["text"] for r in rows] == [
        '\'=HYPERLINK("http://evil.example","Click")',
        "'-5% of the budget is not enough",
    ]


def test_a_rapporteurs_json_download_has_no_text_of_hidden_messages_or_comments(
    filled, client, login, app, db
):
    from eventhub.rooms import moderation

    item = db.session.get(BoardItem, filled.add(source_message_ids=[filled.messages[1].id]).id)
    comment = participation.add_comment(filled.participant2, item, "An insult, hidden")
    participation.hide_comment(filled.facilitator, comment)
    moderation.hide(filled.messages[1], filled.facilitator)
    db.session.commit()
    url = f"/e/{filled.event.slug}/groups/wg1/board/export.json"

    login(filled.rapporteur)
    text = client.get(url).get_data(as_text=True)
    assert "Mentoring too" not in text and "An insult, hidden" not in text
    sources = [s for g in json.loads(text)["groups"] for i in g["items"] for s in i["sources"]]
    assert {"seq": filled.messages[1].seq, "hidden": True} in sources
    assert {"seq": filled.messages[0].seq, "text": "Long-term funding matters"} in sources

    facilitator = app.test_client()
    login(filled.facilitator, facilitator)
    text = facilitator.get(url).get_data(as_text=True)
    assert "Mentoring too" in text and "An insult, hidden" in text
