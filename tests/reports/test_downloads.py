"""Report files are built by jobs, once: publishing builds every format and language; downloads
serve the stored file with its digest as ETag; nothing is rendered in a request."""

from __future__ import annotations

import hashlib

import lxml.html
import pytest
from flask import has_request_context

from eventhub.reports import formats, service, store
from eventhub.reports.common import LANGUAGES
from eventhub.reports.models import ReportFile

from .helpers import download

V1_PDF = "/e/report-event/report/download?format=pdf&lang=fr&version=1"


@pytest.fixture
def builds(monkeypatch):
    """Every report build, as (format, language, draft?, in a request?)."""
    made = []
    real = formats.build

    def counting(report, fmt, language, edition=None):
        made.append((fmt, language, edition is None or edition.draft, has_request_context()))
        return real(report, fmt, language, edition)

    monkeypatch.setattr(formats, "build", counting)
    return made


def _build_page_and_file(client, url: str) -> tuple[str, str]:
    """The first download of a file: the address of its build's page, and of the file."""
    response = client.get(url)
    assert response.status_code == 303
    build_page = response.headers["Location"]
    page = lxml.html.fromstring(client.get(build_page).data)
    return build_page, page.xpath("//a[@data-build-file]/@href")[0]


def _people(people):
    return {"organiser": people[-1], "participant": people[3], "other": people[4]}


