"""Render the pages of the Arabic report that hold English inside Arabic, to look at and to keep.

Builds eventhub.reports.sample.mixed_direction_report() in Arabic as PDF (WeasyPrint) and as Word
(converted to PDF by LibreOffice), and writes with pdftoppm (70 dpi) the title page and the page of
the working group, whose order tests/reports/test_text_order.py checks:

    docs/screenshots/report-ar-pdf-title-1.png
    docs/screenshots/report-ar-pdf-group-5.png
    docs/screenshots/report-ar-docx-libreoffice-group-3.png

    .venv/bin/python scripts/render_mixed_direction.py [--out DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))


def render(pdf: Path, page: int, target: Path) -> None:
    prefix = pdf.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-r", "70", "-png", "-singlefile", "-f", str(page), "-l", str(page)]
        + [str(pdf), str(prefix)],
        check=True,
        timeout=120,
    )
    shutil.copyfile(prefix.with_suffix(".png"), target)
    print(target)


def page_holding(pdf: Path, text: str) -> int:
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout
    for number, page in enumerate(pages.decode().split("\f"), start=1):
        if text in page:
            return number
    raise SystemExit(f"{text!r} is on no page of {pdf}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "docs" / "screenshots")
    args = parser.parse_args()

    from eventhub import create_app
    from eventhub.reports.build_docx import build_docx
    from eventhub.reports.build_pdf import build_pdf
    from eventhub.reports.sample import mixed_direction_report

    report = mixed_direction_report()
    with tempfile.TemporaryDirectory() as tmp, create_app("test").app_context():
        work = Path(tmp)
        pdf, docx = work / "report-ar.pdf", work / "report-ar.docx"
        pdf.write_bytes(build_pdf(report, "ar"))
        docx.write_bytes(build_docx(report, "ar"))
        subprocess.run(
            ["soffice", "--headless", f"-env:UserInstallation=file://{tmp}/lo"]
            + ["--convert-to", "pdf", "--outdir", str(work / "word"), str(docx)],
            check=True,
            capture_output=True,
            timeout=240,
        )
        word = work / "word" / "report-ar.pdf"
        render(pdf, 1, args.out / "report-ar-pdf-title-1.png")
        render(pdf, page_holding(pdf, "MedNet"), args.out / "report-ar-pdf-group-5.png")
        render(
            word, page_holding(word, "MedNet"), args.out / "report-ar-docx-libreoffice-group-3.png"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
