"""Questions as the plain data sent to clients (docs/realtime.md, "Plenary questions").

A participant's form never holds who asked an anonymous question (under the Chatham House
rule every question is anonymous) and nothing ever says who voted. Moderators' form adds the
asker, the hiding reason and whether it goes into the report.
"""

from __future__ import annotations

from datetime import datetime

from .models import AudienceQuestion, QuestionState

# A question out of the list shows participants only that it left (and why, to its asker).
_GONE = frozenset({QuestionState.HIDDEN, QuestionState.WITHDRAWN, QuestionState.MERGED})


def _iso(instant: datetime | None) -> str | None:
    return instant.isoformat() if instant is not None else None


def public(q: AudienceQuestion) -> dict:
    """What every member may see of a question."""
    if q.state in _GONE:
        return {
            "id": q.id,
            "session": q.session_id,
            "state": q.state.value,
            "merged_into": q.merged_into_id,
        }
    asker = None
    if not q.anonymous and q.asker is not None:
        asker = {"name": q.asker.public_name}
    return {
        "id": q.id,
        "session": q.session_id,
        "state": q.state.value,
        "body": q.body,
        "to": q.addressed_to,
        "asker": asker,
        "votes": q.votes,
        "created_at": _iso(q.created_at),
        "edited": q.edited_at is not None,
        "merged_into": None,
    }


def own(q: AudienceQuestion) -> dict:
    """Her own question, whatever its state (she sees that hers waits or was hidden, and why)."""
    data = public(q) if q.state not in _GONE else {**_full(q), "asker": None}
    if q.state == QuestionState.HIDDEN:
        data["reason"] = q.hidden_reason
    return data


def _full(q: AudienceQuestion) -> dict:
    return {
        "id": q.id,
        "session": q.session_id,
        "state": q.state.value,
        "body": q.body,
        "to": q.addressed_to,
        "votes": q.votes,
        "created_at": _iso(q.created_at),
        "edited": q.edited_at is not None,
        "merged_into": q.merged_into_id,
    }


def moderated(q: AudienceQuestion) -> dict:
    """Everything moderators see: the asker too, even of an anonymous question."""
    return {
        **_full(q),
        "asker": ({"id": q.asker.id, "name": q.asker.public_name} if q.asker is not None else None),
        "anonymous": q.anonymous,
        "reason": q.hidden_reason,
        "in_report": q.in_report,
    }
