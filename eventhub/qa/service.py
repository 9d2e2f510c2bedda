"""A plenary's questions: asking, upvoting, moderating. Plain functions; the edges commit.

Votes are counted with atomic counters (`votes = votes + 1` beside a unique vote row), so
concurrent votes on several workers are counted exactly, and a vote costs two short
statements. Who asked is known to moderators only when she asked anonymously, and always
under the Chatham House rule; who voted is never shown to anyone.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Person
from ..errors import Conflict, Invalid, NotAllowed, NotFound
from ..extensions import db
from ..permissions import may, require
from ..programme import activity
from ..programme.models import Session
from ..text import has_controls, is_blank
from ..timestamps import utcnow
from .models import EDITABLE, LISTED, AudienceQuestion, PlenaryQA, QuestionState, QuestionVote

MAX_BODY = 500
MAX_TO = 120
MAX_REASON = 500
# How many questions a page or a join shows at most (the newest and the most voted).
MAX_LISTED = 500

# Moderators' actions on one question: the state it leaves the question in, and the states
# it may start from.
TRANSITIONS: dict[str, tuple[QuestionState, frozenset[QuestionState]]] = {
    "approve": (QuestionState.OPEN, frozenset({QuestionState.PENDING})),
    "answering": (
        QuestionState.ANSWERING,
        frozenset({QuestionState.OPEN, QuestionState.ANSWERED, QuestionState.PENDING}),
    ),
    "answered": (
        QuestionState.ANSWERED,
        frozenset({QuestionState.OPEN, QuestionState.ANSWERING}),
    ),
    "reopen": (QuestionState.OPEN, frozenset({QuestionState.ANSWERING, QuestionState.ANSWERED})),
    "hide": (
        QuestionState.HIDDEN,
        frozenset(
            {
                QuestionState.PENDING,
                QuestionState.OPEN,
                QuestionState.ANSWERING,
                QuestionState.ANSWERED,
            }
        ),
    ),
    "unhide": (QuestionState.OPEN, frozenset({QuestionState.HIDDEN})),
}


# The moderators' actions that go on the event's activity log (programme.activity).
RECORDED = {"approve": "question.approve", "hide": "question.hide", "unhide": "question.unhide"}


def _record(moderator: Person, action: str, question: AudienceQuestion, **details) -> None:
    activity.record(
        question.session.event,
        moderator,
        action,
        subject=question.asker,
        reason=details.pop("reason", None),
        session=question.session.key,
        question=question.id,
        **details,
    )


# Access -------------------------------------------------------------------------------------


def is_moderator(person: Person, session: Session) -> bool:
    return may(person, "session.moderate_qa", session)


def require_member(person: Person, session: Session) -> None:
    require(person, "session.enter_qa", session)


def require_moderator(person: Person, session: Session) -> None:
    require(person, "session.moderate_qa", session)


def get_session(session_id: int) -> Session:
    session = db.session.get(Session, session_id)
    if session is None or not session.is_plenary:
        raise NotFound(_("This session has no questions and answers."))
    return session


def get_question(question_id: int) -> AudienceQuestion:
    question = db.session.get(AudienceQuestion, question_id)
    if question is None:
        raise NotFound(_("This question does not exist."))
    return question


def settings(session: Session) -> PlenaryQA:
    """The session's Q&A settings (defaults until a moderator changes one)."""
    found = db.session.get(PlenaryQA, session.id)
    if found is None:
        found = PlenaryQA(session_id=session.id, premoderated=False)
        db.session.add(found)
        db.session.flush()
    return found


# What people write --------------------------------------------------------------------------


def _checked_body(body: str) -> str:
    body = body.strip()
    if is_blank(body):
        raise Invalid(_("Write your question first."), problems=["body: empty"])
    if has_controls(body, multiline=True):
        raise Invalid(
            _("Your question holds characters that cannot be shown; please retype it."),
            problems=["body: control characters"],
        )
    if len(body) > MAX_BODY:
        raise Invalid(
            _(
                "A question is at most %(max)d characters; yours has %(count)d.",
                max=MAX_BODY,
                count=len(body),
            ),
            problems=["body: too long"],
        )
    return body


def _checked_to(to: str) -> str:
    to = " ".join(to.split())
    if has_controls(to) or len(to) > MAX_TO:
        raise Invalid(
            _("Name whom the question is for in at most %(max)d characters.", max=MAX_TO),
            problems=["to: too long or not plain text"],
        )
    return to


def _checked_reason(reason: str) -> str:
    reason = reason.strip()
    if has_controls(reason, multiline=True) or len(reason) > MAX_REASON:
        raise Invalid(
            _("A reason is at most %(max)d characters of plain text.", max=MAX_REASON),
            problems=["reason: too long or not plain text"],
        )
    return reason


