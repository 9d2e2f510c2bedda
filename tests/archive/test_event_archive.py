"""`flask export-event` and `flask import-event`: an event's archive restores it exactly, on a
Pretoria-like event (Chatham House, Johannesburg, three languages) and a WIN-like one (named,
New York), with messages, moderation, boards, reports and the activity log."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import inspect

from eventhub import create_app
from eventhub.archive import service as archive
from eventhub.board import participation, queries
from eventhub.board import service as board
from eventhub.extensions import db as _db
from eventhub.programme import editing, members
from eventhub.programme.models import Attribution, Event, Role
from eventhub.reports import service as reports
from eventhub.rooms import moderation, posting
from eventhub.rooms.service import room_for_group, room_for_session

EVENTS = {
    "pretoria": ("pretoria-2026", "Africa/Johannesburg", Attribution.CHATHAM_HOUSE),
    "win": ("win-2026", "America/New_York", Attribution.NAMED),
}


def fill(event, make_person, add_member) -> None:
    """People in every role, a discussion with moderation, boards with history, a report."""
    wg1, wg2 = event.working_groups
    slug = event.slug
    org = make_person(f"organiser@{slug}.example", name="Thandeka Mokoena")
    fac = make_person(f"fac@{slug}.example", name="Amina Diallo", display_name="Amina (WG1)")
    rap = make_person(f"rap@{slug}.example", name="Sofía Pérez")
    par = make_person(f"par@{slug}.example", name="فاطمة الزهراء", display_name="Fatima Z.")
    rude = make_person(f"rude@{slug}.example", name="Rude Person")
    add_member(org, event, Role.ORGANISER)
    add_member(fac, event, Role.FACILITATOR, wg1)
    add_member(rap, event, Role.RAPPORTEUR, wg1)
    for person in (par, rude):
        add_member(person, event, Role.PARTICIPANT, wg1)
    add_member(par, event, Role.PARTICIPANT, wg2)
    room = room_for_group(wg1)
    qa = room_for_session(next(s for s in event.sessions if s.key == "opening"))
    _db.session.flush()
    q1 = wg1.guiding_questions[0]
    first = posting.post_message(room.id, fac.id, "Bienvenue à toutes.", "c1", question_id=q1.id)
    second = posting.post_message(
        room.id, par.id, "نحتاج إلى تمويل طويل الأمد.", "c2", reply_to_id=first.id
    )
    bad = posting.post_message(room.id, rude.id, "Something hateful", "c3")
    posting.post_message(qa.id, par.id, "A question for the panel?", "q1")
    _db.session.flush()
    messages = {m.id: m for m in _db.session.scalars(_db.select(posting.Message))}
    moderation.hide(messages[bad.id], fac, "insult")
    report = moderation.report(messages[bad.id], par, "threatening")
    moderation.dismiss_report(room, report.id, fac)
    moderation.mute(room, rude, 30, fac, "cool down")
    moderation.unmute(room, rude, fac)
    moderation.remove(room, rude, fac, "harassment")
    moderation.readmit(room, rude, org)
    moderation.remove(room, rude, fac)
    room.floor_person = par
    item = board.add_item(
        fac,
        wg1,
        kind="recommendation",
        text="Fund networks for ten years.",
        audience="Donors",
        guiding_question_id=q1.id,
        source_message_ids=[second.id],
    )
    dup = board.add_item(
        rap, wg1, kind="recommendation", text="Long-term funding.", audience="Donors"
    )
    insight = board.add_item(
        fac, wg1, kind="insight", text="Rosters exist but are rarely used.", audience=None
    )
    board.edit_item(
        rap, insight, version=1, text="Rosters exist; they are rarely used.", audience=None
    )
    board.merge_item(fac, dup, item, version=1)
    participation.endorse(par, item)
    comment = participation.add_comment(rude, item, "Spam comment")
    participation.hide_comment(fac, comment)
    participation.add_comment(par, item, "Très bien, مع الشكر")
    board.change_state(fac, item, "agreed", version=item.version)
    board.set_frozen(org, wg1, True)
    members.invite(event, f"invited@{slug}.example", Role.PARTICIPANT, wg2, invited_by=org)
    opening = next(s for s in event.sessions if s.key == "opening")
    editing.cancel_session(opening, by=org)
    reports.publish(org, event)
    _db.session.commit()


@pytest.fixture
def filled_event(make_event, make_person, add_member):
    def make(kind: str) -> Event:
        slug, zone, attribution = EVENTS[kind]
        event = make_event(slug, timezone=zone, attribution=attribution)
        event.languages = ["en", "fr", "ar"]
        fill(event, make_person, add_member)
        return event

    return make


@pytest.fixture
def empty_instance(tmp_path):
    """A second EventHub with its own empty database; `with empty_instance() as app:`."""
    from contextlib import contextmanager

    @contextmanager
    def open_instance():
        other = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'other.sqlite'}")
        with other.app_context():
            _db.create_all()
            yield other
            _db.session.remove()
            _db.engine.dispose()

    return open_instance


@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_export_import_into_an_empty_instance_and_export_again_gives_the_same_archive(
    app, runner, tmp_path, filled_event, empty_instance, kind
):
    event = filled_event(kind)
    first = tmp_path / "first.json"
    result = runner.invoke(args=["export-event", event.slug, "-o", str(first)])
    assert result.exit_code == 0, result.output
    data = json.loads(first.read_bytes())
    assert len(data["message"]) == 4 and len(data["activity_entry"]) >= 13
    assert {m["hidden_at"] is not None for m in data["message"]} == {True, False}
    assert any(r["readmitted_at"] for r in data["room_removal"])
    with empty_instance() as other:
        result = other.test_cli_runner().invoke(args=["import-event", str(first)])
        assert result.exit_code == 0, result.output
        second = tmp_path / "second.json"
        result = other.test_cli_runner().invoke(
            args=["export-event", event.slug, "-o", str(second)]
        )
        assert result.exit_code == 0, result.output
    assert second.read_bytes() == first.read_bytes()


def test_the_restored_event_works_as_the_original(app, filled_event, empty_instance, tmp_path):
    event = filled_event("pretoria")
    body = archive.to_json(archive.export_event(event))
    with empty_instance() as other:
        restored = archive.import_event(json.loads(body))
        _db.session.commit()
        client = other.test_client()
        wg1 = restored.working_groups[0]
        items = queries.group_items(wg1)
        assert [i.reference for i in items if i.state == "agreed"] == ["WG1-R1"]
        assert queries.is_frozen(wg1)
        assert reports.latest(restored).version == 1
        assert client.get(f"/e/{restored.slug}/report").status_code in (200, 302)


def test_an_archive_holds_no_password_or_token(app, filled_event):
    event = filled_event("win")
    text = archive.to_json(archive.export_event(event)).decode()
    assert "pbkdf2" not in text and "scrypt" not in text and "token" not in text


def test_importing_over_an_existing_event_is_refused_and_writes_nothing(
    app, runner, tmp_path, filled_event, db
):
    event = filled_event("win")
    path = tmp_path / "a.json"
    runner.invoke(args=["export-event", event.slug, "-o", str(path)])
    before = db.session.scalar(db.select(db.func.count()).select_from(Event))
    result = runner.invoke(args=["import-event", str(path)])
    assert result.exit_code != 0 and "already exists" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Event)) == before
    path.write_text('{"format": "something else"}')
    result = runner.invoke(args=["import-event", str(path)])
    assert result.exit_code != 0 and "not an EventHub event archive" in result.output


def test_every_table_of_an_event_is_archived_or_said_not_to_be(app, db):
    """A new table that refers to an event's rows must join the archive (or say why not)."""
    covered = set(archive.TABLES) | archive.NOT_ARCHIVED
    missing = []
    for name, table in db.metadata.tables.items():
        targets = {fk.column.table.name for fk in table.foreign_keys} - {"person"}
        if name not in covered and targets & covered:
            missing.append(name)
    assert not missing, f"tables of an event missing from archive.TABLES: {missing}"
    assert set(archive.TABLES) <= set(inspect(db.engine).get_table_names())
