"""Report downloads: a stored file is served at once (with its digest as ETag); one not built yet
is queued, and the page of its build says where it stands until the file is ready.

The routes live on the "reports" blueprint (views.py); no request ever renders a report.
"""

from __future__ import annotations

import logging

from flask import abort, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import Invalid, NotFound
from ..extensions import db, limiter, login_manager
from ..jobs import Job, JobState, job_reason
from ..permissions import may
from ..programme.models import Event
from ..programme.service import event_by_slug
from ..web import public
from . import builds, service, store
from .common import FORMATS, MEDIA_TYPES
from .models import ReportFile
from .views import DRAFT, _chosen_edition, _language, _nothing_yet, bp

log = logging.getLogger(__name__)

# A published version's file never changes; a draft's file (by id) never does either, but the
# draft it belongs to does, so the download link of the draft is never cached.
PUBLISHED_MAX_AGE = 24 * 3600


@bp.route("/e/<slug>/report/download")
@public
# Stored files cost nothing; a draft's build is queued (once per draft, format and language).
@limiter.limit("30 per minute")
def download(slug: str):
    event = event_by_slug(slug)
    language = _language()
    fmt = request.args.get("format", "pdf")
    if fmt not in FORMATS:
        raise Invalid(
            _(
                "There is no report in that format. Choose one of: %(formats)s.",
                formats=", ".join(FORMATS),
            )
        )
    chosen = _chosen_edition(event)
    if chosen is None:
        return _nothing_yet(event)
    if chosen == DRAFT:
        # The draft's data is read by the build job, not here: collecting a large draft in a
        # request makes tens of thousands of objects, and the garbage collector's pause for
        # them stalls every live room on this process (docs/performance.md, "Liveness").
        wanted = builds.Wanted(event.id, None, builds.CURRENT_DRAFT, fmt, language)
    else:
        wanted = builds.Wanted(event.id, chosen.version, chosen.content_hash, fmt, language)
    return file_or_progress(event, wanted)


def file_or_progress(event: Event, wanted: builds.Wanted):
    """The stored file, or a redirect to its build's page (the build is queued at the commit)."""
    found = builds.file_or_build(wanted)
    if isinstance(found, ReportFile):
        response = _send(found)
        if response is not None:
            return response
        found = builds.file_or_build(wanted)  # its bytes were gone: built again
    return redirect(url_for("reports.build", slug=event.slug, job_id=found.id), 303)


def _send(report_file: ReportFile):
    """The stored file, conditional on its ETag; None (and the row removed) if the store lost it."""
    path = store.path_of(report_file.digest)
    if not path.is_file():
        log.error(
            "report file %s (%s) is missing from the store at %s; building it again",
            report_file.id,
            report_file.digest,
            path,
        )
        db.session.delete(report_file)
        db.session.flush()
        return None
    response = send_file(
        path,
        mimetype=MEDIA_TYPES[report_file.format],
        as_attachment=True,
        download_name=report_file.filename,
        etag=report_file.digest,
        last_modified=report_file.built_at,
        conditional=True,
        max_age=None,
    )
    response.headers["Content-Type"] = MEDIA_TYPES[report_file.format]  # charset as built
    draft = report_file.edition == "draft"
    response.headers["Cache-Control"] = (
        "private, no-cache" if draft else f"private, max-age={PUBLISHED_MAX_AGE}, immutable"
    )
    return response


def _version_of(edition: str) -> int | None:
    return None if edition == "draft" else int(edition.removeprefix("v"))


def _check_reader(event: Event, version: int | None):
    """None if she may read that edition of the report; else the response to give."""
    if version is None:
        if may(current_user, "report.draft", event):
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        abort(403)
    # As the download link itself: a version she may not read does not exist for her.
    service.readable_version(current_user, event, version)
    return None


