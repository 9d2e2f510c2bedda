"""Benchmark: one PDF build of the realistic report with a given stylesheet and WeasyPrint options.

What docs/performance.md's table of attempts was measured with: the report of `--groups` x
`--items` realistic items is laid out once (after a warm-up) and the CPU time (this process's
user + sys, steady on a busy machine) and wall time of each step are printed, with the pages
and the size. `--css FILE` lays it out with another stylesheet in place of static/css/report.css,
`--option NAME=VALUE` passes a WeasyPrint option (hinting, full_fonts, optimize_images,
uncompressed_pdf), `--untagged` leaves out the PDF/UA variant, `--profile FILE` writes a
cProfile of the layout and the PDF. Run it under `nice -n 19` on a shared machine.

    .venv/bin/python bench/pdf_attempts.py --items 40
    .venv/bin/python bench/pdf_attempts.py --items 40 --option uncompressed_pdf=true
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eventhub import create_app  # noqa: E402
from eventhub.reports import build_html as html_builder  # noqa: E402
from eventhub.reports.build_pdf import _remember_page_references  # noqa: E402
from eventhub.reports.sample import synthetic_report  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=5)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--language", default="en")
    parser.add_argument("--css", type=Path, help="a stylesheet in place of report.css")
    parser.add_argument("--option", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--untagged", action="store_true", help="no pdf_variant='pdf/ua-1'")
    parser.add_argument("--profile", metavar="FILE")
    args = parser.parse_args()

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    options: dict = {} if args.untagged else {"pdf_variant": "pdf/ua-1"}
    for option in args.option:
        name, _, value = option.partition("=")
        options[name] = {"true": True, "false": False}.get(value.lower(), value)
    if args.css:
        html_builder.STYLESHEET = args.css
        html_builder.stylesheet.cache_clear()
    _remember_page_references()  # as build_pdf does
    report = synthetic_report(args.groups, args.items, realistic=True)
    base = str(html_builder.PROJECT_DIR)
    with create_app("test").app_context():
        warm_up = html_builder.build_html(synthetic_report(1, 1), args.language, for_print=True)
        HTML(string=warm_up, base_url=base).write_pdf(**options)  # fonts, Pango, templates
        cpu0, wall0 = time.process_time(), time.perf_counter()
        html = html_builder.build_html(report, args.language, for_print=True)
        cpu1 = time.process_time()
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        document = HTML(string=html, base_url=base).render(**options)
        cpu2 = time.process_time()
        pdf = document.write_pdf(**options)
        cpu3, wall3 = time.process_time(), time.perf_counter()
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
    print(
        f"{args.groups} x {args.items} {args.language} {options}: {len(document.pages)} pages, "
        f"{len(pdf):,} bytes; CPU s: html {cpu1 - cpu0:.2f}, layout {cpu2 - cpu1:.2f}, "
        f"pdf {cpu3 - cpu2:.2f}, total {cpu3 - cpu0:.2f}; wall {wall3 - wall0:.2f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
