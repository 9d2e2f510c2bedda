"""Adoption by silence procedure, end to end: circulate, one objection, revise, circulate
again, the deadline passes, the version is adopted and published, and the report says so."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from eventhub.board import service as board
from eventhub.board.models import BoardItem
from eventhub.errors import Conflict, NotAllowed
from eventhub.extensions import db as _db
from eventhub.i18n import fmt_datetime
from eventhub.programme.activity import ActivityEntry
from eventhub.reports import service, silence, writing
from eventhub.reports.build_markdown import build_markdown
from eventhub.reports.models import CirculationState
from eventhub.timestamps import utcnow
from tests.reports.helpers import html_text
from tests.reports.test_outcome import pretoria  # noqa: F401  (the fixture)


def in_zone(instant, zone: str) -> str:
    """As the pages write it: through the one date layer (no seconds)."""
    return fmt_datetime(instant, ZoneInfo(zone), "full", locale="en")


def test_silence_procedure_end_to_end(pretoria, client, login, app):  # noqa: F811
    event, organiser, rapporteur, participant = pretoria
    deadline = (utcnow() + timedelta(days=2)).replace(microsecond=0, second=0)
    local = deadline.astimezone(ZoneInfo("Europe/Paris")).replace(tzinfo=None)

    # Round 1: the organiser circulates to the lead networks, in her zone (Paris).
    login(organiser)
    response = client.post(
        "/e/pretoria-2022/report/silence/circulate",
        data={"audience": "leads", "deadline": local.isoformat(), "zone": "Europe/Paris"},
    )
    assert response.status_code == 302
    first = silence.current(event)
    assert first.deadline == deadline and first.round == 1
    # Each reader sees the deadline in her own zone.
    page = client.get("/e/pretoria-2022/report/silence").get_data(as_text=True)
    assert in_zone(deadline, "Europe/Paris") in page
    client.post("/logout")
    login(participant)
    page = client.get("/e/pretoria-2022/report/silence").get_data(as_text=True)
    assert in_zone(deadline, "Asia/Tokyo") in page
    assert in_zone(deadline, "Europe/Paris") not in page

    # One objection, on an item, with a reason.
    response = client.post(
        f"/e/pretoria-2022/report/silence/{first.id}/object",
        data={"reference": "WG1-R1", "reason": "Name the regional bodies that fund it."},
    )
    assert response.status_code == 302
    client.post("/logout")
    # At the deadline, broken silence returns the text with the objection listed.
    assert silence.close(first, now=deadline - timedelta(minutes=1)) == CirculationState.OPEN
    assert silence.close(first, now=deadline) == CirculationState.RETURNED
    _db.session.commit()
    assert service.latest(event) is None
    login(organiser)
    page = html_text(client.get("/e/pretoria-2022/report/silence").get_data(as_text=True))
    assert "Name the regional bodies that fund it." in page
    assert "silence broken: returned to the rapporteurs" in page

    # The rapporteurs revise; the organiser circulates again, to every participant.
    item = _db.session.scalar(select(BoardItem).where(BoardItem.number == 1))
    board.edit_item(
        rapporteur,
        item,
        version=item.version,
        text="Fund rapid-response rosters through the African Union and the regional bodies.",
        audience="Member States",
    )
    _db.session.commit()
    second = silence.circulate(
        organiser, event, audience="participants", deadline=deadline + timedelta(days=3)
    )
    _db.session.commit()
    assert second.round == 2
    diff = client.get("/e/pretoria-2022/report/diff?from=c1&to=c2").get_data(as_text=True)
    assert "through the African Union" in diff and "<ins>" in diff and "<del>" in diff
    client.post("/logout")

    # The lead network approves; an objection at the deadline itself is too late.
    silence.approve(participant, second, now=second.deadline - timedelta(minutes=1))
    with pytest.raises(Conflict):
        silence.break_silence(participant, second, reason="Late.", now=second.deadline)
    # Silence holds: at the deadline the version is adopted and published.
    closed = silence.close_due(now=second.deadline)
    _db.session.commit()
    assert [c.id for c in closed] == [second.id]
    assert second.state == CirculationState.ADOPTED
    published = service.latest(event)
    assert published is not None and published.version == 1
    assert published.content_hash == second.content_hash
    assert published.edition.adoption.method == "silence"
    assert published.edition.adoption.approvals == 1
    text = build_markdown(published.report, "en", published.edition)
    assert "Adopted by silence procedure: circulated to every participant" in text
    assert "through the African Union" in text
    # Closing again changes nothing.
    assert silence.close_due(now=second.deadline + timedelta(days=1)) == []


def test_only_those_it_was_circulated_to_may_break_silence(
    pretoria,  # noqa: F811
    make_person,
    add_member,
):
    event, organiser, _rapporteur, _participant = pretoria
    outsider = make_person("outsider@example.org", name="Someone Else")
    add_member(outsider, event, "participant")  # no lead network
    circulation = silence.circulate(
        organiser, event, audience="leads", deadline=utcnow() + timedelta(days=1)
    )
    with pytest.raises(NotAllowed):
        silence.break_silence(outsider, circulation, reason="No.")
    with pytest.raises(NotAllowed):
        silence.approve(outsider, circulation)
    with pytest.raises(Conflict):
        silence.circulate(organiser, event, audience="leads", deadline=utcnow() + timedelta(days=2))


def _log(event) -> list[tuple]:
    _db.session.expire_all()
    return [
        (e.action, e.actor_id, e.reason, e.details)
        for e in _db.session.scalars(
            select(ActivityEntry)
            .where(ActivityEntry.event_id == event.id)
            .order_by(ActivityEntry.id)
        )
        if e.action.startswith("report.")
    ]


def test_every_step_of_the_silence_procedure_is_on_the_activity_log(
    pretoria,  # noqa: F811
    client,
    login,
):
    event, organiser, rapporteur, participant = pretoria
    now = utcnow().replace(microsecond=0)
    deadline = now + timedelta(days=2)

    # Round 1: circulated, broken on an item and on the whole text, returned at the deadline.
    first = silence.circulate(organiser, event, audience="leads", deadline=deadline, now=now)
    silence.break_silence(participant, first, reason="Name the funders.", reference="WG1-R1")
    silence.break_silence(organiser, first, reason="The summary is too long.")
    assert silence.close(first, now=deadline) == CirculationState.RETURNED
    # Revised, then circulated again, withdrawn; circulated a third time, approved, adopted.
    item = _db.session.scalar(select(BoardItem).where(BoardItem.number == 1))
    board.edit_item(
        rapporteur, item, version=item.version, text="Fund the rosters.", audience="Donors"
    )
    writing.write_part(organiser, event, "executive-summary", "Two rounds were needed.")
    second = silence.circulate(
        organiser, event, audience="participants", deadline=deadline + timedelta(days=1)
    )
    silence.withdraw(organiser, second)
    third = silence.circulate(organiser, event, audience="leads", deadline=deadline)
    silence.approve(participant, third, now=deadline - timedelta(minutes=1))
    assert silence.close(third, now=deadline) == CirculationState.ADOPTED
    _db.session.commit()

    femwise = event.networks[0].key
    assert _log(event) == [
        (
            "report.circulate",
            organiser.id,
            "",
            {"round": 1, "audience": "leads", "deadline": deadline.isoformat()},
        ),
        ("report.object", participant.id, "Name the funders.", {"round": 1, "item": "WG1-R1"}),
        ("report.object", organiser.id, "The summary is too long.", {"round": 1}),
        ("report.return", None, "", {"round": 1, "objections": 2}),
        (
            "report.revise",
            organiser.id,
            "",
            {"round": 2, "previous_round": 1, "revised": ["WG1-R1", "executive_summary"]},
        ),
        (
            "report.circulate",
            organiser.id,
            "",
            {
                "round": 2,
                "audience": "participants",
                "deadline": (deadline + timedelta(days=1)).isoformat(),
            },
        ),
        ("report.withdraw", organiser.id, "", {"round": 2}),
        (
            "report.circulate",
            organiser.id,
            "",
            {"round": 3, "audience": "leads", "deadline": deadline.isoformat()},
        ),
        ("report.approve", participant.id, "", {"round": 3, "network": femwise}),
        ("report.adopt", None, "", {"round": 3, "approvals": 1}),
        ("report.publish", None, "", {"version": 1}),
    ]

    # The organisers read it, EventHub named where no person acted.
    login(organiser)
    page = html_text(client.get("/e/pretoria-2022/activity").get_data(as_text=True))
    for sentence in (
        "broke silence on WG1-R1 (round 1).",
        "broke silence on the whole text (round 1).",
        "EventHub returned the text of round 1 to the rapporteurs at its deadline: silence was "
        "broken by 2 objections.",
        "circulated a revised text (round 2); changed since round 1: WG1-R1 and the executive "
        "summary.",
        "circulated the draft report to every participant for adoption by silence (round 2)",
        "withdrew the circulated text (round 2); nothing was adopted.",
        "approved the circulated text for FemWise-Africa (round 3).",
        "EventHub adopted the text of round 3 at its deadline: silence held.",
        "EventHub published version 1 of the report.",
    ):
        assert sentence in page, sentence
