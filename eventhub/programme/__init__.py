"""The programme: events, networks, sessions, working groups, memberships and programme files."""


def register(app) -> None:
    """The programme pages, its editing and members pages, and the programme/member commands."""
    from . import cli, editing_views, members_cli, members_views, models, views  # noqa: F401
    from .texts_web import register_template_helpers

    register_template_helpers(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(editing_views.bp)
    app.register_blueprint(members_views.bp)
    app.cli.add_command(cli.import_programme_command)
    app.cli.add_command(cli.export_programme_command)
    app.cli.add_command(members_cli.create_user)
    app.cli.add_command(members_cli.demo_setup)
