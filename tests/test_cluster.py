"""The cluster of docs/deploy.md, started by scripts/cluster.py: nginx in front of two workers.

Two members on different workers chat and see each other's board changes through nginx; one
worker is killed, its member reconnects through nginx to the other and catches up with what
was said meanwhile.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import uuid

import pytest
import requests
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from scripts.cluster import ROUTE_COOKIE, Cluster
from tests.conftest import need
from tests.live import RoomMember, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis, pytest.mark.timeout(300)]

DEMO_PASSWORD = "eventhub-demo"


def _eventually(check, timeout: float = 15, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not seen within {timeout}s")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    database_url = os.environ.get("EVENTHUB_TEST_POSTGRES_URL")
    redis_url = os.environ.get("EVENTHUB_TEST_REDIS_URL")
    need(database_url is not None, "EVENTHUB_TEST_POSTGRES_URL is not set")
    need(redis_url is not None, "EVENTHUB_TEST_REDIS_URL is not set")
    need(shutil.which("nginx") or os.path.exists("/usr/sbin/nginx"), "nginx is not installed")
    engine = create_engine(database_url)
    with engine.begin() as connection:  # the shared test database starts empty
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    with Cluster(
        workers=2,
        directory=tmp_path_factory.mktemp("cluster"),
        database_url=database_url,
        redis_url=redis_url,
    ) as running:
        try:
            yield running
        finally:
            print(running.logs())


def _group_and_room(cluster: Cluster, http: requests.Session) -> tuple[int, int]:
    """The demo's first working group and its room, as its pages give them to a member."""
    from eventhub.programme.models import Event, WorkingGroup

    engine = create_engine(cluster.database_url)
    try:
        with Session(engine) as session:
            group = session.scalars(select(WorkingGroup).order_by(WorkingGroup.id)).first()
            slug = session.get(Event, group.event_id).slug
            key = group.key
    finally:
        engine.dispose()
    page = http.get(f"{cluster.url}/e/{slug}/groups/{key}/room", timeout=10)
    page.raise_for_status()
    return group.id, int(re.search(r'data-room="(\d+)"', page.text).group(1))


def _member_on(cluster: Cluster, email: str, avoid: str | None = None):
    """Sign in through nginx until the route cookie lands on a worker other than `avoid`."""
    for _ in range(40):
        http = sign_in(cluster.url, email, DEMO_PASSWORD)
        assert ROUTE_COOKIE in http.cookies, "nginx gave no route cookie"
        worker = http.get(f"{cluster.url}/healthz", timeout=5).headers["X-EventHub-Worker"]
        if worker != avoid:
            return http, worker
    raise AssertionError(f"every route cookie landed on {avoid}")


def test_members_on_two_workers_chat_share_the_board_and_survive_a_worker_crash(cluster):
    http_a, worker_a = _member_on(cluster, "facilitator@demo.eventhub.test")
    http_b, worker_b = _member_on(cluster, "participant@demo.eventhub.test", avoid=worker_a)
    assert worker_a != worker_b
    group_id, room_id = _group_and_room(cluster, http_a)
    # The route cookie keeps her on her worker: every request of her browser lands there.
    for _ in range(5):
        assert http_a.get(f"{cluster.url}/healthz").headers["X-EventHub-Worker"] == worker_a

    amina, fatou = RoomMember(cluster.url, http_a), RoomMember(cluster.url, http_b)
    amina.connect()
    fatou.connect()
    try:
        assert amina.join(room_id)["ok"]
        assert fatou.join(room_id)["ok"]

        ack = amina.send(room_id, "Let us hear from the Sahel first.", str(uuid.uuid4()))
        assert ack["ok"], ack
        _eventually(lambda: any(m["seq"] == ack["seq"] for m in fatou.seen(room_id)),
                    what="the message on the other worker")  # fmt: skip

        items = []
        fatou.sio.on("board_item", items.append)
        assert fatou.call("board_join", {"group": group_id})["ok"]
        added = amina.call(
            "board_add",
            {"group": group_id, "kind": "insight", "text": "Rosters exist but are rarely used."},
        )
        assert added["ok"], added
        _eventually(lambda: any(i["id"] == added["item"]["id"] for i in items),
                    what="the board change on the other worker")  # fmt: skip

        # Amina's worker dies. Socket.IO reconnects her through nginx, to the other worker.
        index_a = [cluster.worker_url(i)[len("http://") :] for i in range(2)].index(worker_a)
        cluster.kill_worker(index_a)
        said = fatou.send(room_id, "Meanwhile: the Sahel roster has 40 names.", str(uuid.uuid4()))
        assert said["ok"], said
        amina.wait_connected(timeout=30)
        _eventually(lambda: amina.join(room_id, catch_up=True).get("ok"), timeout=20,
                    what="Amina back in the room")  # fmt: skip
        assert said["seq"] in [m["seq"] for m in amina.seen(room_id)]
        seqs = [m["seq"] for m in amina.seen(room_id)]
        assert seqs == sorted(set(seqs))
        # Pages keep working through nginx for both.
        assert http_a.get(f"{cluster.url}/healthz").headers["X-EventHub-Worker"] == worker_b
        assert requests.get(f"{cluster.url}/readyz", timeout=5).json()["ok"]
    finally:
        amina.disconnect()
        fatou.disconnect()
        if cluster.workers[index_a].poll() is not None:
            cluster.start_worker(index_a)
