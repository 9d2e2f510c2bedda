"""Command-line programme import and export: `flask import-programme FILE`, `flask export-programme SLUG`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _

from ..errors import Invalid
from ..extensions import db
from ..i18n import terminal_language
from .fileexport import export_programme, logo_files
from .importer import import_programme
from .models import Event


@click.command("import-programme")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_programme_command(file: Path) -> None:
    """Create or update an event from a programme file (TOML, format 1 or 2)."""
    with force_locale(terminal_language()):
        _import(file)


def _import(file: Path) -> None:
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        click.echo(
            _(
                "%(file)s is not UTF-8 text (byte %(position)d); save it as UTF-8 and import again.",
                file=file,
                position=error.start,
            ),
            err=True,
        )
        raise SystemExit(1) from None
    try:
        report = import_programme(text, source=str(file), directory=file.parent)
    except Invalid as error:
        db.session.rollback()
        click.echo(error.message, err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(str(report))


@click.command("export-programme")
@click.argument("slug")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of standard output.",
)
@with_appcontext
def export_programme_command(slug: str, output: Path | None) -> None:
    """Write an event's programme file (TOML, format 2), and its partners' logos beside it."""
    with force_locale(terminal_language()):
        _export(slug, output)


def _export(slug: str, output: Path | None) -> None:
    event = db.session.scalar(db.select(Event).filter_by(slug=slug))
    if event is None:
        slugs = db.session.scalars(db.select(Event.slug).order_by(Event.slug)).all()
        click.echo(
            _(
                "No event has the slug “%(slug)s”. Events here: %(slugs)s.",
                slug=slug,
                slugs=", ".join(slugs) or _("none"),
            ),
            err=True,
        )
        raise SystemExit(1)
    text = export_programme(event)
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
            for name, content in logo_files(event).items():
                logo = output.parent / name
                logo.parent.mkdir(parents=True, exist_ok=True)
                logo.write_bytes(content)
        except OSError as error:
            click.echo(
                _("Could not write %(file)s: %(reason)s.", file=output, reason=error.strerror),
                err=True,
            )
            raise SystemExit(1) from None
        click.echo(_("Wrote %(file)s.", file=output))
