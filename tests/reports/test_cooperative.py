"""The report page hands the web process's loop back while it collects and renders the report:
on one loop, a page of a thousand items would otherwise hold every live room for 400 ms."""

from __future__ import annotations

import re

import pytest

from eventhub import cooperative
from eventhub.extensions import socketio


@pytest.fixture
def handed_back(monkeypatch):
    """Each time the loop is handed back, the phase of the work it happened in."""
    calls: list[str] = []

    def sleep(_seconds):
        calls.append("render" if "rendering" in phase else "collect")

    phase: list[str] = []
    monkeypatch.setattr(cooperative, "SLICE_SECONDS", 0.0)  # every call is due
    monkeypatch.setattr(socketio.server, "sleep", sleep)
    real = cooperative.render_template_in_slices

    def rendering(*args, **kwargs):
        phase.append("rendering")
        try:
            return real(*args, **kwargs)
        finally:
            phase.clear()

    monkeypatch.setattr("eventhub.reports.views.render_template_in_slices", rendering)
    return calls


def test_the_report_page_hands_the_loop_back_per_item_while_collecting_and_rendering(
    report_event, client, login, handed_back
):
    event, people = report_event()
    login(people[-1])  # the organiser: the draft
    page = client.get("/e/report-event/report")
    assert page.status_code == 200
    assert b"WG1-R1" in page.data and b"WG2-R1" in page.data
    agreed = 5  # wg1: 3 recommendations and an insight; wg2: 1 recommendation
    assert handed_back.count("collect") >= agreed
    assert handed_back.count("render") >= agreed


def test_slices_change_nothing_in_the_page(report_event, client, login, monkeypatch):
    event, people = report_event()
    login(people[-1])
    monkeypatch.setattr(cooperative, "SLICE_SECONDS", 0.0)
    sliced = client.get("/e/report-event/report").data
    monkeypatch.setattr(cooperative, "SLICE_SECONDS", 3600.0)
    whole = client.get("/e/report-event/report").data
    assert _without_csrf_token(sliced) == _without_csrf_token(whole)


def _without_csrf_token(page: bytes) -> bytes:
    return re.sub(rb'name="csrf_token" value="[^"]*"', b"", page)


def test_without_socket_io_set_up_handing_back_is_a_plain_sleep(monkeypatch):
    slept = []
    monkeypatch.setattr(cooperative, "SLICE_SECONDS", 0.0)
    monkeypatch.setattr(socketio, "server", None)
    monkeypatch.setattr(cooperative.time, "sleep", slept.append)
    assert cooperative.hand_back_if_due() is True
    assert slept == [0.0001]
