"""Socket.IO events of a plenary's questions (docs/realtime.md, "Plenary questions").

Participants are in `qa:<session>` and get the public form of each question; moderators are in
`qa-mod:<session>` and get the moderated form (with askers); each asker also gets her own
question's form in her person room, so she sees hers wait for approval. Vote counts go out in
batches (votes.py).
"""

from __future__ import annotations

from typing import Annotated, Literal

from flask import current_app
from flask_login import current_user
from flask_socketio import join_room, leave_room
from pydantic import StringConstraints

from ..accounts.models import Person
from ..ids import DbId
from ..realtime import Payload, Reply, SocketEvents, check_rate, event_handler
from . import present, service, votes
from .channels import moderators_channel, public_channel, question_broadcasts
from .models import AudienceQuestion

events = SocketEvents()

Body = Annotated[str, StringConstraints(max_length=service.MAX_BODY * 2)]
To = Annotated[str, StringConstraints(max_length=service.MAX_TO * 2)]
Reason = Annotated[str, StringConstraints(max_length=service.MAX_REASON * 2)]


class OnSession(Payload):
    session: DbId


class Join(OnSession):
    # The presenter view (a shared screen) takes the participants' form even for a moderator.
    view: Literal["list", "presenter"] = "list"


class Ask(OnSession):
    body: Body
    to: To = ""
    anonymous: bool = False
    client_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class OnQuestion(Payload):
    question: DbId


class Edit(OnQuestion):
    body: Body
    to: To = ""


class Vote(OnQuestion):
    up: bool


class Moderate(OnQuestion):
    action: Literal["approve", "answering", "answered", "reopen", "hide", "unhide"]
    reason: Reason = ""


class Merge(OnQuestion):
    into: DbId


class InReport(OnQuestion):
    included: bool


class Settings(OnSession):
    premoderated: bool


def _me() -> Person:
    return current_user._get_current_object()


def _rate(kind: str, person: Person) -> None:
    check_rate(f"qa-{kind}:{person.id}", current_app.config[f"QA_{kind.upper()}_RATE"])


def tell(reply: Reply, question: AudienceQuestion) -> Reply:
    """Broadcast a changed question (after the commit): each audience its own form of it."""
    for event, data, to in question_broadcasts(question):
        reply.broadcast(event, data, to=to)
    return reply


@events.on("qa_join")
@event_handler(Join)
def on_join(p: Join) -> Reply:
    person = _me()
    session = service.get_session(p.session)
    service.require_member(person, session)
    _rate("action", person)
    moderator = service.is_moderator(person, session) and p.view == "list"
    channel = moderators_channel(session.id) if moderator else public_channel(session.id)
    questions = service.questions_for(session, person, moderator)
    form = present.moderated if moderator else present.public
    ack = {
        "session": {
            "id": session.id,
            "title": session.title,
            "premoderated": service.settings(session).premoderated,
            "anonymous_only": session.event.chatham_house,
        },
        "moderator": moderator,
        "questions": [
            present.own(q) if q.asker_id == person.id and not moderator else form(q)
            for q in questions
        ],
        "mine": [q.id for q in questions if q.asker_id == person.id],
        "voted": sorted(service.voted_by(session, person)),
    }
    return Reply(ack=ack).then(lambda: join_room(channel))


@events.on("qa_leave")
@event_handler(OnSession)
def on_leave(p: OnSession) -> Reply:
    return Reply().then(
        lambda: (leave_room(public_channel(p.session)), leave_room(moderators_channel(p.session)))
    )


@events.on("qa_ask")
@event_handler(Ask)
def on_ask(p: Ask) -> Reply:
    person = _me()
    session = service.get_session(p.session)
    service.require_member(person, session)
    _rate("ask", person)
    question, new = service.ask(
        session, person, p.body, to=p.to, anonymous=p.anonymous, client_id=p.client_id
    )
    reply = Reply(ack={"question": present.own(question), "duplicate": not new})
    return tell(reply, question) if new else reply


@events.on("qa_edit")
@event_handler(Edit)
def on_edit(p: Edit) -> Reply:
    person = _me()
    question = service.edit(service.get_question(p.question), person, p.body, p.to)
    return tell(Reply(ack={"question": present.own(question)}), question)


@events.on("qa_withdraw")
@event_handler(OnQuestion)
def on_withdraw(p: OnQuestion) -> Reply:
    question = service.withdraw(service.get_question(p.question), _me())
    return tell(Reply(ack={"question": present.own(question)}), question)


@events.on("qa_vote")
@event_handler(Vote)
def on_vote(p: Vote) -> Reply:
    person = _me()
    question = service.get_question(p.question)
    _rate("vote", person)
    changed, count = service.vote(question, person, p.up)
    reply = Reply(ack={"question": question.id, "votes": count, "voted": p.up})
    if changed:
        reply.then(lambda: votes.changed(question.session_id, question.id))
    return reply


@events.on("qa_moderate")
@event_handler(Moderate)
def on_moderate(p: Moderate) -> Reply:
    person = _me()
    _rate("action", person)
    changed = service.moderate(service.get_question(p.question), person, p.action, p.reason)
    reply = Reply(ack={"question": present.moderated(changed[0])})
    for question in changed:
        tell(reply, question)
    return reply


@events.on("qa_merge")
@event_handler(Merge)
def on_merge(p: Merge) -> Reply:
    person = _me()
    _rate("action", person)
    question, into = service.get_question(p.question), service.get_question(p.into)
    service.merge(question, into, person)
    reply = Reply(ack={"question": present.moderated(question), "into": present.moderated(into)})
    return tell(tell(reply, question), into)


@events.on("qa_report")
@event_handler(InReport)
def on_report(p: InReport) -> Reply:
    person = _me()
    question = service.get_question(p.question)
    service.set_in_report(question, person, p.included)
    return Reply(ack={"question": present.moderated(question)}).broadcast(
        "qa_question", present.moderated(question), to=moderators_channel(question.session_id)
    )


@events.on("qa_settings")
@event_handler(Settings)
def on_settings(p: Settings) -> Reply:
    person = _me()
    session = service.get_session(p.session)
    service.set_premoderation(session, person, p.premoderated)
    data = {"session": session.id, "premoderated": p.premoderated}
    return (
        Reply(ack=data)
        .broadcast("qa_settings", data, to=public_channel(session.id))
        .broadcast("qa_settings", data, to=moderators_channel(session.id))
    )
