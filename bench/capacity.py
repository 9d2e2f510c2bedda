"""The measured inputs of the capacity projection in docs/deploy.md.

1. PostgreSQL: how many room messages a second the database stores through EventHub's own
   hot path (`rooms.posting.post_message`: three statements, then the commit), from several
   processes at once, in one room (every message takes the room's row lock for its sequence
   number, so one room's messages are stored one at a time) and spread over 50 rooms.
2. Redis: how many PUBLISH a second one Redis instance takes (`redis-benchmark`), with no
   subscriber and with subscribers listening, as every web worker does on the Socket.IO
   message queue (every emit reaches every worker).

    .venv/bin/python bench/capacity.py \\
        --postgres postgresql+psycopg://eventhub:eventhub@127.0.0.1:5432/eventhub_bench \\
        --redis redis://127.0.0.1:6379/14

The PostgreSQL database is emptied and filled by the benchmark: give it a scratch one.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import re
import shutil
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

PAYLOAD = 300  # bytes: a Socket.IO message event of a short room message, as the queue carries it


def _app(url: str):
    from eventhub import create_app

    return create_app("test", SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False)


def prepare(url: str, rooms: int, members: int) -> list[tuple[int, int]]:
    """A fresh schema with one event, `rooms` working groups and their rooms, and members
    spread over them; (room id, person id) per member."""
    from eventhub.accounts.models import Person
    from eventhub.extensions import db
    from eventhub.programme.models import Event, Membership, Role, WorkingGroup
    from eventhub.rooms.service import room_for_group

    app = _app(url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        event = Event(
            slug="capacity",
            title="Capacity",
            host="Bench",
            timezone="UTC",
            languages=["en"],
            starts=date(2030, 1, 1),
            ends=date(2030, 1, 2),
        )
        groups = [WorkingGroup(key=f"wg{i}", title=f"Group {i}", position=i) for i in range(rooms)]
        event.working_groups = groups
        db.session.add(event)
        db.session.flush()
        room_ids = [room_for_group(g).id for g in groups]
        pairs = []
        for i in range(members):
            person = Person(email=f"m{i}@bench.example.org", name=f"Member {i}")
            db.session.add(
                Membership(
                    person=person,
                    event=event,
                    role=Role.PARTICIPANT,
                    working_group=groups[i % rooms],
                )
            )
            db.session.flush()
            pairs.append((room_ids[i % rooms], person.id))
        db.session.commit()
        db.engine.dispose()
    return pairs


def _poster(url: str, pairs, seconds: float, start: float, counts, index: int) -> None:
    from eventhub.extensions import db
    from eventhub.rooms.posting import post_message

    app = _app(url)
    with app.app_context():
        stored = 0
        time.sleep(max(0.0, start - time.time()))
        end = start + seconds
        n = 0
        while time.time() < end:
            room_id, person_id = pairs[n % len(pairs)]
            n += 1
            post_message(room_id, person_id, f"message {index}-{n}", uuid.uuid4().hex)
            db.session.commit()
            stored += 1
        counts[index] = stored
        db.engine.dispose()


def postgres_rate(url: str, rooms: int, processes: int, seconds: float) -> float:
    pairs = prepare(url, rooms, max(rooms, processes) * 4)
    ctx = mp.get_context("spawn")
    counts = ctx.Array("i", processes)
    start = time.time() + 3.0
    workers = [
        ctx.Process(target=_poster, args=(url, pairs[i::processes], seconds, start, counts, i))
        for i in range(processes)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(counts) / seconds


def redis_publish_rate(url: str, subscribers: int, pipeline: int, requests: int) -> float:
    """PUBLISH per second with `subscribers` clients listening on the channel."""
    if not shutil.which("redis-benchmark"):
        raise SystemExit("redis-benchmark is not installed (apt-get install redis-tools)")
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", str(parsed.port or 6379)
    channel = f"capacity-{uuid.uuid4().hex[:8]}"
    listeners = [
        subprocess.Popen(
            ["redis-cli", "-h", host, "-p", port, "subscribe", channel],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(subscribers)
    ]
    try:
        time.sleep(0.5)
        output = subprocess.run(
            [
                "redis-benchmark",
                "-h",
                host,
                "-p",
                port,
                "-q",
                "-c",
                "50",
                "-P",
                str(pipeline),
                "-n",
                str(requests),
                "publish",
                channel,
                "x" * PAYLOAD,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        for listener in listeners:
            listener.terminate()
    found = re.findall(r"([\d.]+) requests per second", output)
    if not found:
        raise RuntimeError(f"could not read redis-benchmark's answer: {output!r}")
    return float(found[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", required=True, help="a scratch database's SQLAlchemy URL")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--processes", default="1,4,8", help="posting processes, comma-separated")
    args = parser.parse_args()
    print("PostgreSQL: messages stored per second through rooms.posting (3 statements + commit)")
    print("| rooms | processes | messages/s |")
    print("|---:|---:|---:|")
    for rooms in (1, 50):
        for processes in (int(p) for p in args.processes.split(",")):
            rate = postgres_rate(args.postgres, rooms, processes, args.seconds)
            print(f"| {rooms} | {processes} | {rate:,.0f} |", flush=True)
    print()
    print(f"Redis: PUBLISH per second ({PAYLOAD}-byte payload, 50 connections)")
    print("| subscribers | pipeline | publish/s |")
    print("|---:|---:|---:|")
    for subscribers in (0, 2, 8):
        for pipeline in (1, 16):
            rate = redis_publish_rate(args.redis, subscribers, pipeline, 200_000)
            print(f"| {subscribers} | {pipeline} | {rate:,.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
