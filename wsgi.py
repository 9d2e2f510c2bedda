"""Entry point: `python wsgi.py` serves EventHub on EVENTHUB_HOST:EVENTHUB_PORT.

The only module that touches the async server library. EVENTHUB_ASYNC_MODE chooses it:
`gevent` (default), served by gevent's WSGI server, with WebSockets through python-engineio's
own support (simple-websocket); or `eventlet`, still supported but deprecated upstream (and
psycopg 3 does not cooperate with it: a slow PostgreSQL query stalls every socket). The standard
library is monkey-patched before anything else is imported, so that database drivers (psycopg
3 detects gevent's patching), Redis and sleeps cooperate.
"""

import os
import sys

ASYNC_MODE = os.environ.get("EVENTHUB_ASYNC_MODE", "gevent")

if ASYNC_MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()
    # python-engineio takes gevent-websocket (unmaintained since 2017) whenever it can import
    # it, and then needs its handler; it measured no better (docs/performance.md).
    sys.modules.setdefault("geventwebsocket", None)
elif ASYNC_MODE == "eventlet":
    try:
        import eventlet
    except ImportError:
        raise SystemExit(
            "EVENTHUB_ASYNC_MODE=eventlet needs the eventlet extra: pip install 'eventhub[eventlet]'"
        ) from None

    eventlet.monkey_patch()
else:
    raise SystemExit(f"EVENTHUB_ASYNC_MODE={ASYNC_MODE!r}: expected 'eventlet' or 'gevent'")

import gc  # noqa: E402
import logging  # noqa: E402
import sqlite3  # noqa: E402

from eventhub import cpus, create_app, extensions  # noqa: E402
from eventhub.extensions import db, socketio  # noqa: E402

# The configuration must not disagree with the library patched above.
app = create_app(ASYNC_MODE=ASYNC_MODE)

try:
    PINNED = cpus.pin("EVENTHUB_WEB_CPUS", app.config["WEB_CPUS"])
except cpus.CpuListError as error:
    raise SystemExit(str(error)) from None

# One loop serves every socket, so a full garbage collection stalls every delivery behind it:
# it was most of the rooms' 99th-percentile latency (docs/performance.md). Objects made while
# starting up live forever: move them out of the collector's way, and collect the young
# generation less often (SQLAlchemy makes many short-lived objects per message).
gc.collect()
gc.freeze()
gc.set_threshold(50_000, 50, 100)


def real_thread(target) -> None:
    """Run `target` in an operating-system thread, outside the green loop: the library's
    originals, since the patched `threading` would make it one more greenlet."""
    if ASYNC_MODE == "gevent":
        from gevent import monkey

        monkey.get_original("_thread", "start_new_thread")(target, ())
    else:
        from eventlet import patcher

        patcher.original("_thread").start_new_thread(target, ())


def original_sleep(seconds: float) -> None:
    if ASYNC_MODE == "gevent":
        from gevent import monkey

        monkey.get_original("time", "sleep")(seconds)
    else:
        from eventlet import patcher

        patcher.original("time").sleep(seconds)


def checkpoint_off_the_loop() -> None:
    """SQLite: copy the write-ahead log back into the database from a thread of our own.

    SQLite checkpoints inside the commit that fills the log past 1000 pages: it writes and
    syncs megabytes there, and on one green loop every socket waits for it (at 500 members it
    was most of the rooms' 99th percentile, docs/performance.md). Here commits never
    checkpoint; a real thread runs a passive checkpoint every SQLITE_CHECKPOINT_SECONDS, on its
    own connection, and sqlite3 lets go of the interpreter while it writes, so the loop goes on.
    """
    every = app.config["SQLITE_CHECKPOINT_SECONDS"]
    with app.app_context():
        url = db.engine.url
        if (
            url.get_backend_name() != "sqlite"
            or url.database in (None, "", ":memory:")
            or every <= 0
        ):
            return
        extensions.SQLITE_AUTOCHECKPOINT_PAGES = 0
        db.engine.dispose()  # connections opened while starting up still checkpoint inline
    path = url.database
    log = logging.getLogger(__name__)

    def run() -> None:
        connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        while True:
            original_sleep(every)
            try:
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error as error:  # busy, or the disk: the next round tries again
                log.warning("SQLite checkpoint failed: %s", error)

    real_thread(run)


def listen(host: str, port: int):
    """The listening socket (green: the socket module is patched by now)."""
    import socket

    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    # A restart (after a crash, too) may take the port again at once.
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit it: a message and the ack right after it go out without
    # Nagle's algorithm holding the second back for the client's delayed ACK (~40 ms).
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    listener.bind((host, port))
    listener.listen(1024)
    return listener


def serve(host: str, port: int) -> None:
    """Serve until killed: gevent's WSGI server, or eventlet's."""
    if ASYNC_MODE == "eventlet":
        import eventlet.wsgi

        logging.getLogger(__name__).warning(
            "EVENTHUB_ASYNC_MODE=eventlet: eventlet is deprecated upstream and psycopg 3 does not "
            "cooperate with it; gevent is the default and recommended mode"
        )
        # eventlet's default pool holds 1024 connections; the next ones wait unanswered.
        eventlet.wsgi.server(
            listen(host, port), app, log_output=app.debug, max_size=app.config["MAX_CONNECTIONS"]
        )
    else:
        from gevent.pywsgi import WSGIServer

        WSGIServer(
            listen(host, port),
            app,
            log="default" if app.debug else None,
            spawn=app.config["MAX_CONNECTIONS"],
        ).serve_forever()


if __name__ == "__main__":
    host = os.environ.get("EVENTHUB_HOST", "127.0.0.1")
    port = int(os.environ.get("EVENTHUB_PORT", "5000"))
    if socketio.async_mode != ASYNC_MODE:
        raise SystemExit(f"Socket.IO runs in {socketio.async_mode!r} mode, not {ASYNC_MODE!r}")
    checkpoint_off_the_loop()
    where = f", on CPU {cpus.describe(PINNED)}" if PINNED else ""
    print(f"EventHub serving on http://{host}:{port} ({ASYNC_MODE}{where})", flush=True)
    serve(host, port)
