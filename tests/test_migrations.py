"""The Alembic migrations build the schema from nothing, and agree with the models."""

import json
import os
import uuid
from contextlib import contextmanager

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from eventhub import create_app
from eventhub.extensions import db
from tests.conftest import need


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


@contextmanager
def _new_postgres_database():
    """A database of its own on the test server, dropped afterwards."""
    url = os.environ.get("EVENTHUB_TEST_POSTGRES_URL")
    need(bool(url), "EVENTHUB_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL)")
    name = f"eventhub_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_upgrade_on_postgresql_matches_the_models():
    with _new_postgres_database() as target:
        app = create_app("test", SQLALCHEMY_DATABASE_URI=target)
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                assert compare_metadata(context, db.metadata) == []
            db.engine.dispose()


# Summaries EventHub wrote as text before they were data, in the editor's language.
OLD_SUMMARIES = {
    "Captured": ("", "captured", None),
    "Modifié\xa0: texte, question directrice": ("", "edited", {"fields": ["text", "question"]}),
    "مسودة ← متفق عليها": ("", "state", {"old": "draft", "new": "agreed"}),
    "Fusionada con WG2-R3": ("", "merged-into", {"reference": "WG2-R3"}),
    "WG1-I4 merged into this item": ("", "merged-from", {"reference": "WG1-I4"}),
    "Source added: message 7": ("", "source", {"message": 7, "seq": 3}),
    # What a person wrote, and what no longer reads exactly as ours, stay as they are.
    "Shortened after the plenary": ("Shortened after the plenary", None, None),
    "Edited: text, text": ("Edited: text, text", None, None),
    "Source added: message 8": ("Source added: message 8", None, None),  # the message is gone
}


def _summaries_become_data_and_back(database_uri: str) -> None:
    app = create_app("test", SQLALCHEMY_DATABASE_URI=database_uri)
    with app.app_context():
        upgrade(revision="a62879ef5209")
        with db.engine.begin() as connection:
            if db.engine.dialect.name == "sqlite":
                connection.execute(text("PRAGMA foreign_keys = OFF"))
            else:  # rows without their event, group and item: constraints wait for the test
                connection.execute(text("SET session_replication_role = replica"))
            connection.execute(
                text(
                    "INSERT INTO message (id, room_id, seq, body, created_at) "
                    "VALUES (7, 1, 3, 'a source', '2030-03-05 10:00:00')"
                )
            )
            for n, summary in enumerate(OLD_SUMMARIES, start=1):
                connection.execute(
                    text(
                        "INSERT INTO board_item_version (item_id, version, text, state, "
                        "created_at, summary) VALUES (1, :n, 'text', 'proposed', "
                        "'2030-03-05 10:00:00', :summary)"
                    ),
                    {"n": n, "summary": summary},
                )
        upgrade(revision="3b4971a1f75e")
        with db.engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT summary, summary_key, summary_args FROM board_item_version ORDER BY id"
                )
            ).all()
        assert [
            (r[0], r[1], json.loads(r[2]) if isinstance(r[2], str) else r[2]) for r in rows
        ] == list(OLD_SUMMARIES.values())
        downgrade(revision="a62879ef5209")
        with db.engine.connect() as connection:
            back = connection.scalars(text("SELECT summary FROM board_item_version ORDER BY id"))
            assert list(back) == [
                "Captured",
                "Edited: text, guiding question",
                "draft → agreed",
                "Merged into WG2-R3",
                "WG1-I4 merged into this item",
                "Source added: message 7",
                "Shortened after the plenary",
                "Edited: text, text",
                "Source added: message 8",
            ]
        db.engine.dispose()


def test_board_summaries_written_as_text_become_data_and_back(tmp_path):
    _summaries_become_data_and_back(f"sqlite:///{tmp_path / 'history.sqlite'}")


@pytest.mark.postgres
def test_board_summaries_written_as_text_become_data_and_back_on_postgresql():
    with _new_postgres_database() as url:
        _summaries_become_data_and_back(url)


# What the deliveries' `answer` held before EventHub's own reasons were codes: (reason, answer).
OLD_ANSWERS = {
    "no mail server is configured": ("no-mail-server", None),
    "not sent: the message's text is gone": ("content-gone", None),
    "not sent: no longer invited": ("no-longer-invited", None),
    "cannot reach mail.example.org:25: [Errno 111] Connection refused": (
        "unreachable",
        "mail.example.org:25: [Errno 111] Connection refused",
    ),
    # A mail server's own words stay as they are.
    "550 5.1.1 <nadia@example.org>: no mailbox": (
        None,
        "550 5.1.1 <nadia@example.org>: no mailbox",
    ),
    "451 4.7.1 not sent: greylisted": (None, "451 4.7.1 not sent: greylisted"),
}


