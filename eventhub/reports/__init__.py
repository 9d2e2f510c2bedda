"""Reports: the meeting's report, drafted from the boards and the programme, published frozen."""


def register(app) -> None:
    """The report pages (reading, writing, adoption by silence procedure), the `report`
    commands and the jobs that build report files."""
    from . import cli, download_views, jobs, models, silence_views, views, writing_views  # noqa: F401

    app.register_blueprint(views.bp)
    app.register_blueprint(writing_views.bp)
    app.register_blueprint(silence_views.bp)
    app.cli.add_command(cli.report_group)
