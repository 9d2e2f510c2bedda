"""`flask report SLUG --format pdf --lang fr [--draft | --version N] -o FILE`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..i18n import terminal_language
from ..programme.models import Event
from . import service
from .collect import collect
from .common import FORMATS, LANGUAGES
from .data import Edition
from .formats import build, filename


@click.command("report")
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
