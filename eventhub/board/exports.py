"""Board exports: CSV for spreadsheets and JSON with everything (docs/board-format.md).

Nothing here names a person under the Chatham House rule.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

from ..extensions import db
from ..programme.models import Event, WorkingGroup
from ..timestamps import utcnow
from . import queries
from .models import (
    BoardItem,
    BoardState,
    item_reference,
)
from .present import change_data

FORMAT = "eventhub-board"
VERSION = 1
CSV_COLUMNS = [
    "reference",
    "group",
    "kind",
    "state",
    "audience",
    "question",
    "text",
    "endorsements",
    "comments",
    "sources",
    "merged_into",
]


def _groups(event: Event, group: WorkingGroup | None) -> list[WorkingGroup]:
    return [group] if group is not None else list(event.working_groups)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- CSV ---

# A cell starting with one of these is a formula to a spreadsheet (CSV injection): such texts get
# a leading apostrophe, which spreadsheets show as text and do not display.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_rows(event: Event, group: WorkingGroup | None = None) -> list[dict[str, Any]]:
    rows = []
    for wg in _groups(event, group):
        for item in queries.group_items(wg):
            question = item.guiding_question
            rows.append(
                {
                    "reference": item_reference(item),
                    "group": wg.key,
                    "kind": str(item.kind),
                    "state": str(item.state),
                    "audience": _cell(item.audience or ""),
                    "question": _cell(f"{question.position}. {question.text}") if question else "",
                    "text": _cell(item.text),
                    "endorsements": len(item.endorsements),
                    "comments": len(item.visible_comments),
                    "sources": len(item.sources),
                    "merged_into": item_reference(item.merged_into) if item.merged_into else "",
                }
            )
    return rows


def to_csv(event: Event, group: WorkingGroup | None = None) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheets read Arabic and accents right. No names."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(csv_rows(event, group))
    return out.getvalue().encode("utf-8-sig")


# --- JSON ---


def _name(person) -> str | None:
    return person.public_name if person is not None else None


def _source_json(message, moderator: bool) -> dict:
    """A source message; a hidden one's text only for those who moderate (they see it anyway)."""
    if message.hidden and not moderator:
        return {"seq": message.seq, "hidden": True}
    return {"seq": message.seq, "text": message.body} | ({"hidden": True} if message.hidden else {})


def _comment_json(comment, named: bool, moderator: bool) -> dict:
    data = {"created_at": _iso(comment.created_at), "hidden": comment.hidden}
    if moderator or not comment.hidden:
        data["body"] = comment.body
    return data | ({"author": _name(comment.person)} if named else {})


def _item_json(item: BoardItem, named: bool, moderator: bool = True) -> dict:
    question = item.guiding_question
    data: dict[str, Any] = {
        "reference": item_reference(item),
        "kind": str(item.kind),
        "number": item.number,
        "text": item.text,
        "audience": item.audience,
        "question": question.position if question else None,
        "state": str(item.state),
        "merged_into": item_reference(item.merged_into) if item.merged_into else None,
        "position": item.position,
        "version": item.version,
        "created_at": _iso(item.created_at),
        "updated_at": _iso(item.updated_at),
        "endorsements": len(item.endorsements),
        "comment_count": len(item.visible_comments),
        "sources": [
            _source_json(s.message, moderator) for s in item.sources if s.message is not None
        ],
        "comments": [_comment_json(c, named, moderator) for c in item.comments],
        "versions": [
            {
                "version": v.version,
                "text": v.text,
                "audience": v.audience,
                "question": v.guiding_question.position if v.guiding_question else None,
                "state": str(v.state),
                "created_at": _iso(v.created_at),
                "summary": v.summary,
                "change": change_data(v),
            }
            | ({"editor": _name(v.editor)} if named else {})
            for v in item.versions
        ],
    }
    if named:
        data["created_by"] = _name(item.created_by)
        data["endorsed_by"] = [_name(e.person) for e in item.endorsements]
    return data


def export_data(event: Event, group: WorkingGroup | None = None, *, moderator: bool = True) -> dict:
    """The boards as plain data. `moderator` False (a rapporteur's download) leaves out the text
    of hidden messages and comments, which only facilitators and organisers may read."""
    named = not event.chatham_house
    groups = []
    for wg in _groups(event, group):
        state = db.session.get(BoardState, wg.id)
        groups.append(
            {
                "key": wg.key,
                "title": wg.title,
                "number": wg.number,
                "frozen_at": _iso(state.frozen_at) if state else None,
                "last_numbers": {
                    "insight": state.last_insight_number if state else 0,
                    "recommendation": state.last_recommendation_number if state else 0,
                },
                "items": [_item_json(i, named, moderator) for i in queries.group_items(wg)],
            }
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(utcnow()),
        "event": {
            "slug": event.slug,
            "title": event.title,
            "attribution": str(event.attribution),
        },
        "groups": groups,
    }


def to_json(event: Event, group: WorkingGroup | None = None, *, moderator: bool = True) -> bytes:
    data = export_data(event, group, moderator=moderator)
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