def _delivery_reasons_become_codes_and_back(database_uri: str) -> None:
    app = create_app("test", SQLALCHEMY_DATABASE_URI=database_uri)
    inserts = {
        "outgoing_mail": "INSERT INTO outgoing_mail (topic, recipient, subject, state, attempts, "
        "answer, queued_at, updated_at) VALUES ('t', 'a@example.org', 's', 'failed', 1, :answer, "
        "'2030-03-05 10:00:00', '2030-03-05 10:00:00')",
        "invite_delivery": "INSERT INTO invite_delivery (event_id, session_id, person_id, state, "
        "attempts, answer, queued_at, updated_at) VALUES (1, 1, 1, 'failed', 1, :answer, "
        "'2030-03-05 10:00:00', '2030-03-05 10:00:00')",
    }
    with app.app_context():
        upgrade(revision="3b4971a1f75e")
        with db.engine.begin() as connection:
            if db.engine.dialect.name == "sqlite":
                connection.execute(text("PRAGMA foreign_keys = OFF"))
            else:  # rows without their event, session and person
                connection.execute(text("SET session_replication_role = replica"))
            for insert in inserts.values():
                for answer in OLD_ANSWERS:
                    connection.execute(text(insert), {"answer": answer})
        upgrade(revision="dc537a4504a6")
        for table in inserts:
            with db.engine.connect() as connection:
                rows = connection.execute(text(f"SELECT reason, answer FROM {table} ORDER BY id"))
                assert [tuple(r) for r in rows] == list(OLD_ANSWERS.values()), table
        downgrade(revision="3b4971a1f75e")
        for table in inserts:
            with db.engine.connect() as connection:
                rows = connection.scalars(text(f"SELECT answer FROM {table} ORDER BY id"))
                assert list(rows) == list(OLD_ANSWERS), table
        db.engine.dispose()


def test_delivery_reasons_written_in_english_become_codes_and_back(tmp_path):
    _delivery_reasons_become_codes_and_back(f"sqlite:///{tmp_path / 'deliveries.sqlite'}")


@pytest.mark.postgres
def test_delivery_reasons_written_in_english_become_codes_and_back_on_postgresql():
    with _new_postgres_database() as url:
        _delivery_reasons_become_codes_and_back(url)


# What a job's `error` held before EventHub's own reasons were codes: (code, values, error).
OLD_JOB_ERRORS = {
    "Stuck: still running 30 min after it started (2030-03-05 10:00 UTC); its consumer stopped "
    "in the middle, so it was queued again (it is safe to run twice).": (
        "stuck-requeued",
        {"minutes": 30},
        None,
    ),
    "Stuck: still running 45 min after it started (2030-03-05 10:00 UTC); its consumer stopped "
    "in the middle (killed or crashed). Not run again: it may have done part of its work.": (
        "stuck-failed",
        {"minutes": 45},
        None,
    ),
    "Stuck: still running 30 min after it started (2030-03-05 10:00 UTC); its consumer stopped "
    "in the middle (killed or crashed). Not run again: it already stopped a consumer 3 "
    "times.": ("stuck-too-often", {"times": 3}, None),
    "RuntimeError: interrupted: the job consumer stopped": ("interrupted", None, None),
    "GiveUp: event 7 has no report version 2": (
        "no-such-version",
        {"version": 2},
        "GiveUp: event 7 has no report version 2",
    ),
    # An exception's own words stay, as the technical detail.
    "RuntimeError: Pango is not installed": (
        "unexpected",
        None,
        "RuntimeError: Pango is not installed",
    ),
}


def test_job_errors_written_in_english_become_codes(tmp_path):
    app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'jobs.sqlite'}")
    with app.app_context():
        upgrade(revision="dc537a4504a6")
        with db.engine.begin() as connection:
            for error in OLD_JOB_ERRORS:
                connection.execute(
                    text(
                        "INSERT INTO job (name, state, attempts, error, created_at) "
                        "VALUES ('t', 'failed', 1, :error, '2030-03-05 10:00:00')"
                    ),
                    {"error": error},
                )
        upgrade(revision="5f1c2a9d7e30")
        with db.engine.connect() as connection:
            rows = connection.execute(
                text("SELECT error_code, error_args, error FROM job ORDER BY id")
            )
            found = [
                (code, json.loads(args) if args else None, error) for code, args, error in rows
            ]
        assert found == list(OLD_JOB_ERRORS.values())
        downgrade(revision="dc537a4504a6")
        db.engine.dispose()
