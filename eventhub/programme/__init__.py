"""The programme: events, networks, sessions, working groups, memberships and programme files."""


def register(app) -> None:
    """The programme pages, its editing, members and activity pages, the programme/member commands,
    and the name rule the profile asks (identity: names unique within an event)."""
    from . import (  # noqa: F401
        activity,
        activity_views,
        cli,
        editing_views,
        identity,
        members_cli,
        members_views,
        models,
        views,
    )
    from .texts_web import register_template_helpers

    register_template_helpers(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(activity_views.bp)
    app.register_blueprint(editing_views.bp)
    app.register_blueprint(members_views.bp)
    app.cli.add_command(cli.import_programme_command)
    app.cli.add_command(cli.export_programme_command)
    app.cli.add_command(members_cli.create_user)
    app.cli.add_command(members_cli.demo_setup)
