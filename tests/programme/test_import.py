"""Importing programme files: every problem refused with its path, and re-imports updating in place."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from eventhub.errors import Invalid
from eventhub.extensions import db as _db
from eventhub.programme.importer import import_programme
from eventhub.programme.models import (
    Event,
    GuidingQuestion,
    Network,
    Recording,
    Session,
    WorkingGroup,
)
from tests.conftest import DEMO_PROGRAMME

PROGRAMME = """\
format = 1

[event]
slug = "spring-meeting"
title = "Spring Meeting"
timezone = "Europe/Rome"
languages = ["en", "fr"]
starts = 2030-03-01
ends = 2030-03-05

[[networks]]
key = "net-a"
name = "Network A"

[[networks]]
key = "net-b"
name = "Network B"

[[sessions]]
key = "opening"
kind = "opening"
title = "Opening"
starts = 2030-03-01T10:00:00
ends = 2030-03-01T12:00:00

[[sessions]]
key = "wg1-meeting"
kind = "working-group"
working_group = "wg1"
title = "WG1 meeting"
starts = 2030-03-02T10:00:00
ends = 2030-03-02T12:00:00

[[working_groups]]
key = "wg1"
title = "Working group 1"
lead = ["net-a"]
guiding_questions = ["First question?", "Second question?"]
"""


def edit(text: str, old: str, new: str) -> str:
    """The text with `old` (which must be there, once) replaced by `new`."""
    assert text.count(old) == 1, f"{old!r} is not in the programme exactly once"
    return text.replace(old, new)


@pytest.fixture(autouse=True)
def english(app):
    with force_locale("en"):
        yield


def counts() -> tuple[int, ...]:
    return tuple(
        _db.session.scalar(select(func.count()).select_from(model))
        for model in (Event, Network, WorkingGroup, GuidingQuestion, Session, Recording)
    )


def refused(text: str) -> list[str]:
    """The problems an import reports; asserts that nothing was written."""
    before = counts()
    with pytest.raises(Invalid) as caught:
        import_programme(text, source="test.toml")
    assert counts() == before
    assert caught.value.problems
    return caught.value.problems


def has(problems: list[str], start: str) -> bool:
    return any(p.startswith(start) for p in problems)


def session(key: str) -> Session:
    return _db.session.scalar(select(Session).filter_by(key=key))


# --- Every kind of problem, refused with its path; nothing written ------------------------------


def test_import_refuses_unknown_time_zone(db):
    problems = refused(edit(PROGRAMME, '"Europe/Rome"', '"Europe/Roma"'))
    assert has(problems, "event.timezone: “Europe/Roma” is not a time zone we know")
    assert "Europe/Rome" in problems[0]  # suggests the likely one


def test_import_refuses_control_characters_in_titles(db):
    """A title is one line: e-mail subjects and calendar entries break on a line break."""
    text = edit(PROGRAMME, 'title = "Working group 1"', 'title = "Working group 1\\nand more"')
    text = edit(text, 'title = "Opening"', 'title = "Open\\u0000ing"')
    problems = refused(text)
    assert has(
        problems,
        "working_groups[0].title: line breaks and other control characters are not allowed",
    )
    assert has(
        problems, "sessions[0].title: line breaks and other control characters are not allowed"
    )


def test_import_refuses_session_ending_before_it_starts(db):
    problems = refused(edit(PROGRAMME, "ends = 2030-03-02T12:00:00", "ends = 2030-03-02T09:00:00"))
    assert problems == [
        "sessions[1].ends: ends before it starts (2030-03-02T10:00:00); check the date and the time"
    ]


def test_import_refuses_session_ending_when_it_starts(db):
    problems = refused(edit(PROGRAMME, "ends = 2030-03-01T12:00:00", "ends = 2030-03-01T10:00:00"))
    assert has(problems, "sessions[0].ends: ends at the moment it starts")


def test_import_refuses_event_ending_before_it_starts(db):
    problems = refused(edit(PROGRAMME, "ends = 2030-03-05", "ends = 2030-02-25"))
    assert has(problems, "event.ends: ends before it starts (2030-03-01)")


def test_import_refuses_lead_naming_unknown_network(db):
    problems = refused(edit(PROGRAMME, 'lead = ["net-a"]', 'lead = ["net-a", "net-z"]'))
    assert has(problems, "working_groups[0].lead[1]: no network has the key “net-z”")


def test_import_refuses_session_naming_unknown_working_group(db):
    problems = refused(edit(PROGRAMME, 'working_group = "wg1"', 'working_group = "wg9"'))
    assert has(problems, "sessions[1].working_group: no working group has the key “wg9”")


def test_import_refuses_working_group_on_a_session_of_another_kind(db):
    text = edit(PROGRAMME, 'kind = "opening"', 'kind = "opening"\nworking_group = "wg1"')
    problems = refused(text)
    assert has(problems, "sessions[0].working_group: only sessions of kind “working-group”")


def test_import_refuses_working_group_session_without_its_group(db):
    problems = refused(edit(PROGRAMME, 'working_group = "wg1"\n', ""))
    assert has(problems, "sessions[1].working_group: missing")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'key = "net-b"',
            'key = "net-a"',
            "networks[1].key: “net-a” is already the key of networks[0]",
        ),
        (
            'key = "wg1-meeting"',
            'key = "opening"',
            "sessions[1].key: “opening” is already the key of sessions[0]",
        ),
        (
            'guiding_questions = ["First question?", "Second question?"]\n',
            'guiding_questions = []\n\n[[working_groups]]\nkey = "wg1"\ntitle = "Again"\n',
            "working_groups[1].key: “wg1” is already the key of working_groups[0]",
        ),
    ],
    ids=["networks", "sessions", "working_groups"],
)
def test_import_refuses_duplicate_key(db, old, new, expected):
    assert has(refused(edit(PROGRAMME, old, new)), expected)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("format = 1\n", "format = 1\ncolour = 'red'\n", "colour: unknown field “colour”"),
        (
            'title = "Spring Meeting"',
            'title = "Spring Meeting"\ntitel = "x"',
            "event.titel: unknown field “titel”; did you mean “title”?",
        ),
        (
            'name = "Network B"',
            'name = "Network B"\nwebsite = "x"',
            "networks[1].website: unknown field “website”",
        ),
        (
            'title = "Opening"',
            'title = "Opening"\nroom = "A"',
            "sessions[0].room: unknown field “room”",
        ),
        (
            'title = "Opening"',
            'title = "Opening"\nrecordings = [{language = "en", url = "https://r.example.org/1", size = 3}]',
            "sessions[0].recordings[0].size: unknown field “size”",
        ),
        (
            'title = "Working group 1"',
            'title = "Working group 1"\nleads = ["net-a"]',
            "working_groups[0].leads: unknown field “leads”; did you mean “lead”?",
        ),
    ],
    ids=["top", "event", "network", "session", "recording", "working_group"],
)
def test_import_refuses_unknown_field(db, old, new, expected):
    assert has(refused(edit(PROGRAMME, old, new)), expected)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'title = "Opening"',
            "title = 3",
            "sessions[0].title: expected text in quotes, found a number (3)",
        ),
        (
            'title = "Opening"',
            'title = "Opening"\npublic = "yes"',
            "sessions[0].public: expected true or false",
        ),
        ("starts = 2030-03-01\n", 'starts = "2030-03-01"\n', "event.starts: expected a date"),
        ('languages = ["en", "fr"]', 'languages = "en"', "event.languages: expected a list"),
        (
            'guiding_questions = ["First question?", "Second question?"]',
            'guiding_questions = ["First?", 2]',
            "working_groups[0].guiding_questions[1]: expected text",
        ),
        ("format = 1", 'format = "1"', "format: expected the number 2"),
        (
            '"Europe/Rome"\nlanguages',
            '"Europe/Rome"\nattribution = 1\nlanguages',
            "event.attribution: expected text in quotes",
        ),
    ],
    ids=["text", "boolean", "date-as-text", "list", "list-item", "format", "choice"],
)
def test_import_refuses_wrong_type(db, old, new, expected):
    assert has(refused(edit(PROGRAMME, old, new)), expected)


def test_import_refuses_networks_that_are_not_tables(db):
    text = PROGRAMME.replace('[[networks]]\nkey = "net-a"\nname = "Network A"\n\n', "")
    text = edit(text, '[[networks]]\nkey = "net-b"\nname = "Network B"\n\n', "")
    assert has(
        refused(edit(text, "format = 1\n", 'format = 1\nnetworks = "net-a"\n')),
        "networks: expected [[networks]] tables, found text (“net-a”)",
    )
    assert has(
        refused(edit(text, "format = 1\n", 'format = 1\nnetworks = ["net-a"]\n')),
        "networks[0]: expected a [[networks]] table, found text (“net-a”)",
    )


def test_import_refuses_plain_date_where_a_time_is_needed(db):
    problems = refused(edit(PROGRAMME, "starts = 2030-03-01T10:00:00", "starts = 2030-03-01"))
    assert has(problems, "sessions[0].starts: 2030-03-01 is a date without a time")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("format = 1\n", "", "format: write format = 2"),
        ('slug = "spring-meeting"\n', "", "event.slug: missing"),
        ('title = "Opening"\n', "", "sessions[0].title: missing"),
        ('name = "Network A"\n', "", "networks[0].name: missing"),
        ("starts = 2030-03-02T10:00:00\n", "", "sessions[1].starts: missing"),
        ('title = "Working group 1"\n', "", "working_groups[0].title: missing"),
    ],
    ids=["format", "event-slug", "session-title", "network-name", "session-starts", "group-title"],
)
def test_import_refuses_missing_required_field(db, old, new, expected):
    assert has(refused(edit(PROGRAMME, old, new)), expected)


def test_import_refuses_missing_event_table(db):
    text = PROGRAMME.split("[event]")[0] + "[[networks]]" + PROGRAMME.split("[[networks]]", 1)[1]
    assert has(refused(text), "event: missing")


def test_import_refuses_other_format_version(db):
    assert has(
        refused(edit(PROGRAMME, "format = 1", "format = 3")), "format: this file says format 3"
    )


def test_import_refuses_unknown_session_kind(db):
    problems = refused(edit(PROGRAMME, 'kind = "opening"', 'kind = "speech"'))
    assert has(
        problems, "sessions[0].kind: “speech” is not one we know; use one of: opening, closing"
    )


def test_import_refuses_unknown_attribution(db):
    text = edit(
        PROGRAMME, 'languages = ["en", "fr"]', 'languages = ["en", "fr"]\nattribution = "anonymous"'
    )
    assert has(
        refused(text),
        "event.attribution: “anonymous” is not one we know; use one of: chatham-house, named",
    )


def test_import_refuses_unknown_language_code(db):
    problems = refused(edit(PROGRAMME, 'languages = ["en", "fr"]', 'languages = ["en", "xx"]'))
    assert has(problems, "event.languages[1]: “xx” is not a language code we know")


def test_import_refuses_recording_in_a_language_the_event_lacks(db):
    text = edit(
        PROGRAMME,
        'title = "Opening"',
        'title = "Opening"\nrecordings = [{language = "ar", url = "https://r.example.org/ar"}]',
    )
    assert has(
        refused(text),
        "sessions[0].recordings[0].language: “ar” is not one of the event's languages",
    )


def test_import_refuses_join_url_that_is_not_a_web_address(db):
    text = edit(
        PROGRAMME, 'title = "Opening"', 'title = "Opening"\njoin_url = "ftp://call.example.org/x"'
    )
    assert has(
        refused(text), "sessions[0].join_url: “ftp://call.example.org/x” is not a web address"
    )


def test_import_refuses_recording_url_that_is_not_a_web_address(db):
    text = edit(
        PROGRAMME,
        'title = "Opening"',
        'title = "Opening"\n\n[[sessions.recordings]]\nlanguage = "en"\nurl = "javascript:alert(1)"',
    )
    assert has(
        refused(text), "sessions[0].recordings[0].url: “javascript:alert(1)” is not a web address"
    )


def test_import_refuses_toml_syntax_error_with_line_and_column(db):
    problems = refused(edit(PROGRAMME, 'title = "Opening"', 'title = "Opening'))
    assert len(problems) == 1
    assert problems[0].startswith("line 22, column 17: ")
    assert "not valid TOML" in problems[0]


def test_import_reports_every_problem_together_in_file_order(db):
    text = edit(PROGRAMME, '"Europe/Rome"', '"Mars/Olympus"')
    text = edit(text, "ends = 2030-03-01T12:00:00", "ends = 2030-03-01T09:00:00+00:00")
    text = edit(text, 'lead = ["net-a"]', 'lead = ["net-q"]')
    text = edit(text, 'name = "Network B"', "name = 7")
    with pytest.raises(Invalid) as caught:
        import_programme(text, source="test.toml")
    paths = [p.split(":")[0] for p in caught.value.problems]
    assert paths == ["event.timezone", "networks[1].name", "working_groups[0].lead[0]"]
    assert caught.value.message == "test.toml: 3 problems; nothing was imported."
    # The session's explicit offset is read without the (unknown) zone; its own problem is found too.
    text = edit(text, "ends = 2030-03-01T09:00:00+00:00", "ends = 2030-03-01T08:00:00+00:00")
    text = edit(text, "starts = 2030-03-01T10:00:00", "starts = 2030-03-01T10:00:00+01:00")
    problems = refused(text)
    assert [p.split(":")[0] for p in problems] == [
        "event.timezone",
        "networks[1].name",
        "sessions[0].ends",
        "working_groups[0].lead[0]",
    ]


def test_import_with_unknown_zone_still_checks_the_order_of_local_times(db):
    text = edit(PROGRAMME, '"Europe/Rome"', '"Europe/Roma"')
    text = edit(text, "ends = 2030-03-02T12:00:00", "ends = 2030-03-02T09:00:00")
    problems = refused(text)
    assert [p.split(":")[0] for p in problems] == ["event.timezone", "sessions[1].ends"]


def test_invalid_reimport_leaves_the_event_as_it_was(db):
    import_programme(PROGRAMME)
    db.session.commit()
    problems = refused(
        edit(edit(PROGRAMME, 'title = "Opening"', 'title = "Renamed"'), '"net-a"]', '"nope"]')
    )
    assert has(problems, "working_groups[0].lead[0]")
    db.session.rollback()
    assert session("opening").title == "Opening"


# --- The demo programme ------------------------------------------------------------------------


def test_importing_the_demo_gives_its_sessions_groups_networks_and_questions(db):
    report = import_programme(DEMO_PROGRAMME.read_text(encoding="utf-8"))
    db.session.commit()
    assert report.created
    assert counts()[:5] == (1, 5, 5, 14, 7)
    event = db.session.scalar(select(Event))
    assert event.slug == "ga-annual-meeting-2020" and event.chatham_house
    assert [wg.key for wg in event.working_groups] == ["wg1", "wg2", "wg3", "wg4", "wg5"]
    assert [wg.position for wg in event.working_groups] == [1, 2, 3, 4, 5]
    wg5 = event.working_groups[4]
    assert [n.key for n in wg5.lead_networks] == ["awmn", "wmc"]
    assert [q.position for q in wg5.guiding_questions] == [1, 2, 3]
    # 14:00 in Rome on 8 October 2020 (summer time, UTC+2).
    assert session("opening").starts_at == datetime(2020, 10, 8, 12, 0, tzinfo=UTC)
    assert session("wg3-meeting").working_group.key == "wg3"


def test_importing_the_demo_twice_changes_nothing(db):
    text = DEMO_PROGRAMME.read_text(encoding="utf-8")
    import_programme(text)
    db.session.commit()
    report = import_programme(text)
    assert not report.has_changes
    assert (report.added, report.changed, report.cancelled, report.kept) == ([], [], [], [])
    assert str(report) == "Event “ga-annual-meeting-2020”: no changes."
    assert {s.sequence for s in db.session.scalars(select(Session))} == {0}


# --- Re-importing an edited file ---------------------------------------------------------------


@pytest.fixture
def imported(db):
    import_programme(PROGRAMME)
    db.session.commit()
    return PROGRAMME


def test_reimport_reports_changed_session_fields_and_bumps_its_sequence(imported, db):
    before = session("opening").updated_at
    text = edit(imported, 'title = "Opening"', 'title = "Grand opening"')
    text = edit(text, "starts = 2030-03-01T10:00:00", "starts = 2030-03-01T09:30:00")
    report = import_programme(text)
    db.session.commit()
    assert report.changed == ["session “opening”: title, starts"]
    assert (report.added, report.cancelled) == ([], [])
    opening = session("opening")
    assert (opening.title, opening.sequence) == ("Grand opening", 1)
    assert opening.starts_at == datetime(2030, 3, 1, 8, 30, tzinfo=UTC)
    assert opening.updated_at > before
    assert session("wg1-meeting").sequence == 0
    assert "Changed:\n  session “opening”: title, starts" in str(report)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('title = "Opening"', 'title = "Opening"\ndescription = "Welcome."', "description"),
        ('title = "Opening"', 'title = "Opening"\nlocation = "Room 1"', "location"),
        (
            'title = "Opening"',
            'title = "Opening"\njoin_url = "https://call.example.org/o"',
            "join_url",
        ),
        ('kind = "opening"', 'kind = "plenary"', "kind"),
        ("ends = 2030-03-01T12:00:00", "ends = 2030-03-01T12:30:00", "ends"),
    ],
    ids=["description", "location", "join_url", "kind", "ends"],
)
def test_reimport_bumps_sequence_for_every_calendar_field(imported, db, old, new, field):
    report = import_programme(edit(imported, old, new))
    assert report.changed == [f"session “opening”: {field}"]
    assert session("opening").sequence == 1


def test_reimport_moving_a_session_to_another_group_bumps_its_sequence(imported, db):
    text = edit(imported, 'working_group = "wg1"', 'working_group = "wg2"')
    text += '\n[[working_groups]]\nkey = "wg2"\ntitle = "Working group 2"\n'
    report = import_programme(text)
    assert report.changed == ["session “wg1-meeting”: working_group"]
    assert report.added == ["working group “wg2”: Working group 2"]
    assert session("wg1-meeting").working_group.key == "wg2"
    assert session("wg1-meeting").sequence == 1


def test_reimport_of_changes_calendars_ignore_does_not_bump_sequence(imported, db):
    text = edit(
        imported,
        'title = "Opening"',
        'title = "Opening"\npublic = true\nrecordings = [{language = "en", url = "https://r.example.org/en"}]',
    )
    report = import_programme(text)
    assert report.changed == ["session “opening”: public, recordings"]
    opening = session("opening")
    assert opening.public and [(r.language, r.url) for r in opening.recordings] == [
        ("en", "https://r.example.org/en")
    ]
    assert opening.sequence == 0


def test_reimport_adds_new_sessions(imported, db):
    text = (
        imported
        + '\n[[sessions]]\nkey = "closing"\nkind = "closing"\ntitle = "Closing"\nstarts = 2030-03-05T15:00:00\nends = 2030-03-05T16:00:00\n'
    )
    report = import_programme(text)
    assert report.added == ["session “closing”: Closing"]
    assert (report.changed, report.cancelled) == ([], [])
    assert session("closing").sequence == 0


def test_reimport_cancels_a_session_no_longer_in_the_file_and_keeps_it(imported, db):
    start = imported.index("[[sessions]]")
    end = imported.index("[[sessions]]", start + 1)
    text = imported[:start] + imported[end:]  # without the opening
    report = import_programme(text)
    db.session.commit()
    assert report.cancelled == ["session “opening”: no longer in the file"]
    assert "Cancelled:\n  session “opening”: no longer in the file" in str(report)
    opening = session("opening")
    assert opening is not None and opening.cancelled and opening.sequence == 1
    again = import_programme(text)
    assert not again.has_changes
    assert session("opening").sequence == 1


def test_reimport_reports_a_session_cancelled_in_the_file(imported, db):
    report = import_programme(
        edit(imported, 'title = "Opening"', 'title = "Opening"\ncancelled = true')
    )
    assert report.cancelled == ["session “opening”: cancelled in the file"]
    assert report.changed == []
    assert session("opening").cancelled and session("opening").sequence == 1


def test_reimport_keeps_networks_and_groups_no_longer_in_the_file(imported, db):
    text = imported.replace('[[networks]]\nkey = "net-b"\nname = "Network B"\n\n', "")
    text = text.split("[[working_groups]]")[0]
    text = edit(text, 'kind = "working-group"\nworking_group = "wg1"', 'kind = "workshop"')
    report = import_programme(text)
    assert report.kept == ["network “net-b”", "working group “wg1”"]
    assert report.changed == ["session “wg1-meeting”: kind, working_group"]
    assert "Kept, although no longer in the file:\n  network “net-b”" in str(report)
    assert counts()[1:3] == (2, 1)


def test_reimport_updates_working_group_fields_leads_and_order(imported, db):
    text = edit(imported, 'lead = ["net-a"]', 'lead = ["net-a", "net-b"]\nobjectives = "Agree."')
    text = edit(
        text,
        "[[working_groups]]",
        '[[working_groups]]\nkey = "wg0"\ntitle = "First now"\n\n[[working_groups]]',
    )
    report = import_programme(text)
    assert report.added == ["working group “wg0”: First now"]
    assert report.changed == ["working group “wg1”: position, objectives, lead"]
    wg1 = db.session.scalar(select(WorkingGroup).filter_by(key="wg1"))
    assert wg1.position == 2 and wg1.objectives == "Agree."
    assert [n.key for n in wg1.lead_networks] == ["net-a", "net-b"]


def test_reimport_matches_guiding_questions_by_position(imported, db):
    wg1 = db.session.scalar(select(WorkingGroup).filter_by(key="wg1"))
    first_id, second_id = [q.id for q in wg1.guiding_questions]
    text = edit(imported, '"Second question?"]', '"Second question, reworded?", "Third?"]')
    report = import_programme(text)
    db.session.commit()
    assert report.changed == ["working group “wg1”: guiding_questions"]
    questions = db.session.scalar(select(WorkingGroup).filter_by(key="wg1")).guiding_questions
    assert [(q.id, q.position, q.text) for q in questions][:2] == [
        (first_id, 1, "First question?"),
        (second_id, 2, "Second question, reworded?"),
    ]
    assert (questions[2].position, questions[2].text) == (3, "Third?")
    import_programme(edit(imported, ', "Second question?"]', "]"))
    db.session.commit()
    assert [q.text for q in db.session.scalars(select(GuidingQuestion))] == ["First question?"]


def test_reimport_refuses_to_drop_a_guiding_question_a_message_answers(
    imported, db, make_person, add_member
):
    from eventhub.rooms.posting import post_message
    from eventhub.rooms.service import room_for_group

    wg1 = db.session.scalar(select(WorkingGroup).filter_by(key="wg1"))
    second = wg1.guiding_questions[1]
    person = make_person()
    add_member(person, wg1.event, "participant", wg1)
    room = room_for_group(wg1)
    db.session.flush()
    post_message(room.id, person.id, "An answer", "c1", question_id=second.id)
    db.session.commit()

    with pytest.raises(Invalid) as refused:
        import_programme(edit(imported, ', "Second question?"]', "]"))
    db.session.rollback()
    assert refused.value.problems == [
        "working_groups[0].guiding_questions: question 2 (“Second question?”) is missing, but "
        "the group's room or board already uses it; keep it in the file (its wording may change)"
    ]
    assert [q.text for q in db.session.scalars(select(GuidingQuestion))] == [
        "First question?",
        "Second question?",
    ]
    # Rewording it is fine: the message keeps its question.
    import_programme(edit(imported, '"Second question?"]', '"Second, reworded?"]'))
    db.session.commit()
    assert db.session.get(GuidingQuestion, second.id).text == "Second, reworded?"


def test_reimport_reports_changed_event_and_network_fields(imported, db):
    text = edit(
        imported, 'title = "Spring Meeting"', 'title = "Spring Meeting 2030"\nhost = "The Alliance"'
    )
    text = edit(text, 'name = "Network B"', 'name = "Network B"\nregion = "Nordic countries"')
    report = import_programme(text)
    assert report.changed == ["event: title, host", "network “net-b”: region"]
    assert str(report).startswith("Updated event “spring-meeting”.")


def test_reimport_reading_times_in_a_new_event_zone_moves_sessions(imported, db):
    report = import_programme(edit(imported, '"Europe/Rome"', '"Asia/Manila"'))
    assert report.changed[0] == "event: timezone"
    assert "session “opening”: starts, ends" in report.changed
    assert session("opening").starts_at == datetime(2030, 3, 1, 2, 0, tzinfo=UTC)


def test_reimport_keeps_lead_networks_in_the_order_of_the_file(db):
    text = DEMO_PROGRAMME.read_text()
    import_programme(text)
    reordered = edit(text, 'lead = ["awmn", "wmc"]', 'lead = ["wmc", "awmn"]')
    report = import_programme(reordered)
    _db.session.commit()
    _db.session.expire_all()
    wg5 = _db.session.scalar(select(WorkingGroup).where(WorkingGroup.key == "wg5"))
    assert [n.key for n in wg5.lead_networks] == ["wmc", "awmn"]
    assert any("wg5" in line and "lead" in line for line in report.changed)
    assert not import_programme(reordered).has_changes