# Asking -------------------------------------------------------------------------------------


def ask(
    session: Session,
    person: Person,
    body: str,
    *,
    to: str = "",
    anonymous: bool = False,
    client_id: str | None = None,
) -> tuple[AudienceQuestion, bool]:
    """Ask a question; (the question, whether it is new). A resend with the same client id
    returns the first one."""
    require_member(person, session)
    body, to = _checked_body(body), _checked_to(to)
    if client_id:
        earlier = db.session.scalar(
            select(AudienceQuestion).where(
                AudienceQuestion.session_id == session.id,
                AudienceQuestion.asker_id == person.id,
                AudienceQuestion.client_id == client_id,
            )
        )
        if earlier is not None:
            return earlier, False
    state = QuestionState.PENDING if settings(session).premoderated else QuestionState.OPEN
    question = AudienceQuestion(
        event_id=session.event_id,
        session=session,
        asker=person,
        client_id=client_id,
        body=body,
        addressed_to=to,
        anonymous=anonymous or session.event.chatham_house,
        state=state,
    )
    db.session.add(question)
    db.session.flush()
    return question, True


def _require_asker(question: AudienceQuestion, person: Person) -> None:
    if question.asker_id != person.id:
        raise NotAllowed(_("Only the person who asked may change this question."))
    if question.state not in EDITABLE:
        raise Conflict(_("This question can no longer be changed."))


def edit(question: AudienceQuestion, person: Person, body: str, to: str) -> AudienceQuestion:
    _require_asker(question, person)
    question.body, question.addressed_to = _checked_body(body), _checked_to(to)
    question.edited_at = utcnow()
    db.session.flush()
    return question


def withdraw(question: AudienceQuestion, person: Person) -> AudienceQuestion:
    _require_asker(question, person)
    question.state = QuestionState.WITHDRAWN
    db.session.flush()
    return question


# Votes --------------------------------------------------------------------------------------


