"""Which CPUs a process runs on: EVENTHUB_WEB_CPUS for the web process, EVENTHUB_JOBS_CPUS for
job consumers (Linux; a no-op with a warning elsewhere).

Why: a job consumer under SCHED_IDLE on the web process's own CPU builds only in the time the
web process leaves there, and never on the CPUs where everything else runs. Beside a
200-member room the room's p99 while a PDF built went from x1.44-1.57 of idle (the scheduler
placing the consumer, even in an idle cgroup) to x0.74-0.76; the PDF took 33-93 s instead of
16-20 s (docs/performance.md, "One core for the room and its builds"). `make run` does this.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterable

# Pinned to no CPU in particular: the scheduler chooses (the default).
ANY = "any"
_LIST = re.compile(r"^\d+(-\d+)?(,\d+(-\d+)?)*$")


class CpuListError(ValueError):
    """A CPU list that cannot be used here (unreadable, or CPUs this process may not use)."""


def parse(setting: str, text: str | None) -> frozenset[int] | None:
    """The CPUs of a Linux CPU list ("1", "0-3", "0,2-3"); None for unset, empty or "any"."""
    value = (text or "").replace(" ", "")
    if value in ("", ANY):
        return None
    if not _LIST.match(value):
        raise CpuListError(
            f"{setting}={text!r}: expected CPU numbers such as 1, 0-3 or 0,2-3 (or {ANY!r})"
        )
    cpus: set[int] = set()
    for part in value.split(","):
        first, _, last = part.partition("-")
        low, high = int(first), int(last or first)
        if high < low:
            raise CpuListError(f"{setting}={text!r}: the range {part} runs backwards")
        cpus.update(range(low, high + 1))
    return frozenset(cpus)


def describe(cpus: Iterable[int]) -> str:
    """A CPU list in the kernel's own notation ("0-2,5")."""
    ordered = sorted(cpus)
    parts: list[str] = []
    start = previous = None
    for cpu in [*ordered, None]:
        if start is not None and cpu == previous + 1:
            previous = cpu
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = cpu
    return ",".join(parts)


def pin(setting: str, text: str | None) -> frozenset[int] | None:
    """Run every thread of this process (and what it forks later) on the CPUs `text` names.

    Raises CpuListError, before changing anything, for a list naming CPUs this process may not
    use; returns the CPUs pinned to, or None when nothing was asked or this is not Linux."""
    cpus = parse(setting, text)
    if cpus is None:
        return None
    if not hasattr(os, "sched_setaffinity"):
        logging.getLogger(__name__).warning("%s is set, but this system cannot pin CPUs", setting)
        return None
    allowed = os.sched_getaffinity(0)
    if not cpus <= allowed:
        raise CpuListError(
            f"{setting}={text!r}: CPU {describe(cpus - allowed)} is not one this process may "
            f"use ({describe(allowed)})"
        )
    # sched_setaffinity(0) moves only the calling thread: move every thread there is, so that
    # a thread started while the application was set up runs there too.
    for thread in _threads():
        with contextlib.suppress(ProcessLookupError):  # the thread ended meanwhile
            os.sched_setaffinity(thread, cpus)
    return cpus


def _threads() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/proc/self/task")]
    except OSError:
        return [0]
