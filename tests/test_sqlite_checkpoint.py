"""The real server on SQLite never checkpoints inside a commit on its live loop: a thread of
its own copies the write-ahead log back into the database (wsgi.py, docs/performance.md).

Read from the WAL index (the `-shm` file): `mxFrame`, the last frame written to the log, and
`nBackfill`, how many of them were copied back. A commit that fills the log past SQLite's
threshold copies it inline; below it nothing copies unless the server's thread does.
"""

from __future__ import annotations

import struct
import time
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from eventhub import create_app
from eventhub.accounts.models import Person
from eventhub.extensions import db
from tests import live
from tests.live import ASYNC_MODES, sign_in

live_server = live.live_server  # the fixture

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

PASSWORD = "a long enough password"


def _database(path: Path) -> str:
    url = f"sqlite:///{path}"
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.create_all()
        db.session.add(
            Person(
                email="amina@example.org",
                name="Amina",
                password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"),
            )
        )
        db.session.commit()
        db.engine.dispose()
    return url


def _log_frames(database: Path) -> tuple[int, int]:
    """(frames in the write-ahead log, frames copied back into the database)."""
    index = Path(f"{database}-shm").read_bytes()
    (max_frame,) = struct.unpack_from("=I", index, 16)  # WalIndexHdr.mxFrame
    (backfilled,) = struct.unpack_from("=I", index, 96)  # WalCkptInfo.nBackfill
    return max_frame, backfilled


def _write_a_little(server) -> None:
    """A few commits through the server (each sign-in is stored), far below 1000 pages."""
    for _ in range(5):
        sign_in(server.url, "amina@example.org", PASSWORD).close()


@pytest.mark.parametrize("mode", ASYNC_MODES)
def test_the_server_checkpoints_from_a_thread_of_its_own(live_server, tmp_path, mode):
    database = tmp_path / "eventhub.sqlite"
    server = live_server(
        _database(database), async_mode=mode, env={"EVENTHUB_SQLITE_CHECKPOINT_SECONDS": "0.2"}
    )
    _write_a_little(server)
    deadline = time.monotonic() + 10
    while True:
        written, copied = _log_frames(database)
        if written and copied == written:
            break
        assert time.monotonic() < deadline, f"{copied} of {written} frames copied back"
        time.sleep(0.1)
    assert server.running


def test_without_the_thread_small_commits_leave_the_log_alone(live_server, tmp_path):
    """The control: the same writes with the thread turned off are not copied back."""
    database = tmp_path / "eventhub.sqlite"
    server = live_server(_database(database), env={"EVENTHUB_SQLITE_CHECKPOINT_SECONDS": "0"})
    _write_a_little(server)
    time.sleep(1)
    written, copied = _log_frames(database)
    assert written > 0 and copied < written
