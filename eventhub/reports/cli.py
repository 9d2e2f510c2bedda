"""`flask report SLUG --format pdf --lang fr [--draft | --version N] -o FILE` builds a report;
`flask report publish SLUG` publishes the draft; `flask report close-due` and `flask report
remind` run the silence procedure's deadlines and reminders (for a scheduler)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..errors import Conflict
from ..extensions import db
from ..i18n import terminal_language
from ..programme.models import Event
from . import service, silence
from .collect import collect
from .common import FORMATS, LANGUAGES
from .data import Edition
from .formats import build, filename


class _ReportGroup(click.Group):
    """`flask report SLUG ...` stays the way to build a report: a first argument that is not a
    subcommand is read as the slug of `flask report build`."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["build", *args]
        return super().parse_args(ctx, args)


@click.group("report", cls=_ReportGroup)
def report_group() -> None:
    """Build, publish and adopt reports."""


@report_group.command("build")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="pdf", show_default=True)
@click.option("--lang", "language", type=click.Choice(LANGUAGES), default="en", show_default=True)
@click.option("--draft", is_flag=True, help="The report as the boards stand now.")
@click.option(
    "--version",
    "version",
    type=click.IntRange(min=1),
    help="A published version (default: the latest).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="File to write (default: a name like SLUG-report-v2-fr.pdf here; - for stdout).",
)
@with_appcontext
def report_command(
    slug: str, fmt: str, language: str, draft: bool, version: int | None, output: Path | None
) -> None:
    """Build an event's report (a published version, or the draft) in one format and language."""
    with force_locale(terminal_language()):
        _report(slug, fmt, language, draft, version, output)


def _report(
    slug: str, fmt: str, language: str, draft: bool, version: int | None, output: Path | None
) -> None:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise click.ClickException(_("There is no event %(slug)s.", slug=slug))
    if draft and version:
        raise click.UsageError(_("Choose --draft or --version, not both."))
    if draft:
        data, edition = collect(event), Edition()
    else:
        row = (
            service.latest(event)
            if version is None
            else next((v for v in service.versions(event) if v.version == version), None)
        )
        if row is None:
            raise click.ClickException(
                _(
                    "%(slug)s has no such published version; use --draft for the report as it "
                    "stands, or publish it first.",
                    slug=slug,
                )
            )
        data, edition = row.report, row.edition
    content = build(data, fmt, language, edition)
    if output is not None and str(output) == "-":
        click.get_binary_stream("stdout").write(content)
        return
    target = output or Path(filename(data, fmt, language, edition))
    target.write_bytes(content)
    click.echo(f"{target} ({len(content):,} bytes)", err=True)


def _event(slug: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise click.ClickException(_("There is no event %(slug)s.", slug=slug))
    return event


@report_group.command("publish")
@click.argument("slug")
@click.option("--yes", is_flag=True, help="Publish without asking, even with parts missing.")
@with_appcontext
def publish_command(slug: str, yes: bool) -> None:
    """Publish the draft as the next version, after saying what it lacks and asking."""
    with force_locale(terminal_language()):
        event = _event(slug)
        missing = service.missing_parts(collect(event))
        for line in missing:
            click.echo(f"  {line}", err=True)
        question = (
            _("The report lacks what is listed above. Publish it anyway?")
            if missing
            else _("Publish the report of %(slug)s as it stands?", slug=slug)
        )
        if not yes and not click.confirm(question, default=False, err=True):
            raise click.ClickException(_("Nothing was published."))
        try:
            row = service.freeze(event, collect(event), person=None)
        except Conflict as error:
            raise click.ClickException(error.message) from None
        db.session.commit()
        click.echo(_("Version %(version)s of the report is published.", version=row.version))


@report_group.command("close-due")
@with_appcontext
def close_due_command() -> None:
    """Close every silence procedure whose deadline has passed (adopt, or return the text)."""
    closed = silence.close_due()
    db.session.commit()
    for circulation in closed:
        click.echo(f"{circulation.event.slug} round {circulation.round}: {circulation.state.value}")


@report_group.command("remind")
@with_appcontext
def remind_command() -> None:
    """Remind the people a text was circulated to when its deadline is less than a day away."""
    count = silence.remind_due()
    db.session.commit()
    click.echo(f"{count} circulation(s) reminded")
