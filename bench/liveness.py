"""Liveness benchmark: do rooms and pages stay quick while reports are being built?

One run, in interleaved phases: a working-group room of 200 members each sending 0.1 message/s
(bench/loadgen.py) and a member loading the event page (GET /e/<slug>) four times a second,

- idle: nothing else happens;
- building: an organiser downloads drafts of the 5 x 200-item report in every format (HTML,
  Markdown, Word, PDF) one after another, the boards changing before each so that every
  download is a real build; the web process queues them, a job consumer builds them.

It prints, per phase, the room's delivery p99 and the event page's p99, and the ratio of the
building figures to the idle ones (the target: at most 1.5). The server is `python wsgi.py`
(gevent) with one job consumer (`flask worker`), as `make run` starts them (on one CPU, the
web process's, where the machine has several: `--placement shared`), on an SQLite file;
`--placement free` lets the scheduler place both, `--placement split` gives the web process a
CPU of its own and everything else the others.

    .venv/bin/python bench/liveness.py                      # 2 rounds of 60 s per phase
    .venv/bin/python bench/liveness.py --rounds 3 --duration 45 --members 200
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from bench.loadgen import ClientSpec, percentile, run_load  # noqa: E402
from bench.rooms import PASSWORD, Server, free_port, sign_in  # noqa: E402

PYTHON = sys.executable
FORMATS = ("html", "md", "docx", "pdf")


def make_run_placement() -> dict[str, str]:
    """The CPU settings `make run` gives the web process and the consumer (scripts/run.py)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_run", PROJECT_DIR / "scripts" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.shared_cpu(dict(os.environ))


