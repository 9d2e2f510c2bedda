"""Accounts from the command line: `create-user`, and `demo-setup` for a fresh machine."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from ...accounts import service as accounts
from ...errors import DomainError, Invalid
from ...extensions import db
from ...timestamps import utcnow
from .. import demo, members
from ..models import Event, Role
from . import ROLE_LABELS

DEMO_PASSWORD = "eventhub-demo"
DEMO_DOMAIN = "demo.eventhub.test"
# (address, name, role, working groups: None for event-wide)
DEMO_ACCOUNTS = (
    ("organiser", "Demo Organiser", Role.ORGANISER, (None,)),
    ("facilitator", "Demo Facilitator", Role.FACILITATOR, ("wg1",)),
    ("rapporteur", "Demo Rapporteur", Role.RAPPORTEUR, ("wg1",)),
    ("participant", "Demo Participant", Role.PARTICIPANT, ("wg1", "wg2")),
    ("observer", "Demo Observer", Role.OBSERVER, (None,)),
)


def _without_request(command):
    """Run `command` in a request context: messages are translated through the request's locale.

    (eventhub.i18n.select_locale reads the session; outside a request it cannot.)
    """

    @functools.wraps(command)
    def wrapped(*args, **kwargs):
        with current_app.test_request_context("/"):
            return command(*args, **kwargs)

    return wrapped


def _fail(message: str):
    db.session.rollback()
    raise click.ClickException(message)


@click.command("create-user")
@click.argument("email")
@click.option(
    "--role", required=True, help="organiser, facilitator, rapporteur, participant or observer"
)
@click.option("--event", "slug", required=True, help="the event's slug")
@click.option(
    "--working-group",
    "group_key",
    help="a working group's key (facilitator, rapporteur, participant)",
)
@click.option("--name", default="", help="her name (new accounts)")
@click.option("--display-name", default=None, help="the name others see instead (new accounts)")
@click.option(
    "--password", default=None, help="her password (new accounts; asked for if not given)"
)
@with_appcontext
@_without_request
def create_user(email, role, slug, group_key, name, display_name, password):
    """Give EMAIL a role in an event, creating the account if there is none."""
    try:
        role = members.parse_role(role)
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        if event is None:
            known = ", ".join(db.session.scalars(select(Event.slug).order_by(Event.slug))) or "none"
            _fail(f"There is no event {slug!r}. Events: {known}.")
        group = members.find_group(event, group_key)
        members.check_scope(role, group)
        address = accounts.clean_email(email)
        person = accounts.find_person(address)
        if person is None:
            if password is None:
                password = click.prompt(
                    f"Password for {address}", hide_input=True, confirmation_prompt=True
                )
            person = accounts.create_person(
                address, password=password, name=name, display_name=display_name
            )
            click.echo(f"Created the account {address}.")
        elif password is not None or name or display_name:
            click.echo(f"{address} already has an account; its name and password stay as they are.")
        _membership, changed = members.add_membership(person, event, role, group)
    except DomainError as error:
        _fail(error.message)
    db.session.commit()
    where = f"working group {group.key}" if group else "the whole event"
    state = "is now" if changed else "already is"
    click.echo(f"{address} {state} {role.value} in {event.slug} ({where}).")


def _programme_slug(path: Path) -> str:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        slug = data["event"]["slug"]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError) as error:
        raise click.ClickException(f"{path}: cannot read the event's slug ({error}).") from None
    if not isinstance(slug, str):
        raise click.ClickException(f"{path}: event.slug is not text.")
    return slug


def _import(path: Path) -> None:
    from ..importer import import_programme

    try:
        report = import_programme(
            path.read_text(encoding="utf-8"), source=str(path), directory=path.parent
        )
    except Invalid as error:
        _fail("\n".join([f"{path}: {error.message}", *(f"  {p}" for p in error.problems)]))
    click.echo(f"Imported {path}.")
    if report is not None and str(report):
        click.echo(str(report))


@click.command("demo-setup")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--keep-dates",
    is_flag=True,
    help="keep the dates the file gives (by default the demo is placed around today)",
)
@with_appcontext
@_without_request
def demo_setup(file: Path, keep_dates: bool):
    """Import the demo programme FILE if it is not there yet, make one demo account per role, and
    place the programme around today so that a working-group session is on now."""
    if current_app.config.get("PRODUCTION"):
        raise click.ClickException(
            "demo-setup makes accounts with a published password; it does not run in production."
        )
    slug = _programme_slug(file)
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None or keep_dates:  # importing again puts the file's dates back
        _import(file)
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        if event is None:
            _fail(f"{file}: the import did not create the event {slug!r}.")
    rows = []
    try:
        for local, name, role, group_keys in DEMO_ACCOUNTS:
            address = f"{local}@{DEMO_DOMAIN}"
            person = accounts.find_person(address) or accounts.create_person(
                address, password=DEMO_PASSWORD, name=name, reserved_ok=True
            )
            for key in group_keys:
                group = members.find_group(event, key)
                members.add_membership(person, event, role, group)
            where = ", ".join(key or "whole event" for key in group_keys)
            rows.append((address, str(ROLE_LABELS[role]), where))
        on_now = None if keep_dates else demo.place_around(event, utcnow())
        db.session.flush()
        if on_now is not None:
            demo.run_demo_steps(event, on_now)
    except DomainError as error:
        _fail(f"{file}: {error.message}")
    db.session.commit()
    _print_logins(event, rows)
    if on_now is not None:
        starts, ends = (t.astimezone(event.zone) for t in (on_now.starts_at, on_now.ends_at))
        click.echo(
            f"On now: {on_now.title} ({on_now.key}), {starts:%Y-%m-%d %H:%M}–{ends:%H:%M} "
            f"{event.timezone}; its room has a discussion under way.\n"
        )


def _print_logins(event: Event, rows) -> None:
    header = ("E-mail", "Role", "Where")
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(3)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    click.echo(f"\nDemo accounts for {event.title} ({event.slug}), password: {DEMO_PASSWORD}\n")
    click.echo(line.format(*header).rstrip())
    click.echo(line.format(*("-" * w for w in widths)))
    for row in rows:
        click.echo(line.format(*row).rstrip())
    click.echo("")
