"""The programme: events, networks, sessions, working groups, memberships and programme files.

Three parts beside the programme itself (models, service, views, cli): `members/` (who takes
part: invitations, memberships, roles; its pages and commands), `editing*` (organisers
editing sessions in the browser) and `file*` plus `importer` (programme files).
"""


def register(app) -> None:
    """The programme pages, its editing, members and activity pages, the programme/member commands,
    and the name rule the profile asks (identity: names unique within an event)."""
    from . import activity, activity_views, cli, editing_views, identity, models, views  # noqa: F401
    from .members import cli as members_cli
    from .members import views as members_views
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
