"""The load generator for bench/rooms.py: simulated room members in separate processes.

Each process runs many python-socketio AsyncClients (asyncio + aiohttp, WebSocket transport).
Every client connects (with its login cookie, if any), `join`s its room, waits for the common
start, then `send`s at a fixed rate on a fixed schedule (open loop: a slow ack does not delay
the next send). The body carries the sender, a number and the wall-clock send time, so every
receiver measures the delivery latency itself (all processes share the machine's clock).
The speaker protocol is EventHub's (docs/realtime.md), which the bare and Node servers copy.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import math
import multiprocessing as mp
import os
import random
import statistics
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

MAX_DRAIN = 180.0  # seconds after the last send, at most, to wait for late deliveries


@dataclass(frozen=True)
class ClientSpec:
    key: str  # unique name of the simulated member, carried in her messages
    room: int
    cookie: str | None = None  # "session=..." for EventHub; None for the bare servers


@dataclass
class ClientResult:
    key: str
    room: int
    sent: int = 0
    acked: list[int] = field(default_factory=list)  # message numbers acknowledged ok
    errors: list[str] = field(default_factory=list)
    received: Counter = field(default_factory=Counter)  # "sender:n" -> times received
    latencies: list[float] = field(default_factory=list)  # seconds, messages of others only
    receipts: list[float] = field(default_factory=list)  # when each of those arrived
    ack_latencies: list[float] = field(default_factory=list)
    last_receipt: float = 0.0
    seqs: set[int] = field(default_factory=set)  # EventHub's sequence numbers seen
    caught_up: Counter = field(default_factory=Counter)  # "sender:n" -> found by catch-up only
    disconnects: int = 0
    resends: int = 0


@dataclass
class LoadResult:
    clients: int
    processes: int
    duration: float
    rate: float
    sent: int
    acked: int
    expected: int  # deliveries to other members of acknowledged messages
    delivered: int  # of those, received (once or more)
    missing: int
    duplicates: int
    errors: list[str]
    delivered_per_second: float
    median_ms: float
    p99_ms: float
    ack_median_ms: float
    ack_p99_ms: float
    span: float = math.nan  # seconds from the start to the last delivery
    server_cpu_seconds: float = math.nan  # CPU the server used meanwhile (and while draining)
    # The longest time in the sending phase when no member received anything: a stall of the
    # server (a collection, a lock, a checkpoint) shows here even when percentiles hide it.
    max_gap_ms: float = math.nan
    # After every member's final catch-up (EventHub: her live deliveries plus what `join
    # {after}`/`history` returned): acknowledged messages of others still not in her history.
    missing_final: int = 0
    disconnects: int = 0  # sockets the server closed while members were sending
    resends: int = 0  # sends retried after a disconnect or a lost ack (same client_id)
    server_rss_idle_kb: float = math.nan  # the server's resident memory before anyone connects
    server_rss_joined_kb: float = math.nan  # and once everyone has joined
    generator_cpu_percent: float = math.nan  # the busiest load-generator process
    generator_lag_p99_ms: float = math.nan  # its event loop's lateness (saturation)
    # When members started sending (time.time()): with `duration`, the window the latencies
    # describe (connecting, joining and the final catch-up are outside it).
    started_at: float = math.nan
    generator_lag_max_ms: float = math.nan

    @property
    def server_cpu_percent(self) -> float:
        return 100 * self.server_cpu_seconds / self.span

    @property
    def lossless(self) -> bool:
        """Nothing acknowledged is missing from anyone's final history, nothing twice."""
        return self.missing_final == 0 and self.duplicates == 0 and self.acked == self.sent


