"""Command-line account management: deactivating an account and signing someone out."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..extensions import db
from . import service, sessions


def _person(email: str):
    person = service.find_person(email)
    if person is None:
        raise click.ClickException(f"nobody has an account with {email!r}")
    return person


@click.command("deactivate-person")
@click.argument("email")
@with_appcontext
def deactivate_person(email: str) -> None:
    """Stop EMAIL from signing in and sign her out on every device (e.g. a stolen account)."""
    person = _person(email)
    service.deactivate(person)
    db.session.commit()
    sessions.disconnect_sockets(person.id)
    click.echo(f"{person.email} is deactivated and signed out everywhere.")


@click.command("sign-out-everywhere")
@click.argument("email")
@with_appcontext
def sign_out_everywhere(email: str) -> None:
    """End every sign-in of EMAIL (she can sign in again with her password)."""
    person = _person(email)
    count = sessions.end_all(person)
    db.session.commit()
    sessions.disconnect_sockets(person.id)
    click.echo(f"{count} sign-in(s) of {person.email} ended.")
