"""Who is in which room right now, keyed by socket id.

Each process keeps its own sockets in memory (to make them leave a room, it needs their ids).
With a message queue (several workers), every process also mirrors its sockets into Redis, so
that the list of people in a room is the same on every worker: one person with two tabs on two
workers is one person. A worker announces it is alive every third of `PRESENCE_TTL_SECONDS`;
the sockets of a worker that stopped announcing (it died) drop out of every list within that
time, and are deleted by whoever reads them next.

Telling the room is coalesced: a join, leave, kick or disconnect marks the room changed
(`changed`), and the list goes out once `PRESENCE_FLUSH_SECONDS` later, read when it is sent,
whatever else changed meanwhile. When 200 members reconnect at once that is a few broadcasts of
the list instead of one per join (20,100 frames carrying 2.7 million names). Each worker keeps
its own timer per room; the list it sends is the shared one, so the last change anywhere goes
out from the worker where it happened.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable

from flask import Flask, current_app, has_app_context

from ..extensions import socketio

log = logging.getLogger(__name__)

_lock = threading.Lock()
# room id -> socket id -> (person id, public name)
_rooms: dict[int, dict[str, tuple[int, str]]] = {}
# Called with a room id to tell everyone in it who is there (rooms/sockets.py sets it): by the
# room's timer after a change (`changed`), or at once when PRESENCE_FLUSH_SECONDS is 0.
announce: Callable[[int], None] | None = None
# room id -> the token of the timer that will announce it (one pending timer per room)
_due: dict[int, object] = {}
# room id -> the people (ids) of the list this process last sent there
_sent: dict[int, frozenset[int]] = {}


class SharedPresence:
    """The mirror in Redis: a hash per room (socket id -> worker, person, name)."""

    PREFIX = "eventhub:presence"

    def __init__(self, url: str, ttl: float, worker: str | None = None):
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=5)
        self.ttl = ttl
        self.worker = worker or uuid.uuid4().hex
        self._beating = False
        self._seen: dict[int, frozenset[int]] = {}  # room id -> the people last seen there

    def _room_key(self, room_id: int) -> str:
        return f"{self.PREFIX}:room:{room_id}"

    def _worker_key(self, worker: str) -> str:
        return f"{self.PREFIX}:worker:{worker}"

    def beat(self) -> None:
        """Say this worker is alive for another `ttl` seconds, and restate its sockets.

        Restating heals a list that a reader pruned while this worker was only late (a busy
        loop can miss a beat): its people are back within one beat.
        """
        with _lock:
            local = {room_id: dict(sids) for room_id, sids in _rooms.items()}
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(self._worker_key(self.worker), "1", px=int(self.ttl * 1000))
        for room_id, sids in local.items():
            pipe.hset(
                self._room_key(room_id),
                mapping={
                    sid: json.dumps([self.worker, pid, name]) for sid, (pid, name) in sids.items()
                },
            )
        pipe.execute()

    def start_heartbeat(self, app: Flask) -> None:
        if self._beating:
            return
        self._beating = True
        self.beat()
        socketio.start_background_task(self._beat_forever, app)

    def _beat_forever(self, app: Flask) -> None:
        while self._beating:
            socketio.sleep(self.ttl / 3)
            try:
                with app.app_context():
                    self.beat()
                    self.notice_changes()
            except Exception:  # Redis away for a moment: the next beat may reach it
                log.exception("presence heartbeat failed")

    def notice_changes(self) -> list[int]:
        """Mark changed the rooms with sockets here whose people changed since the last beat (a
        worker died), or whose last list from here is not who is there now: a list read here
        before a change on another worker can reach the room after that worker's own list, and
        a reader may have pruned a late worker's people that its next beat restated."""
        with _lock:
            local = list(_rooms)
        different = []
        for room_id in local:
            now = frozenset(self.people(room_id))
            with _lock:
                last_sent = _sent.get(room_id, now)
            if self._seen.get(room_id, now) != now or last_sent != now:
                different.append(room_id)
            self._seen[room_id] = now
        for room_id in different:
            changed(room_id)
        return different

    def stop_heartbeat(self) -> None:
        self._beating = False

    def enter(self, room_id: int, sid: str, person_id: int, name: str) -> None:
        self.redis.hset(self._room_key(room_id), sid, json.dumps([self.worker, person_id, name]))

    def leave(self, room_id: int, sids: list[str]) -> None:
        if sids:
            self.redis.hdel(self._room_key(room_id), *sids)

    def people(self, room_id: int) -> dict[int, str]:
        """Person id -> name of everyone whose socket is on a live worker."""
        key = self._room_key(room_id)
        entries = {
            sid.decode(): json.loads(value) for sid, value in self.redis.hgetall(key).items()
        }
        workers = sorted({worker for worker, _, _ in entries.values()})
        alive = {
            worker
            for worker, beat in zip(
                workers, self.redis.mget([self._worker_key(w) for w in workers]), strict=True
            )
            if beat is not None
        }
        dead = [sid for sid, (worker, _, _) in entries.items() if worker not in alive]
        if dead:
            self.redis.hdel(key, *dead)
        return {pid: name for worker, pid, name in entries.values() if worker in alive}


