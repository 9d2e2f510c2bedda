"""Benchmark of a plenary's questions: upvote-to-everyone latency at the peak of a big plenary.

N members (default 500) join one plenary's questions; for `--duration` seconds they ask
`--questions` questions a second and cast `--votes` upvotes a second (open loop, from random
members on random questions). Every member records when each vote count reaches her screen;
a vote's latency at a member is the time from its send to the first `qa_votes` (or ack) there
that shows its count. Measured, in one run, for EventHub with counts batched every 0.25 s (the
default) and with a broadcast per vote (`EVENTHUB_QA_VOTE_FLUSH_SECONDS=0`, the baseline), plus
the client's cost of re-sorting a list of 500 questions in Node (the same comparator as qa.js).

    .venv/bin/python bench/qa.py                       # 500 members, 2 questions/s, 20 votes/s
    .venv/bin/python bench/qa.py --members 200 --duration 10
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing as mp
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from bench.rooms import PASSWORD, Server, free_port, sign_in  # noqa: E402

PROCESSES = 4


def prepare(database_url: str, members: int) -> tuple[int, list[str]]:
    """A fresh database: one event with its opening plenary and `members` participants."""
    from werkzeug.security import generate_password_hash

    from eventhub import create_app
    from eventhub.accounts.models import Person
    from eventhub.extensions import db
    from eventhub.programme.models import Attribution, Event, Membership, Role, Session, SessionKind

    app = create_app("test", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        db.create_all()
        start = datetime(2030, 1, 1, 9, tzinfo=UTC)
        event = Event(slug="bench", title="Benchmark", host="Bench", timezone="UTC",
                      languages=["en"], starts=date(2030, 1, 1), ends=date(2030, 1, 2),
                      attribution=Attribution.CHATHAM_HOUSE)  # fmt: skip
        plenary = Session(key="opening", kind=SessionKind.OPENING, title="Opening",
                          starts_at=start, ends_at=start + timedelta(hours=2))  # fmt: skip
        event.sessions = [plenary]
        db.session.add(event)
        cheap = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        emails = []
        for i in range(members):
            person = Person(email=f"m{i}@bench.example.org", name=f"M {i}", password_hash=cheap)
            db.session.add(Membership(person=person, event=event, role=Role.PARTICIPANT))
            emails.append(person.email)
        db.session.commit()
        plenary_id = plenary.id
        db.engine.dispose()
    return plenary_id, emails


async def _member(http, url, cookie, session_id, plan, start_at, duration, index, out):
    try:
        await _act(http, url, cookie, session_id, plan, start_at, duration, index, out)
    except Exception as error:  # one member's failure is reported, not a hung benchmark
        print(f"member {index}: {error!r}", file=sys.stderr, flush=True)
        out.put((index, [], []))


async def _act(http, url, cookie, session_id, plan, start_at, duration, index, out):
    from bench.leanclient import LeanSocket

    client = LeanSocket(http, url, {"Cookie": cookie})  # the lean client: bench/rooms.py
    receipts: list[tuple[float, int, int]] = []  # (time, question, count)
    votes_sent: list[tuple[float, int, int]] = []  # (send time, question, count in ack)
    asked: list[int] = []
    known: list[int] = []

    def _votes(data):
        now = time.time()
        for qid, count in data["votes"].items():
            receipts.append((now, int(qid), count))

    def _question(q):
        if q.get("state") == "open" and q["id"] not in known:
            known.append(q["id"])

    client.on("qa_votes", _votes)
    client.on("qa_question", _question)
    await client.connect()
    ack = await client.call("qa_join", {"session": session_id}, timeout=60)
    known.extend(q["id"] for q in ack["questions"])
    await asyncio.sleep(max(0.0, start_at - time.time()))
    for at, what in plan:
        await asyncio.sleep(max(0.0, start_at + at - time.time()))
        if what == "ask":
            a = await client.call("qa_ask", {"session": session_id, "body": f"Question {index}-{at:.2f}",
                                               "client_id": f"{index}-{at}"}, timeout=60)  # fmt: skip
            if a.get("ok"):
                asked.append(a["question"]["id"])
        elif known:
            qid = random.choice(known)
            sent = time.time()
            a = await client.call("qa_vote", {"question": qid, "up": True}, timeout=60)
            if a.get("ok") and a.get("voted"):
                votes_sent.append((sent, qid, a["votes"]))
                receipts.append((time.time(), qid, a["votes"]))
    # Everyone stays until the last vote's count has reached every screen.
    await asyncio.sleep(max(0.0, start_at + duration + 3 - time.time()))
    await client.disconnect()
    out.put((index, receipts, votes_sent))


def _process(url, cookies, session_id, plans, start_at, duration, first, out):
    import aiohttp

    gc.disable()  # as bench/loadgen.py: no collector pauses in the generator's loop

    async def run():
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            await asyncio.gather(*(_member(http, url, c, session_id, p, start_at, duration, first + i, out)
                                   for i, (c, p) in enumerate(zip(cookies, plans, strict=True))))  # fmt: skip

    asyncio.run(run())


def schedule(members: int, duration: float, questions: float, votes: float) -> list[list]:
    """Per member, the (time, "ask"|"vote") she acts at: Poisson arrivals at the given rates."""
    plans: list[list] = [[] for _ in range(members)]
    rng = random.Random(7)
    for kind, rate in (("ask", questions), ("vote", votes)):
        t = rng.expovariate(rate)
        while t < duration:
            plans[rng.randrange(members)].append((t, kind))
            t += rng.expovariate(rate)
    # A few questions first, so votes have something to go to.
    for i in range(5):
        plans[i].insert(0, (0.01 * i, "ask"))
    return [sorted(p) for p in plans]


def run(flush: float, args, workdir: Path) -> dict:
    db_path = workdir / f"qa-{flush}.sqlite"
    url_db = f"sqlite:///{db_path}"
    session_id, emails = prepare(url_db, args.members)
    port = free_port()
    env = {
        "EVENTHUB_DATABASE_URL": url_db, "EVENTHUB_PORT": str(port), "EVENTHUB_ASYNC_MODE": "gevent",
        "EVENTHUB_SECRET_KEY": "bench-secret-" + "x" * 32, "EVENTHUB_LOGIN_RATE_LIMIT": "100000 per minute",
        "EVENTHUB_LOGIN_ADDRESS_RATE_LIMIT": "100000 per minute", "EVENTHUB_LOGIN_ACCOUNT_RATE_LIMIT": "100000 per minute",
        "EVENTHUB_QA_VOTE_RATE": "100000 per minute", "EVENTHUB_QA_ASK_RATE": "100000 per minute",
        "EVENTHUB_QA_ACTION_RATE": "100000 per minute", "EVENTHUB_QA_VOTE_FLUSH_SECONDS": str(flush),
    }  # fmt: skip
    cpus = {0} if (os.cpu_count() or 1) > 1 else None
    with Server(f"eventhub-flush-{flush}", [sys.executable, "wsgi.py"], port,
                workdir / f"server-{flush}.log", env=env, cpus=cpus) as server:  # fmt: skip
        cookies = [sign_in(server.url, e) for e in emails]
        plans = schedule(args.members, args.duration, args.questions, args.votes)
        out = mp.Queue()
        start_at = time.time() + 5 + args.members / 100
        cpu_before = server.cpu_seconds()
        per = (args.members + PROCESSES - 1) // PROCESSES
        procs = []
        for k in range(PROCESSES):
            sl = slice(k * per, (k + 1) * per)
            p = mp.Process(
                target=_process,
                args=(
                    server.url,
                    cookies[sl],
                    session_id,
                    plans[sl],
                    start_at,
                    args.duration,
                    k * per,
                    out,
                ),
            )
            p.start()
            procs.append(p)
        results = [out.get(timeout=args.duration + 300) for _ in range(args.members)]
        for p in procs:
            p.join(30)
        cpu = server.cpu_seconds() - cpu_before
    receipts = {i: r for i, r, _ in results}
    sent = [v for _, _, vs in results for v in vs]
    latencies = []
    missing = 0
    for sent_at, qid, count in sent:
        for rs in receipts.values():
            seen = [t for t, q, c in rs if q == qid and c >= count and t >= sent_at]
            if seen:
                latencies.append(min(seen) - sent_at)
            else:
                missing += 1
    latencies.sort()

    def pick(q: float) -> float:
        if not latencies:
            return float("nan")
        return 1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))]

    broadcasts = sum(1 for rs in receipts.values() for _ in rs)
    return {
        "flush": flush, "votes": len(sent), "samples": len(latencies), "missing": missing,
        "median_ms": pick(0.5), "p99_ms": pick(0.99), "max_ms": pick(1.0),
        "deliveries": broadcasts, "server_cpu_s": cpu,
    }  # fmt: skip


SORT_JS = """
const n = 500, rounds = 2000;
const states = ["open", "open", "open", "answered", "answering", "pending"];
const items = Array.from({length: n}, (_, i) => ({id: i + 1, votes: Math.floor(Math.random() * 80),
  state: states[i % states.length], created_at: new Date(Date.now() - i * 1000).toISOString()}));