@bp.route("/e/<slug>/report/files/<int(max=2147483647):file_id>")
@public
def stored_file(slug: str, file_id: int):
    event = event_by_slug(slug)
    report_file = db.session.get(ReportFile, file_id)
    if report_file is None or report_file.event_id != event.id:
        raise NotFound(_("This file does not exist (any more). Download the report again."))
    refused = _check_reader(event, _version_of(report_file.edition))
    if refused is not None:
        return refused
    response = _send(report_file)
    if response is None:
        raise NotFound(_("This file does not exist (any more). Download the report again."))
    return response


def _build_of(event: Event, job_id: int) -> tuple[Job, builds.Wanted]:
    job = db.session.get(Job, job_id)
    wanted = builds.Wanted.from_subject(job.subject) if job is not None else None
    if wanted is None or wanted.event_id != event.id:
        raise NotFound(_("There is no such download here."))
    return job, wanted


def _status(event: Event, job: Job, wanted: builds.Wanted) -> dict:
    """What the build page and its script show: the state, a heading and a sentence for it, and
    the file when ready."""
    fmt = wanted.format.upper()
    messages = {
        JobState.QUEUED: _("Waiting for its turn: the %(format)s file is queued.", format=fmt),
        JobState.RUNNING: _(
            "Building the %(format)s file. A large report can take a minute.", format=fmt
        ),
        JobState.RETRYING: _(
            "The first attempt to build the %(format)s file failed; trying again.", format=fmt
        ),
        JobState.DONE: _("The %(format)s file is ready.", format=fmt),
        JobState.FAILED: _(
            "The %(format)s file could not be built. Try again; if it fails again, tell the "
            "event's organisers.",
            format=fmt,
        ),
    }
    if job.state == JobState.DONE:
        heading = _("Your download is ready")
    elif job.state == JobState.FAILED:
        heading = _("The download could not be prepared")
    else:
        heading = _("Preparing your download")
    status = {
        "state": job.state.value,
        "heading": heading,
        "message": messages[job.state],
        "file_url": None,
    }
    # Why the last attempt failed, in her language: EventHub's reason, never the exception's text.
    failing = job.state in (JobState.RETRYING, JobState.FAILED)
    status["reason"] = job_reason(job.error_code, job.error_args) if failing else ""
    file_id = (job.result or {}).get("file") if job.state == JobState.DONE else None
    if file_id is not None:
        status["file_url"] = url_for("reports.stored_file", slug=event.slug, file_id=file_id)
    return status


def _again_url(event: Event, wanted: builds.Wanted) -> str:
    return url_for(
        "reports.download",
        slug=event.slug,
        format=wanted.format,
        lang=wanted.language,
        version="draft" if wanted.version is None else wanted.version,
    )


@bp.route("/e/<slug>/report/builds/<int(max=2147483647):job_id>")
@public
def build(slug: str, job_id: int):
    event = event_by_slug(slug)
    job, wanted = _build_of(event, job_id)
    refused = _check_reader(event, wanted.version)
    if refused is not None:
        return refused
    return render_template(
        "reports/build.html",
        event=event,
        job=job,
        wanted=wanted,
        status=_status(event, job, wanted),
        # The exception's own words, for whoever runs the event to pass on to the developers.
        detail=job.error if may(current_user, "event.manage", event) else None,
        again_url=_again_url(event, wanted),
        report_url=url_for(
            "reports.report",
            slug=event.slug,
            version="draft" if wanted.version is None else wanted.version,
            lang=request.args.get("lang") or None,
        ),
    )


@bp.route("/e/<slug>/report/builds/<int(max=2147483647):job_id>/status")
@public
def build_status(slug: str, job_id: int):
    event = event_by_slug(slug)
    job, wanted = _build_of(event, job_id)
    refused = _check_reader(event, wanted.version)
    if refused is not None:
        return jsonify({"error": "sign-in"}), 401
    response = jsonify(_status(event, job, wanted))
    response.headers["Cache-Control"] = "no-store"
    return response
