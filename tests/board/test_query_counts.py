"""The board page's cost, locked: a fixed number of statements however many items it shows.

One more statement per page (or one per item: an N+1) fails here; if a change needs one,
change the figure and say why in docs/performance.md.
"""

from __future__ import annotations

import pytest

from eventhub.board import participation

# Event, group, her account and membership, the items with their sources, endorsements and
# comments (one query each), the source messages and their authors, the board's state, her
# endorsements, the guiding questions.
BOARD_PAGE_STATEMENTS = 14


def _fill(board, db, count: int) -> None:
    for n in range(count):
        item = board.add(text=f"Recommendation {n}", source_message_ids=[board.messages[0].id])
        participation.endorse(board.participant2, item)
        participation.add_comment(board.participant2, item, f"Comment {n}")
    db.session.commit()


def _statements_for_page(board, client, login, count_queries, who: str) -> int:
    login(getattr(board, who))
    page = f"/e/{board.event.slug}/groups/{board.group.key}/board"
    with count_queries() as queries:
        response = client.get(page)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["facilitator", "participant"])
def test_board_page_costs_a_fixed_number_of_statements(
    board, client, login, db, count_queries, who
):
    _fill(board, db, 2)
    few = _statements_for_page(board, client, login, count_queries, who)
    _fill(board, db, 8)
    many = _statements_for_page(board, client, login, count_queries, who)
    assert (few, many) == (BOARD_PAGE_STATEMENTS, BOARD_PAGE_STATEMENTS)
