"""Log every garbage collection of a server started by a benchmark: put this directory on
PYTHONPATH and name a log file, and each `python wsgi.py` writes one line per collection to
`<log>.<pid>` (time, generation, pause, objects freed):

    PYTHONPATH=bench/gcwatch GCWATCH_LOG=/tmp/gc.log .venv/bin/python bench/liveness.py
    python bench/gcwatch/summary.py /tmp/gc.log.*

Python imports `sitecustomize` at start-up in every process it runs; this one does nothing
unless GCWATCH_LOG is set and the process is the web server.
"""

import gc
import os
import sys
import time

_LOG = os.environ.get("GCWATCH_LOG")

if _LOG and any(arg.endswith("wsgi.py") for arg in sys.argv[:1]):
    _out = open(f"{_LOG}.{os.getpid()}", "w", buffering=1)  # noqa: SIM115 - for the process's life
    _started = [0.0]

    def _watch(phase, info):
        if phase == "start":
            _started[0] = time.perf_counter()
            return
        pause = (time.perf_counter() - _started[0]) * 1000
        _out.write(f"{time.time():.3f} gen{info['generation']} {pause:.2f} {info['collected']}\n")

    gc.callbacks.append(_watch)
