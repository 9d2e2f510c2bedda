"""A failed build says why in the reader's language; the exception's own text is technical
detail, labelled, and only for the event's organisers."""

from __future__ import annotations

import lxml.html

from eventhub.jobs import Job, JobReason, JobState
from eventhub.reports import service
from eventhub.reports.builds import Wanted


def _failed_build(db, event, version, *, reason, values=None, detail=None, state=JobState.FAILED):
    job = Job(name="eventhub.reports.jobs.build_file", state=state, attempts=2)
    job.subject = Wanted(event.id, version, "0" * 64, "pdf", "en").subject
    job.set_error(reason, values, detail=detail)
    db.session.add(job)
    db.session.commit()
    return f"/e/{event.slug}/report/builds/{job.id}"


def _page(client, url):
    return lxml.html.fromstring(client.get(url).get_data(as_text=True))


def test_a_failed_draft_build_says_why_in_arabic_with_the_detail_labelled(
    report_event, client, login, db
):
    event, people = report_event()
    organiser = people[-1]
    organiser.language = "ar"
    url = _failed_build(
        db, event, None, reason=JobReason.UNEXPECTED, detail="RuntimeError: Pango is not installed"
    )
    login(organiser)
    page = _page(client, url)
    assert page.xpath("string(//*[@data-build-reason])") == "أوقفه خطأ غير متوقَّع على الخادم."
    assert page.xpath("string(//details/summary)") == "تفاصيل تقنية، للمطوّرين"
    assert "Pango is not installed" in page.xpath("string(//details)")
    status = client.get(f"{url}/status").get_json()
    assert status["state"] == "failed" and status["reason"] == "أوقفه خطأ غير متوقَّع على الخادم."
    assert "Pango" not in str(status)  # the script shows the reason, never the exception


def test_a_stuck_build_of_a_published_version_reads_in_french_without_the_detail(
    report_event, client, login, db
):
    event, people = report_event()
    service.publish(people[-1], event)
    reader = people[3]  # a participant: she may read the version, not the server's errors
    reader.language = "fr"
    url = _failed_build(
        db, event, 1, reason=JobReason.STUCK_FAILED, values={"minutes": 30}, detail="secret"
    )
    login(reader)
    page = _page(client, url)
    reason = page.xpath("string(//*[@data-build-reason])")
    assert reason.startswith("Le serveur s’est arrêté en cours de route") and "30" in reason
    assert not page.xpath("//details") and "secret" not in client.get(url).get_data(as_text=True)


def test_a_build_still_to_be_tried_says_nothing_of_a_reason(report_event, client, login, db):
    event, people = report_event()
    url = _failed_build(db, event, None, reason=JobReason.UNEXPECTED, state=JobState.QUEUED)
    login(people[-1])
    page = _page(client, url)
    assert page.xpath("//*[@data-build-reason]/@hidden") == [""]  # hidden, and empty
    assert page.xpath("string(//*[@data-build-reason])") == ""
    assert not page.xpath("//details")
