"""Calendar test helpers: a programme across a clock change, signing in, two independent parsers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import ics
import pytest
import vobject

from eventhub.programme.models import (
    Attribution,
    Event,
    GuidingQuestion,
    Network,
    Session,
    SessionKind,
    WorkingGroup,
)
from tests.conftest import session_id_for


@dataclass(frozen=True)
class Parsed:
    """One VEVENT as an independent parser read it."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str
    status: str
    sequence: int
    url: str
    location: str


def read_with_ics(text: str) -> dict[str, Parsed]:
    calendar = ics.Calendar(text)
    out = {}
    for ev in calendar.events:
        extra = {line.name: line.value for line in ev.extra}
        out[ev.uid] = Parsed(
            uid=ev.uid,
            start=ev.begin.datetime,
            end=ev.end.datetime,
            summary=ev.name or "",
            description=ev.description or "",
            status=(ev.status or "").upper(),
            sequence=int(extra.get("SEQUENCE", 0)),
            url=ev.url or "",
            location=ev.location or "",
        )
    return out


def read_with_vobject(text: str) -> dict[str, Parsed]:
    calendar = vobject.readOne(text)
    out = {}
    for ev in calendar.contents.get("vevent", []):

        def value(name, default="", ev=ev):
            child = ev.contents.get(name)
            return child[0].value if child else default

        out[value("uid")] = Parsed(
            uid=value("uid"),
            start=value("dtstart"),
            end=value("dtend"),
            summary=value("summary"),
            description=value("description"),
            status=value("status"),
            sequence=int(value("sequence", 0)),
            url=value("url"),
            location=value("location"),
        )
    return out


PARSERS = {"ics": read_with_ics, "vobject": read_with_vobject}


@pytest.fixture(params=sorted(PARSERS))
def parse(request):
    """Each test using it runs once per independent parser (`ics`, then `vobject`)."""
    return PARSERS[request.param]


@pytest.fixture
def sign_in(client):
    """Sign `person` in on a test client by its login session (the login form is tested elsewhere)."""

    def do(person, flask_client=None):
        with (flask_client or client).session_transaction() as s:
            s["_user_id"] = session_id_for(person)
            s["_fresh"] = True
        return person

    return do


@pytest.fixture
def dst_event(db):
    """Europe/Rome around the end of summer time (Sunday 2020-10-25, 03:00 CEST -> 02:00 CET).

    Sessions at 10:00 Rome time on the Saturday before (08:00Z) and the Monday after (09:00Z),
    one of each in a working group, plus a public plenary and a cancelled one.
    """

    def make(slug: str = "dst-event") -> Event:
        event = Event(
            slug=slug,
            title="Autumn Meeting",
            host="Host",
            timezone="Europe/Rome",
            languages=["en"],
            starts=date(2020, 10, 20),
            ends=date(2020, 11, 5),
            attribution=Attribution.NAMED,
            audiences=[],
            summary="",
        )
        net = Network(key="net", acronym="NET", name="A Network", region="Everywhere")
        event.networks = [net]
        wg = WorkingGroup(key="wg1", title="Mediation and climate", position=1)
        wg.lead_networks = [net]
        wg.guiding_questions = [
            GuidingQuestion(text="What works, and why?"),
            GuidingQuestion(text="Who is missing?"),
        ]
        event.working_groups = [wg]
        z = UTC
        event.sessions = [
            Session(
                key="opening",
                kind=SessionKind.OPENING,
                title="Opening",
                public=True,
                starts_at=datetime(2020, 10, 24, 8, 0, tzinfo=z),
                ends_at=datetime(2020, 10, 24, 10, 30, tzinfo=z),
                join_url="https://call.example.org/opening",
            ),
            Session(
                key="wg1-before",
                kind=SessionKind.WORKING_GROUP,
                title="WG before",
                working_group=wg,
                starts_at=datetime(2020, 10, 24, 12, 0, tzinfo=z),
                ends_at=datetime(2020, 10, 24, 14, 0, tzinfo=z),
                join_url="https://call.example.org/wg1-before",
            ),
            Session(
                key="wg1-after",
                kind=SessionKind.WORKING_GROUP,
                title="WG after",
                working_group=wg,
                starts_at=datetime(2020, 10, 26, 9, 0, tzinfo=z),
                ends_at=datetime(2020, 10, 26, 11, 0, tzinfo=z),
                join_url="https://call.example.org/wg1-after",
            ),
            Session(
                key="closing",
                kind=SessionKind.CLOSING,
                title="Closing",
                public=True,
                starts_at=datetime(2020, 11, 2, 13, 0, tzinfo=z),
                ends_at=datetime(2020, 11, 2, 15, 0, tzinfo=z) + timedelta(minutes=30),
                join_url="https://call.example.org/closing",
            ),
            Session(
                key="dropped",
                kind=SessionKind.PANEL,
                title="Dropped panel",
                public=True,
                cancelled=True,
                sequence=1,
                starts_at=datetime(2020, 10, 27, 9, 0, tzinfo=z),
                ends_at=datetime(2020, 10, 27, 10, 0, tzinfo=z),
            ),
        ]
        db.session.add(event)
        db.session.commit()
        return event

    return make
