"""Answered plenary questions a moderator puts into the report: under the key messages of
their session, in every format and language, in the order answered, and never with who
asked or voted."""

from __future__ import annotations

import pytest

from eventhub.errors import Conflict
from eventhub.extensions import db
from eventhub.plain import from_plain, to_plain
from eventhub.programme.models import Attribution
from eventhub.qa import service
from eventhub.reports.build_docx import build_docx
from eventhub.reports.build_html import build_html
from eventhub.reports.build_markdown import build_markdown
from eventhub.reports.build_pdf import build_pdf
from eventhub.reports.collect import collect
from eventhub.reports.data import FloorQuestion, ReportData
from tests.reports.helpers import docx_xml, html_text, pdf_text


@pytest.fixture(autouse=True)
def _request(app):
    """Domain errors translate their message for the viewer, which needs a request."""
    with app.test_request_context():
        yield


def _answered(plenary, moderator, asker, body, **asked):
    question, _new = service.ask(plenary, asker, body, **asked)
    service.moderate(question, moderator, "answered")
    return question


def _questions_in_report(plenary, member):
    moderator, _ = member("organiser", connect=False)
    asker, _ = member(
        "participant", name="Amaranta Quispe", display_name="Amaranta Q.", connect=False
    )
    voter, _ = member("participant", name="Ottilie Brandvold", connect=False)
    first = _answered(
        plenary, moderator, asker, "How will the networks fund the follow-up?", to="UN Women"
    )
    service.vote(first, voter, True)
    second = _answered(plenary, moderator, asker, "Who chairs next year's meeting?")
    left_out = _answered(plenary, moderator, asker, "Is there coffee after the session?")
    taken_back = _answered(plenary, moderator, asker, "A question put in, then taken out")
    for question in (second, first, taken_back):  # put in out of order: the report sorts
        service.set_in_report(question, moderator, True)
    service.set_in_report(taken_back, moderator, False)
    db.session.commit()
    return moderator, (asker, voter), (first, second), (left_out, taken_back)


def test_answered_questions_put_into_the_report_are_its_session_key_messages(plenary, member):
    _m, _people, (first, second), _out = _questions_in_report(plenary, member)
    data = collect(plenary.event)
    (session,) = data.questioned_sessions
    assert session.key == plenary.key and data.has_key_messages
    assert session.questions == (
        FloorQuestion(text=first.body, addressed_to="UN Women"),
        FloorQuestion(text=second.body),
    )
    # A published version stores them, and reads them back the same.
    assert from_plain(ReportData, to_plain(data)).sessions == data.sessions


def _every_format(data, language) -> dict[str, str]:
    return {
        "md": build_markdown(data, language),
        "html": html_text(build_html(data, language)),
        "docx": docx_xml(build_docx(data, language)),
        "pdf": pdf_text(build_pdf(data, language)),
    }


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_format_shows_the_questions_and_never_who_asked_or_voted(plenary, member, language):
    _m, people, (first, second), (left_out, taken_back) = _questions_in_report(plenary, member)
    assert plenary.event.attribution == Attribution.NAMED  # even then, askers are not credited
    outputs = _every_format(collect(plenary.event), language)
    heading = {"en": "Questions from the floor", "ar": "أسئلة من الحضور"}[language]
    for fmt, text in outputs.items():
        flat = " ".join(text.split())
        assert heading in flat, fmt
        assert first.body in flat and second.body in flat, fmt
        assert "UN Women" in flat, fmt
        assert left_out.body not in flat and taken_back.body not in flat, fmt
        for person in people:
            names = (person.name, person.display_name, person.email, *person.name.split())
            for word in filter(None, names):
                assert word not in flat, f"{word!r} appears in the {fmt} report"
    md = outputs["md"]
    assert md.index(first.body) < md.index(second.body)  # in the order they were answered


def test_only_an_answered_question_goes_into_the_report(plenary, member):
    moderator, _ = member("organiser", connect=False)
    asker, _ = member("participant", connect=False)
    question, _new = service.ask(plenary, asker, "Still open")
    with pytest.raises(Conflict):
        service.set_in_report(question, moderator, True)
    assert not question.in_report


def test_a_reopened_question_leaves_the_report(plenary, member):
    moderator, _m, (first, _second), _out = _questions_in_report(plenary, member)
    service.moderate(first, moderator, "reopen")
    db.session.commit()
    (session,) = collect(plenary.event).questioned_sessions
    assert [q.text for q in session.questions] == ["Who chairs next year's meeting?"]
