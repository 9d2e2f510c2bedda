"""The plenary questions page without JavaScript, the presenter view, the chair's plain text,
and the batched vote counts."""

from __future__ import annotations

from eventhub.extensions import db
from eventhub.qa import service, votes
from eventhub.qa.models import AudienceQuestion
from tests.rooms.conftest import emit, received


def page_url(event, suffix=""):
    return f"/e/{event.slug}/sessions/opening/qa{suffix}"


def test_asking_and_voting_work_with_plain_forms(event, plenary, member):
    _a, client = member("participant", connect=False)
    page = client.get(page_url(event))
    assert page.status_code == 200 and "Ask a question" in page.get_data(as_text=True)
    sent = client.post(
        page_url(event), data={"body": "What comes after the meeting?", "client_id": "f1"}
    )
    assert sent.status_code == 302
    question = db.session.query(AudienceQuestion).one()
    assert question.body == "What comes after the meeting?"
    voted = client.post(page_url(event, f"/{question.id}"), data={"action": "up"})
    assert voted.status_code == 302
    db.session.refresh(question)
    assert question.votes == 1
    html = client.get(page_url(event)).get_data(as_text=True)
    assert "What comes after the meeting?" in html and 'aria-pressed="true"' in html


def test_a_bad_question_from_the_form_says_why_and_stores_nothing(event, plenary, member):
    _a, client = member("participant", connect=False)
    response = client.post(page_url(event), data={"body": "   "}, follow_redirects=True)
    assert "Write your question first." in response.get_data(as_text=True)
    assert db.session.query(AudienceQuestion).count() == 0
    assert client.post(page_url(event, "/99999"), data={"action": "up"}).status_code == 404


def test_the_page_never_names_an_anonymous_asker_to_participants(event, plenary, member):
    asker, a = member("participant", name="Hidden Asker", connect=False)
    service.ask(plenary, asker, "Anonymous question", anonymous=True)
    db.session.commit()
    _p, participant = member("participant", connect=False)
    html = participant.get(page_url(event)).get_data(as_text=True)
    assert "Anonymous question" in html and "Hidden Asker" not in html
    _o, organiser = member("organiser", connect=False)
    assert "Hidden Asker" in organiser.get(page_url(event)).get_data(as_text=True)


def test_presenter_view_and_top_questions_are_for_moderators_without_names(event, plenary, member):
    asker, _ = member("participant", name="Named Person", connect=False)
    voter, _ = member("participant", connect=False)
    now, _ = service.ask(plenary, asker, "Being answered now")
    top, _ = service.ask(plenary, asker, "Most voted next")
    service.ask(plenary, asker, "Fewer votes")
    service.vote(top, voter, True)
    organiser_person, organiser = member("organiser", connect=False)
    service.moderate(now, organiser_person, "answering")
    db.session.commit()
    _p, participant = member("participant", connect=False)
    assert participant.get(page_url(event, "/presenter")).status_code == 403
    assert participant.get(page_url(event, "/top.txt")).status_code == 403
    html = organiser.get(page_url(event, "/presenter")).get_data(as_text=True)
    assert "Being answered now" in html and "Most voted next" in html
    assert "Named Person" not in html
    text = organiser.get(page_url(event, "/top.txt")).get_data(as_text=True)
    lines = [line for line in text.splitlines() if line[:2] in ("1.", "2.", "3.")]
    assert lines[0].startswith("1. Being answered now") and lines[1].startswith(
        "2. Most voted next (1 vote)"
    )
    assert "Named Person" not in text


def test_vote_counts_are_batched_into_one_broadcast(app, event, plenary, member):
    app.config["QA_VOTE_FLUSH_SECONDS"] = 60  # the background flusher never fires in the test
    _a, a = member("participant")
    voters = [member("participant")[1] for _ in range(3)]
    for sock in (a, *voters):
        emit(sock, "qa_join", {"session": plenary.id})
    qid = emit(a, "qa_ask", {"session": plenary.id, "body": "Q", "client_id": "q"})["question"][
        "id"
    ]
    received(a)
    for sock in voters:
        assert emit(sock, "qa_vote", {"question": qid, "up": True})["votes"] >= 1
    assert received(a, "qa_votes") == []  # nothing yet: waiting for the flush
    with app.app_context():
        assert votes.flush() == 1
    batches = received(a, "qa_votes")
    assert len(batches) == 1 and batches[0][1]["votes"] in ({qid: 3}, {str(qid): 3})