def prepare(database_url: str, members: int, groups: int, items: int) -> int:
    """An event with `groups` working groups of `items` agreed board items each, a room of
    `members` members in the first, and an organiser. Returns the room's id."""
    from werkzeug.security import generate_password_hash

    from eventhub import create_app
    from eventhub.accounts.models import Person
    from eventhub.board.models import BoardItem, ItemKind, ItemState
    from eventhub.extensions import db
    from eventhub.programme.models import (
        Event,
        GuidingQuestion,
        Membership,
        Role,
        Session,
        SessionKind,
        WorkingGroup,
    )
    from eventhub.rooms.service import room_for_group

    app = create_app("test", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        db.create_all()
        start = datetime(2030, 1, 1, 9, tzinfo=UTC)
        event = Event(
            slug="liveness",
            title="Liveness benchmark",
            host="Bench",
            timezone="Europe/Rome",
            languages=["en", "fr", "ar"],
            starts=date(2030, 1, 1),
            ends=date(2030, 1, 3),
            audiences=["Member States", "Donors", "Civil society"],
            summary="Draft 0",
        )
        wgs = []
        for g in range(1, groups + 1):
            wg = WorkingGroup(key=f"wg{g}", title=f"Working group {g}", position=g)
            wg.guiding_questions = [
                GuidingQuestion(text=f"Question {q} of group {g}?") for q in (1, 2)
            ]
            wgs.append(wg)
        event.working_groups = wgs
        event.sessions = [
            Session(
                key=f"wg{g}-meeting",
                kind=SessionKind.WORKING_GROUP,
                title=f"Working group {g} meets",
                working_group=wgs[g - 1],
                starts_at=start + timedelta(hours=g),
                ends_at=start + timedelta(hours=g + 1),
            )
            for g in range(1, groups + 1)
        ]
        db.session.add(event)
        db.session.flush()
        for wg in wgs:
            for n in range(1, items + 1):
                insight = n % 4 == 0
                db.session.add(
                    BoardItem(
                        working_group=wg,
                        number=n,
                        kind=ItemKind.INSIGHT if insight else ItemKind.RECOMMENDATION,
                        text=f"{wg.title}, item {n}: " + "a considered recommendation " * 6,
                        audience=None if insight else event.audiences[n % 3],
                        guiding_question=wg.guiding_questions[n % 2],
                        state=ItemState.AGREED,
                        position=n,
                    )
                )
        room = room_for_group(wgs[0]).id
        cheap = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        organiser = Person(email="organiser@bench.example.org", name="Org", password_hash=cheap)
        db.session.add(Membership(person=organiser, event=event, role=Role.ORGANISER))
        for i in range(members):
            person = Person(
                email=f"member{i}@bench.example.org", name=f"M {i}", password_hash=cheap
            )
            db.session.add(
                Membership(person=person, event=event, role=Role.PARTICIPANT, working_group=wgs[0])
            )
        db.session.commit()
        db.engine.dispose()
    return room


def signed_in_session(cookie: str):
    """A requests session carrying a sign-in's cookies in its jar (a Cookie header set by hand
    is dropped on the first redirect, and the page would quietly become the login form)."""
    import requests

    http = requests.Session()
    for pair in cookie.split("; "):
        name, _, value = pair.partition("=")
        http.cookies.set(name, value)
    return http


class PageProbe(threading.Thread):
    """GET /e/<slug>/ as a member every `interval` seconds; keeps each response time. Only the
    event page itself counts: a redirect (to the login form, say) is an error."""

    def __init__(self, url: str, cookie: str, interval: float = 0.25):
        super().__init__(daemon=True)
        self.url, self.cookie, self.interval = url, cookie, interval
        self.times: list[tuple[float, float]] = []  # (when it was asked for, seconds it took)
        self.errors = 0
        self.stop = threading.Event()

    def run(self) -> None:
        import requests

        http = signed_in_session(self.cookie)
        while not self.stop.is_set():
            started, asked = time.perf_counter(), time.time()
            try:
                response = http.get(f"{self.url}/e/liveness/", timeout=30, allow_redirects=False)
                ok = response.status_code == 200
            except requests.RequestException:
                ok = False
            if ok:
                self.times.append((asked, time.perf_counter() - started))
            else:
                self.errors += 1
            self.stop.wait(max(0.0, self.interval - (time.perf_counter() - started)))


class Builder(threading.Thread):
    """The organiser: changes the draft, downloads it in the next format, waits for the file."""

    def __init__(self, url: str, cookie: str, database: Path):
        super().__init__(daemon=True)
        self.url, self.cookie, self.database = url, cookie, database
        self.stop = threading.Event()
        self.built: list[tuple[str, float]] = []  # (format, seconds from click to file)
        self.errors: list[str] = []

    def run(self) -> None:
        import sqlite3

        http = signed_in_session(self.cookie)
        n = 0
        while not self.stop.is_set():
            fmt = FORMATS[n % len(FORMATS)]
            n += 1
            with sqlite3.connect(self.database, timeout=30) as connection:  # the boards move on
                connection.execute(
                    "UPDATE event SET summary = ? WHERE slug = 'liveness'", (f"Draft {n}",)
                )
            started = time.perf_counter()
            try:
                self._download(http, fmt)
            except Exception as error:  # noqa: BLE001 - counted, the phase goes on
                self.errors.append(f"{fmt}: {error!r}")
                continue
            self.built.append((fmt, time.perf_counter() - started))

    def _download(self, http, fmt: str) -> None:
        url = f"{self.url}/e/liveness/report/download?format={fmt}&lang=en&version=draft"
        response = http.get(url, allow_redirects=False, timeout=30)
        if response.status_code == 200:
            return  # already stored (should not happen: the draft changed)
        assert response.status_code == 303, response.status_code
        status_url = self.url + response.headers["Location"] + "/status"
        # Followed to its end even once the phase is over: an idle phase must not inherit a
        # build still running in the consumer.
        while True:
            status = http.get(status_url, timeout=30).json()
            if status["state"] == "done":
                file = http.get(self.url + status["file_url"], timeout=60)
                assert file.status_code == 200 and file.content, file.status_code
                return
            if status["state"] == "failed":
                raise RuntimeError(status["message"])
            time.sleep(0.5)


def run_phase(name, server, specs, args, probe_cookie, organiser_cookie, database, log):
    probe = PageProbe(server.url, probe_cookie)
    builder = Builder(server.url, organiser_cookie, database) if name == "building" else None
    probe.start()
    if builder:
        builder.start()
        time.sleep(2)  # the first build is under way before the room starts
    result = run_load(
        server.url,
        specs,
        rate=args.rate,
        duration=args.duration,
        processes=args.processes,
        cpus=args.rest_cpus,
        cpu_probe=server.cpu_seconds,
        log=lambda text: None,
    )
    probe.stop.set()
    if builder:
        builder.stop.set()
        builder.join(300)
    probe.join(30)
    # Pages asked for while the members send, as the room's latencies are: 200 members
    # connecting, joining and catching up at the end of a phase are a burst of their own.
    window = (result.started_at, result.started_at + result.duration)
    pages = [s for asked, s in probe.times if window[0] <= asked <= window[1]]
    page_p99 = percentile(pages, 99) * 1000 if pages else float("nan")
    row = {
        "phase": name,
        "room_p99": result.p99_ms,
        "room_median": result.median_ms,
        # The longest silence in the room: a loop blocked by a build would show here.
        "room_gap": result.max_gap_ms,
        "page_p99": page_p99,
        "page_median": statistics.median(pages) * 1000 if pages else float("nan"),
        "pages": len(pages),
        "page_errors": probe.errors,
        "lost": result.missing + (result.sent - result.acked),
        "builds": [f for f, _s in builder.built] if builder else [],
        "build_seconds": {f: round(s, 1) for f, s in (builder.built if builder else [])},
        "build_errors": builder.errors if builder else [],
    }
    log(
        f"  {name:<8} room p99 {row['room_p99']:7.1f} ms (median {row['room_median']:.1f}, "
        f"longest silence {row['room_gap']:.0f}), "
        f"page p99 {row['page_p99']:7.1f} ms (median {row['page_median']:.1f}, {row['pages']} "
        f"pages), lost {row['lost']}, builds {row['builds']}"
        + (f", errors {row['build_errors'][:2]}" if row["build_errors"] else "")
    )
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--groups", type=int, default=5)
    parser.add_argument("--items", type=int, default=200, help="agreed items per group")
    parser.add_argument("--rate", type=float, default=0.1, help="messages per second per member")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per phase")
    parser.add_argument("--rounds", type=int, default=2, help="idle + building, interleaved")
    parser.add_argument("--processes", type=int, default=4, help="load-generator processes")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--placement",
        choices=("shared", "free", "split"),
        default="shared",
        help="shared: the web process and the consumer on one CPU, as `make run` places them; "
        "free: wherever the scheduler likes; split: the web process on CPU 0, the consumer, "
        "the load generator and the page probe on the others",
    )
    parser.add_argument("--pin", action="store_true", help="the same as --placement split")
    args = parser.parse_args()
    if args.pin:
        args.placement = "split"
    ncpu = os.cpu_count() or 1
    args.web_cpus = {0} if args.placement == "split" and ncpu >= 2 else None
    args.rest_cpus = set(range(1, ncpu)) if args.web_cpus else None
    if args.rest_cpus:
        os.sched_setaffinity(0, args.rest_cpus)  # this process (the probes) and its children

    workdir = Path(tempfile.mkdtemp(prefix="eventhub-liveness-", dir=PROJECT_DIR / "instance"))
    database = workdir / "liveness.sqlite"
    database_url = f"sqlite:///{database}"

    def log(text):
        print(text, flush=True)

    log(f"preparing {args.groups} x {args.items} items and {args.members} members in {workdir}")
    room = prepare(database_url, args.members, args.groups, args.items)
    port = free_port()
    env = {
        "EVENTHUB_CONFIG": "development",
        "EVENTHUB_DATABASE_URL": database_url,
        "EVENTHUB_PORT": str(port),
        "EVENTHUB_SECRET_KEY": "bench-secret",
        "EVENTHUB_RATELIMIT_ENABLED": "false",
        "EVENTHUB_JOBS_URL": f"sqlite:///{workdir / 'jobs.sqlite'}",
        "EVENTHUB_REPORT_FILES_DIR": str(workdir / "report-files"),
    }
    if args.placement == "shared":
        env.update(make_run_placement())
    else:
        env["EVENTHUB_JOBS_CPUS"] = env["EVENTHUB_WEB_CPUS"] = "any"
    log(
        f"placement {args.placement}: web process on CPU {env.get('EVENTHUB_WEB_CPUS', 'any')}, "
        f"consumer on CPU {env.get('EVENTHUB_JOBS_CPUS', 'any')} with "
        f"{env.get('EVENTHUB_JOBS_WORKERS', os.environ.get('EVENTHUB_JOBS_WORKERS', '1'))} "
        "worker(s)"
    )
    consumer_env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
    with (workdir / "worker.log").open("w") as worker_log:
        consumer = subprocess.Popen(
            [PYTHON, "-m", "flask", "--app", "eventhub", "worker"],
            cwd=PROJECT_DIR,
            env=consumer_env,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    rows = []
    try:
        with Server(
            "eventhub", [PYTHON, "wsgi.py"], port, workdir / "web.log", env=env, cpus=args.web_cpus
        ) as server:
            with ThreadPoolExecutor(8) as pool:
                emails = [f"member{i}@bench.example.org" for i in range(args.members)]
                cookies = list(pool.map(lambda e: sign_in(server.url, e), emails))
            organiser = sign_in(server.url, "organiser@bench.example.org")
            specs = [ClientSpec(key=f"m{i}", room=room, cookie=c) for i, c in enumerate(cookies)]
            load = os.getloadavg()
            log(
                f"load average before: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} ({os.cpu_count()} CPUs)"
            )
            for r in range(1, args.rounds + 1):
                log(f"round {r}")
                for phase in ("idle", "building"):
                    rows.append(
                        run_phase(phase, server, specs, args, cookies[-1], organiser, database, log)
                    )
            load = os.getloadavg()
            log(f"load average after: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    finally:
        consumer.terminate()
        consumer.wait(30)

    def med(phase, key):
        return statistics.median(r[key] for r in rows if r["phase"] == phase)

    log("")
    log(
        f"{args.members} members at {args.rate}/s in one room; event page every 0.25 s; "
        f"{args.groups} x {args.items} items; {args.rounds} rounds of {args.duration:.0f} s per "
        f"phase; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    log(
        "| phase | room delivery p99 ms | room's longest silence ms | event page p99 ms | drafts built |"
    )
    log("|---|---:|---:|---:|---|")
    for r in rows:
        log(
            f"| {r['phase']} | {r['room_p99']:.1f} | {r['room_gap']:.0f} | {r['page_p99']:.1f} | "
            f"{', '.join(f'{f} {s}s' for f, s in r['build_seconds'].items()) or '-'} |"
        )
    log("")
    room_ratio = med("building", "room_p99") / med("idle", "room_p99")
    page_ratio = med("building", "page_p99") / med("idle", "page_p99")
    log(
        f"median over rounds: room p99 idle {med('idle', 'room_p99'):.1f} ms, building "
        f"{med('building', 'room_p99'):.1f} ms (x{room_ratio:.2f}); page p99 idle "
        f"{med('idle', 'page_p99'):.1f} ms, building {med('building', 'page_p99'):.1f} ms "
        f"(x{page_ratio:.2f}); target x1.5 or less"
    )
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
