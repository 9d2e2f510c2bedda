"""The app builds and its schema can be created."""

from sqlalchemy import inspect


def test_app_creates_every_table(app, db):
    tables = set(inspect(db.engine).get_table_names())
    assert {
        "event",
        "session",
        "working_group",
        "person",
        "membership",
        "message",
        "room",
    } <= tables
