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

from eventhub import create_app  # noqa: E402
from eventhub.extensions import socketio  # noqa: E402

# The configuration must not disagree with the library patched above.
app = create_app(ASYNC_MODE=ASYNC_MODE)

# One loop serves every socket, so a full garbage collection stalls every delivery behind it:
# it was most of the rooms' 99th-percentile latency (docs/performance.md). Objects made while
# starting up live forever: move them out of the collector's way, and collect the young
# generation less often (SQLAlchemy makes many short-lived objects per message).
gc.collect()
gc.freeze()
gc.set_threshold(50_000, 50, 100)


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
        eventlet.wsgi.server(listen(host, port), app, log_output=app.debug)
    else:
        from gevent.pywsgi import WSGIServer

        WSGIServer(listen(host, port), app, log="default" if app.debug else None).serve_forever()


if __name__ == "__main__":
    host = os.environ.get("EVENTHUB_HOST", "127.0.0.1")
    port = int(os.environ.get("EVENTHUB_PORT", "5000"))
    if socketio.async_mode != ASYNC_MODE:
        raise SystemExit(f"Socket.IO runs in {socketio.async_mode!r} mode, not {ASYNC_MODE!r}")
    print(f"EventHub serving on http://{host}:{port} ({ASYNC_MODE})", flush=True)
    serve(host, port)
