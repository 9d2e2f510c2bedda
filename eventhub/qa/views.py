"""A plenary's questions page, its presenter view for the stage, and the chair's plain list.

Server-rendered, so asking and voting work with plain forms; qa.js then keeps the list live.
"""

from __future__ import annotations

import uuid

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..errors import DomainError, NotFound
from ..extensions import db, socketio
from ..ids import parse_id
from ..programme.models import Session
from ..programme.service import session_by_key
from ..realtime import check_rate
from ..web import requires
from . import service, votes
from .channels import moderators_channel, public_channel, question_broadcasts
from .models import AudienceQuestion, QuestionState

bp = Blueprint("qa", __name__)


@bp.route("/e/<slug>/sessions/<key>/qa", methods=["GET", "POST"])
@requires("session.enter_qa", session_by_key)
def plenary(session: Session, slug: str, key: str):
    here = url_for("qa.plenary", slug=slug, key=key)
    if request.method == "POST":
        if request.form.get("settings"):
            return _settings(session, here)
        return _ask(session, here)
    person = current_user._get_current_object()
    moderator = service.is_moderator(person, session)
    questions = service.questions_for(session, person, moderator)
    return render_template(
        "qa/plenary.html",
        event=session.event,
        session=session,
        moderator=moderator,
        premoderated=service.settings(session).premoderated,
        questions=questions,
        voted=service.voted_by(session, person),
        client_id=uuid.uuid4().hex,
        here=here,
        sort=request.args.get("sort") if request.args.get("sort") in ("new", "top") else "top",
    )


@bp.post("/e/<slug>/sessions/<key>/qa/<int:question_id>")
@requires("session.enter_qa", session_by_key)
def act(session: Session, slug: str, key: str, question_id: int):
    """The no-JavaScript way to vote, withdraw and moderate: the socket events' checks."""
    here = url_for("qa.plenary", slug=slug, key=key)
    person = current_user._get_current_object()
    question = _question_of(session, question_id)
    action = request.form.get("action", "")
    try:
        changed, counted = _apply(person, question, action)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(here)
    db.session.commit()
    for q in changed:
        _tell(q)
    if counted:
        votes.changed(session.id, question.id)
    flash(_("Done."), "success")
    return redirect(f"{here}#question-{question.id}")


def _apply(person, question: AudienceQuestion, action: str) -> tuple[list, bool]:
    """(the questions changed, whether a vote count changed)."""
    if action in ("up", "down"):
        check_rate(f"qa-vote:{person.id}", _limit("VOTE"))
        changed, _count = service.vote(question, person, action == "up")
        return [], changed
    if action == "withdraw":
        return [service.withdraw(question, person)], False
    if action == "edit":
        form = request.form
        return [service.edit(question, person, form.get("body", ""), form.get("to", ""))], False
    if action in ("include", "exclude"):
        service.set_in_report(question, person, action == "include")
        return [question], False
    if action == "merge":
        into = _question_of(question.session, parse_id(request.form.get("into")) or 0)
        service.merge(question, into, person)
        return [question, into], False
    return service.moderate(question, person, action, request.form.get("reason", "")), False


@bp.get("/e/<slug>/sessions/<key>/qa/presenter")
@requires("session.moderate_qa", session_by_key)
def presenter(session: Session, slug: str, key: str):
    return render_template(
        "qa/presenter.html", event=session.event, session=session, top=service.top(session, 4)
    )


@bp.get("/e/<slug>/sessions/<key>/qa/top.txt")
@requires("session.moderate_qa", session_by_key)
def top_text(session: Session, slug: str, key: str):
    """The top questions as plain text for the chair (never who asked)."""
    lines = [session.title, ""]
    for number, q in enumerate(service.top(session, 10), start=1):
        votes_text = ngettext("%(num)d vote", "%(num)d votes", q.votes)
        lines.append(f"{number}. {q.body} ({votes_text})")
        if q.addressed_to:
            lines.append("   " + _("To: %(name)s", name=q.addressed_to))
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


def _ask(session: Session, here: str):
    person = current_user._get_current_object()
    form = request.form
    try:
        check_rate(f"qa-ask:{person.id}", _limit("ASK"))
        question, new = service.ask(
            session,
            person,
            form.get("body", ""),
            to=form.get("to", ""),
            anonymous=form.get("anonymous") == "on",
            client_id=(form.get("client_id") or "")[:64] or None,
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(here)
    db.session.commit()
    if new:
        _tell(question)
    if question.state == QuestionState.PENDING:
        flash(_("Your question is sent. It will appear once a moderator approves it."), "success")
    else:
        flash(_("Your question is in the list."), "success")
    return redirect(f"{here}#question-{question.id}")


def _settings(session: Session, here: str):
    person = current_user._get_current_object()
    on = request.form.get("premoderated") == "on"
    try:
        service.set_premoderation(session, person, on)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(here)
    db.session.commit()
    data = {"session": session.id, "premoderated": on}
    for channel in (public_channel(session.id), moderators_channel(session.id)):
        socketio.emit("qa_settings", data, to=channel)
    flash(_("Saved."), "success")
    return redirect(here)


def _tell(question: AudienceQuestion) -> None:
    """What the socket events broadcast for a changed question, after this request's commit."""
    for event, data, to in question_broadcasts(question):
        socketio.emit(event, data, to=to)


def _question_of(session: Session, question_id: int) -> AudienceQuestion:
    question = db.session.get(AudienceQuestion, question_id)
    if question is None or question.session_id != session.id:
        raise NotFound(_("This question does not exist."))
    return question


def _limit(kind: str) -> str:
    return current_app.config[f"QA_{kind}_RATE"]
