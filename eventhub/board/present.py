"""Plain-data representations of board items, shared by the live events and the exports."""

from __future__ import annotations

from .models import BoardItem, BoardItemVersion, Comment, item_reference


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _person(person) -> dict | None:
    return {"id": person.id, "name": person.public_name} if person is not None else None


def question_data(question) -> dict | None:
    if question is None:
        return None
    return {"id": question.id, "position": question.position, "text": question.text}


def comment_data(comment: Comment, *, names: bool) -> dict:
    data = {"id": comment.id, "body": comment.body, "created_at": _iso(comment.created_at)}
    if names:
        data["author"] = _person(comment.person)
    return data


def item_data(item: BoardItem, *, names: bool) -> dict:
    """The item as everyone viewing the board may see it; `names` adds who endorsed and commented."""
    comments = item.visible_comments
    data = {
        "id": item.id,
        "reference": item_reference(item),
        "group": item.working_group.key,
        "kind": str(item.kind),
        "number": item.number,
        "text": item.text,
        "audience": item.audience,
        "question": question_data(item.guiding_question),
        "state": str(item.state),
        "merged_into": (
            {"id": item.merged_into.id, "reference": item_reference(item.merged_into)}
            if item.merged_into is not None
            else None
        ),
        "position": item.position,
        "version": item.version,
        "created_at": _iso(item.created_at),
        "updated_at": _iso(item.updated_at),
        "endorsements": len(item.endorsements),
        "comment_count": len(comments),
        "comments": [comment_data(c, names=names) for c in comments],
        "sources": [
            {"message": s.message_id, "seq": s.message.seq if s.message else None}
            for s in item.sources
        ],
    }
    if names:
        data["endorsed_by"] = [_person(e.person) for e in item.endorsements]
        data["created_by"] = _person(item.created_by)
    return data


def change_data(version: BoardItemVersion) -> dict | None:
    """What EventHub recorded of a version's change, as data (history_text.py words it)."""
    if version.summary_key is None:
        return None
    return {"key": version.summary_key, "args": version.summary_args or {}}
