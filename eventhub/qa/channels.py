"""Who hears what about a plenary's questions: the Socket.IO rooms and each one's form."""

from __future__ import annotations

from ..realtime import person_room
from . import present
from .models import AudienceQuestion, QuestionState


def public_channel(session_id: int) -> str:
    """Participants (and the presenter view): the public form of each question."""
    return f"qa:{session_id}"


def moderators_channel(session_id: int) -> str:
    """Moderators: the moderated form, with askers."""
    return f"qa-mod:{session_id}"


def question_broadcasts(question: AudienceQuestion) -> list[tuple[str, dict, str]]:
    """(event, data, to) for a changed question: each audience its own form of it."""
    session_id = question.session_id
    sends = [("qa_question", present.moderated(question), moderators_channel(session_id))]
    if question.state != QuestionState.PENDING:  # a pending one is the asker's and moderators'
        sends.append(("qa_question", present.public(question), public_channel(session_id)))
    if question.asker_id is not None:  # she sees hers wait, or why it was hidden
        sends.append(("qa_question", present.own(question), person_room(question.asker_id)))
    return sends
