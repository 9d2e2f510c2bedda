"""EventHub under gevent with gevent-websocket's handler, for comparison in bench/rooms.py.

wsgi.py serves WebSockets under gevent with python-engineio's own support (simple-websocket);
this serves the same app (wsgi.py's, from the current directory) the way it was served before,
through gevent-websocket's WebSocketHandler, so bench/rooms.py can measure both in one run
(mode `gevent-websocket`). Needs the `bench` extra (gevent-websocket).
"""

import os
import sys

from gevent import monkey

monkey.patch_all()

# Imported before wsgi.py: python-engineio then takes gevent-websocket's driver.
import geventwebsocket  # noqa: E402, F401
from gevent.pywsgi import WSGIServer  # noqa: E402
from geventwebsocket.handler import WebSocketHandler  # noqa: E402

os.environ["EVENTHUB_ASYNC_MODE"] = "gevent"
sys.path.insert(0, os.getcwd())

import wsgi  # noqa: E402

if __name__ == "__main__":
    host = os.environ.get("EVENTHUB_HOST", "127.0.0.1")
    port = int(os.environ.get("EVENTHUB_PORT", "5000"))
    print(f"EventHub serving on http://{host}:{port} (gevent-websocket)", flush=True)
    WSGIServer(
        wsgi.listen(host, port), wsgi.app, handler_class=WebSocketHandler, log=None
    ).serve_forever()