const rank = (q) => (q.state === "pending" ? 0 : q.state === "answering" ? 1 : q.state === "answered" ? 3 : 2);
const cmp = (a, b) => rank(a) - rank(b) || (b.votes ?? 0) - (a.votes ?? 0) || a.id - b.id;
let t = process.hrtime.bigint();
for (let r = 0; r < rounds; r++) { items[r % n].votes++; [...items].sort(cmp); }
console.log(Number(process.hrtime.bigint() - t) / 1e3 / rounds);
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--questions", type=float, default=2)
    parser.add_argument("--votes", type=float, default=20)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="eventhub-bench-qa-"))
    print(f"{args.members} members, {args.questions} questions/s, {args.votes} upvotes/s, "
          f"{args.duration:.0f} s; logs in {workdir}", flush=True)  # fmt: skip
    print(
        "| counts broadcast | votes | latency samples | missing | median ms | p99 ms | max ms | counts received | server CPU s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for flush in (0.25, 0.0):
        r = run(flush, args, workdir)
        label = f"batched every {flush} s" if flush else "one per vote (baseline)"
        print(f"| {label} | {r['votes']} | {r['samples']} | {r['missing']} | {r['median_ms']:.0f} | "
              f"{r['p99_ms']:.0f} | {r['max_ms']:.0f} | {r['deliveries']} | {r['server_cpu_s']:.1f} |", flush=True)  # fmt: skip
    node = shutil.which("node")
    if node:
        micros = float(
            subprocess.run([node, "-e", SORT_JS], capture_output=True, text=True, check=True).stdout
        )
        print(
            f"Re-sorting 500 questions in the browser's comparator (Node): {micros:.0f} µs per sort"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
