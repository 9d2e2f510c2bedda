"""A wave of joins: every member of one room joins it at the same moment.

That is what happens when a venue's Wi-Fi comes back, a worker restarts, or a session starts:
M members (default 200) connect, then all send `join` at once. Measured, per run:

- the server process's CPU seconds from the wave's start until it is over (every member's list
  of who is here complete, and no `presence` frame for 2 s);
- the `presence` frames the members received, and the names they carried;
- the time from the wave's start until every member's list was complete (her `join` ack's
  `room.presence` or a `presence` frame listing all M), and the join acks' median and p99.

The server is `python wsgi.py` (gevent unless `--mode`), on a fresh SQLite file, members signed
in at /login (bench/rooms.py); the members are lean clients (bench/leanclient.py) in
`--processes` processes. Figures in docs/performance.md, "A wave of joins".

    .venv/bin/python bench/joinwave.py                      # 200 members, the server's default
    .venv/bin/python bench/joinwave.py --flush 0,0.5        # one broadcast per change, then 0.5 s
    .venv/bin/python bench/joinwave.py --members 500 --mode eventlet

Before and after a change: run the other checkout's server with this script, e.g.

    git worktree add /tmp/before <commit> && .venv/bin/python bench/joinwave.py --app-dir /tmp/before
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import queue
import signal
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from bench.loadgen import percentile  # noqa: E402
from bench.rooms import PYTHON, Server, free_port, prepare_eventhub, sign_in  # noqa: E402

QUIET = 2.0  # seconds without a presence frame that end the wave
LIMIT = 180.0  # seconds the wave may take at most


@dataclass
class Member:
    """What one member saw of the wave (times are the wall clock, shared by the processes)."""

    ack_at: float = 0.0
    complete_at: float | None = None
    frames: int = 0
    names: int = 0
    last_frame_at: float = 0.0
    error: str | None = None


@dataclass
class Wave:
    members: list[Member] = field(default_factory=list)
    started: float = 0.0
    cpu_seconds: float = 0.0


async def _members(url, cookies, room, size, go_at, ready, go, done, results, index) -> None:
    import aiohttp

    from bench.leanclient import LeanSocket

    seen = [Member() for _ in cookies]
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        sockets = [LeanSocket(http, url, {"Cookie": c}) for c in cookies]
        for member, sock in zip(seen, sockets, strict=True):

            def on_presence(data, member=member) -> None:
                now = time.time()
                member.frames += 1
                member.names += len(data["people"])
                member.last_frame_at = now
                if len(data["people"]) == size and member.complete_at is None:
                    member.complete_at = now

            sock.on("presence", on_presence)
        slots = asyncio.Semaphore(16)

        async def connect(sock) -> None:
            async with slots:
                await sock.connect(timeout=60)

        await asyncio.gather(*(connect(s) for s in sockets))
        ready.put(len(sockets))
        await asyncio.get_running_loop().run_in_executor(None, go.wait)
        await asyncio.sleep(max(0.0, go_at.value - time.time()))

        async def join(member: Member, sock) -> None:
            try:
                ack = await sock.call("join", {"room": room}, timeout=LIMIT)
            except Exception as error:  # noqa: BLE001 - reported in the results
                member.error = repr(error)
                return
            member.ack_at = time.time()
            if not ack.get("ok"):
                member.error = str(ack)
            elif len(ack["room"]["presence"]) == size and member.complete_at is None:
                member.complete_at = member.ack_at

        await asyncio.gather(*(join(m, s) for m, s in zip(seen, sockets, strict=True)))
        deadline = time.time() + LIMIT
        while time.time() < deadline:
            settled = all(m.complete_at is not None or m.error for m in seen)
            last = max((m.last_frame_at for m in seen), default=0.0)
            if settled and time.time() - max(last, go_at.value) >= QUIET:
                break
            await asyncio.sleep(0.1)
        # Still connected: members leaving now would be presence changes the others count.
        results.put((index, seen))
        await asyncio.get_running_loop().run_in_executor(None, done.wait)
        for sock in sockets:
            await sock.disconnect()


def _process(*args) -> None:
    asyncio.run(_members(*args))


def run_wave(url: str, cookies: list[str], room: int, processes: int, cpu_probe) -> Wave:
    ctx = mp.get_context("spawn")
    go_at, go, done = ctx.Value("d", 0.0), ctx.Event(), ctx.Event()
    ready, results = ctx.Queue(), ctx.Queue()
    shares = [cookies[i::processes] for i in range(processes)]
    workers = [
        ctx.Process(
            target=_process,
            args=(url, share, room, len(cookies), go_at, ready, go, done, results, i),
            daemon=True,
        )
        for i, share in enumerate(shares)
    ]
    for w in workers:
        w.start()
    try:
        connected = 0
        for _ in workers:
            while True:
                try:
                    connected += ready.get(timeout=1)
                    break
                except queue.Empty:
                    if any(w.exitcode not in (None, 0) for w in workers):
                        raise RuntimeError("a client process failed (see above)") from None
        assert connected == len(cookies), f"{connected}/{len(cookies)} connected"
        time.sleep(1.0)  # let the connections settle: the wave is the joins alone
        cpu_before = cpu_probe()
        go_at.value = time.time() + 0.5
        go.set()
        seen = [m for _ in workers for m in results.get(timeout=2 * LIMIT)[1]]
        cpu = cpu_probe() - cpu_before
    finally:
        done.set()
        for w in workers:
            w.join(10)
            if w.is_alive():
                w.kill()
    return Wave(members=seen, started=go_at.value, cpu_seconds=cpu)


def warm_up(url: str, cookie: str, room: int) -> None:
    """One member joins and leaves first: the server's first join pays for what it sets up once
    (connections, caches), which is not the wave's cost."""
    import socketio

    sio = socketio.Client()
    sio.connect(url, headers={"Cookie": cookie}, transports=["websocket"])
    assert sio.call("join", {"room": room}, timeout=60)["ok"]
    assert sio.call("leave", {"room": room}, timeout=60)["ok"]
    sio.disconnect()


