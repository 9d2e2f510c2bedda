"""Reports: the meeting's report, drafted from the boards and the programme, published frozen."""


def register(app) -> None:
    """The report pages and the `report` command."""
    from . import cli, models, views  # noqa: F401

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.report_command)
