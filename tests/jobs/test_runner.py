"""A job's row names the process running it, and the sweep can ask whether it still runs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from eventhub.jobs import runner

linux_only = pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="reads /proc")


def test_this_process_is_alive_by_its_own_identity():
    assert runner.alive(runner.identity()) is True


@linux_only
def test_a_process_that_ended_is_not_alive():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        host = socket.gethostname()
        recorded = f"{host}:{child.pid}:{runner._started(child.pid)}"
        assert runner.alive(recorded) is True
    finally:
        child.kill()
        child.wait()
    assert runner.alive(recorded) is False


@linux_only
def test_a_process_id_used_again_by_another_process_is_not_the_one_that_ran_the_job():
    pid = os.getpid()
    assert runner.alive(f"{socket.gethostname()}:{pid}:1") is False


@pytest.mark.parametrize("recorded", [None, "", "garbage", "host:notanumber:1"])
def test_an_unreadable_runner_is_unknown(recorded):
    assert runner.alive(recorded) is None


def test_a_process_on_another_machine_is_unknown():
    assert runner.alive(f"not-{socket.gethostname()}:{os.getpid()}:1") is None
