"""Scale-out: two server processes sharing PostgreSQL and a Redis message queue.

A message sent through one worker reaches members connected to the other, and sequence
numbers stay unique when members on both workers send at once.

Uses EVENTHUB_TEST_POSTGRES_URL / EVENTHUB_TEST_REDIS_URL when set (their database is wiped);
otherwise starts a throwaway PostgreSQL cluster (initdb, as the `postgres` user when run as
root) and a redis-server, each on a free port in a temporary directory.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import redis
from sqlalchemy import select

from eventhub.extensions import db as _db
from eventhub.programme.models import Role
from eventhub.rooms.models import Message
from eventhub.rooms.service import room_for_group
from tests import live
from tests.conftest import PASSWORD, app_with_tables, need
from tests.live import (
    ASYNC_MODES,
    PresenceWatcher,
    RoomMember,
    free_port,
    join_at_once,
    settle,
    sign_in,
    wait_until,
)

live_server = live.live_server  # the fixture

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.timeout(240),
]

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _wait(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up within {timeout}s")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def postgres_url():
    url = os.environ.get("EVENTHUB_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    need((PG_BIN / "initdb").exists(), f"PostgreSQL 15 is not installed in {PG_BIN}")
    # PostgreSQL refuses to run as root: then the cluster belongs to the `postgres` user.
    as_user: list[str] = []
    owner = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            owner = pwd.getpwnam("nobody")
        as_user = ["runuser", "-u", owner.pw_name, "--"]
    base = Path(tempfile.mkdtemp(prefix="eventhub-pg-"))
    data = base / "data"
    if owner is not None:
        os.chown(base, owner.pw_uid, owner.pw_gid)
    port = free_port()

    def pg(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*as_user, *args], capture_output=True, text=True, check=True)

    try:
        pg(
            str(PG_BIN / "initdb"),
            "-D",
            str(data),
            "-U",
            "eventhub",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        options = (
            f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        pg(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(base / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        pg(
            str(PG_BIN / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "eventhub",
            "eventhub",
        )
    except subprocess.CalledProcessError as error:
        log = (base / "log").read_text() if (base / "log").exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        raise RuntimeError(f"could not start PostgreSQL: {error.stderr}\n{log}") from None
    try:
        yield f"postgresql+psycopg://eventhub@127.0.0.1:{port}/eventhub"
    finally:
        subprocess.run(
            [*as_user, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def redis_url():
    url = os.environ.get("EVENTHUB_TEST_REDIS_URL")
    if url:
        yield url
        return
    server = shutil.which("redis-server")
    need(server is not None, "redis-server is not installed")
    base = Path(tempfile.mkdtemp(prefix="eventhub-redis-"))
    port = free_port()
    process = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(base),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=(base / "log").open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"

    def answers() -> bool:
        try:
            return redis.Redis.from_url(url).ping()
        except redis.ConnectionError:
            return False

    try:
        _wait(answers, 20, "redis-server")
        yield url
    finally:
        process.kill()
        process.wait()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def app(postgres_url):
    """The conftest `app`, on the shared PostgreSQL database (so make_event & co. write there)."""
    yield from app_with_tables(postgres_url)


@pytest.fixture
def workers(
    app, redis_url, postgres_url, make_event, make_person, add_member, live_server, request
):
    """Two workers A and B, and four members of one room: two on each worker."""
    mode = request.param
    event = make_event()
    wg1 = event.working_groups[0]
    people = [
        make_person(f"{name}@example.org", name=name.title())
        for name in ("amina", "cara", "bea", "dina")
    ]
    for person in people:
        add_member(person, event, Role.PARTICIPANT, wg1)
    room = room_for_group(wg1).id
    _db.session.commit()
    redis.Redis.from_url(redis_url).flushdb()  # no rate-limit counts left from the last test
    env = {
        "EVENTHUB_SOCKETIO_MESSAGE_QUEUE": redis_url,
        "EVENTHUB_RATELIMIT_STORAGE_URI": redis_url,
        "EVENTHUB_LOGIN_RATE_LIMIT": "1000 per minute",
        # Short enough that a dead worker's people leave within the test, long enough that a
        # live worker slowed by a loaded machine is never taken for dead (its people would then
        # drop out of presence too early, and the removal test's wait would end before the sweep).
        "EVENTHUB_PRESENCE_TTL_SECONDS": "10",
        # Presence is coalesced per room and worker (a wave of joins spans few intervals).
        "EVENTHUB_PRESENCE_FLUSH_SECONDS": "1",
    }
    a = live_server(postgres_url, async_mode=mode, env=env)
    b = live_server(postgres_url, async_mode=mode, env=env)
    members = {}
    for person, server in zip(people, (a, a, b, b), strict=True):
        member = RoomMember(server.url, sign_in(server.url, person.email, PASSWORD)).connect()
        assert member.join(room)["ok"]
        members[person.email.split("@")[0]] = member
    yield room, members
    for member in members.values():
        member.disconnect()


def stored(room_id: int) -> list[tuple[int, str]]:
    _db.session.rollback()
    rows = _db.session.scalars(
        select(Message).where(Message.room_id == room_id).order_by(Message.seq)
    )
    return [(m.seq, m.client_id) for m in rows]


@pytest.mark.parametrize("workers", ASYNC_MODES, indirect=True)
def test_message_sent_to_one_worker_reaches_members_on_the_other(workers):
    room, members = workers
    ack = members["amina"].send(room, "Hello from worker A", uuid.uuid4().hex)
    assert ack["ok"]
    wait_until(lambda: any(m["seq"] == ack["seq"] for m in members["bea"].live), "A → B")
    reply = members["bea"].send(room, "Hello from worker B", uuid.uuid4().hex)
    assert reply["ok"]
    wait_until(lambda: any(m["seq"] == reply["seq"] for m in members["amina"].live), "B → A")
    wait_until(lambda: len(members["dina"].seen(room)) == 2, "both at D (on B)")
    wait_until(lambda: len(members["cara"].seen(room)) == 2, "both at C (on A)")
    assert [m["body"] for m in members["dina"].seen(room)] == [
        "Hello from worker A",
        "Hello from worker B",
    ]


@pytest.mark.parametrize("workers", ASYNC_MODES, indirect=True)
def test_concurrent_sends_on_both_workers_get_unique_sequence_numbers(workers):
    room, members = workers
    per_member = 6
    acks: dict[str, list[dict]] = {name: [] for name in members}
    sent: dict[str, list[str]] = {name: [] for name in members}
    start = threading.Barrier(len(members))

    def talk(name: str, member: RoomMember) -> None:
        start.wait()
        for n in range(per_member):
            client_id = uuid.uuid4().hex
            sent[name].append(client_id)
            acks[name].append(member.send(room, f"{name} {n}", client_id, timeout=20))

    threads = [threading.Thread(target=talk, args=item) for item in members.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    all_acks = [a for name in members for a in acks[name]]
    assert len(all_acks) == per_member * len(members)
    assert all(a["ok"] for a in all_acks), [a for a in all_acks if not a["ok"]]
    seqs = sorted(a["seq"] for a in all_acks)
    assert seqs == list(range(1, len(all_acks) + 1))

    rows = stored(room)
    assert [seq for seq, _ in rows] == seqs
    assert {cid for _, cid in rows} == {cid for ids in sent.values() for cid in ids}
    # Every member, whichever worker she is on, got every message live, once.
    for name, member in members.items():
        wait_until(lambda m=member: len(m.live) >= len(seqs), f"all messages at {name}")
        assert Counter(m["seq"] for m in member.live) == Counter(seqs), name


@pytest.mark.parametrize("workers", ASYNC_MODES, indirect=True)
def test_person_removed_through_one_worker_stops_hearing_the_room_on_the_other(workers):
    from eventhub.accounts.models import Person
    from eventhub.programme.models import Membership

    room, members = workers
    amina = _db.session.scalar(select(Person).filter_by(email="amina@example.org"))
    bea = _db.session.scalar(select(Person).filter_by(email="bea@example.org"))
    _db.session.scalar(select(Membership).filter_by(person_id=amina.id)).role = Role.FACILITATOR
    _db.session.commit()
    presence_at_dina: list[list[int]] = []
    members["dina"].sio.on(
        "presence", lambda data: presence_at_dina.append([p["id"] for p in data["people"]])
    )

    # Amina (on worker A) removes Bea, whose socket is on worker B.
    assert members["amina"].call("remove", {"room": room, "person": bea.id})["ok"]
    wait_until(
        lambda: presence_at_dina and bea.id not in presence_at_dina[-1],
        "worker B's sweep to make Bea's socket leave",
    )
    ack = members["amina"].send(room, "After Bea left", uuid.uuid4().hex)
    assert ack["ok"]
    wait_until(lambda: any(m["seq"] == ack["seq"] for m in members["dina"].live), "A → Dina")
    assert all(m["seq"] != ack["seq"] for m in members["bea"].live)


@pytest.mark.parametrize("workers", ASYNC_MODES, indirect=True)
def test_presence_is_shared_by_both_workers_and_a_dead_workers_people_leave_it(
    workers, live_server
):
    from eventhub.accounts.models import Person

    room, members = workers
    ids = {p.email.split("@")[0]: p.id for p in _db.session.scalars(select(Person))}
    seen_at_dina: list[list[int]] = []
    members["dina"].sio.on("presence", lambda data: seen_at_dina.append(data["people"]))
    # Dina (on B) sees Amina and Cara, whose sockets are on A.
    ack = members["dina"].join(room)
    assert sorted(p["id"] for p in ack["room"]["presence"]) == sorted(ids.values())
    wait_until(lambda: seen_at_dina, "the presence her own join announces")

    # Amina opens a second tab, on worker B: still one person, in the list that tab's join sends.
    server_a, server_b = live_server.servers
    second = RoomMember(server_b.url, sign_in(server_b.url, "amina@example.org", PASSWORD))
    second.connect()
    try:
        before = len(seen_at_dina)
        assert second.join(room)["ok"]
        wait_until(lambda: len(seen_at_dina) > before, "presence after a 2nd tab")
        assert sorted(p["id"] for p in seen_at_dina[-1]) == sorted(ids.values())

        # Worker A dies: Cara (only on A) leaves everyone's list; Amina stays, by her tab on B.
        server_a.kill()
        left = sorted([ids["amina"], ids["bea"], ids["dina"]])
        wait_until(
            lambda: seen_at_dina and sorted(p["id"] for p in seen_at_dina[-1]) == left,
            "Cara out of presence after her worker died, everyone else in it",
            timeout=40,
        )
    finally:
        second.disconnect()


@pytest.mark.parametrize("workers", ASYNC_MODES, indirect=True)
def test_a_wave_of_joins_on_both_workers_ends_with_everyone_in_every_list(
    workers, live_server, make_person, add_member
):
    from eventhub.accounts.models import Person
    from eventhub.rooms.models import Room

    room, members = workers
    server_a, server_b = live_server.servers
    home = _db.session.get(Room, room).working_group
    wave = 30
    newcomers = [make_person(f"wave{n:02}@example.org", name=f"Wave {n:02}") for n in range(wave)]
    for person in newcomers:
        add_member(person, home.event, Role.PARTICIPANT, home)
    # The four already in the room (two on each worker), and thirty more, half on each.
    first = [PresenceWatcher(m) for m in members.values()]
    settle(first, quiet=4)  # what their own joins made the workers say is over
    before = [w.count() for w in first]
    joining = [
        PresenceWatcher(RoomMember(server.url, sign_in(server.url, p.email, PASSWORD)).connect())
        for p, server in zip(newcomers, [server_a, server_b] * (wave // 2), strict=True)
    ]
    there = _db.session.scalars(
        select(Person.id).where(Person.email.in_([f"{n}@example.org" for n in members]))
    )
    everyone = sorted([*there, *(p.id for p in newcomers)])
    assert len(everyone) == 4 + wave
    try:
        acks = join_at_once(joining, room)
        assert all(a and a["ok"] for a in acks), [a for a in acks if not (a and a["ok"])][:3]
        watchers = first + joining
        wait_until(
            lambda: all(w.last() == everyone for w in watchers),
            "everyone in every list, on both workers",
            timeout=60,
        )
        # Beyond a beat of the heartbeat (every TTL / 3), which restates a list that changed.
        settle(watchers, quiet=4)
        assert all(w.last() == everyone for w in watchers)
        # Each worker broadcasts a changed room at most once a second, plus once at a beat of
        # its heartbeat: a dozen frames at most for the four who were there first, where one
        # broadcast per join would have been thirty.
        counts = [w.count() - n for w, n in zip(first, before, strict=True)]
        assert max(counts) <= 12, counts
    finally:
        for w in joining:
            w.member.disconnect()


def test_a_worker_whose_last_list_is_not_who_is_there_sends_it_again_at_its_next_beat(
    app, redis_url, monkeypatch
):
    """A list read here before someone joined on the other worker can reach the room after
    that worker's own list; the room's people have not changed between this worker's beats,
    so only comparing with what it sent heals the room's screens."""
    from eventhub.rooms import presence

    store = presence.SharedPresence(redis_url, ttl=10, worker=f"w-{uuid.uuid4().hex}")
    room_id = 900_000 + uuid.uuid4().int % 100_000
    told: list[int] = []
    monkeypatch.setattr(presence, "changed", told.append)
    try:
        with presence._lock:
            presence._rooms[room_id] = {"sid-here": (1, "Amina")}
        store.beat()
        store.enter(room_id, "sid-there", 2, "Bea")  # on the other worker, as far as it matters
        assert store.notice_changes() == [] and told == []  # first beat: nothing to compare
        presence.sent(room_id, [{"id": 1, "name": "Amina"}])  # read before Bea was there
        assert store.notice_changes() == [room_id] and told == [room_id]
        # Its next list has everyone: nothing more to send.
        presence.sent(room_id, [{"id": 1, "name": "Amina"}, {"id": 2, "name": "Bea"}])
        assert store.notice_changes() == [] and told == [room_id]
    finally:
        store.redis.delete(store._room_key(room_id), store._worker_key(store.worker))
        presence.clear()
