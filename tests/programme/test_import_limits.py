"""Hostile programme files are refused quickly, naming the limit, never with a traceback (finding 11)."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from eventhub import limits
from eventhub.errors import Invalid
from eventhub.programme.importer import import_programme
from eventhub.programme.models import Event, Session
from tests.programme.test_import import PROGRAMME, edit


@pytest.fixture(autouse=True)
def english(app):
    with force_locale("en"):
        yield


def _refused(text: str) -> Invalid:
    with pytest.raises(Invalid) as caught:
        import_programme(text, source="hostile.toml")
    return caught.value


def _all_text(error: Invalid) -> str:
    return " ".join([error.message, *error.problems])


def test_a_programme_nested_100000_deep_is_refused_naming_the_depth(db):
    text = PROGRAMME + "deep = " + "[" * 100_000 + "]" * 100_000 + "\n"
    error = _refused(text)
    assert f"more than {limits.MAX_DEPTH} levels deep" in error.message
    assert db.session.query(Event).count() == 0


def test_a_programme_nested_just_too_deep_is_refused(db):
    depth = limits.MAX_DEPTH + 1
    text = PROGRAMME + "deep = " + "[" * depth + "]" * depth + "\n"
    assert "levels deep" in _refused(text).message


def test_a_programme_larger_than_the_limit_is_refused_before_reading_it(db):
    text = PROGRAMME + "# " + "x" * limits.PROGRAMME_MAX_BYTES + "\n"
    error = _refused(text)
    assert "bytes" in error.message and f"{limits.PROGRAMME_MAX_BYTES:,}" in error.message


def test_a_list_of_two_million_entries_is_refused_with_one_message(db):
    # Within the byte limit a list can still hold hundreds of thousands of entries: each
    # was one problem, printed on its own line.
    entries = limits.MAX_LIST * 4
    text = edit(
        PROGRAMME, 'languages = ["en", "fr"]', "languages = [" + ",".join(["1"] * entries) + "]"
    )
    error = _refused(text)
    assert f"at most {limits.MAX_LIST:,}" in error.message
    assert len(error.problems) <= limits.MAX_PROBLEMS


def test_more_sessions_than_the_limit_are_refused_naming_it(db):
    most = limits.PROGRAMME_MAX_COUNTS["sessions"]
    session = """
[[sessions]]
key = "s{n}"
kind = "plenary"
title = "S{n}"
starts = 2030-03-01T10:00:00
ends = 2030-03-01T11:00:00
"""
    text = PROGRAMME + "".join(session.format(n=n) for n in range(most + 1))
    error = _refused(text)
    assert any(f"at most {most:,}" in p for p in error.problems), error.problems
    assert db.session.query(Session).count() == 0


@pytest.mark.parametrize("title", ['"""Opening\nday"""', '"Opening\\u0000"', '"Open\\u001b[31m"'])
def test_a_title_with_a_line_break_or_control_character_is_refused(db, title):
    text = edit(PROGRAMME, 'title = "Opening"', f"title = {title}")
    error = _refused(text)
    assert "sessions[0].title" in _all_text(error)
    assert "one line" in _all_text(error)


def test_a_programme_within_the_limits_still_imports(db):
    assert import_programme(PROGRAMME).created
