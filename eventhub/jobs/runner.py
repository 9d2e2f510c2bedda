"""Which process runs a job ("host:pid:start"), so that the stuck-job sweep can tell a consumer
that died from one that is only slow: a build under SCHED_IDLE on the web process's CPU gets
no CPU at all while the web process keeps that CPU full (eventhub/cpus.py)."""

from __future__ import annotations

import os
import socket


def _started(pid: int) -> str:
    """When the process started, in clock ticks since boot (Linux), so that a process id used
    again by another process does not pass for the one that ran the job; "" elsewhere."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            # pid (comm) state ppid ...: comm may hold spaces and parentheses; field 22 is the
            # start time, the 20th after the last ")".
            return stat.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def identity() -> str:
    """This process, as a job's row records who runs it."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_started(pid)}"


def alive(runner: str | None) -> bool | None:
    """Whether the process a job's row names still runs: True or False on this host; None when
    it ran on another machine (or the row names none), where only the time limit can tell."""
    if not runner:
        return None
    try:
        host, pid_text, started = runner.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return None
    if host != socket.gethostname():
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, under another user
        pass
    return _started(pid) == started