def percentile(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[index]


# --- in each load-generator process -------------------------------------------------------


class _SocketIOClient:
    """python-socketio's AsyncClient behind the lean client's interface (`--client socketio`)."""

    def __init__(self, http, url, headers):
        import socketio

        self.url, self.headers = url, headers
        self.sio = socketio.AsyncClient(reconnection=False)
        self.closed = asyncio.Event()
        self.sio.on("disconnect", self.closed.set)

    def on(self, event, handler):
        self.sio.on(event, handler)

    @property
    def connected(self) -> bool:
        return self.sio.connected

    async def connect(self, timeout=30):
        self.closed.clear()
        await self.sio.connect(
            self.url, headers=self.headers, transports=["websocket"], wait_timeout=timeout
        )

    async def call(self, event, data, timeout=60):
        return await self.sio.call(event, data, timeout=timeout)

    async def disconnect(self):
        await self.sio.disconnect()


def _socket(kind: str, http, url: str, headers: dict):
    if kind == "socketio":
        return _SocketIOClient(http, url, headers)
    from bench.leanclient import LeanSocket

    return LeanSocket(http, url, headers)


async def _client(
    http, url, spec, room_size, plan, start_at, result: ClientResult, connected, go, connect_slots
):
    """One member: connect, join, send on schedule, receive; after any disconnect, reconnect
    and catch up as EventHub's clients do (docs/realtime.md: `join {room, after}`, then
    `history` while `more`), resending unacknowledged messages with their `client_id`."""
    expected_from_others = (room_size - 1) * plan.messages
    all_in = asyncio.Event()
    others = 0
    catches_up = spec.cookie is not None  # EventHub keeps history; the bare servers do not
    watermark = 0  # every seq up to here has been seen (live or caught up)
    up = asyncio.Event()  # connected and joined

    def advance() -> None:
        nonlocal watermark
        while watermark + 1 in result.seqs:
            watermark += 1

    def take(message, live: bool) -> None:
        nonlocal others
        now = time.time()
        seq = message.get("seq")
        if seq is not None:
            if not live and seq in result.seqs:
                return  # the same message, live and caught up: counted once, by seq
            result.seqs.add(seq)
            advance()
        parts = str(message.get("body", "")).split()
        if len(parts) != 4 or parts[0] != "bench":
            return
        _, sender, n, sent_at = parts
        if not live:
            result.caught_up[f"{sender}:{n}"] += 1
            return
        result.received[f"{sender}:{n}"] += 1
        if sender != spec.key:
            result.latencies.append(now - float(sent_at))
            result.receipts.append(now)
            result.last_receipt = now
            others += 1
            if others >= expected_from_others:
                all_in.set()

    headers = {"Cookie": spec.cookie} if spec.cookie else {}
    sock = _socket(plan.client, http, url, headers)
    sock.on("message", lambda message: take(message, live=True))

    async def catch_up(ack) -> None:
        for message in ack.get("messages", ()):
            take(message, live=False)
        while ack.get("more"):
            ack = await sock.call(
                "history", {"room": spec.room, "after": ack["until"], "limit": 100}, timeout=120
            )
            if not ack.get("ok"):
                raise RuntimeError(f"history refused: {ack}")
            for message in ack.get("messages", ()):
                take(message, live=False)

    async def join(first: bool) -> None:
        await sock.connect(timeout=30)
        payload = {"room": spec.room}
        if catches_up and not first:
            payload["after"] = watermark
        ack = await sock.call("join", payload, timeout=60)
        if not ack.get("ok"):
            raise RuntimeError(f"join refused: {ack}")
        if catches_up and not first:
            await catch_up(ack)
        up.set()

    try:
        async with connect_slots:
            await join(first=True)
    except Exception as error:  # noqa: BLE001 - reported to the coordinator, which aborts
        result.errors.append(f"{spec.key}: connect/join: {error!r}")
        if not connected.done():
            connected.set_result(False)
        await sock.disconnect()
        return
    connected.set_result(True)
    await go.wait()
    finished = False

    async def keep_connected() -> None:
        """Reconnect after any disconnect until the member is done (EventHub only)."""
        while not finished:
            await sock.closed.wait()
            if finished:
                return
            up.clear()
            result.disconnects += 1
            if not catches_up:
                return
            while not finished:
                try:
                    async with connect_slots:
                        await join(first=False)
                    break
                except Exception as error:  # noqa: BLE001
                    result.errors.append(f"{spec.key}: reconnect: {error!r}")
                    await sock.disconnect()
                    await asyncio.sleep(1)

    async def send(n: int, at: float):
        await asyncio.sleep(max(0.0, at - time.time()))
        sent_at = time.time()
        payload = {
            "room": spec.room,
            "body": f"bench {spec.key} {n} {sent_at:.6f}",
            "client_id": uuid.uuid4().hex,
        }
        result.sent += 1
        deadline = sent_at + MAX_DRAIN
        while True:
            try:
                await asyncio.wait_for(up.wait(), timeout=max(0.1, deadline - time.time()))
                ack = await sock.call("send", payload, timeout=60)
            except Exception as error:  # noqa: BLE001 - resent after a reconnect, same client_id
                if catches_up and time.time() < deadline:
                    result.resends += 1
                    await asyncio.sleep(0.5)
                    continue
                result.errors.append(f"{spec.key}: send {n}: {error!r}")
                return
            break
        if ack.get("ok"):
            result.acked.append(n)
            result.ack_latencies.append(time.time() - sent_at)
        else:
            result.errors.append(f"{spec.key}: send {n}: {ack}")

    watcher = asyncio.create_task(keep_connected())
    phase = random.uniform(0, plan.interval)
    sends = [
        asyncio.create_task(send(n, start_at() + phase + n * plan.interval))
        for n in range(plan.messages)
    ]
    await asyncio.gather(*sends)
    # Late is not lost: wait while messages keep coming, until `drain` seconds of silence.
    sent_all = time.time()
    while expected_from_others and not all_in.is_set() and time.time() < sent_all + MAX_DRAIN:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_in.wait(), timeout=1)
        if time.time() - max(result.last_receipt, sent_all) > plan.drain:
            break
    # Her final history: what she has, plus what a catch-up from her watermark returns.
    if catches_up:
        try:
            await asyncio.wait_for(up.wait(), timeout=60)
            ack = await sock.call(
                "history", {"room": spec.room, "after": watermark, "limit": 100}, timeout=120
            )
            await catch_up(ack)
        except Exception as error:  # noqa: BLE001
            result.errors.append(f"{spec.key}: final catch-up: {error!r}")
    finished = True
    watcher.cancel()
    await sock.disconnect()


