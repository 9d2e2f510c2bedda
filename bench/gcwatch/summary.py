"""Summarise gcwatch logs: per generation, collections, total and longest pause, pauses over
5 ms, objects freed. `python bench/gcwatch/summary.py LOG...`"""

import sys
from collections import defaultdict


def main(paths: list[str]) -> None:
    rows = defaultdict(lambda: {"n": 0, "total": 0.0, "max": 0.0, "over5": 0, "freed": 0})
    for path in paths:
        with open(path, encoding="utf-8") as log:
            for line in log:
                _at, generation, pause, freed = line.split()
                row = rows[generation]
                row["n"] += 1
                row["total"] += float(pause)
                row["max"] = max(row["max"], float(pause))
                row["over5"] += float(pause) > 5
                row["freed"] += int(freed)
    print("| generation | collections | total pause ms | longest ms | over 5 ms | objects freed |")
    print("|---|---:|---:|---:|---:|---:|")
    for generation in sorted(rows):
        r = rows[generation]
        print(
            f"| {generation} | {r['n']} | {r['total']:.0f} | {r['max']:.1f} | {r['over5']} "
            f"| {r['freed']:,} |"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
