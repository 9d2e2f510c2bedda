"""`make run`: the web process (`python wsgi.py`) and one job consumer (`flask worker`), together.

Ctrl-C or SIGTERM stops both: the web process at once, the consumer after the jobs in hand
(at most STOP_TIMEOUT seconds). If either exits by itself, the other is stopped too, and this
exits with its status. On Linux the children also die with this process, even if it is killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from config import is_true  # noqa: E402  (after the path: the settings read as the app reads them)

STOP_TIMEOUT = float(os.environ.get("EVENTHUB_RUN_STOP_TIMEOUT", "10"))
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: Ctrl-C still stops both through this process


def shared_cpu(environ: dict[str, str]) -> dict[str, str]:
    """The settings that put the web process and the consumer on one CPU, the last this
    process may use, unless either is set already, or several workers are asked for (to build
    on several CPUs at once).

    Sharing the web process's CPU under SCHED_IDLE, a report build takes only the time the web
    process leaves there and stays off the other CPUs: the rooms kept their idle p99 while a
    PDF built (docs/performance.md). When no room is live that is the whole CPU, and a build
    never uses more than one. Two workers share it, so that a Word or Markdown draft is not
    kept waiting behind a PDF that takes a minute beside a live room."""
    if any(environ.get(f"EVENTHUB_{name}_CPUS") for name in ("WEB", "JOBS")):
        return {}
    if int(environ.get("EVENTHUB_JOBS_WORKERS") or 1) > 1:
        return {}
    if not is_true(environ.get("EVENTHUB_JOBS_IDLE_PRIORITY", "on")):
        return {}  # at the same priority the build would compete for the web process's CPU
    if not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2:
        return {}
    cpu = str(max(os.sched_getaffinity(0)))
    sharing = {"EVENTHUB_WEB_CPUS": cpu, "EVENTHUB_JOBS_CPUS": cpu}
    if not environ.get("EVENTHUB_JOBS_WORKERS"):
        sharing["EVENTHUB_JOBS_WORKERS"] = "2"
    return sharing


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        args,
        cwd=PROJECT_DIR,
        env=env,
        # Ctrl-C reaches this process only; it stops the children in order.
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )


def _stop(children: dict[str, subprocess.Popen]) -> None:
    # The consumer finishes the jobs in hand on SIGINT; the web process stops on SIGTERM.
    for name, child in children.items():
        if child.poll() is None:
            child.send_signal(signal.SIGINT if name == "worker" else signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for child in children.values():
        try:
            child.wait(max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def main() -> int:
    stop_requested: list[int] = []

    def request_stop(signum, _frame):
        stop_requested.append(signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, request_stop)
    python = sys.executable
    sharing = shared_cpu(dict(os.environ))
    env = {**os.environ, **sharing}
    children = {
        "web": _start([python, "wsgi.py"], env),
        "worker": _start([python, "-m", "flask", "--app", "eventhub", "worker"], env),
    }
    print(
        f"web process {children['web'].pid}, job consumer {children['worker'].pid}; "
        "Ctrl-C stops both",
        flush=True,
    )
    if sharing:
        print(
            f"both on CPU {sharing['EVENTHUB_WEB_CPUS']}: report builds take only the time the "
            "web process leaves (EVENTHUB_JOBS_CPUS=any to let them run anywhere)",
            flush=True,
        )
    status = 0
    try:
        while not stop_requested:
            ended = [(n, c.returncode) for n, c in children.items() if c.poll() is not None]
            if ended:
                name, status = ended[0]
                print(f"the {name} process exited ({status}); stopping the other", flush=True)
                break
            time.sleep(0.2)
    finally:
        _stop(children)
    return status


if __name__ == "__main__":
    sys.exit(main())