@dataclass(frozen=True)
class Plan:
    interval: float  # seconds between two messages of one client
    messages: int  # messages each client sends
    drain: float  # seconds of silence after which missing deliveries count as lost
    client: str = "lean"  # lean (bench/leanclient.py) or socketio (python-socketio's)


@dataclass
class GeneratorLoad:
    """How busy one load-generator process was while its members sent: if its loop lags or
    its CPU is near 100 %, the figures measure the generator, not the server."""

    cpu_percent: float = math.nan
    lag_p99_ms: float = math.nan
    lag_max_ms: float = math.nan


async def _lag_probe(lags: list[float], stop: asyncio.Event, tick: float = 0.02) -> None:
    """How late the process's event loop wakes a 20 ms sleep: its own saturation, measured."""
    while not stop.is_set():
        before = time.perf_counter()
        await asyncio.sleep(tick)
        lags.append(time.perf_counter() - before - tick)


async def _worker_main(url, specs, room_sizes, plan, start_value, go_event, ready_queue, index):
    import aiohttp

    results = [ClientResult(s.key, s.room) for s in specs]
    loop = asyncio.get_running_loop()
    connected = [loop.create_future() for _ in specs]
    go = asyncio.Event()
    connect_slots = asyncio.Semaphore(8)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        tasks = [
            asyncio.create_task(
                _client(
                    http,
                    url,
                    s,
                    room_sizes[s.room],
                    plan,
                    lambda: start_value.value,
                    r,
                    c,
                    go,
                    connect_slots,
                )
            )
            for s, r, c in zip(specs, results, connected, strict=True)
        ]
        ok = await asyncio.gather(*connected)
        ready_queue.put((index, sum(ok), [e for r in results for e in r.errors]))
        await loop.run_in_executor(None, go_event.wait)
        go.set()
        lags: list[float] = []
        stop = asyncio.Event()
        probe = asyncio.create_task(_lag_probe(lags, stop))
        cpu_before, wall_before = time.process_time(), time.perf_counter()
        await asyncio.sleep(max(0.0, start_value.value - time.time()))
        sending = plan.messages * plan.interval
        # The sending phase only: the drain afterwards is idle and would dilute the figure.
        await asyncio.wait([asyncio.gather(*tasks)], timeout=sending)
        load = GeneratorLoad(
            cpu_percent=100
            * (time.process_time() - cpu_before)
            / max(1e-9, time.perf_counter() - wall_before),
            lag_p99_ms=percentile(lags, 99) * 1000,
            lag_max_ms=max(lags, default=math.nan) * 1000,
        )
        stop.set()
        await asyncio.gather(*tasks)
        await probe
    return results, load


def _worker(url, specs, room_sizes, plan, start_value, go_event, ready_queue, result_queue, index):
    random.seed(index)
    # Its receipts grow to hundreds of thousands of objects: a full collection walking them
    # stalls the generator's loop for tens of milliseconds, which would show as the server's
    # latency. Nothing here makes cycles worth collecting in a run of minutes.
    gc.disable()
    results, load = asyncio.run(
        _worker_main(url, specs, room_sizes, plan, start_value, go_event, ready_queue, index)
    )
    result_queue.put((index, results, load))


# --- the coordinator ----------------------------------------------------------------------


