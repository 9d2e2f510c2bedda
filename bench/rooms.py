"""Benchmark of live rooms: EventHub against a bare python-socketio server and Node socket.io 4.

N simulated members (default 50, 200, 500), spread over 5 rooms, each send at a fixed rate from
load-generator processes (bench/loadgen.py, the same for every server). Measured: deliveries per
second, delivery latency from send to receipt at every other member (median, p99), and loss
(every member must receive every acknowledged message exactly once). Servers, per async mode:

- eventhub: `python wsgi.py`, persisting to an SQLite file, members signed in at /login;
- bare: bench/bare_server.py, the same fan-out with no sign-in and no persistence (the ceiling);
- node: bench/node/server.js, plain socket.io 4 (the peer; needs `npm install` in bench/node).

    .venv/bin/python bench/rooms.py                 # full run (~15 minutes on 2 cores)
    .venv/bin/python bench/rooms.py --quick         # 50 and 200 clients, shorter
    .venv/bin/python bench/rooms.py --clients 500 --servers eventhub,bare --modes gevent

With 2 or more CPUs the server is pinned to CPU 0 and the load generators to the others, so
the two do not steal time from each other.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from bench.loadgen import ClientSpec, LoadResult, run_load  # noqa: E402

ROOMS = 5
SNAPSHOT = ("eventhub", "templates", "static", "translations", "config.py", "wsgi.py")
PASSWORD = "bench-password"
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server subprocess, pinned to `cpus`, up once its port answers HTTP."""

    def __init__(
        self,
        name: str,
        cmd: list[str],
        port: int,
        log_path: Path,
        env=None,
        cwd=None,
        cpus: set[int] | None = None,
    ):
        self.name, self.cmd, self.port, self.log_path = name, cmd, port, log_path
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.cwd, self.cpus = cwd or PROJECT_DIR, cpus
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                self.cmd,
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        if self.cpus:
            os.sched_setaffinity(self.process.pid, self.cpus)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log_path}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"GET / HTTP/1.0\r\n\r\n")
                    if s.recv(5) == b"HTTP/":
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not start; see {self.log_path}")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_kb(self) -> float:
        """The server process's resident memory now, in KiB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return float(line.split()[1])
        return math.nan

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- EventHub: database and sign-in ---------------------------------------------------------


def prepare_eventhub(
    database_url: str, clients: int, rooms_count: int = ROOMS
) -> tuple[list[int], list[tuple[str, int]]]:
    """A fresh database: one event, `rooms_count` working groups with their rooms, `clients`
    members spread evenly over them.

    Returns the room ids and, per member, (e-mail, room id). Passwords use a cheap hash: the
    benchmark measures rooms, not password hashing.
    """
    from werkzeug.security import generate_password_hash

    from eventhub import create_app
    from eventhub.accounts.models import Person
    from eventhub.extensions import db
    from eventhub.programme.models import Event, Membership, Role, WorkingGroup
    from eventhub.rooms.service import room_for_group

    app = create_app("test", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        db.create_all()
        event = Event(
            slug="bench",
            title="Benchmark",
            host="Bench",
            timezone="UTC",
            languages=["en"],
            starts=date(2030, 1, 1),
            ends=date(2030, 1, 2),
        )
        groups = [
            WorkingGroup(key=f"wg{i}", title=f"Working group {i}", position=i)
            for i in range(1, rooms_count + 1)
        ]
        event.working_groups = groups
        db.session.add(event)
        db.session.flush()
        rooms = [room_for_group(g).id for g in groups]
        cheap = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        members = []
        for i in range(clients):
            person = Person(
                email=f"member{i}@bench.example.org", name=f"Member {i}", password_hash=cheap
            )
            group = groups[i % rooms_count]
            db.session.add(
                Membership(person=person, event=event, role=Role.PARTICIPANT, working_group=group)
            )
            members.append((person.email, rooms[i % rooms_count]))
        db.session.commit()
        db.engine.dispose()
    return rooms, members


CSRF_INPUT = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)


def sign_in(url: str, email: str, password: str = PASSWORD) -> str:
    """Sign in through the login form; return the Cookie header that carries the session."""
    import requests

    with requests.Session() as http:
        page = http.get(f"{url}/login", timeout=30)
        match = CSRF_INPUT.search(page.text)
        data = {"email": email, "password": password}
        if match:
            data["csrf_token"] = match.group(1) or match.group(2)
        response = http.post(f"{url}/login", data=data, allow_redirects=False, timeout=30)
        if response.status_code not in (302, 303):
            raise RuntimeError(f"sign-in of {email} failed: {response.status_code}")
        return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


# --- one run ------------------------------------------------------------------------------


def run_one(
    kind: str, mode: str, clients: int, args, workdir: Path, log, round_: int = 1
) -> LoadResult:
    port = free_port()
    ncpu = os.cpu_count() or 1
    server_cpus = {0} if ncpu >= 2 and not args.no_pin else None
    load_cpus = set(range(1, ncpu)) if server_cpus else None
    log_path = workdir / f"{kind}-{mode}-{clients}-{round_}.log"
    rooms_count = rooms_for(clients, args)
    if kind == "eventhub":
        database = workdir / f"eventhub-{mode}-{clients}-{round_}.sqlite"
        database_url = f"sqlite:///{database}"
        rooms, members = prepare_eventhub(database_url, clients, rooms_count)
        env = {
            "EVENTHUB_CONFIG": "development",
            "EVENTHUB_DATABASE_URL": database_url,
            "EVENTHUB_ASYNC_MODE": mode.split("-")[0],
            "EVENTHUB_PORT": str(port),
            "EVENTHUB_SECRET_KEY": "bench-secret",
            "EVENTHUB_RATELIMIT_ENABLED": "false",
        }
        # gevent-websocket: the same app behind gevent-websocket's handler, for comparison.
        command = (
            [PYTHON, str(PROJECT_DIR / "bench" / "wsgi_gevent_websocket.py")]
            if mode == "gevent-websocket"
            else [PYTHON, "wsgi.py"]
        )
        server = Server(
            "eventhub",
            command,
            port,
            log_path,
            env=env,
            cwd=args.app_dir,
            cpus=server_cpus,
        )
    elif kind == "bare":
        rooms = list(range(1, rooms_count + 1))
        members = [(None, rooms[i % rooms_count]) for i in range(clients)]
        server = Server(
            "bare",
            [PYTHON, "bench/bare_server.py", "--mode", mode, "--port", str(port)],
            port,
            log_path,
            cpus=server_cpus,
        )
    else:
        rooms = list(range(1, rooms_count + 1))
        members = [(None, rooms[i % rooms_count]) for i in range(clients)]
        server = Server(
            "node",
            ["node", "server.js"],
            port,
            log_path,
            env={"PORT": str(port)},
            cwd=PROJECT_DIR / "bench" / "node",
            cpus=server_cpus,
        )
    with server:
        rss_idle = server.rss_kb()
        if kind == "eventhub":
            started = time.time()
            with ThreadPoolExecutor(8) as pool:
                cookies = list(pool.map(lambda m: sign_in(server.url, m[0]), members))
            log(f"  {clients} members signed in in {time.time() - started:.1f}s")
        else:
            cookies = [None] * clients
        specs = [
            ClientSpec(key=f"c{i}", room=room, cookie=cookie)
            for i, ((_, room), cookie) in enumerate(zip(members, cookies, strict=True))
        ]
        processes = args.processes or max(2, math.ceil(clients / 250))
        result = run_load(
            server.url,
            specs,
            rate=args.rate,
            duration=args.duration,
            processes=processes,
            cpus=load_cpus,
            cpu_probe=server.cpu_seconds,
            rss_probe=server.rss_kb,
            client=args.client,
            log=log,
        )
        result.server_rss_idle_kb = rss_idle
        return result


def rooms_for(clients: int, args) -> int:
    """Rooms of `--room-size` members (the last may be smaller), else the members over 5."""
    return math.ceil(clients / args.room_size) if args.room_size else ROOMS


# --- the table ----------------------------------------------------------------------------

HEADER = (
    "| clients | server | mode | delivered/s | median ms | p99 ms | max gap ms | ack p99 ms "
    "| server CPU % | KiB/conn | gen CPU % | gen lag p99 ms | drops | late | lost | dup | errors |"
)
RULE = "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"


def row(clients, kind, mode, r: LoadResult | None, failure: str | None = None) -> str:
    if r is None:
        return f"| {clients} | {kind} | {mode} | failed: {failure} |" + " |" * 13
    cpu = r.server_cpu_percent
    per_connection = (r.server_rss_joined_kb - r.server_rss_idle_kb) / clients
    # late: deliveries that never came live (caught up afterwards, for EventHub); lost: not
    # in the member's final history, or never acknowledged.
    return (
        f"| {clients} | {kind} | {mode} | {r.delivered_per_second:,.0f} | "
        f"{r.median_ms:.1f} | {r.p99_ms:.1f} | {r.max_gap_ms:.0f} | {r.ack_p99_ms:.1f} | {cpu:.0f} | "
        f"{per_connection:.0f} | {r.generator_cpu_percent:.0f} | {r.generator_lag_p99_ms:.1f} | "
        f"{r.disconnects} | {r.missing - r.missing_final} | "
        f"{r.missing_final + (r.sent - r.acked)} | {r.duplicates} | {len(r.errors)} |"
    )


def summary(results: list[dict], repeat: int) -> list[str]:
    """Per configuration over the rounds: median and range of the p99, and EventHub's median
    p99 over the bare server's on the same mode (the issue's target: at most 1.5)."""
    p99s: dict[tuple, list[float]] = {}
    gaps: dict[tuple, list[float]] = {}
    lossless: dict[tuple, bool] = {}
    for r in results:
        key = (r["clients"], r["server"], r["mode"])
        p99s.setdefault(key, []).append(r["p99_ms"])
        gaps.setdefault(key, []).append(r.get("max_gap_ms", math.nan))
        lost = r["missing_final"] + r["sent"] - r["acked"] + r["duplicates"]
        lossless[key] = lossless.get(key, True) and lost == 0
    lines = [
        f"Over {repeat} rounds:",
        "",
        "| clients | server | mode | runs | median p99 ms | p99 range ms | ÷ bare | largest gap ms | lossless |",
        "|---:|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for (n, kind, mode), values in p99s.items():
        median = statistics.median(values)
        bare = p99s.get((n, "bare", mode))
        ratio = f"{median / statistics.median(bare):.2f}" if bare and kind != "bare" else ""
        lines.append(
            f"| {n} | {kind} | {mode} | {len(values)} | {median:.1f} | "
            f"{min(values):.1f}–{max(values):.1f} | {ratio} | "
            f"{max(gaps[(n, kind, mode)]):.0f} | {'yes' if lossless[(n, kind, mode)] else 'NO'} |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50 and 200 clients, 10 s each")
    parser.add_argument("--clients", default=None, help="comma-separated (default 50,200,500)")
    parser.add_argument(
        "--modes",
        default="gevent,eventlet",
        help="eventlet, gevent (python-engineio's own WebSocket), gevent-websocket",
    )
    parser.add_argument("--servers", default="eventhub,bare,node")
    parser.add_argument("--rate", type=float, default=0.1, help="messages per second per client")
    parser.add_argument("--duration", type=float, default=None, help="seconds of sending")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run every configuration this many times, in interleaved rounds, and summarise",
    )
    parser.add_argument("--processes", type=int, default=0, help="load-generator processes")
    parser.add_argument(
        "--room-size", type=int, default=0, help="members per room (default: 5 rooms)"
    )
    parser.add_argument(
        "--client",
        choices=["lean", "socketio"],
        default="lean",
        help="the load generator's client: lean (bench/leanclient.py) or python-socketio's",
    )
    parser.add_argument(
        "--knee",
        type=float,
        default=0,
        help="stop a server's steps once its p99 passes this many ms or it loses anything",
    )
    parser.add_argument("--no-pin", action="store_true", help="do not pin server and load to CPUs")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, DBs)")
    args = parser.parse_args()
    clients = [
        int(c) for c in (args.clients or ("50,200" if args.quick else "50,200,500")).split(",")
    ]
    args.duration = args.duration or (10.0 if args.quick else 30.0)
    modes = args.modes.split(",")
    kinds = args.servers.split(",")
    if "node" in kinds and not (PROJECT_DIR / "bench/node/node_modules/socket.io").exists():
        print("bench/node: run `npm install` there first (or leave out --servers node)")
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="eventhub-bench-", dir=PROJECT_DIR / "instance"))
    # EventHub runs from a copy of the tree taken now, so that edits made while the benchmark
    # runs cannot mix two versions into one table.
    args.app_dir = workdir / "app"
    for name in SNAPSHOT:
        source = PROJECT_DIR / name
        if source.is_dir():
            shutil.copytree(
                source, args.app_dir / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        elif source.exists():
            shutil.copy2(source, args.app_dir / name)
    sys.path.insert(0, str(args.app_dir))  # prepare_eventhub imports the same copy
    configurations = [
        (n, kind, mode)
        for n in clients
        for mode in modes
        for kind in kinds
        if not (kind == "node" and mode != modes[0])
    ]
    # Rounds, not one configuration N times in a row: a noisy minute on a shared machine then
    # falls on every server alike instead of on one of them.
    runs = configurations * args.repeat

    def log(text):
        print(text, flush=True)

    log(
        f"{len(runs)} runs; rate {args.rate}/s per client, {args.duration:.0f}s each; "
        f"logs in {workdir}"
    )
    lines, results = [HEADER, RULE], []
    past_knee: set[tuple[str, str]] = set()
    for index, (n, kind, mode) in enumerate(runs):
        shown_mode = "-" if kind == "node" else mode
        shown_kind = kind
        if (kind, mode) in past_knee:
            continue
        log(f"{kind} {shown_mode} with {n} clients")
        started = time.time()
        try:
            r = run_one(kind, mode, n, args, workdir, log, index // len(configurations) + 1)
        except Exception as error:  # noqa: BLE001 - one failed run must not hide the others
            log(f"  FAILED: {error!r}")
            lines.append(row(n, shown_kind, shown_mode, None, str(error)[:80]))
            continue
        lines.append(row(n, shown_kind, shown_mode, r))
        if args.knee and (r.p99_ms > args.knee or not r.lossless or r.errors):
            past_knee.add((kind, mode))
        results.append({"clients": n, "server": shown_kind, "mode": shown_mode, **asdict(r)})
        log(f"  {lines[-1]}  ({time.time() - started:.0f}s)")
        for e in r.errors[:3]:
            log(f"    error: {e}")
    log("")
    log(
        f"rate {args.rate}/s per client, {args.duration:.0f}s, "
        f"{f'rooms of {args.room_size}' if args.room_size else f'{ROOMS} rooms'}, "
        f"{args.client} client, "
        f"{os.cpu_count()} CPUs, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    log("\n".join(lines))
    if args.repeat > 1:
        log("")
        log("\n".join(summary(results, args.repeat)))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