def vote(question: AudienceQuestion, person: Person, up: bool) -> tuple[bool, int]:
    """Upvote (or take the upvote back); (whether anything changed, the new count).

    One vote per person and question, kept by the unique (question, person) row; the count
    moves by an atomic update in the same transaction, so it always equals the rows.
    """
    require_member(person, question.session)
    if question.state not in LISTED:
        raise Conflict(_("This question is not open for votes."))
    if up:
        try:
            with db.session.begin_nested():
                db.session.execute(
                    insert(QuestionVote).values(
                        question_id=question.id, person_id=person.id, created_at=utcnow()
                    )
                )
        except IntegrityError:
            return False, _count(question.id)
        step = 1
    else:
        gone = db.session.execute(
            delete(QuestionVote).where(
                QuestionVote.question_id == question.id, QuestionVote.person_id == person.id
            )
        ).rowcount
        if not gone:
            return False, _count(question.id)
        step = -1
    votes = db.session.execute(
        update(AudienceQuestion)
        .where(AudienceQuestion.id == question.id)
        .values(votes=AudienceQuestion.votes + step)
        .returning(AudienceQuestion.votes)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return True, votes


def _count(question_id: int) -> int:
    return db.session.scalar(
        select(AudienceQuestion.votes).where(AudienceQuestion.id == question_id)
    )


def counts(question_ids: set[int]) -> dict[int, int]:
    """The current vote counts of these questions (for the batched `qa_votes` broadcast)."""
    if not question_ids:
        return {}
    rows = db.session.execute(
        select(AudienceQuestion.id, AudienceQuestion.votes).where(
            AudienceQuestion.id.in_(question_ids)
        )
    )
    return {question_id: votes for question_id, votes in rows}


def voted_by(session: Session, person: Person) -> set[int]:
    return set(
        db.session.scalars(
            select(QuestionVote.question_id)
            .join(AudienceQuestion, AudienceQuestion.id == QuestionVote.question_id)
            .where(AudienceQuestion.session_id == session.id, QuestionVote.person_id == person.id)
        )
    )


# Moderation ---------------------------------------------------------------------------------


def moderate(
    question: AudienceQuestion, moderator: Person, action: str, reason: str = ""
) -> list[AudienceQuestion]:
    """Apply a moderator's action; the questions it changed (marking one "being answered"
    returns the one that was before it to the list)."""
    require_moderator(moderator, question.session)
    try:
        target, sources = TRANSITIONS[action]
    except KeyError:
        raise Invalid(_("Unknown action."), problems=[f"action: {action!r}"]) from None
    if question.state not in sources:
        raise Conflict(_("This question has changed meanwhile; look at it again."))
    changed = [question]
    if target == QuestionState.ANSWERING:
        # One question is answered at a time: the one before goes to "answered".
        for other in db.session.scalars(
            select(AudienceQuestion).where(
                AudienceQuestion.session_id == question.session_id,
                AudienceQuestion.state == QuestionState.ANSWERING,
                AudienceQuestion.id != question.id,
            )
        ):
            other.state = QuestionState.ANSWERED
            other.answered_at = utcnow()
            changed.append(other)
    if target == QuestionState.HIDDEN:
        question.hidden_reason = _checked_reason(reason)
    if target == QuestionState.ANSWERED:
        question.answered_at = utcnow()
    question.state = target
    if action in RECORDED:
        _record(moderator, RECORDED[action], question, reason=question.hidden_reason or None)
    db.session.flush()
    return changed


def set_in_report(question: AudienceQuestion, moderator: Person, included: bool) -> None:
    """Put an answered question into the report's key messages of its session, or take it out."""
    require_moderator(moderator, question.session)
    if included and question.state != QuestionState.ANSWERED:
        raise Conflict(_("Only an answered question can go into the report."))
    question.in_report = included
    db.session.flush()


def merge(question: AudienceQuestion, into: AudienceQuestion, moderator: Person) -> None:
    """Fold a duplicate into another question of the session, with its votes.

    Whoever voted for both counts once; the duplicate is kept, marked merged, for the record.
    """
    require_moderator(moderator, question.session)
    if question.id == into.id or question.session_id != into.session_id:
        raise Invalid(
            _("Merge a question into another question of the same session."),
            problems=["into: same question or another session"],
        )
    if into.state not in LISTED or question.state in (
        QuestionState.MERGED,
        QuestionState.WITHDRAWN,
    ):
        raise Conflict(_("This question has changed meanwhile; look at it again."))
    already = select(QuestionVote.person_id).where(QuestionVote.question_id == into.id)
    db.session.execute(
        insert(QuestionVote).from_select(
            ["question_id", "person_id", "created_at"],
            select(literal(into.id), QuestionVote.person_id, QuestionVote.created_at)
            .where(QuestionVote.question_id == question.id)
            .where(QuestionVote.person_id.not_in(already)),
        )
    )
    question.state = QuestionState.MERGED
    question.merged_into_id = into.id
    _record(moderator, "question.merge", question, into=into.id)
    db.session.flush()
    db.session.execute(
        update(AudienceQuestion)
        .where(AudienceQuestion.id == into.id)
        .values(
            votes=select(func.count())
            .select_from(QuestionVote)
            .where(QuestionVote.question_id == into.id)
            .scalar_subquery()
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(into)


def set_premoderation(session: Session, moderator: Person, on: bool) -> PlenaryQA:
    require_moderator(moderator, session)
    found = settings(session)
    if found.premoderated != on:
        activity.record(
            session.event, moderator, "qa.premoderate" if on else "qa.open", session=session.key
        )
    found.premoderated = on
    db.session.flush()
    return found


# Reading ------------------------------------------------------------------------------------


def questions_for(session: Session, person: Person, moderator: bool) -> list[AudienceQuestion]:
    """What she may see: the listed questions and her own; moderators see every question."""
    query = select(AudienceQuestion).where(AudienceQuestion.session_id == session.id)
    if not moderator:
        query = query.where(
            AudienceQuestion.state.in_(LISTED)
            | (
                (AudienceQuestion.asker_id == person.id)
                & AudienceQuestion.state.in_(
                    (QuestionState.PENDING, QuestionState.HIDDEN, QuestionState.WITHDRAWN)
                )
            )
        )
    query = query.order_by(AudienceQuestion.votes.desc(), AudienceQuestion.id).limit(MAX_LISTED)
    return list(db.session.scalars(query))


def top(session: Session, count: int = 10) -> list[AudienceQuestion]:
    """The questions still to answer, most voted first (ties: asked first)."""
    return list(
        db.session.scalars(
            select(AudienceQuestion)
            .where(
                AudienceQuestion.session_id == session.id,
                AudienceQuestion.state.in_((QuestionState.OPEN, QuestionState.ANSWERING)),
            )
            .order_by(
                (AudienceQuestion.state == QuestionState.ANSWERING).desc(),
                AudienceQuestion.votes.desc(),
                AudienceQuestion.id,
            )
            .limit(count)
        )
    )


def report_questions(event_id: int) -> dict[int, list[AudienceQuestion]]:
    """Answered questions a moderator put into the report, by session id, in the order they
    were answered. The report takes their words only, never who asked."""
    found: dict[int, list[AudienceQuestion]] = {}
    for question in db.session.scalars(
        select(AudienceQuestion)
        .where(
            AudienceQuestion.event_id == event_id,
            AudienceQuestion.state == QuestionState.ANSWERED,
            AudienceQuestion.in_report.is_(True),
        )
        .order_by(AudienceQuestion.answered_at, AudienceQuestion.id)
    ):
        found.setdefault(question.session_id, []).append(question)
    return found
