"""`flask import-programme FILE` and `flask export-programme SLUG [-o FILE]`."""

from __future__ import annotations

import tomllib

from sqlalchemy import func, select

from eventhub.programme.models import Event, Session
from tests.conftest import DEMO_PROGRAMME


def count(db, model) -> int:
    db.session.rollback()  # only what the command committed
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_command_prints_the_report_and_commits(runner, db):
    result = runner.invoke(args=["import-programme", str(DEMO_PROGRAMME)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Created event “ga-annual-meeting-2020”.\nAdded:\n")
    assert "  session “closing”: High-Level Closing Event" in result.stdout
    assert count(db, Session) == 7


def test_import_command_prints_what_changed_on_reimport(runner, db, tmp_path):
    runner.invoke(args=["import-programme", str(DEMO_PROGRAMME)])
    edited = tmp_path / "edited.toml"
    text = DEMO_PROGRAMME.read_text(encoding="utf-8")
    edited.write_text(text.replace("High-Level Opening Event", "Opening Event"), encoding="utf-8")
    result = runner.invoke(args=["import-programme", str(edited)])
    assert result.exit_code == 0, result.output
    assert "Changed:\n  session “opening”: title" in result.stdout
    db.session.rollback()
    assert db.session.scalar(select(Session).filter_by(key="opening")).sequence == 1


def test_import_command_lists_every_problem_and_writes_nothing(runner, db, tmp_path):
    bad = tmp_path / "bad.toml"
    text = DEMO_PROGRAMME.read_text(encoding="utf-8")
    text = text.replace('"Europe/Rome"', '"Europe/Roma"').replace(
        'lead = ["nwm"]', 'lead = ["xyz"]'
    )
    bad.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["import-programme", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: 2 problems; nothing was imported." in result.stderr
    assert "  event.timezone: “Europe/Roma” is not a time zone we know" in result.stderr
    assert "  working_groups[1].lead[0]: no network has the key “xyz”" in result.stderr
    assert result.stdout == ""
    assert count(db, Event) == 0


def test_import_command_refuses_a_file_that_is_not_utf8(runner, db, tmp_path):
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(
        DEMO_PROGRAMME.read_text(encoding="utf-8")
        .replace("Opening", "Ouverture é")
        .encode("latin-1")
    )
    result = runner.invoke(args=["import-programme", str(bad)])
    assert result.exit_code == 1
    assert "is not UTF-8 text" in result.stderr
    assert count(db, Event) == 0


def test_export_command_writes_the_programme_to_standard_output(runner, db):
    runner.invoke(args=["import-programme", str(DEMO_PROGRAMME)])
    result = runner.invoke(args=["export-programme", "ga-annual-meeting-2020"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("format = 2\n")
    assert len(tomllib.loads(result.stdout)["sessions"]) == 7


def test_export_command_writes_to_a_file_that_imports_back_without_changes(runner, db, tmp_path):
    runner.invoke(args=["import-programme", str(DEMO_PROGRAMME)])
    out = tmp_path / "export.toml"
    result = runner.invoke(args=["export-programme", "ga-annual-meeting-2020", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("format = 2\n")
    again = runner.invoke(args=["import-programme", str(out)])
    assert again.stdout == "Event “ga-annual-meeting-2020”: no changes.\n"


def test_export_command_refuses_an_unknown_slug(runner, db):
    runner.invoke(args=["import-programme", str(DEMO_PROGRAMME)])
    result = runner.invoke(args=["export-programme", "no-such-event"])
    assert result.exit_code == 1
    assert (
        "No event has the slug “no-such-event”. Events here: ga-annual-meeting-2020."
        in result.stderr
    )
    assert result.stdout == ""
