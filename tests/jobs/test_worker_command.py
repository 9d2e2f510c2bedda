"""`flask --app eventhub worker` runs queued jobs in its own process; `make run`'s launcher
starts the web process with a consumer and stops both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from eventhub.extensions import db
from eventhub.jobs import Job, JobState, enqueue_after_commit
from eventhub.jobs.housekeeping import purge_finished_jobs
from eventhub.timestamps import utcnow
from tests.live import free_port

from .conftest import wait_for

PROJECT_DIR = Path(__file__).resolve().parents[2]


def _environment(app, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTHUB_")}
    env.update(
        EVENTHUB_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        EVENTHUB_JOBS_URL=app.config["JOBS_URL"],
        EVENTHUB_JOBS_NAME=app.config["JOBS_NAME"],
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def _old_and_recent_jobs() -> tuple[int, int]:
    old = Job(name="old", state=JobState.DONE, finished_at=utcnow() - timedelta(days=40))
    recent = Job(name="recent", state=JobState.FAILED, finished_at=utcnow() - timedelta(days=2))
    db.session.add_all([old, recent])
    db.session.commit()
    return old.id, recent.id


@pytest.mark.slow
def test_flask_worker_runs_queued_jobs_in_process_workers(queued_app, tmp_path):
    old, recent = _old_and_recent_jobs()
    job = enqueue_after_commit(purge_finished_jobs, 30)
    db.session.commit()
    log = (tmp_path / "worker.log").open("w")
    cpu = max(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "eventhub", "worker", "--workers", "2"],
        cwd=PROJECT_DIR,
        env=_environment(queued_app, EVENTHUB_JOBS_CPUS=str(cpu) if cpu is not None else "any"),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # as `make run` starts it: a session, and its group, of its own
    )
    try:
        done = wait_for(job.id, {JobState.DONE, JobState.FAILED}, timeout=60)
        assert done.state == JobState.DONE, (tmp_path / "worker.log").read_text()
        assert done.result == {"purged": 1}
        ids = set(db.session.scalars(select(Job.id)))
        assert old not in ids and recent in ids
        # The consumer and its process workers defer to the web process for the CPU.
        deferring = min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)
        workers = _children(worker.pid)
        assert len(workers) >= 2
        for pid in [worker.pid, *workers]:
            assert os.getpriority(os.PRIO_PROCESS, pid) == deferring
            if hasattr(os, "SCHED_IDLE"):  # Linux: only CPU time nothing else wants
                assert os.sched_getscheduler(pid) == os.SCHED_IDLE
            if cpu is not None:  # on the CPU EVENTHUB_JOBS_CPUS names, workers too
                assert os.sched_getaffinity(pid) == {cpu}
        # Where the kernel groups by session, the consumer's group weighs least too.
        group = Path(f"/proc/{worker.pid}/autogroup")
        if group.exists():
            assert group.read_text().split()[-1] == "19", group.read_text()
    finally:
        worker.send_signal(signal.SIGINT)  # Ctrl-C: finish the jobs in hand, then exit
        assert worker.wait(30) == 0
        log.close()
    output = (tmp_path / "worker.log").read_text()
    assert "2 process worker(s)" in output and "Consumer exiting" in output
    if cpu is not None:
        assert f"on CPU {cpu}" in output


def test_a_consumer_refuses_to_start_on_a_cpu_list_it_cannot_use(queued_app):
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "eventhub", "worker"],
        cwd=PROJECT_DIR,
        env=_environment(queued_app, EVENTHUB_JOBS_CPUS="1-"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "EVENTHUB_JOBS_CPUS='1-': expected CPU numbers" in result.stderr
    assert "worker(s)" not in result.stderr


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid ...: comm may hold spaces, so split after its ")".
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.parametrize("queued_app", ["sqlite"], indirect=True)  # what `make run` uses
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_make_run_serves_with_a_consumer_and_stopping_it_stops_both(
    queued_app, tmp_path, stop_signal
):
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc")
    port = free_port()
    log = (tmp_path / "run.log").open("w")
    launcher = subprocess.Popen(
        [sys.executable, "scripts/run.py"],
        cwd=PROJECT_DIR,
        env=_environment(
            queued_app, EVENTHUB_PORT=str(port), EVENTHUB_SECRET_KEY="run-test-secret"
        ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "run.log").read_text()
            assert launcher.poll() is None, (tmp_path / "run.log").read_text()
            time.sleep(0.2)
        children = _children(launcher.pid)
        assert len(children) == 2
        # The consumer takes jobs the web side commits.
        _old_and_recent_jobs()
        job = enqueue_after_commit(purge_finished_jobs, 30)
        db.session.commit()
        assert wait_for(job.id, {JobState.DONE}, timeout=60).result == {"purged": 1}
        # On a machine with several CPUs both share one: builds take what the web leaves.
        allowed = os.sched_getaffinity(0)
        if len(allowed) > 1:
            for pid in children:
                assert os.sched_getaffinity(pid) == {max(allowed)}
            output = (tmp_path / "run.log").read_text()
            assert f"both on CPU {max(allowed)}" in output
            assert "2 process worker(s)" in output, output
        launcher.send_signal(stop_signal)
        assert launcher.wait(30) == 0
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in children)
    finally:
        if launcher.poll() is None:
            launcher.kill()
        log.close()


def test_a_consumer_sharing_its_session_leaves_the_session_s_group_alone():
    """Lowering the session's group would lower every process of the session, the web
    process too if someone started both from one shell."""
    from eventhub.jobs.cli import AUTOGROUP, _lowest_autogroup

    if not Path(AUTOGROUP).exists():
        pytest.skip("this kernel does not group processes by session")
    assert os.getsid(0) != os.getpid()  # pytest does not lead its session
    before = Path(AUTOGROUP).read_text()
    _lowest_autogroup()
    assert Path(AUTOGROUP).read_text() == before
