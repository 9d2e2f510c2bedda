"""`flask calendar SLUG [-o FILE]`."""

from __future__ import annotations

import vobject


def test_cli_writes_every_session_without_call_links(runner, dst_event, tmp_path):
    event = dst_event()
    out = tmp_path / "event.ics"
    result = runner.invoke(args=["calendar", "dst-event", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    calendar = vobject.readOne(text)
    uids = {e.uid.value for e in calendar.vevent_list}
    assert uids == {f"{s.key}.dst-event@eventhub" for s in event.sessions}
    assert "call.example.org" not in text


def test_cli_writes_to_standard_output(runner, dst_event):
    dst_event()
    result = runner.invoke(args=["calendar", "dst-event"])
    assert result.exit_code == 0
    assert "BEGIN:VCALENDAR" in result.output


def test_cli_refuses_unknown_event(runner, dst_event):
    result = runner.invoke(args=["calendar", "nope"])
    assert result.exit_code != 0
    assert "nope" in result.output
