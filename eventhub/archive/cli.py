"""`flask export-event SLUG -o FILE` and `flask import-event FILE`: an event's whole archive."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _

from ..errors import DomainError
from ..extensions import db
from ..i18n import terminal_language
from ..programme.models import Event
from . import service


@click.command("export-event")
@click.argument("slug")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: standard output).",
)
@with_appcontext
def export_event_command(slug: str, output: Path | None) -> None:
    """Write everything an event holds to one JSON archive (no passwords, no tokens)."""
    with force_locale(terminal_language()):
        event = db.session.scalar(db.select(Event).filter_by(slug=slug))
        if event is None:
            raise click.ClickException(_("There is no event “%(slug)s”.", slug=slug))
        body = service.to_json(service.export_event(event))
        if output is None:
            click.echo(body.decode("utf-8"))
        else:
            output.write_bytes(body)
            click.echo(_("Event archive written to %(file)s.", file=output), err=True)


@click.command("import-event")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_event_command(file: Path) -> None:
    """Restore an event from its archive into this instance (refused if its slug is taken)."""
    with force_locale(terminal_language()):
        try:
            archive = json.loads(file.read_bytes())
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise click.ClickException(_("This file is not an EventHub event archive.")) from None
        try:
            event = service.import_event(archive)
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(error.message) from None
        except (KeyError, TypeError, ValueError) as error:
            db.session.rollback()
            raise click.ClickException(
                _("The archive is damaged: %(problem)s", problem=repr(error)[:200])
            ) from None
        db.session.commit()
        click.echo(_("Event “%(slug)s” restored.", slug=event.slug))