_shared: dict[str, SharedPresence] = {}


def shared() -> SharedPresence | None:
    """The Redis mirror of this process, when the app has a message queue."""
    if not has_app_context():
        return None
    url = current_app.config.get("SOCKETIO_MESSAGE_QUEUE")
    if not url:
        return None
    with _lock:
        store = _shared.get(url)
        if store is None:
            ttl = float(current_app.config.get("PRESENCE_TTL_SECONDS", 15))
            store = _shared[url] = SharedPresence(url, ttl)
    store.start_heartbeat(current_app._get_current_object())
    return store


def enter(room_id: int, sid: str, person_id: int, name: str) -> None:
    with _lock:
        _rooms.setdefault(room_id, {})[sid] = (person_id, name)
    if store := shared():
        store.enter(room_id, sid, person_id, name)


def leave(room_id: int, sid: str) -> bool:
    """Forget the socket in the room; whether it was there."""
    with _lock:
        sids = _rooms.get(room_id)
        if not sids or sid not in sids:
            return False
        del sids[sid]
        if not sids:
            del _rooms[room_id]
            _sent.pop(room_id, None)
    if store := shared():
        store.leave(room_id, [sid])
    return True


def leave_all(sid: str) -> list[int]:
    """Forget the socket everywhere; the rooms it was in."""
    with _lock:
        left = [room_id for room_id, sids in _rooms.items() if sid in sids]
        for room_id in left:
            del _rooms[room_id][sid]
            if not _rooms[room_id]:
                del _rooms[room_id]
                _sent.pop(room_id, None)
    if left and (store := shared()):
        for room_id in left:
            store.leave(room_id, [sid])
    return left


def sids_of(room_id: int, person_id: int) -> list[str]:
    """Her sockets in the room on this worker (the only ones it can make leave)."""
    with _lock:
        return [sid for sid, (pid, _) in _rooms.get(room_id, {}).items() if pid == person_id]


def pairs() -> set[tuple[int, int]]:
    """(room id, person id) for everyone present in this process."""
    with _lock:
        return {(room_id, pid) for room_id, sids in _rooms.items() for pid, _ in sids.values()}


def people(room_id: int) -> list[dict]:
    """Everyone present on any worker, once each however many tabs she has open, by name."""
    if store := shared():
        unique = store.people(room_id)
    else:
        with _lock:
            unique = {pid: name for pid, name in _rooms.get(room_id, {}).values()}
    return [
        {"id": pid, "name": name}
        for pid, name in sorted(unique.items(), key=lambda i: (i[1].lower(), i[0]))
    ]


# Telling the room ------------------------------------------------------------------------------


def changed(room_id: int) -> None:
    """The room's people changed: tell everyone in it, now or at the end of its interval.

    Call after the change is made (in memory and in Redis): the list is read when it is sent, so
    the last change always goes out, and every change made before a timer fires goes with it.
    """
    app = current_app._get_current_object()
    seconds = float(app.config.get("PRESENCE_FLUSH_SECONDS", 0))
    if seconds <= 0:
        _announce(room_id)
        return
    _schedule(app, room_id, seconds)


def _schedule(app: Flask, room_id: int, seconds: float) -> None:
    with _lock:
        if room_id in _due:
            return  # the timer already running sends this change too
        token = _due[room_id] = object()
    socketio.start_background_task(_announce_later, app, room_id, token, seconds)


def _announce_later(app: Flask, room_id: int, token: object, seconds: float) -> None:
    socketio.sleep(seconds)
    with _lock:
        if _due.get(room_id) is not token:
            return  # forgotten meanwhile (clear)
        # Before reading the list: a change from here on starts a new timer.
        del _due[room_id]
    try:
        with app.app_context():
            _announce(room_id)
    except Exception:  # Redis or the database away for a moment: try again after a while
        log.exception("presence broadcast for room %s failed", room_id)
        with _lock:
            still_here = room_id in _rooms
        if still_here:  # else nobody here to tell (another worker's beat tells its sockets)
            _schedule(app, room_id, max(seconds, 5.0))


def _announce(room_id: int) -> None:
    if announce is not None:
        announce(room_id)


def sent(room_id: int, people: list[dict]) -> None:
    """Note the list this process has just sent the room (`announce` calls it): with several
    workers, a beat sends the list again if the room's people are no longer those."""
    with _lock:
        _sent[room_id] = frozenset(person["id"] for person in people)


def clear() -> None:
    """Forget everything of this process (tests, and a process that starts over)."""
    with _lock:
        _rooms.clear()
        _due.clear()
        _sent.clear()
        for store in _shared.values():
            store.stop_heartbeat()
        _shared.clear()
