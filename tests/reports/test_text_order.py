"""English inside Arabic, read back from the Arabic PDF and from the Arabic Word file converted by
LibreOffice, in the order a reader reads it (see helpers.pdf_read_as for how)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace

import pytest

from eventhub.reports.build_docx import build_docx
from eventhub.reports.build_html import build_html
from eventhub.reports.build_pdf import build_pdf
from eventhub.reports.sample import MIXED_ARABIC, MIXED_ENGLISH, mixed_direction_report
from tests.conftest import need
from tests.reports.helpers import (
    FORMAT_CHARACTERS,
    docx_text,
    html_text,
    pdf_read_as,
    text_direction,
)

# The audience note: an Arabic label holding an English name.
ARABIC_LABEL_ENGLISH_VALUE = "الجهة المستهدفة: Member States"


def _assert_reads_in_order(pdf: bytes, source: str, what: str) -> None:
    """Every place the document prints each sentence (counted in its source text: the HTML that
    WeasyPrint lays out, the Word file's paragraphs) reads in order on the page."""
    for sentence in (MIXED_ARABIC, ARABIC_LABEL_ENGLISH_VALUE, MIXED_ENGLISH):
        printed = source.translate(FORMAT_CHARACTERS).count(sentence)
        assert printed, f"{what}: {sentence!r} is not in the document at all"
        direction = text_direction(sentence)
        text = pdf_read_as(pdf, direction)
        assert text.count(sentence) == printed, (
            f"{what}: {sentence!r} is printed {printed} times but reads in order "
            f"({direction}) {text.count(sentence)} times; the pages read:\n{text}"
        )


def _word_to_pdf(docx: bytes, tmp_path) -> bytes:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    need(soffice is not None, "LibreOffice (libreoffice-writer-nogui) is not installed")
    (tmp_path / "report-ar.docx").write_bytes(docx)
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "report-ar.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return (tmp_path / "report-ar.pdf").read_bytes()


def test_arabic_pdf_reads_english_names_numbers_and_sentences_in_order(app):
    with app.app_context():
        report = mixed_direction_report()
        pdf, html = build_pdf(report, "ar"), build_html(report, "ar", for_print=True)
    _assert_reads_in_order(pdf, html_text(html), "Arabic PDF")


@pytest.mark.slow
def test_arabic_word_file_reads_in_order_once_libreoffice_lays_it_out(app, tmp_path):
    with app.app_context():
        docx = build_docx(mixed_direction_report(), "ar")
    _assert_reads_in_order(
        _word_to_pdf(docx, tmp_path), docx_text(docx), "Arabic Word file (LibreOffice)"
    )


def test_pdf_embeds_the_emoji_font_only_for_emoji(app, tmp_path):
    """Listed among the report's fonts, Noto Color Emoji drew every digit (wide and grey)."""
    need(shutil.which("pdffonts") is not None, "pdffonts (poppler-utils) is not installed")
    report = mixed_direction_report()
    group = report.groups[0]
    dove = replace(group.recommendations[1], text="Peace 🕊️ by 2030.")
    with_dove = replace(report, groups=(replace(group, recommendations=(dove,)),))

    def fonts(pdf: bytes) -> str:
        path = tmp_path / "report.pdf"
        path.write_bytes(pdf)
        return subprocess.run(
            ["pdffonts", str(path)], capture_output=True, check=True, timeout=60
        ).stdout.decode()

    with app.app_context():
        assert "Noto-Color-Emoji" not in fonts(build_pdf(report, "ar"))
        assert "Noto-Color-Emoji" in fonts(build_pdf(with_dove, "ar"))
