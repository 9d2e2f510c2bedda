"""Calendar: feeds (.ics) for events, groups, sessions and each person; invites by e-mail."""


def register(app) -> None:
    """The feeds and invite pages (one blueprint, routes in both modules), her agenda page,
    `calendar`, and the job that sends invites."""
    from . import agenda_views, cli, invite_views, jobs, models, views  # noqa: F401

    app.register_blueprint(views.bp)
    app.register_blueprint(agenda_views.bp)
    app.cli.add_command(cli.calendar_command)
