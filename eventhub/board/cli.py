"""Board exports and imports from the command line: `flask export-board`, `flask import-board`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _

from ..errors import Invalid
from ..extensions import db
from ..i18n import terminal_language
from ..programme.models import Event
from . import exports, importer


def _fail(message: str, problems: list[str] = ()) -> None:
    click.echo(message, err=True)
    for problem in problems:
        click.echo(f"  {problem}", err=True)
    raise SystemExit(1)


def _event(slug: str) -> Event:
    event = db.session.scalar(db.select(Event).filter_by(slug=slug))
    if event is None:
        slugs = db.session.scalars(db.select(Event.slug).order_by(Event.slug)).all()
        _fail(
            _(
                "No event has the slug “%(slug)s”. Events here: %(slugs)s.",
                slug=slug,
                slugs=", ".join(slugs) or _("none"),
            )
        )
    return event


@click.command("export-board")
@click.argument("slug")
@click.option("--working-group", "group_key", help="Only this working group's board (its key).")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), required=True, help="csv or json"
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write here instead of to standard output.",
)
@with_appcontext
def export_board_command(slug: str, group_key: str | None, fmt: str, output: Path | None) -> None:
    """Export an event's boards (or one working group's) as CSV or JSON."""
    with force_locale(terminal_language()):
        event = _event(slug)
        group = None
        if group_key is not None:
            group = next((wg for wg in event.working_groups if wg.key == group_key), None)
            if group is None:
                keys = ", ".join(wg.key for wg in event.working_groups)
                _fail(
                    _(
                        "The event has no working group “%(key)s”. Its groups: %(keys)s.",
                        key=group_key,
                        keys=keys or _("none"),
                    )
                )
        body = exports.to_csv(event, group) if fmt == "csv" else exports.to_json(event, group)
        if output is None:
            click.echo(body, nl=False)
        else:
            output.write_bytes(body)
            click.echo(_("Board exported to %(file)s.", file=output), err=True)


@click.command("import-board")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Replace boards that already have items.")
@with_appcontext
def import_board_command(slug: str, file: Path, replace: bool) -> None:
    """Restore boards from a JSON export (refused whole, with every problem listed, if invalid)."""
    with force_locale(terminal_language()):
        event = _event(slug)
        try:
            notes = importer.import_board(event, file.read_bytes(), replace=replace)
        except Invalid as error:
            db.session.rollback()
            _fail(error.message, error.problems)
        db.session.commit()
        for note in notes:
            click.echo(note)
