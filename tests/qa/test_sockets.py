"""Plenary questions over Socket.IO: asking, anonymity, upvotes, pre-moderation, merging,
answering, and what a participant's payloads never hold (an anonymous asker, a voter)."""

from __future__ import annotations

import json

import pytest

from eventhub.extensions import db
from eventhub.qa.models import AudienceQuestion, QuestionVote
from tests.rooms.conftest import emit, received


def join(sock, plenary, **extra):
    ack = emit(sock, "qa_join", {"session": plenary.id, **extra})
    assert ack["ok"], ack
    return ack


def ask(sock, plenary, body="Which mechanisms protect mediators?", **extra):
    payload = {"session": plenary.id, "body": body, "client_id": extra.pop("client_id", body[:60])}
    return emit(sock, "qa_ask", {**payload, **extra})


def questions_at(sock) -> dict[int, dict]:
    """The latest form of each question this socket was sent."""
    latest = {}
    for _name, q in received(sock, "qa_question"):
        latest[q["id"]] = q
    return latest


def test_a_question_asked_reaches_everyone_with_its_asker_named(member, plenary):
    amina, a = member("participant", name="Amina")
    _f, f = member("participant", name="Fatou")
    join(a, plenary), join(f, plenary)
    ack = ask(a, plenary, to="The minister")
    assert ack["ok"] and ack["question"]["state"] == "open"
    q = questions_at(f)[ack["question"]["id"]]
    assert q["body"] == "Which mechanisms protect mediators?"
    assert q["to"] == "The minister" and q["asker"] == {"name": "Amina"} and q["votes"] == 0
    # A resend with the same client id is the same question, not a second one.
    again = ask(a, plenary, to="The minister")
    assert again["ok"] and again["duplicate"] and again["question"]["id"] == q["id"]
    assert db.session.query(AudienceQuestion).count() == 1


def test_an_anonymous_asker_is_known_to_moderators_only(member, plenary):
    amina, a = member("participant", name="Amina Secret", email="amina.secret@example.org")
    _f, f = member("participant")
    _o, o = member("organiser")
    join(a, plenary), join(f, plenary), join(o, plenary)
    ack = ask(a, plenary, anonymous=True)
    qid = ack["question"]["id"]
    assert "Amina" not in json.dumps(received(f))
    assert questions_at(o)[qid]["asker"] == {"id": amina.id, "name": "Amina Secret"}
    # Nor in what a participant reads on joining, nor on the page.
    assert "Amina" not in json.dumps(join(f, plenary))


def test_under_the_chatham_house_rule_every_question_is_anonymous(make_event, member):
    from eventhub.programme.models import Attribution

    event = make_event("ch-event", attribution=Attribution.CHATHAM_HOUSE)
    plenary = next(s for s in event.sessions if s.key == "opening")
    # `member` adds to the conftest event; give these people the Chatham House event instead.
    from eventhub.programme.models import Membership

    a_person, a = member("participant", name="Named Asker")
    f_person, f = member("participant")
    for person in (a_person, f_person):
        db.session.add(Membership(person=person, event=event, role="participant"))
    db.session.commit()
    join(a, plenary), join(f, plenary)
    qid = ask(a, plenary)["question"]["id"]
    assert questions_at(f)[qid]["asker"] is None
    assert "Named Asker" not in json.dumps(join(f, plenary))


def test_upvote_once_per_member_take_it_back_and_nobody_learns_who(member, plenary):
    _a, a = member("participant")
    voter, v = member("participant", name="Voter Name")
    join(a, plenary), join(v, plenary)
    qid = ask(a, plenary)["question"]["id"]
    first = emit(v, "qa_vote", {"question": qid, "up": True})
    second = emit(v, "qa_vote", {"question": qid, "up": True})
    assert first == {"ok": True, "question": qid, "votes": 1, "voted": True}
    assert second["votes"] == 1  # once per member
    counts = [data["votes"] for _n, data in received(a, "qa_votes")]
    assert counts[-1] == {str(qid): 1} or counts[-1] == {qid: 1}
    assert "Voter Name" not in json.dumps(received(a)) and str(voter.id) not in json.dumps(counts)
    back = emit(v, "qa_vote", {"question": qid, "up": False})
    assert back["votes"] == 0
    assert db.session.query(QuestionVote).count() == 0
    assert join(v, plenary)["voted"] == []


