"""A board file with mistakes is refused whole, each problem named by its path in the file and
worded in the importer's language (never pydantic's English), and nothing is written."""

from __future__ import annotations

import json

import pytest

from eventhub.board import exports
from eventhub.board.models import BoardItem


@pytest.fixture
def board_file(board, db, tmp_path):
    """WG1's board with R1 and R2, and a function writing its export, spoiled, to a file."""
    board.add(text="First recommendation", audience="Donors")
    board.add(text="Second recommendation", audience="Donors")
    db.session.commit()
    data = exports.export_data(board.event)

    def spoiled(change) -> str:
        copy = json.loads(json.dumps(data))
        change(copy["groups"][0]["items"])
        path = tmp_path / "board.json"
        path.write_text(json.dumps(copy), encoding="utf-8")
        return str(path)

    return board, spoiled


def _texts(db) -> list[str]:
    db.session.expire_all()
    return sorted(item.text for item in db.session.query(BoardItem))


def _import(runner, board, path, language):
    return runner.invoke(
        args=["import-board", board.event.slug, path, "--replace"],
        env={"LC_ALL": "", "LC_MESSAGES": "", "LANG": f"{language}.UTF-8"},
    )


def _spoil(items):
    items[0]["text"] = ""
    items[0]["number"] = "three"
    items[1]["state"] = "finished"
    del items[1]["versions"][0]["created_at"]


@pytest.mark.parametrize(
    ("locale", "said", "unsaid"),
    [
        (
            "fr_FR",
            [
                "Le fichier n’est pas un export de tableau valide.",
                "groups[0].items[0].text: est vide",
                "groups[0].items[0].number: attendu",
                "three",
                "groups[0].items[1].state: ",
                "n’est pas une valeur connue",
                "proposed, agreed",
                "groups[0].items[1].versions[0].created_at: manquant",
            ],
            ["insight, recommendation"],  # the states are listed, not the kinds
        ),
        (
            "ar_EG",
            [
                "الملف ليس تصديرًا صالحًا للوحة.",
                "groups[0].items[0].text: فارغ",
                "groups[0].items[0].number: المتوقَّع",
                "groups[0].items[1].state: «finished» ليست قيمة نعرفها",
                "groups[0].items[1].versions[0].created_at: مفقود",
            ],
            [],
        ),
    ],
)
def test_a_bad_board_file_names_each_field_in_her_language_and_imports_nothing(
    board_file, runner, db, locale, said, unsaid
):
    board, spoiled = board_file
    before = _texts(db)
    result = _import(runner, board, spoiled(_spoil), locale)
    assert result.exit_code == 1
    out = result.output
    for words in said:
        assert words in out
    for words in [*unsaid, "Field required", "String should", "Input should", "valid integer"]:
        assert words not in out
    assert _texts(db) == before


def test_a_file_that_is_not_json_says_where_it_stops_in_her_language(board_file, runner, db):
    board, _spoiled = board_file
    path = board_file[1](lambda items: None)
    with open(path, "a", encoding="utf-8") as f:
        f.write("\n,")
    result = _import(runner, board, path, "fr_FR")
    assert result.exit_code == 1
    assert "ligne 2, colonne 1" in result.output and "Extra data" not in result.output
