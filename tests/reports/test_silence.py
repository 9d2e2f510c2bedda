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
from eventhub.reports import service, silence
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
