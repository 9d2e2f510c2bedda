"""The report as PDF: the standalone HTML laid out by WeasyPrint (contents with page numbers
from CSS target-counter, page numbers in the margin, bookmarks from the headings)."""

from __future__ import annotations

import logging

from .build_html import PROJECT_DIR, build_html
from .data import Edition, ReportData

# WeasyPrint reports every layout step at INFO and unsupported screen-only CSS as warnings.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


def build_pdf(report: ReportData, language: str, edition: Edition | None = None) -> bytes:
    """The PDF's metadata carries the report's title (from <title>) and never an author."""
    # Imported here: WeasyPrint loads Pango at import, which only PDF output needs.
    from weasyprint import HTML

    html = build_html(report, language, edition, for_print=True)
    # PDF/UA: a tagged PDF whose structure (headings, lists, tables) screen readers follow.
    return HTML(string=html, base_url=str(PROJECT_DIR)).write_pdf(pdf_variant="pdf/ua-1")
