"""EVENTHUB_WEB_CPUS and EVENTHUB_JOBS_CPUS: CPU lists read strictly, every thread pinned, and
`make run` putting the web process and its consumer on one CPU."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eventhub import cpus

PROJECT_DIR = Path(__file__).resolve().parents[1]
linux_only = pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity"), reason="CPU affinity is Linux's"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", {1}),
        ("0-2,5", {0, 1, 2, 5}),
        (" 0 , 3 ", {0, 3}),
        ("2-2", {2}),
        (None, None),
        ("", None),
        ("any", None),
    ],
)
def test_a_cpu_list_reads_as_the_kernel_writes_it(text, expected):
    assert cpus.parse("EVENTHUB_JOBS_CPUS", text) == (
        None if expected is None else frozenset(expected)
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("first", "expected CPU numbers"),
        ("1-", "expected CPU numbers"),
        ("-1", "expected CPU numbers"),
        ("1,,2", "expected CPU numbers"),
        ("3-1", "runs backwards"),
    ],
)
def test_an_unreadable_cpu_list_is_refused_naming_the_setting(text, says):
    with pytest.raises(cpus.CpuListError) as refused:
        cpus.parse("EVENTHUB_WEB_CPUS", text)
    assert "EVENTHUB_WEB_CPUS" in str(refused.value) and says in str(refused.value)


def test_a_cpu_list_is_written_back_in_the_kernel_s_notation():
    assert cpus.describe({0, 1, 2, 5, 7, 8}) == "0-2,5,7-8"
    assert cpus.describe({3}) == "3"
    assert cpus.parse("X", cpus.describe({0, 1, 2, 5, 7, 8})) == {0, 1, 2, 5, 7, 8}


@linux_only
def test_pinning_to_a_cpu_this_process_may_not_use_changes_nothing():
    before = os.sched_getaffinity(0)
    missing = max(before) + 1
    with pytest.raises(cpus.CpuListError, match=f"CPU {missing} is not one"):
        cpus.pin("EVENTHUB_JOBS_CPUS", f"{min(before)},{missing}")
    assert os.sched_getaffinity(0) == before


@linux_only
def test_pinning_moves_every_thread_of_the_process_and_what_it_starts_later():
    """Threads started while the application was set up (a checkpoint thread, a driver's pool)
    must not stay on the other CPUs."""
    cpu = max(os.sched_getaffinity(0))
    script = f"""
import os, threading, time
from eventhub import cpus
started = threading.Event()
threading.Thread(target=lambda: (started.set(), time.sleep(5)), daemon=True).start()
started.wait()
print(sorted(cpus.pin("EVENTHUB_WEB_CPUS", "{cpu}")))
threading.Thread(target=lambda: time.sleep(5), daemon=True).start()
for task in sorted(os.listdir("/proc/self/task")):
    print(task, sorted(os.sched_getaffinity(int(task))))
"""
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0] == f"[{cpu}]"
    threads = out[1:]
    assert len(threads) == 3  # the main thread, one started before, one after
    assert all(line.split(" ", 1)[1] == f"[{cpu}]" for line in threads), threads


def _make_run():
    spec = importlib.util.spec_from_file_location("make_run", PROJECT_DIR / "scripts" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@linux_only
def test_make_run_puts_the_web_process_and_one_consumer_on_the_same_cpu():
    allowed = os.sched_getaffinity(0)
    if len(allowed) < 2:
        pytest.skip("one CPU: nothing to choose")
    last = str(max(allowed))
    shared = {"EVENTHUB_WEB_CPUS": last, "EVENTHUB_JOBS_CPUS": last}
    # Two workers there, so that a quick draft does not wait for a PDF to finish.
    assert _make_run().shared_cpu({}) == {**shared, "EVENTHUB_JOBS_WORKERS": "2"}
    assert _make_run().shared_cpu({"EVENTHUB_JOBS_WORKERS": "1"}) == shared


@pytest.mark.parametrize(
    "environ",
    [
        {"EVENTHUB_WEB_CPUS": "0"},
        {"EVENTHUB_JOBS_CPUS": "any"},
        {"EVENTHUB_JOBS_WORKERS": "3"},  # several builds at once want several CPUs
        {"EVENTHUB_JOBS_IDLE_PRIORITY": "off"},  # it would compete for the web process's CPU
        {"EVENTHUB_JOBS_IDLE_PRIORITY": "disabled"},  # read as the consumer reads it: off
    ],
)
def test_make_run_leaves_the_cpus_alone_when_told_or_when_sharing_would_hurt(environ):
    assert _make_run().shared_cpu(environ) == {}


@pytest.mark.parametrize("value", ["zz", pytest.param("99999", marks=linux_only)])
def test_the_web_process_refuses_to_start_on_a_cpu_list_it_cannot_use(value):
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTHUB_")}
    result = subprocess.run(
        [sys.executable, "wsgi.py"],
        cwd=PROJECT_DIR,
        env={**env, "EVENTHUB_WEB_CPUS": value, "EVENTHUB_DATABASE_URL": "sqlite://"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert f"EVENTHUB_WEB_CPUS={value!r}" in result.stderr
    assert "serving" not in result.stdout
