"""Archives: an event exported whole and restored exactly; what EventHub holds about a person.

It reads every other domain's tables, so it comes last in the import order.
"""


def register(app) -> None:
    """Her data and account deletion (profile pages), the `export-event` and `import-event`
    commands."""
    from . import cli, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.export_event_command)
    app.cli.add_command(cli.import_event_command)
