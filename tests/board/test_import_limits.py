"""Hostile board files are refused, naming the limit or the bad reference, never with a
traceback (finding 12)."""

from __future__ import annotations

import json

import pytest

from eventhub import limits
from eventhub.board import exports
from eventhub.board import importer as board_importer
from eventhub.board.models import BoardItem
from eventhub.errors import Invalid


@pytest.fixture
def exported(board, db):
    """A WG1 board with R1 and R2, and its export."""
    board.add(text="First recommendation", audience="Donors")
    board.add(text="Second recommendation", audience="Donors")
    db.session.commit()
    return board, exports.export_data(board.event)


def _board_refused(board, data) -> Invalid:
    with pytest.raises(Invalid) as caught:
        board_importer.import_board(board.event, json.dumps(data), replace=True)
    return caught.value


def test_merged_into_another_groups_item_of_the_same_number_is_an_error(exported, db):
    board, data = exported
    items = data["groups"][0]["items"]
    items[0]["state"] = "merged"
    items[0]["merged_into"] = items[0]["reference"].replace("WG1", "WG2")  # "WG2-R1"
    count = db.session.query(BoardItem).count()
    error = _board_refused(board, data)
    assert any("merged_into" in p and "another working group" in p for p in error.problems)
    assert db.session.query(BoardItem).count() == count


def test_an_item_merged_into_itself_is_an_error(exported):
    board, data = exported
    item = data["groups"][0]["items"][0]
    item["state"], item["merged_into"] = "merged", item["reference"]
    error = _board_refused(board, data)
    assert any("into itself" in p for p in error.problems)


def test_items_merged_into_each_other_are_an_error(exported):
    board, data = exported
    first, second = data["groups"][0]["items"][:2]
    first["state"], first["merged_into"] = "merged", second["reference"]
    second["state"], second["merged_into"] = "merged", first["reference"]
    error = _board_refused(board, data)
    assert any("through other items, into itself" in p for p in error.problems)


def test_a_board_file_nested_100000_deep_is_refused_naming_the_depth(exported):
    board, _data = exported
    with pytest.raises(Invalid, match=f"more than {limits.MAX_DEPTH} levels deep"):
        board_importer.import_board(board.event, "[" * 100_000 + "]" * 100_000)


def test_a_board_file_larger_than_the_limit_is_refused(exported):
    board, _data = exported
    with pytest.raises(Invalid, match="bytes"):
        board_importer.import_board(board.event, b" " * (limits.BOARD_MAX_BYTES + 1))


def test_a_board_export_still_imports(exported, db):
    board, data = exported
    notes = board_importer.import_board(board.event, json.dumps(data), replace=True)
    assert notes
