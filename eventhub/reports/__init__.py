"""Reports: the meeting's report, drafted from the boards and the programme, published frozen."""


def register(app) -> None:
    """The report pages, the `report` command and the jobs that build report files."""
    from . import cli, download_views, jobs, models, views  # noqa: F401  (routes on views.bp)

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.report_command)
