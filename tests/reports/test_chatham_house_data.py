"""Under the Chatham House rule no name reaches the report's stored data or its hash, not only
its rendered files (the renderers would hide names that slipped in; the data must not hold them)."""

from __future__ import annotations

from eventhub.programme.models import Attribution
from eventhub.reports import service
from eventhub.reports.collect import collect
from eventhub.reports.data import canonical_json, content_hash


def _words(person) -> list[str]:
    return [
        w
        for w in (
            person.name,
            person.display_name,
            person.email,
            person.email.split("@")[0],
            *person.name.split(),
        )
        if w
    ]


def test_chatham_house_data_and_published_version_hold_no_name(report_event, db):
    event, people = report_event(Attribution.CHATHAM_HOUSE)
    data = collect(event)
    assert all(g.facilitators == () and g.rapporteurs == () for g in data.groups)
    organiser = next(p for p in people if p.email.startswith("perpetua"))
    published = service.publish(organiser, event)
    db.session.commit()
    for text in (canonical_json(data), published.data):
        for person in people:
            for word in _words(person):
                assert word not in text, f"{word!r} is in the stored report data"


def test_chatham_house_hash_does_not_change_when_only_names_change(report_event, db):
    event, people = report_event(Attribution.CHATHAM_HOUSE)
    before = content_hash(collect(event))
    for person in people:
        person.name, person.display_name = f"Renamed {person.id}", None
    db.session.commit()
    assert content_hash(collect(event)) == before


def test_named_data_does_credit_facilitators_and_rapporteurs(report_event):
    # The counterpart: the test above would pass on a collector that never credits anyone.
    event, _people = report_event(Attribution.NAMED, slug="named-event")
    assert "Quenby X." in canonical_json(collect(event))
