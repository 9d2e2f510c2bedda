"""The ceiling for bench/rooms.py: a bare python-socketio server doing EventHub's room fan-out.

Same events as EventHub's rooms (docs/realtime.md), none of the work: `join` {room} puts the
socket in the room; `send` {room, body, client_id} numbers the message, broadcasts `message` to
everyone in the room (the sender included) and acknowledges {ok, seq, id}. No sign-in, no
database, no validation.

    python bench/bare_server.py --mode gevent --port 5100

Modes: `eventlet`; `gevent` (python-engineio's own WebSocket support, through simple-websocket,
as wsgi.py serves); `gevent-websocket` (gevent-websocket's handler, as wsgi.py served before).
"""

import argparse
import sys

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--mode", choices=("eventlet", "gevent", "gevent-websocket"), default="gevent")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=5100)
args = parser.parse_args()

if args.mode == "eventlet":
    import eventlet

    eventlet.monkey_patch()
else:
    from gevent import monkey

    monkey.patch_all()
    if args.mode == "gevent":
        # python-engineio takes gevent-websocket whenever it can import it.
        sys.modules["geventwebsocket"] = None

import itertools  # noqa: E402

import socketio  # noqa: E402

sio = socketio.Server(async_mode=args.mode.split("-")[0], cors_allowed_origins=None)
app = socketio.WSGIApp(sio)
last_seq: dict[int, int] = {}
ids = itertools.count(1)


@sio.on("join")
def join(sid, data):
    room = data["room"]
    sio.enter_room(sid, f"room:{room}")
    return {
        "ok": True,
        "messages": [],
        "more": False,
        "last_seq": last_seq.get(room, 0),
        "until": last_seq.get(room, 0),
    }


@sio.on("send")
def send(sid, data):
    room = data["room"]
    seq = last_seq[room] = last_seq.get(room, 0) + 1
    message = {
        "room": room,
        "id": next(ids),
        "seq": seq,
        "author": {"id": 0, "name": sid},
        "body": data["body"],
        "client_id": data["client_id"],
    }
    sio.emit("message", message, to=f"room:{room}")
    return {"ok": True, "seq": seq, "id": message["id"], "duplicate": False}


def listen(host: str, port: int):
    """As wsgi.py's: SO_REUSEADDR and TCP_NODELAY (inherited by accepted sockets)."""
    import socket

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    listener.bind((host, port))
    listener.listen(1024)
    return listener


if __name__ == "__main__":
    print(
        f"bare python-socketio serving on http://{args.host}:{args.port} ({args.mode})", flush=True
    )
    if args.mode == "eventlet":
        import eventlet.wsgi

        # As wsgi.py: eventlet's default pool stops at 1024 connections.
        eventlet.wsgi.server(listen(args.host, args.port), app, log_output=False, max_size=10_000)
    elif args.mode == "gevent":
        from gevent.pywsgi import WSGIServer

        WSGIServer(listen(args.host, args.port), app, log=None).serve_forever()
    else:
        from gevent.pywsgi import WSGIServer
        from geventwebsocket.handler import WebSocketHandler

        WSGIServer(
            listen(args.host, args.port), app, handler_class=WebSocketHandler, log=None
        ).serve_forever()
