"""Accounts: people, signing in and out, profiles."""


def register(app) -> None:
    """Sign-in (Flask-Login's loader) and the account pages."""
    from . import auth, cli, models, views  # noqa: F401  (models: the tables, for db and Alembic)

    auth.init_app(app)
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.deactivate_person)
    app.cli.add_command(cli.sign_out_everywhere)
