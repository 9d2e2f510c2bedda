"""The report pages: read it in the app, download it in any format and language, publish it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..cooperative import render_template_in_slices
from ..errors import Invalid, NotFound
from ..extensions import login_manager
from ..permissions import may
from ..programme.models import Event
from ..programme.service import event_by_slug
from ..web import public, requires
from . import service
from .build_html import report_context
from .common import FORMATS, LANGUAGES, in_language
from .data import Edition, ReportData
from .models import PublishedReport

bp = Blueprint("reports", __name__)


def _language() -> str:
    language = request.args.get("lang") or str(get_locale() or "en").split("_")[0]
    if language not in LANGUAGES:
        raise Invalid(
            _(
                "There is no report in that language. Choose one of: %(languages)s.",
                languages=", ".join(LANGUAGES),
            )
        )
    return language


# What `?version=` chose, before anything is loaded: the draft, or a published version's row.
DRAFT = "draft"


def _chosen_edition(event: Event) -> PublishedReport | str | None:
    """What `?version=` asks for (default: the draft for organisers, else the newest version
    she may read): DRAFT (she may read it) or the published row; None when she may read
    nothing yet."""
    asked = request.args.get("version", "")
    if asked == DRAFT or (not asked and may(current_user, "report.draft", event)):
        service.require_draft_reader(current_user, event)
        return DRAFT
    if asked:
        if not asked.isdigit() or len(asked) > 6:
            raise Invalid(_("A report version is a number, such as 1 or 2, or the word draft."))
        return service.readable_version(current_user, event, int(asked))
    return service.readable_latest(current_user, event)


def _chosen(event: Event) -> tuple[ReportData, Edition, PublishedReport | None] | None:
    """The chosen edition's data (the draft collected now), its edition and published row."""
    chosen = _chosen_edition(event)
    if chosen is None:
        return None
    if chosen == DRAFT:
        return service.draft(current_user, event), Edition(), None
    return chosen.report, chosen.edition, chosen


def _board_links(event: Event, report: ReportData) -> dict[str, str]:
    """For those who may open a group's board: each item's reference -> its item there."""
    groups = {g.key: g for g in event.working_groups}
    links = {}
    for group in report.groups:
        model = groups.get(group.key)  # a group removed since publication has no board
        if model is None or not may(current_user, "group.view", model):
            continue
        board = url_for("board.board", slug=event.slug, key=group.key)
        for item in (*group.insights, *group.recommendations):
            links[item.reference] = f"{board}#{item.anchor}"
    return links


def _nothing_yet(event: Event):
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    raise NotFound(_("No report has been published for this event yet."))


@bp.route("/e/<slug>/report")
@public
def report(slug: str):
    event = event_by_slug(slug)
    language = _language()
    chosen = _chosen(event)
    if chosen is None:
        return _nothing_yet(event)
    data, edition, row = chosen
    organiser = may(current_user, "report.publish", event)
    with in_language(language):
        context = report_context(data, language, edition, _board_links(event, data))
        # A thousand items take ~400 ms to render: every live room on this process runs
        # between the slices (docs/performance.md, "Liveness").
        return render_template_in_slices(
            "reports/report.html",
            **context,
            event=event,
            row=row,
            organiser=organiser,
            may_write=may(current_user, "report.translate", event),
            versions=service.versions(event) if organiser else [],
            public_event=service.is_public_event(event),
            formats=FORMATS,
            languages=LANGUAGES,
            version_arg="draft" if edition.draft else str(edition.version),
        )


@bp.route("/e/<slug>/report/publish")
@requires("report.publish", event_by_slug)
def confirm_publish(event: Event, slug: str):
    """Before publishing: what the report lacks, and one button to publish it all the same."""
    return render_template(
        "reports/publish.html",
        event=event,
        missing=service.missing_parts(service.draft(current_user, event)),
        latest=service.latest(event),
    )


@bp.route("/e/<slug>/report/publish", methods=["POST"])
@requires("report.publish", event_by_slug)
def publish(event: Event, slug: str):
    if request.form.get("confirm") != "1":
        return redirect(url_for("reports.confirm_publish", slug=slug))
    published = service.publish(current_user, event)
    flash(
        _("Version %(version)s of the report is published.", version=published.version), "success"
    )
    return redirect(url_for("reports.report", slug=slug, version=published.version))


@bp.route("/e/<slug>/report/versions/<int:version>/public", methods=["POST"])
@requires("report.publish", event_by_slug)
def set_public(event: Event, slug: str, version: int):
    row = service.get_version(event, version)
    public_now = request.form.get("public") == "1"
    service.set_public(current_user, row, public_now)
    if public_now:
        flash(
            _("Version %(version)s of the report can now be read by anyone.", version=version),
            "success",
        )
    else:
        flash(
            _(
                "Version %(version)s of the report is for the event's members only again.",
                version=version,
            ),
            "success",
        )
    return redirect(url_for("reports.report", slug=slug, version=version))
