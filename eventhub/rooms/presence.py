"""Who is in which room right now: per process, in memory, keyed by socket id.

With several workers each one knows only its own sockets (docs/realtime.md, "Limits").
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
# room id -> socket id -> (person id, public name, role mark or None)
_rooms: dict[int, dict[str, tuple[int, str, str | None]]] = {}


def enter(room_id: int, sid: str, person_id: int, name: str, role: str | None = None) -> None:
    with _lock:
        _rooms.setdefault(room_id, {})[sid] = (person_id, name, role)


def leave(room_id: int, sid: str) -> bool:
    """Forget the socket in the room; whether it was there."""
    with _lock:
        sids = _rooms.get(room_id)
        if not sids or sid not in sids:
            return False
        del sids[sid]
        if not sids:
            del _rooms[room_id]
        return True


def leave_all(sid: str) -> list[int]:
    """Forget the socket everywhere; the rooms it was in."""
    with _lock:
        left = [room_id for room_id, sids in _rooms.items() if sid in sids]
        for room_id in left:
            del _rooms[room_id][sid]
            if not _rooms[room_id]:
                del _rooms[room_id]
        return left


def sids_of(room_id: int, person_id: int) -> list[str]:
    with _lock:
        return [sid for sid, (pid, *_) in _rooms.get(room_id, {}).items() if pid == person_id]


def pairs() -> set[tuple[int, int]]:
    """(room id, person id) for everyone present in this process."""
    with _lock:
        return {(room_id, pid) for room_id, sids in _rooms.items() for pid, *_ in sids.values()}


def people(room_id: int) -> list[dict]:
    """Everyone present, once each however many tabs she has open, by name, with her mark."""
    with _lock:
        unique = {pid: (name, role) for pid, name, role in _rooms.get(room_id, {}).values()}
    return [
        {"id": pid, "name": name, "role": role}
        for pid, (name, role) in sorted(unique.items(), key=lambda i: (i[1][0].lower(), i[0]))
    ]


def clear() -> None:
    """Forget everything (tests, and a process that starts over)."""
    with _lock:
        _rooms.clear()
