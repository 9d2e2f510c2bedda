"""One entry point to every builder: (data, format, language, edition) -> file content."""

from __future__ import annotations

from .common import FORMATS, MEDIA_TYPES, check_language
from .data import Edition, ReportData


def build(report: ReportData, fmt: str, language: str, edition: Edition | None = None) -> bytes:
    """The report as a file in `fmt` (html, pdf, docx, md) and `language`, as bytes."""
    check_language(language)
    if fmt == "html":
        from .build_html import build_html

        return build_html(report, language, edition).encode("utf-8")
    if fmt == "md":
        from .build_markdown import build_markdown

        return build_markdown(report, language, edition).encode("utf-8")
    if fmt == "docx":
        from .build_docx import build_docx

        return build_docx(report, language, edition)
    if fmt == "pdf":
        from .build_pdf import build_pdf

        return build_pdf(report, language, edition)
    raise ValueError(f"unknown report format {fmt!r}; one of {', '.join(FORMATS)}")


def filename(report: ReportData, fmt: str, language: str, edition: Edition | None = None) -> str:
    """e.g. ga-annual-meeting-2020-report-v2-fr.pdf, or ...-report-draft-en.md."""
    which = "draft" if edition is None or edition.draft else f"v{edition.version}"
    return f"{report.slug}-report-{which}-{language}.{fmt}"


def media_type(fmt: str) -> str:
    return MEDIA_TYPES[fmt]