def run_load(
    url: str,
    specs: list[ClientSpec],
    *,
    rate: float,
    duration: float,
    processes: int,
    drain: float = 10.0,
    cpus: set[int] | None = None,
    cpu_probe=None,
    rss_probe=None,
    client: str = "lean",
    log=print,
) -> LoadResult:
    """Run `specs` against the server at `url` from `processes` processes; check and measure."""
    ctx = mp.get_context("spawn")
    interval = 1.0 / rate
    plan = Plan(
        interval=interval, messages=max(1, round(duration * rate)), drain=drain, client=client
    )
    room_sizes = Counter(s.room for s in specs)
    start_value = ctx.Value("d", 0.0)
    go_event = ctx.Event()
    ready_queue, result_queue = ctx.Queue(), ctx.Queue()
    shares = [specs[i::processes] for i in range(processes)]
    workers = [
        ctx.Process(
            target=_worker,
            daemon=True,
            args=(
                url,
                share,
                dict(room_sizes),
                plan,
                start_value,
                go_event,
                ready_queue,
                result_queue,
                i,
            ),
        )
        for i, share in enumerate(shares)
    ]
    for w in workers:
        w.start()
        if cpus:
            os.sched_setaffinity(w.pid, cpus)
    try:
        connected, errors = 0, []
        deadline = time.time() + 120 + len(specs) * 0.2
        for _ in workers:
            _, n, errs = ready_queue.get(timeout=max(1.0, deadline - time.time()))
            connected += n
            errors += errs
        if connected < len(specs):
            raise RuntimeError(f"only {connected}/{len(specs)} clients joined: {errors[:5]}")
        log(f"  {connected} clients joined; sending for {duration:.0f}s")
        rss_joined = rss_probe() if rss_probe else math.nan
        cpu_before = cpu_probe() if cpu_probe else math.nan
        start_value.value = time.time() + 1.0
        go_event.set()
        collected: list[ClientResult] = []
        loads: list[GeneratorLoad] = []
        for _ in workers:
            _, results, load = result_queue.get(timeout=duration + 2 * MAX_DRAIN + 120)
            collected += results
            loads.append(load)
        cpu_used = cpu_probe() - cpu_before if cpu_probe else math.nan
    finally:
        for w in workers:
            w.join(5)
            if w.is_alive():
                w.kill()
    result = _summarise(collected, specs, plan, start_value.value, processes, rate)
    result.server_cpu_seconds = cpu_used
    result.server_rss_joined_kb = rss_joined
    result.generator_cpu_percent = max(x.cpu_percent for x in loads)
    result.generator_lag_p99_ms = max(x.lag_p99_ms for x in loads)
    result.generator_lag_max_ms = max(x.lag_max_ms for x in loads)
    return result


def max_gap(results: list[ClientResult], started: float, plan: Plan) -> float:
    """Seconds of the longest silence between two deliveries (to anyone) while members send
    (from the first delivery to the last scheduled send; the drain after it is left out)."""
    window = (started, started + plan.messages * plan.interval)
    times = sorted(t for r in results for t in r.receipts if window[0] <= t <= window[1])
    if len(times) < 2:
        return math.nan
    return max(b - a for a, b in zip(times, times[1:], strict=False))


def _summarise(
    results: list[ClientResult], specs, plan: Plan, started: float, processes: int, rate: float
) -> LoadResult:
    members: dict[int, list[ClientResult]] = {}
    for r in results:
        members.setdefault(r.room, []).append(r)
    expected = delivered = missing = missing_final = duplicates = 0
    for r in results:
        for n in r.acked:
            key = f"{r.key}:{n}"
            for other in members[r.room]:
                if other is r:
                    continue
                expected += 1
                count = other.received.get(key, 0)
                delivered += count > 0
                missing += count == 0
                missing_final += count == 0 and key not in other.caught_up
                duplicates += max(0, count - 1)
    # A message received but never acknowledged to its sender is a duplicate too (never shown).
    latencies = [x for r in results for x in r.latencies]
    acks = [x for r in results for x in r.ack_latencies]
    last = max((r.last_receipt for r in results), default=started)
    span = max(1e-9, last - started)
    return LoadResult(
        started_at=started,
        max_gap_ms=max_gap(results, started, plan) * 1000,
        missing_final=missing_final,
        disconnects=sum(r.disconnects for r in results),
        resends=sum(r.resends for r in results),
        span=span,
        clients=len(specs),
        processes=processes,
        duration=plan.messages * plan.interval,
        rate=rate,
        sent=sum(r.sent for r in results),
        acked=sum(len(r.acked) for r in results),
        expected=expected,
        delivered=delivered,
        missing=missing,
        duplicates=duplicates,
        errors=[e for r in results for e in r.errors],
        delivered_per_second=delivered / span,
        median_ms=statistics.median(latencies) * 1000 if latencies else math.nan,
        p99_ms=percentile(latencies, 99) * 1000,
        ack_median_ms=statistics.median(acks) * 1000 if acks else math.nan,
        ack_p99_ms=percentile(acks, 99) * 1000,
    )
