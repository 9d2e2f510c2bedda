"""The Alembic migrations build the schema from nothing, and agree with the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect

from eventhub import create_app
from eventhub.extensions import db


def test_upgrade_from_nothing_matches_the_models(tmp_path):
    app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'migrated.sqlite'}")
    with app.app_context():
        upgrade()
        assert "event" in inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            differences = compare_metadata(context, db.metadata)
        assert differences == [], (
            "models and migrations disagree; run `flask db migrate -m '...'` and review it: "
            f"{differences}"
        )
        db.engine.dispose()
