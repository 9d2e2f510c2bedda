"""From the database to the report: what is collected, publishing, and frozen versions."""

import pytest
from sqlalchemy import select

from eventhub.accounts.models import Person
from eventhub.board.models import BoardItem, ItemKind, ItemState
from eventhub.errors import Conflict, Invalid, NotAllowed
from eventhub.programme.models import Attribution
from eventhub.reports import service
from eventhub.reports.build_docx import build_docx
from eventhub.reports.build_html import build_html
from eventhub.reports.build_markdown import build_markdown
from eventhub.reports.build_pdf import build_pdf
from eventhub.reports.collect import collect
from eventhub.reports.data import content_hash

from .helpers import docx_xml, html_text, pdf_raw, pdf_text


@pytest.fixture(autouse=True)
def _request(app):
    """Domain errors translate their message for the viewer, which needs a request."""
    with app.test_request_context():
        yield


def organiser_of(people):
    return people[-1]


def test_report_holds_only_agreed_items_with_their_references_and_questions(report_event):
    event, _people = report_event()
    data = collect(event)
    wg1, wg2 = data.groups
    assert [i.reference for i in wg1.recommendations] == ["WG1-R1", "WG1-R2", "WG1-R3"]
    assert [i.reference for i in wg1.insights] == ["WG1-I1"]
    assert [i.reference for i in wg2.recommendations] == ["WG2-R1"]
    assert [i.question_number for i in wg1.recommendations] == [1, 2, 2]
    assert "A proposal still under discussion." not in str(data)
    assert [n.acronym for n in wg1.lead_networks] == ["NA"]
    assert [q.text for q in wg1.guiding_questions] == ["WG1 question 1", "WG1 question 2"]


def test_participation_counts_members_and_visible_messages_per_group(report_event):
    event, people = report_event()
    figures = collect(event).participation
    by_group = {f.key: (f.members, f.messages) for f in figures.groups}
    assert by_group == {"wg1": (3, 2), "wg2": (2, 0)}  # the hidden message is not counted
    assert figures.members == len(people)
    assert [(n.network.acronym, n.members) for n in figures.networks] == [("NA", 6), ("NB", 0)]


def test_programme_leaves_out_cancelled_sessions_and_a_virtual_event_has_no_place(report_event, db):
    event, _people = report_event()
    event.sessions[0].cancelled = True
    db.session.commit()
    data = collect(event)
    assert event.sessions[0].key not in [s.key for s in data.sessions]
    assert data.places == ()


def _every_format(data, language):
    pdf = build_pdf(data, language)
    return {
        "html": build_html(data, language),
        "md": build_markdown(data, language),
        "docx": docx_xml(build_docx(data, language)),
        "pdf": pdf_text(pdf) + pdf_raw(pdf),
    }


@pytest.mark.parametrize("language", ["en", "ar"])
def test_chatham_house_report_names_no_member_in_any_format(report_event, language):
    event, people = report_event(Attribution.CHATHAM_HOUSE)
    data = collect(event)
    outputs = _every_format(data, language)
    assert "WG1-R1" in outputs["md"]
    for fmt, text in outputs.items():
        for person in people:
            for word in filter(
                None,
                (
                    person.name,
                    person.display_name,
                    person.email,
                    person.email.split("@")[0],
                    *person.name.split(),
                ),
            ):
                assert word not in text, f"{word!r} appears in the {fmt} report"


def test_named_report_credits_facilitators_and_rapporteurs_by_the_name_they_show(report_event):
    event, _people = report_event(Attribution.NAMED, slug="named-event")
    data = collect(event)
    wg1, wg2 = data.groups
    assert wg1.facilitators == ("Quenby X.",)  # her display name, never her real name
    assert wg1.rapporteurs == ("Wilhelmina Ostrander",)
    assert wg2.facilitators == ("Yevgenia Dalrymple",)
    text = html_text(build_html(data, "en"))
    assert "Quenby X." in text and "Wilhelmina Ostrander" in text
    assert "Xiomara" not in text and "@" not in text
    assert "Zuli" not in text  # participants are not credited


def test_only_organisers_see_the_draft_and_publish(report_event):
    event, people = report_event()
    participant = people[3]
    with pytest.raises(NotAllowed):
        service.draft(participant, event)
    with pytest.raises(NotAllowed):
        service.publish(participant, event)
    assert service.draft(organiser_of(people), event).groups


def test_published_version_never_changes_when_the_board_changes(report_event, db):
    event, people = report_event()
    organiser = organiser_of(people)
    first = service.publish(organiser, event)
    db.session.commit()
    frozen_json, frozen_md = first.data, build_markdown(first.report, "en", first.edition)
    assert first.version == 1 and first.content_hash == content_hash(first.report)

    item = db.session.scalar(select(BoardItem).where(BoardItem.text.like("Fund women%")))
    item.text = "Fund women mediators' networks for twenty years."
    db.session.add(
        BoardItem(
            working_group=item.working_group,
            kind=ItemKind.RECOMMENDATION,
            number=9,
            text="A late recommendation.",
            audience="Donors",
            state=ItemState.AGREED,
            position=99,
        )
    )
    db.session.commit()

    again = service.get_version(event, 1)
    assert again.data == frozen_json
    assert build_markdown(again.report, "en", again.edition) == frozen_md
    assert "ten years" in frozen_md and "twenty years" not in frozen_md
    draft = build_markdown(service.draft(organiser, event), "en")
    assert "twenty years" in draft and "WG1-R9" in draft

    second = service.publish(organiser, event)
    assert second.version == 2 and second.content_hash != first.content_hash
    assert [v.version for v in service.versions(event)] == [2, 1]


def test_publishing_an_unchanged_report_is_refused(report_event):
    event, people = report_event()
    service.publish(organiser_of(people), event)
    with pytest.raises(Conflict):
        service.publish(organiser_of(people), event)
    assert len(service.versions(event)) == 1


def test_members_read_the_latest_version_and_the_public_only_a_public_one(report_event, db):
    event, people = report_event()
    organiser, participant = organiser_of(people), people[3]
    assert service.readable_latest(participant, event) is None
    version = service.publish(organiser, event)
    assert service.readable_latest(participant, event) == version
    assert service.readable_latest(None, event) is None
    service.set_public(organiser, version, True)
    assert service.readable_latest(None, event) == version


def test_a_report_cannot_be_made_public_for_an_event_without_public_sessions(report_event, db):
    event, people = report_event()
    for session in event.sessions:
        session.public = False
    version = service.publish(organiser_of(people), event)
    with pytest.raises(Invalid):
        service.set_public(organiser_of(people), version, True)
    assert not version.public


def test_named_report_never_credits_someone_by_her_email(report_event, db, add_member):
    event, _people = report_event(Attribution.NAMED, slug="named-event")
    nameless = Person(email="anonymous.mediator@example.org", name="")
    db.session.add(nameless)
    add_member(nameless, event, "rapporteur", event.working_groups[1])
    data = collect(event)
    assert data.groups[1].rapporteurs == ()
    assert "anonymous.mediator" not in build_markdown(data, "en")
