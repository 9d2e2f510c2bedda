"""The report in the app: who sees what, downloads in every format, publishing from the page."""

import lxml.html
from werkzeug.http import parse_options_header

from eventhub.reports import service
from eventhub.reports.common import MEDIA_TYPES

from .helpers import docx_text, download, html_text


def _people(people):
    return {"organiser": people[-1], "participant": people[3]}


def test_organiser_sees_the_draft_with_each_reference_linked_to_its_board_item(
    report_event, client, login
):
    event, people = report_event()
    login(_people(people)["organiser"])
    response = client.get("/e/report-event/report")
    assert response.status_code == 200
    page = lxml.html.fromstring(response.data)
    assert "Draft" in page.text_content()
    item = page.get_element_by_id("ref-WG1-R1")
    link = item.xpath(".//a[@class='board-link']")[0]
    assert link.get("href").startswith("/e/report-event/groups/wg1/board#item-")
    assert page.xpath("//a[contains(@href, '/report/publish')]")


def test_member_sees_nothing_before_publication_then_the_latest_version(
    report_event, client, login, db
):
    event, people = report_event()
    login(_people(people)["participant"])
    assert client.get("/e/report-event/report").status_code == 404
    assert client.get("/e/report-event/report?version=draft").status_code == 403
    service.publish(_people(people)["organiser"], event)
    db.session.commit()
    response = client.get("/e/report-event/report")
    assert response.status_code == 200
    text = html_text(response.data)
    assert "Version 1, published on" in text and "WG2-R1" in text
    assert b"/report/publish" not in response.data


def test_visitor_is_sent_to_sign_in_until_a_version_is_made_public(report_event, client, db):
    event, people = report_event()
    response = client.get("/e/report-event/report")
    assert response.status_code in (302, 401)
    version = service.publish(_people(people)["organiser"], event)
    with client.application.test_request_context():
        service.set_public(_people(people)["organiser"], version, True)
    db.session.commit()
    response = client.get("/e/report-event/report")
    assert response.status_code == 200
    assert b"WG1-R1" in response.data
    assert b"board#item-" not in response.data  # board links are for members


def test_published_versions_download_in_every_format_and_language(report_event, client, login, db):
    event, people = report_event()
    login(_people(people)["participant"])
    service.publish(_people(people)["organiser"], event)
    db.session.commit()
    for fmt in ("html", "md", "docx", "pdf"):
        response = download(
            client, f"/e/report-event/report/download?format={fmt}&lang=ar&version=1"
        )
        assert response.status_code == 200, fmt
        assert response.content_type == MEDIA_TYPES[fmt]
        disposition, options = parse_options_header(response.headers["Content-Disposition"])
        assert disposition == "attachment"
        assert options["filename"] == f"report-event-report-v1-ar.{fmt}"
    md = download(client, "/e/report-event/report/download?format=md&lang=fr").get_data(
        as_text=True
    )
    assert "WG1-R3" in md
    docx = download(client, "/e/report-event/report/download?format=docx&lang=en").data
    assert "WG2-R1" in docx_text(docx)


def test_bad_download_requests_get_a_clear_message(report_event, client, login):
    event, people = report_event()
    login(_people(people)["organiser"])
    for query in ("format=odt", "lang=de", "version=abc", "version=99"):
        response = client.get(f"/e/report-event/report/download?{query}")
        assert response.status_code in (400, 404), query
        assert b"report" in response.data.lower()


def test_organiser_publishes_from_the_page_and_sees_the_new_version(report_event, client, login):
    event, people = report_event()
    login(_people(people)["organiser"])
    confirm = client.get("/e/report-event/report/publish")
    assert b"There is no executive summary." in confirm.data
    assert b"No summary of the discussion for: WG1, WG2." in confirm.data
    unconfirmed = client.post("/e/report-event/report/publish")
    assert unconfirmed.status_code == 302 and service.latest(event) is None
    response = client.post(
        "/e/report-event/report/publish", data={"confirm": "1"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert b"Version 1 of the report is published." in response.data
    again = client.post(
        "/e/report-event/report/publish", data={"confirm": "1"}, follow_redirects=True
    )
    assert again.status_code == 409
    assert b"Nothing has changed" in again.data


def test_participant_cannot_publish_or_make_a_version_public(report_event, client, login, db):
    event, people = report_event()
    service.publish(_people(people)["organiser"], event)
    db.session.commit()
    login(_people(people)["participant"])
    assert client.post("/e/report-event/report/publish").status_code == 403
    assert (
        client.post("/e/report-event/report/versions/1/public", data={"public": "1"}).status_code
        == 403
    )
    assert not service.get_version(event, 1).public


def test_organiser_makes_a_version_public_from_the_page(report_event, client, login, db):
    event, people = report_event()
    login(_people(people)["organiser"])
    client.post("/e/report-event/report/publish", data={"confirm": "1"})
    response = client.post(
        "/e/report-event/report/versions/1/public", data={"public": "1"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert service.get_version(event, 1).public


def test_arabic_page_reads_right_to_left(report_event, client, login):
    event, people = report_event()
    login(_people(people)["organiser"])
    page = lxml.html.fromstring(client.get("/e/report-event/report?lang=ar").data)
    assert page.get("dir") == "rtl"
    article = page.get_element_by_id("report")
    assert article.get("dir") == "rtl" and article.get("lang") == "ar"


def test_cli_writes_the_draft_or_a_published_version(report_event, runner, tmp_path, db):
    event, people = report_event()
    target = tmp_path / "draft.md"
    result = runner.invoke(
        args=[
            "report",
            "report-event",
            "--format",
            "md",
            "--lang",
            "es",
            "--draft",
            "-o",
            str(target),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "WG1-R2" in target.read_text(encoding="utf-8")
    result = runner.invoke(
        args=["report", "report-event", "--format", "md", "-o", str(tmp_path / "x.md")]
    )
    assert result.exit_code != 0 and "--draft" in result.output
    with runner.app.test_request_context():
        service.publish(people[-1], event)
    db.session.commit()
    target = tmp_path / "v1.docx"
    result = runner.invoke(args=["report", "report-event", "--format", "docx", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "Version 1" in docx_text(target.read_bytes())
