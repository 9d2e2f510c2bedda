"""The report as PDF: the standalone HTML laid out by WeasyPrint (contents with page numbers
from CSS target-counter, page numbers in the margin, bookmarks from the headings)."""

from __future__ import annotations

import logging
from functools import cache

from .build_html import PROJECT_DIR, build_html
from .data import Edition, ReportData

# WeasyPrint reports every layout step at INFO and unsupported screen-only CSS as warnings.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


def build_pdf(report: ReportData, language: str, edition: Edition | None = None) -> bytes:
    """The PDF's metadata carries the report's title (from <title>) and never an author."""
    # Imported here: WeasyPrint loads Pango at import, which only PDF output needs.
    from weasyprint import HTML

    _remember_page_references()
    html = build_html(report, language, edition, for_print=True)
    # PDF/UA: a tagged PDF whose structure (headings, lists, tables) screen readers follow.
    return HTML(string=html, base_url=str(PROJECT_DIR)).write_pdf(pdf_variant="pdf/ua-1")


@cache
def _remember_page_references() -> None:
    """pydyf's `PDF.page_references` builds the tuple of every page's reference each time it
    is read, and WeasyPrint's PDF/UA tagging reads it once per tagged element: quadratic in
    the pages (a 330-page report spent seconds there; docs/performance.md). The same tuple,
    rebuilt only when a page has been added since (pages are only ever appended)."""
    import pydyf

    upstream = pydyf.PDF.__dict__.get("page_references")
    if not isinstance(upstream, property):  # pydyf changed: leave it as it is
        return

    def page_references(pdf) -> tuple[bytes, ...]:
        kids = pdf.pages["Kids"]
        known = pdf.__dict__.get("_eventhub_page_references")
        if known is None or known[0] != len(kids):
            known = (len(kids), upstream.fget(pdf))
            pdf.__dict__["_eventhub_page_references"] = known
        return known[1]

    pydyf.PDF.page_references = property(page_references, doc=upstream.__doc__)
