"""Programme files: a `bilateral` session's window ([sessions.bilateral]), read, written, checked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eventhub.errors import Invalid
from eventhub.programme.fileexport import export_programme
from eventhub.programme.importer import import_programme
from eventhub.programme.models import Event

HEAD = """\
format = {fmt}

[event]
slug = "vienna-2024"
title = "WIN Together"
timezone = "Europe/Vienna"
languages = ["en"]
starts = 2024-02-26
ends = 2024-02-27

[[sessions]]
key = "bilaterals"
kind = "{kind}"
title = "Bilateral meetings"
starts = 2024-02-26T14:00:00
ends = 2024-02-26T16:00:00
location = "Hofburg"
"""

WINDOW = """
[sessions.bilateral]
slot_minutes = {minutes}
tables = ["Table 1", "Table 2"]
"""


def _file(fmt=2, kind="bilateral", minutes=30, window=True) -> str:
    text = HEAD.format(fmt=fmt, kind=kind)
    return text + (WINDOW.format(minutes=minutes) if window else "")


def _event(db) -> Event:
    return db.session.scalar(select(Event).where(Event.slug == "vienna-2024"))


def test_a_bilateral_window_is_imported_exported_and_imported_again_unchanged(db):
    import_programme(_file())
    db.session.commit()
    window = _event(db).sessions[0].bilateral_window
    assert (window.slot_minutes, window.tables, window.call_url) == (30, ["Table 1", "Table 2"], "")
    assert len(window.slots()) == 4
    exported = export_programme(_event(db))
    assert "[sessions.bilateral]" in exported and "slot_minutes = 30" in exported
    report = import_programme(exported)
    assert not report.changed and not report.added


def test_editing_the_window_in_the_file_updates_it_and_says_so(db):
    import_programme(_file())
    db.session.commit()
    report = import_programme(_file(minutes=20))
    assert any("bilateral" in line for line in report.changed)
    assert _event(db).sessions[0].bilateral_window.slot_minutes == 20


def test_a_file_without_a_window_keeps_the_one_set_in_the_app(db):
    import_programme(_file())
    db.session.commit()
    import_programme(_file(window=False))
    assert _event(db).sessions[0].bilateral_window.tables == ["Table 1", "Table 2"]


@pytest.mark.parametrize(
    ("text", "path"),
    [
        (_file(fmt=1), "sessions[0].bilateral"),
        (_file(kind="plenary"), "sessions[0].bilateral"),
        (_file(minutes=0), "sessions[0].bilateral.slot_minutes"),
        (_file(minutes=180), "sessions[0].bilateral.slot_minutes"),
    ],
    ids=["format-1", "not-bilateral", "zero-minutes", "longer-than-the-session"],
)
def test_a_wrong_window_is_refused_with_its_path(db, text, path):
    with pytest.raises(Invalid) as refused:
        import_programme(text)
    assert any(p.startswith(path) for p in refused.value.problems), refused.value.problems
    assert _event(db) is None