def test_pre_moderation_holds_a_question_until_a_moderator_approves_it(member, plenary):
    _a, a = member("participant")
    _f, f = member("participant")
    _o, o = member("organiser")
    join(a, plenary), join(f, plenary), join(o, plenary)
    assert (
        emit(a, "qa_settings", {"session": plenary.id, "premoderated": True})["error"]
        == "forbidden"
    )
    assert emit(o, "qa_settings", {"session": plenary.id, "premoderated": True})["ok"]
    ack = ask(a, plenary)
    qid = ack["question"]["id"]
    assert ack["question"]["state"] == "pending"
    assert qid not in questions_at(f)  # others see nothing yet
    assert questions_at(o)[qid]["state"] == "pending"  # moderators do
    assert [q["id"] for q in join(f, plenary)["questions"]] == []
    assert [q["state"] for q in join(a, plenary)["questions"]] == ["pending"]  # she sees hers wait
    assert emit(f, "qa_vote", {"question": qid, "up": True})["error"] == "conflict"
    assert emit(o, "qa_moderate", {"question": qid, "action": "approve"})["ok"]
    assert questions_at(f)[qid]["state"] == "open"


def test_being_answered_is_one_question_at_a_time_and_answered_after(member, plenary):
    _a, a = member("participant")
    _o, o = member("organiser")
    join(a, plenary), join(o, plenary)
    first = ask(a, plenary, "First question")["question"]["id"]
    second = ask(a, plenary, "Second question")["question"]["id"]
    assert (
        emit(a, "qa_moderate", {"question": first, "action": "answering"})["error"] == "forbidden"
    )
    assert emit(o, "qa_moderate", {"question": first, "action": "answering"})["ok"]
    assert questions_at(a)[first]["state"] == "answering"
    assert emit(o, "qa_moderate", {"question": second, "action": "answering"})["ok"]
    seen = questions_at(a)
    assert seen[second]["state"] == "answering" and seen[first]["state"] == "answered"
    # A stale action is refused, not applied.
    assert emit(o, "qa_moderate", {"question": first, "action": "approve"})["error"] == "conflict"


def test_merging_carries_votes_over_without_counting_anyone_twice(member, plenary):
    _a, a = member("participant")
    voters = [member("participant")[1] for _ in range(3)]
    _o, o = member("organiser")
    for sock in (a, o, *voters):
        join(sock, plenary)
    keep = ask(a, plenary, "How are rosters used?")["question"]["id"]
    dup = ask(a, plenary, "Are rosters used at all?")["question"]["id"]
    emit(voters[0], "qa_vote", {"question": keep, "up": True})
    emit(voters[0], "qa_vote", {"question": dup, "up": True})  # voted both: counts once
    emit(voters[1], "qa_vote", {"question": dup, "up": True})
    emit(voters[2], "qa_vote", {"question": dup, "up": True})
    ack = emit(o, "qa_merge", {"question": dup, "into": keep})
    assert ack["ok"] and ack["into"]["votes"] == 3 and ack["question"]["state"] == "merged"
    seen = questions_at(a)
    assert seen[keep]["votes"] == 3 and seen[dup]["state"] == "merged"
    assert db.session.query(QuestionVote).filter_by(question_id=keep).count() == 3
    assert emit(o, "qa_merge", {"question": keep, "into": keep})["error"] == "invalid"