def report(wave: Wave, label: str) -> str:
    members = wave.members
    errors = [m.error for m in members if m.error]
    acks = [1000 * (m.ack_at - wave.started) for m in members if m.ack_at]
    complete = [m.complete_at - wave.started for m in members if m.complete_at is not None]
    lines = [
        f"{label}: {len(members)} members",
        f"  server CPU during the wave     {wave.cpu_seconds:7.2f} s",
        f"  presence frames received       {sum(m.frames for m in members):7d}"
        f"  (names carried: {sum(m.names for m in members):,})",
        f"  every list complete after      {max(complete, default=float('nan')):7.2f} s"
        f"  ({len(complete)}/{len(members)} complete)",
        f"  join acks: median {statistics.median(acks) if acks else float('nan'):.0f} ms,"
        f" p99 {percentile(acks, 99):.0f} ms",
    ]
    if errors:
        lines.append(f"  errors: {len(errors)}, e.g. {errors[:3]}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--mode", default="gevent", choices=["gevent", "eventlet"])
    parser.add_argument(
        "--flush",
        default="",
        help="comma-separated EVENTHUB_PRESENCE_FLUSH_SECONDS, one run each "
        "(default: one run with the server's own default)",
    )
    parser.add_argument("--processes", type=int, default=2, help="client processes")
    parser.add_argument(
        "--app-dir", type=Path, default=PROJECT_DIR, help="the checkout whose server runs"
    )
    args = parser.parse_args()
    # A SIGTERM (say, from `timeout`) unwinds, so the server is stopped with the benchmark.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    flushes = [f.strip() for f in args.flush.split(",") if f.strip()] or [None]
    workdir = Path(tempfile.mkdtemp(prefix="eventhub-joinwave-"))
    print(f"server from {args.app_dir} ({args.mode}); logs in {workdir}", flush=True)
    for n, flush in enumerate(flushes, 1):
        database_url = f"sqlite:///{workdir / f'wave-{n}.sqlite'}"
        [room], members = prepare_eventhub(database_url, args.members + 1, rooms_count=1)
        port = free_port()
        env = {
            "EVENTHUB_CONFIG": "development",
            "EVENTHUB_DATABASE_URL": database_url,
            "EVENTHUB_ASYNC_MODE": args.mode,
            "EVENTHUB_PORT": str(port),
            "EVENTHUB_SECRET_KEY": "bench-secret",
            "EVENTHUB_RATELIMIT_ENABLED": "false",
            "EVENTHUB_REQUEST_LOG": "0",
        }
        if flush is not None:
            env["EVENTHUB_PRESENCE_FLUSH_SECONDS"] = flush
        server = Server(
            "eventhub", [PYTHON, "wsgi.py"], port, workdir / f"server-{n}.log", env, args.app_dir
        )
        with server:
            with ThreadPoolExecutor(8) as pool:
                cookies = list(
                    pool.map(sign_in, [server.url] * len(members), [e for e, _ in members])
                )
            warm_up(server.url, cookies[0], room)
            wave = run_wave(server.url, cookies[1:], room, args.processes, server.cpu_seconds)
        label = "server default" if flush is None else f"PRESENCE_FLUSH_SECONDS={flush}"
        print(report(wave, label), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
