"""`flask calendar SLUG [-o FILE]`: write an event's whole calendar feed."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from ..errors import NotFound
from ..programme.service import event_by_slug
from .service import organiser_feed


@click.command("calendar")
@click.argument("slug")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the .ics here instead of standard output.",
)
@with_appcontext
def calendar_command(slug: str, output: str | None) -> None:
    """Write the whole event's .ics feed: every session, cancelled ones included, no call links.

    This is the organiser's view of the programme, safe to hand on: video-call links are
    for members only and come only through their own feeds and invites.
    """
    # Links and translations need a request: a made-up one at the public base URL, in English.
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        try:
            event = event_by_slug(slug)
        except NotFound as error:
            raise click.ClickException(f"{error.message} ({slug!r})") from None
        body = organiser_feed(event)
        count = len(event.sessions)
    if output:
        with open(output, "wb") as handle:
            handle.write(body)
        click.echo(f"Wrote {count} sessions to {output}", err=True)
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