def test_publishing_builds_every_file_once_and_downloads_build_nothing(
    app, report_event, client, login, db, builds
):
    app.config["REPORT_PREBUILD"] = True
    event, people = report_event()
    login(_people(people)["organiser"])
    response = client.post("/e/report-event/report/publish", data={"confirm": "1"})
    assert response.status_code in (302, 303)
    # Every format in every report language, each once, by the jobs (never inside the request).
    assert sorted((f, lang) for f, lang, _draft, _req in builds) == sorted(
        (f, lang) for f in ("html", "md", "docx", "pdf") for lang in LANGUAGES
    )
    assert not any(draft or in_request for _f, _l, draft, in_request in builds)
    stored_files = db.session.scalars(db.select(ReportFile)).all()
    assert len(stored_files) == 4 * len(LANGUAGES)
    assert all(store.exists(f.digest) for f in stored_files)

    builds.clear()
    login(_people(people)["participant"])
    first = client.get(V1_PDF)
    second = client.get(V1_PDF)
    assert builds == []
    assert first.status_code == second.status_code == 200
    assert first.data == second.data and first.data.startswith(b"%PDF")
    digest = hashlib.sha256(first.data).hexdigest()
    assert first.headers["ETag"] == second.headers["ETag"] == f'"{digest}"'
    assert "immutable" in first.headers["Cache-Control"]
    assert "private" in first.headers["Cache-Control"]
    again = client.get(V1_PDF, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert builds == []


def test_a_version_published_before_files_were_stored_is_built_on_first_download_only(
    report_event, client, login, db, builds
):
    event, people = report_event()
    service.publish(_people(people)["organiser"], event)  # REPORT_PREBUILD is off in tests
    db.session.commit()
    assert builds == []
    login(_people(people)["participant"])
    first = download(client, "/e/report-event/report/download?format=md&lang=es&version=1")
    assert first.status_code == 200 and builds == [("md", "es", False, False)]
    second = client.get("/e/report-event/report/download?format=md&lang=es&version=1")
    assert second.status_code == 200 and second.data == first.data
    assert len(builds) == 1


def test_the_draft_is_built_again_only_when_it_changed(report_event, client, login, db, builds):
    event, people = report_event()
    login(_people(people)["organiser"])
    url = "/e/report-event/report/download?format=md&lang=en&version=draft"
    first = download(client, url)
    assert first.status_code == 200 and "Draft" in first.get_data(as_text=True)
    # The same draft: its job (not the request) reads the boards and finds the file stored.
    again = download(client, url)
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert len(builds) == 1
    assert db.session.scalar(db.select(db.func.count(ReportFile.id))) == 1
    event.summary = "A new summary, written after the first download."
    db.session.commit()
    changed = download(client, url)
    assert "A new summary" in changed.get_data(as_text=True)
    assert len(builds) == 2
    assert "no-cache" in changed.headers["Cache-Control"]


def test_a_draft_download_reads_the_boards_in_its_job_never_in_the_request(
    report_event, client, login, monkeypatch
):
    """Collecting a large draft makes tens of thousands of objects: in a request, the garbage
    collector's pause for them would stall every live room of the process."""
    from eventhub.reports import collect, jobs

    collected = []
    real = collect.collect

    def counting(event):
        collected.append(has_request_context())
        return real(event)

    monkeypatch.setattr(jobs, "collect", counting)
    monkeypatch.setattr(service, "collect", counting)
    event, people = report_event()
    login(_people(people)["organiser"])
    for _ in range(2):
        response = download(client, "/e/report-event/report/download?format=html&version=draft")
        assert response.status_code == 200
    assert collected == [False, False]


def test_a_file_lost_from_the_store_is_built_again(report_event, client, login, db, builds):
    event, people = report_event()
    service.publish(_people(people)["organiser"], event)
    db.session.commit()
    login(_people(people)["participant"])
    url = "/e/report-event/report/download?format=html&lang=en&version=1"
    first = download(client, url)
    stored_file = db.session.scalars(db.select(ReportFile)).one()
    store.path_of(stored_file.digest).unlink()
    again = download(client, url)
    assert again.status_code == 200 and again.data == first.data
    assert len(builds) == 2


def test_only_those_who_may_read_a_version_get_its_files(
    report_event, client, login, db, make_person, make_event, add_member
):
    event, people = report_event()
    service.publish(_people(people)["organiser"], event)
    db.session.commit()
    url = "/e/report-event/report/download?format=html&lang=en&version=1"
    # Signed out: a members-only version does not exist, at any of its addresses.
    assert client.get(url).status_code == 404
    login(_people(people)["participant"])
    build_page, file_url = _build_page_and_file(client, url)
    assert client.get(file_url).status_code == 200
    client.post("/logout")
    for address in (url, build_page, file_url, build_page + "/status"):
        assert client.get(address).status_code == 404, address
    # A member of another event: nothing, whatever the address.
    make_event("other-event")
    stranger = make_person("stranger@example.org")
    add_member(
        stranger,
        db.session.scalars(db.select(type(event)).filter_by(slug="other-event")).one(),
        "participant",
    )
    login(stranger)
    for address in (url, build_page, file_url, build_page + "/status"):
        assert client.get(address).status_code == 404, address
    # The same ids under another event's address: not found either.
    other_file = file_url.replace("/e/report-event/", "/e/other-event/")
    assert client.get(other_file).status_code == 404


def test_participants_get_neither_draft_files_nor_their_build_pages(report_event, client, login):
    event, people = report_event()
    login(_people(people)["organiser"])
    url = "/e/report-event/report/download?format=md&lang=en&version=draft"
    build_page, file_url = _build_page_and_file(client, url)
    client.post("/logout")
    login(_people(people)["participant"])
    assert client.get(url).status_code == 403
    assert client.get(build_page).status_code == 403
    assert client.get(file_url).status_code == 403
    assert client.get(build_page + "/status").status_code == 403


def test_a_public_version_is_downloaded_by_anyone(report_event, client, db):
    event, people = report_event()
    organiser = _people(people)["organiser"]
    version = service.publish(organiser, event)
    with client.application.test_request_context():
        service.set_public(organiser, version, True)
    db.session.commit()
    response = download(client, "/e/report-event/report/download?format=md&lang=ar&version=1")
    assert response.status_code == 200 and "WG1-R1" in response.get_data(as_text=True)