def test_the_asker_edits_and_withdraws_until_it_is_answered(member, plenary):
    _a, a = member("participant")
    _f, f = member("participant")
    _o, o = member("organiser")
    join(a, plenary), join(f, plenary), join(o, plenary)
    qid = ask(a, plenary, "Typo questoin")["question"]["id"]
    assert emit(f, "qa_edit", {"question": qid, "body": "Hijacked"})["error"] == "forbidden"
    assert emit(a, "qa_edit", {"question": qid, "body": "Typo question"})["question"]["edited"]
    assert questions_at(f)[qid]["body"] == "Typo question"
    emit(o, "qa_moderate", {"question": qid, "action": "answered"})
    assert emit(a, "qa_withdraw", {"question": qid})["error"] == "conflict"
    other = ask(a, plenary, "Never mind")["question"]["id"]
    assert emit(a, "qa_withdraw", {"question": other})["question"]["state"] == "withdrawn"
    assert questions_at(f)[other] == {
        "id": other,
        "session": plenary.id,
        "state": "withdrawn",
        "merged_into": None,
    }


def test_hiding_keeps_the_question_and_tells_its_asker_why(member, plenary):
    _a, a = member("participant")
    _f, f = member("participant")
    _o, o = member("organiser")
    join(a, plenary), join(f, plenary), join(o, plenary)
    qid = ask(a, plenary, "Something hurtful")["question"]["id"]
    assert emit(o, "qa_moderate", {"question": qid, "action": "hide", "reason": "Off topic"})["ok"]
    assert "body" not in questions_at(f)[qid]  # others: only that it left
    mine = questions_at(a)[qid]
    assert mine["state"] == "hidden" and mine["reason"] == "Off topic"
    assert db.session.get(AudienceQuestion, qid).body == "Something hurtful"  # kept
    assert emit(o, "qa_moderate", {"question": qid, "action": "unhide"})["ok"]
    assert questions_at(f)[qid]["state"] == "open"


@pytest.mark.parametrize(
    "payload",
    [
        {"body": ""},
        {"body": "\u200b\u200b"},
        {"body": "nul\x00byte"},
        {"body": "x" * 501},
        {"to": "y" * 121},
        {"anonymous": "yes"},
        {"session": 2**40},
        {"extra": 1},
    ],
)
def test_bad_questions_are_refused_and_change_nothing(member, plenary, payload):
    _a, a = member("participant")
    join(a, plenary)
    data = {"session": plenary.id, "body": "fine", "client_id": "c1", **payload}
    ack = emit(a, "qa_ask", data)
    assert ack["ok"] is False and ack["error"] in ("invalid", "not-found") and ack["message"]
    assert db.session.query(AudienceQuestion).count() == 0


def test_observers_and_strangers_cannot_ask_or_vote(
    member, plenary, make_person, socket_client, app, login
):
    _a, a = member("participant")
    join(a, plenary)
    qid = ask(a, plenary)["question"]["id"]
    _obs, observer = member("observer")
    assert emit(observer, "qa_join", {"session": plenary.id})["error"] == "forbidden"
    assert emit(observer, "qa_vote", {"question": qid, "up": True})["error"] == "forbidden"
    assert (
        emit(observer, "qa_ask", {"session": plenary.id, "body": "x", "client_id": "o"})["error"]
        == "forbidden"
    )


def test_asking_is_rate_limited_apart_from_voting(app, member, plenary):
    app.config["SOCKET_RATE_LIMITS_ENABLED"] = True
    app.config["QA_ASK_RATE"] = "2 per minute"
    _a, a = member("participant")
    join(a, plenary)
    assert ask(a, plenary, "one")["ok"] and ask(a, plenary, "two")["ok"]
    limited = ask(a, plenary, "three")
    assert limited["error"] == "rate-limited"
    qid = join(a, plenary)["questions"][0]["id"]
    assert emit(a, "qa_vote", {"question": qid, "up": True})["ok"]
