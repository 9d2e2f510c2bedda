"""Entry point: `python wsgi.py` serves EventHub on EVENTHUB_HOST:EVENTHUB_PORT.

The only module that touches the async server library: it monkey-patches the
standard library for eventlet or gevent before anything else is imported.
"""

import os

ASYNC_MODE = os.environ.get("EVENTHUB_ASYNC_MODE", "eventlet")

if ASYNC_MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()
elif ASYNC_MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()
else:
    raise SystemExit(f"EVENTHUB_ASYNC_MODE={ASYNC_MODE!r}: expected 'eventlet' or 'gevent'")

from eventhub import create_app  # noqa: E402
from eventhub.extensions import socketio  # noqa: E402

app = create_app()

if __name__ == "__main__":
    host = os.environ.get("EVENTHUB_HOST", "127.0.0.1")
    port = int(os.environ.get("EVENTHUB_PORT", "5000"))
    print(f"EventHub serving on http://{host}:{port} ({ASYNC_MODE})", flush=True)
    socketio.run(app, host=host, port=port, log_output=app.debug, use_reloader=False)
