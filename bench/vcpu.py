"""Do this machine's CPUs slow each other? The question behind where `make run` puts the job
consumer (eventhub/cpus.py).

A probe pinned to the first CPU times a fixed piece of work (a dict of 20,000 strings dumped
to JSON, about what a web handler allocates) every 5 ms, and counts how fast a bare loop
spins, in three phases:

- alone: every other CPU idle (the baseline, measured in the same run);
- spin: a second process spinning on another CPU, under SCHED_IDLE as the consumer runs;
- render: a second process rendering a PDF with WeasyPrint over and over on another CPU,
  under SCHED_IDLE.

On separate physical cores the three agree. Where "spin" and "render" are slower than "alone",
work on one CPU slows the other (hyperthreads of one core, or a hypervisor that caps the
machine's CPU time), and no priority in the guest protects the web process from a build on
another CPU: only keeping the build on the web process's own CPU does.

    .venv/bin/python bench/vcpu.py                 # 15 s per phase
    .venv/bin/python bench/vcpu.py --seconds 30
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

RENDER = """
import os, time, weasyprint
os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
html = "<html><body>" + "".join(
    f"<h2>Item {i}</h2><p>" + "Lorem ipsum dolor sit amet, consectetur. " * 30 + "</p>"
    for i in range(300)
) + "</body></html>"
while True:
    weasyprint.HTML(string=html).write_pdf()
"""
SPIN = """
import os
os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
while True:
    pass
"""


def work() -> int:
    data = {str(i): [i, str(i) * 3] for i in range(20_000)}
    return len(json.dumps(data))


def spins(seconds: float) -> int:
    count, end = 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        count += 1
    return count


def phase(name: str, seconds: float) -> dict:
    times, rates = [], []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
        rates.append(spins(0.02) / 0.02)
        time.sleep(0.005)
    times.sort()
    return {
        "phase": name,
        "samples": len(times),
        "median": statistics.median(times),
        "p90": times[int(len(times) * 0.9)],
        "p99": times[int(len(times) * 0.99)],
        "spins": statistics.median(rates),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="per phase")
    args = parser.parse_args()
    if not hasattr(os, "sched_setaffinity"):
        raise SystemExit("this needs Linux (CPU affinity)")
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) < 2:
        raise SystemExit("this needs two CPUs")
    probe_cpu, other_cpu = allowed[0], allowed[1]
    os.sched_setaffinity(0, {probe_cpu})
    print(f"probe on CPU {probe_cpu}, the other process on CPU {other_cpu}", flush=True)
    rows = [phase("alone", args.seconds)]
    for name, script in (("spin", SPIN), ("render", RENDER)):
        other = subprocess.Popen(
            [sys.executable, "-c", script],
            preexec_fn=lambda: os.sched_setaffinity(0, {other_cpu}),
        )
        try:
            time.sleep(2)  # WeasyPrint imports
            rows.append(phase(name, args.seconds))
        finally:
            other.kill()
            other.wait()
    rows.append(phase("alone again", args.seconds))
    base = rows[0]
    print("| beside the probe | samples | work median ms | p90 ms | p99 ms | loop speed vs alone |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['phase']} | {row['samples']} | {row['median']:.2f} | {row['p90']:.2f} | "
            f"{row['p99']:.2f} | {row['spins'] / base['spins']:.0%} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
