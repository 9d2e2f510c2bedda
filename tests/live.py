"""A real EventHub server in a subprocess (`python wsgi.py`), for tests that need one.

`LiveServer` prepares nothing itself: the caller creates the database (e.g. `create_app` and
`db.create_all()` in-process on a file or PostgreSQL URL) and passes its URL. The server's output
goes to a log file; the `live_server` fixture prints its tail at teardown, which pytest shows
only for a failing test.

    from tests import live

    live_server = live.live_server  # the fixture, in this module

    def test_something(live_server, tmp_path):
        server = live_server(f"sqlite:///{tmp_path / 'db.sqlite'}", async_mode="gevent")
        requests.get(server.url + "/login")
        server.kill()      # SIGKILL, as a crash would
        server.restart()   # same port, same database
"""

from __future__ import annotations

import html
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
import requests

PROJECT_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "live-server-test-secret"
ASYNC_MODES = ("gevent", "eventlet")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class ServerFailed(RuntimeError):
    """The server did not come up (or died); the message carries its log."""


class LiveServer:
    """`python wsgi.py` on a free port, with the given database and async mode (None: the
    default, with no setting)."""

    def __init__(
        self,
        database_url: str,
        *,
        async_mode: str | None = "gevent",
        port: int | None = None,
        host: str = "127.0.0.1",
        secret_key: str = SECRET_KEY,
        env: Mapping[str, str] | None = None,
        log_path: Path | str | None = None,
        startup_timeout: float = 30.0,
    ):
        self.database_url = database_url
        self.async_mode = async_mode
        self.host = host
        self.port = port or free_port(host)
        self.secret_key = secret_key
        self.extra_env = dict(env or {})
        self.startup_timeout = startup_timeout
        if log_path is None:
            log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"eventhub-live-{self.port}.log"
        self.log_path = Path(log_path)
        self.process: subprocess.Popen | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def environment(self) -> dict[str, str]:
        # Only the variables we mean: a developer's own EVENTHUB_* settings must not leak in.
        env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTHUB_")}
        env.update(
            EVENTHUB_CONFIG="development",
            EVENTHUB_DATABASE_URL=self.database_url,
            EVENTHUB_HOST=self.host,
            EVENTHUB_PORT=str(self.port),
            EVENTHUB_SECRET_KEY=self.secret_key,
            EVENTHUB_REQUEST_LOG="0",  # one line per request is for real servers, not tests
            PYTHONUNBUFFERED="1",
        )
        if self.async_mode is not None:  # None: wsgi.py's default
            env["EVENTHUB_ASYNC_MODE"] = self.async_mode
        env.update(self.extra_env)
        return env

    def start(self) -> LiveServer:
        """Start the server and wait until its port answers HTTP."""
        if self.running:
            raise RuntimeError(f"server on port {self.port} is already running")
        self.starts += 1
        log = self.log_path.open("a")
        log.write(f"\n===== start #{self.starts}: {self.async_mode} on {self.url} =====\n")
        log.flush()
        self.process = subprocess.Popen(
            [sys.executable, str(PROJECT_DIR / "wsgi.py")],
            cwd=PROJECT_DIR,
            env=self.environment(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a SIGKILL to it never reaches pytest
        )
        log.close()
        self._wait_until_up()
        return self

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerFailed(
                    f"server exited with {self.process.returncode} before answering\n{self.log_tail()}"
                )
            if self._answers_http():
                return
            time.sleep(0.05)
        self.kill()
        raise ServerFailed(
            f"server did not answer on {self.url} within {self.startup_timeout}s\n{self.log_tail()}"
        )

    def _answers_http(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=1) as s:
                s.sendall(b"GET / HTTP/1.0\r\nHost: " + self.host.encode() + b"\r\n\r\n")
                s.settimeout(5)
                return s.recv(12).startswith(b"HTTP/")
        except OSError:
            return False

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: the server dies at once, as in a crash; nothing gets to clean up."""
        if self.running:
            self.process.send_signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(10)

    def stop(self, timeout: float = 5.0) -> None:
        """SIGTERM, then SIGKILL after `timeout` seconds."""
        if self.running:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self, *, kill: bool = False) -> LiveServer:
        """Stop (or kill) and start again on the same port and database."""
        if kill:
            self.kill()
        else:
            self.stop()
        return self.start()

    def log_tail(self, lines: int = 200) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return f"(no log at {self.log_path})"
        tail = text.splitlines()[-lines:]
        return f"--- {self.log_path} (last {len(tail)} lines) ---\n" + "\n".join(tail)

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<LiveServer {self.async_mode} {self.url} {state}>"


@pytest.fixture
def live_server(tmp_path) -> Iterator:
    """Factory: `live_server(database_url, async_mode=..., env={...})` starts a LiveServer.

    Every server started is stopped at teardown, and its log printed (shown if the test failed).
    """
    servers: list[LiveServer] = []

    def start(database_url: str, **kwargs) -> LiveServer:
        kwargs.setdefault("log_path", tmp_path / f"server-{len(servers) + 1}.log")
        server = LiveServer(database_url, **kwargs)
        servers.append(server)
        return server.start()

    start.servers = servers  # a test may stop one
    yield start
    for server in servers:
        server.stop()
        print(server.log_tail())


# --- clients ---------------------------------------------------------------------------------

_CSRF_INPUT = re.compile(r"<input[^>]*name=\"csrf_token\"[^>]*>")
_VALUE = re.compile(r"value=\"([^\"]*)\"")


def sign_in(url: str, email: str, password: str) -> requests.Session:
    """Sign in through the real login form (CSRF token and all); the session holds the cookie."""
    http = requests.Session()
    page = http.get(f"{url}/login", timeout=10)
    page.raise_for_status()
    data = {"email": email, "password": password}
    tag = _CSRF_INPUT.search(page.text)
    if tag:
        data["csrf_token"] = html.unescape(_VALUE.search(tag.group(0)).group(1))
    response = http.post(f"{url}/login", data=data, allow_redirects=False, timeout=10)
    if response.status_code not in (302, 303):
        raise AssertionError(
            f"sign-in of {email} failed ({response.status_code}):\n{response.text[:1000]}"
        )
    return http


def cookie_header(http: requests.Session) -> str:
    """The Cookie header a browser would send with those cookies (for a Socket.IO client)."""
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


class RoomMember:
    """A python-socketio client in live rooms, keeping messages as docs/realtime.md says.

    Messages are kept by `seq` (each once), with a watermark `W` (every seq up to it received or
    covered); `join` catches up with `after=W` on a reconnect. Reconnection is Socket.IO's own.
    """

    def __init__(
        self, url: str, http: requests.Session | None = None, *, reconnection: bool = True
    ):
        import socketio

        self.url = url
        # The signed-in requests.Session carries the cookie, on every reconnect too. (A Cookie
        # header would not: python-engineio deletes it from the headers dict after the first
        # connection, and the client reconnects with that same dict.)
        self.sio = socketio.Client(
            http_session=http or requests.Session(),
            reconnection=reconnection,
            reconnection_delay=0.2,
            reconnection_delay_max=1,
            randomization_factor=0,
        )
        self.messages: dict[int, dict[int, dict]] = {}  # room -> seq -> message
        self.watermark: dict[int, int] = {}
        self.live: list[dict] = []  # every `message` event as it came
        self.lock = threading.Lock()
        self.sio.on("message", self._on_message)

    def connect(self, timeout: float = 10) -> RoomMember:
        self.sio.connect(self.url, wait_timeout=timeout)
        return self

    def wait_connected(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not self.sio.connected:
            if time.monotonic() > deadline:
                raise AssertionError(f"not reconnected to {self.url} within {timeout}s")
            time.sleep(0.05)

    def _on_message(self, message: dict) -> None:
        with self.lock:
            self.live.append(message)
            self._keep(message)

    def _keep(self, message: dict) -> None:
        room = self.messages.setdefault(message["room"], {})
        room.setdefault(message["seq"], message)
        self._advance(message["room"])

    def _advance(self, room_id: int, until: int = 0) -> None:
        room = self.messages.get(room_id, {})
        w = max(self.watermark.get(room_id, 0), until)
        while w + 1 in room:
            w += 1
        self.watermark[room_id] = w

    def call(self, event: str, data: dict, timeout: float = 10) -> dict:
        return self.sio.call(event, data, timeout=timeout)

    def join(self, room_id: int, *, catch_up: bool = False) -> dict:
        """`join` (with `after=W` when catching up), then `history` while there is more."""
        payload = {"room": room_id}
        if catch_up:
            payload["after"] = self.watermark.get(room_id, 0)
        ack = self.call("join", payload)
        if not ack.get("ok"):
            return ack
        self._take(room_id, ack)
        page = ack
        while page.get("more") and catch_up:
            page = self.call("history", {"room": room_id, "after": page["until"]})
            assert page.get("ok"), page
            self._take(room_id, page)
        return ack

    def _take(self, room_id: int, page: dict) -> None:
        with self.lock:
            self.messages.setdefault(room_id, {})
            for message in page["messages"]:
                self._keep(message)
            self._advance(room_id, page.get("until", 0))

    def send(self, room_id: int, body: str, client_id: str, timeout: float = 5) -> dict:
        return self.call(
            "send", {"room": room_id, "body": body, "client_id": client_id}, timeout=timeout
        )

    def seen(self, room_id: int) -> list[dict]:
        """The messages she holds for the room, in seq order."""
        with self.lock:
            return [m for _, m in sorted(self.messages.get(room_id, {}).items())]

    def disconnect(self) -> None:
        """Leave, and stop reconnecting: `sio.disconnect()` alone leaves a client whose server
        died retrying forever in a thread of its own, whose `random.random()` calls (its
        reconnection jitter) then land inside other tests' Hypothesis draws.

        A reconnection that has just begun lists itself as reconnecting before its task is
        recorded on the client, and `shutdown()` then has nothing to stop: ask again until it
        has stopped (a test failed that way on a loaded machine)."""
        from socketio import base_client

        self.sio.shutdown()
        deadline = time.monotonic() + 10
        while self.sio in base_client.reconnecting_clients and time.monotonic() < deadline:
            time.sleep(0.02)
            self.sio.shutdown()


class PresenceWatcher:
    """A room member who keeps every `presence` frame she receives (as lists of ids)."""

    def __init__(self, member: RoomMember):
        self.member = member
        self.frames: list[list[int]] = []
        self.lock = threading.Lock()
        member.sio.on("presence", self._on_presence)

    def _on_presence(self, data: dict) -> None:
        with self.lock:
            self.frames.append(sorted(p["id"] for p in data["people"]))

    def last(self) -> list[int] | None:
        with self.lock:
            return self.frames[-1] if self.frames else None

    def count(self) -> int:
        with self.lock:
            return len(self.frames)


def join_at_once(watchers: list[PresenceWatcher], room: int) -> list[dict]:
    """Every member sends `join` at the same moment; their acks, in the same order."""
    acks: list[dict | None] = [None] * len(watchers)
    start = threading.Barrier(len(watchers))

    def join(i: int) -> None:
        start.wait()
        acks[i] = watchers[i].member.call("join", {"room": room}, timeout=60)

    threads = [threading.Thread(target=join, args=(i,)) for i in range(len(watchers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    return acks


def wait_until(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def settle(watchers: list[PresenceWatcher], quiet: float) -> None:
    """Wait until no frame has arrived for `quiet` seconds (a last timer may still be due)."""
    before = None
    now = [w.count() for w in watchers]
    while now != before:
        time.sleep(quiet)
        before, now = now, [w.count() for w in watchers]
