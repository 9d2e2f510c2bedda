"""A draft download on a real queue (SqliteHuey, a real consumer): the request only queues the
build; the page says where it stands, then offers the file. Nothing holds a request open."""

from __future__ import annotations

import uuid

import lxml.html
import pytest

from eventhub import create_app
from eventhub.extensions import db as _db
from eventhub.jobs import Job, JobState, huey
from eventhub.reports.models import ReportFile
from tests.conftest import serve_requests_in_their_own_context
from tests.jobs.helpers import ThreadConsumer, wait_for

DRAFT_MD = "/e/report-event/report/download?format=md&lang=fr&version=draft"


@pytest.fixture
def app(tmp_path):
    """The conftest `app`, with jobs on a real queue instead of the tests' immediate mode."""
    app = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'test.sqlite'}",
        REPORT_FILES_DIR=str(tmp_path / "report-files"),
        JOBS_IMMEDIATE=False,
        JOBS_URL=f"sqlite:///{tmp_path / 'jobs.sqlite'}",
        JOBS_NAME=f"eventhub-test-{uuid.uuid4().hex[:12]}",
    )
    serve_requests_in_their_own_context(app)
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


def test_a_draft_download_queues_a_build_whose_page_shows_progress_then_the_file(
    report_event, client, login
):
    event, people = report_event()
    login(people[-1])  # the organiser
    response = client.get(DRAFT_MD)
    assert response.status_code == 303
    build_page = response.headers["Location"]
    assert huey.pending_count() == 1  # queued, not built

    page = client.get(build_page)
    assert page.status_code == 200
    html = lxml.html.fromstring(page.data)
    assert "queued" in html.xpath("string(//*[@data-build-message])")
    assert html.xpath("string(//h1[@data-build-heading])") == "Preparing your download"
    assert html.xpath("//*[@data-build-ready]/@hidden") == [""]
    assert html.xpath("//noscript/meta[@http-equiv='refresh']")  # asks again without JS
    status = client.get(build_page + "/status").get_json()
    assert status["state"] == "queued" and status["file_url"] is None

    # Asking again while it waits does not queue a second build.
    assert client.get(DRAFT_MD).headers["Location"] == build_page
    assert huey.pending_count() == 1

    job_id = int(build_page.rsplit("/", 1)[1])
    with ThreadConsumer():
        wait_for(job_id, {JobState.DONE})
    status = client.get(build_page + "/status").get_json()
    assert status["state"] == "done" and "ready" in status["message"]
    # The page no longer says it is preparing the file (report-build.js sets the heading).
    assert status["heading"] == "Your download is ready"
    file = client.get(status["file_url"])
    assert file.status_code == 200
    assert "WG1-R1" in file.get_data(as_text=True)
    html = lxml.html.fromstring(client.get(build_page).data)
    assert html.xpath("//a[@data-build-file]/@href") == [status["file_url"]]
    assert html.xpath("string(//h1[@data-build-heading])") == "Your download is ready"
    assert html.xpath("string(//title)").startswith("Your download is ready")
    assert not html.xpath("//noscript/meta")
    # The draft has not changed: the next download's job reads the boards (the request does
    # not), finds the same data and hands out the stored file, building nothing.
    again = client.get(DRAFT_MD)
    assert again.status_code == 303 and again.headers["Location"] != build_page
    with ThreadConsumer():
        wait_for(int(again.headers["Location"].rsplit("/", 1)[1]), {JobState.DONE})
    assert (
        client.get(again.headers["Location"] + "/status").get_json()["file_url"]
        == (status["file_url"])
    )
    assert _db.session.scalar(_db.select(_db.func.count(ReportFile.id))) == 1


def test_a_build_that_fails_says_so_and_offers_to_try_again(
    report_event, client, login, monkeypatch
):
    from eventhub.reports import formats

    def broken(*args, **kwargs):
        raise RuntimeError("Pango is not installed")

    monkeypatch.setattr(formats, "build", broken)
    event, people = report_event()
    login(people[-1])
    build_page = client.get(DRAFT_MD).headers["Location"]
    job_id = int(build_page.rsplit("/", 1)[1])
    with ThreadConsumer():
        failed = wait_for(job_id, {JobState.FAILED}, timeout=60)
    assert failed.error == "RuntimeError: Pango is not installed"
    html = lxml.html.fromstring(client.get(build_page).data)
    assert "could not be built" in html.xpath("string(//*[@data-build-message])")
    assert html.xpath("string(//h1[@data-build-heading])") == "The download could not be prepared"
    again = html.xpath("//*[@data-build-failed]//a/@href")[0]
    assert client.get(again).headers["Location"] != build_page  # a new build


def test_a_draft_build_that_has_started_is_not_handed_to_a_later_download(
    report_event, client, login
):
    """A running build may have read the boards before the latest change: a download asked
    for now gets a build of its own; one still queued is shared (it has read nothing yet)."""
    event, people = report_event()
    login(people[-1])
    first = client.get(DRAFT_MD).headers["Location"]
    assert client.get(DRAFT_MD).headers["Location"] == first  # queued: shared
    job = _db.session.get(Job, int(first.rsplit("/", 1)[1]))
    job.state = JobState.RUNNING
    _db.session.commit()
    second = client.get(DRAFT_MD).headers["Location"]
    assert second != first
    assert huey.pending_count() == 2
