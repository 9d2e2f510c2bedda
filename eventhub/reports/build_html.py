"""The report as HTML: a standalone document (download, and the input of the PDF), and the
context that the in-app page renders with the same template fragment."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from flask_babel import get_translations
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from ..cooperative import hand_back_if_due
from ..markup import render_markdown
from .chart import participation_svg
from .common import Words, in_language
from .data import Edition, ReportData
from .localize import localize

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
TEMPLATES = PROJECT_DIR / "templates"
STYLESHEET = PROJECT_DIR / "static" / "css" / "report.css"


@cache
def _environment() -> Environment:
    """Our own Jinja environment, so the builder needs no request (same i18n as the app's)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(
        gettext=lambda s: get_translations().ugettext(s),
        ngettext=lambda s, p, n: get_translations().ungettext(s, p, n),
        newstyle=True,
    )
    return env


_ONE_PARAGRAPH = re.compile(r"<p>((?:(?!</?p>).)*)</p>\s*", re.S)


def item_markdown(text: str) -> Markup:
    """An item's Markdown; one paragraph without its <p> (the item's block holds it already):
    two thousand elements fewer in a long report, which WeasyPrint styles and lays out.

    Called once per item: a report page of a thousand items hands the web process's loop back
    to its live rooms every few milliseconds from here."""
    hand_back_if_due()
    html = render_markdown(text)
    one = _ONE_PARAGRAPH.fullmatch(html)
    return Markup(one.group(1)) if one else html


@cache
def stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def report_context(
    report: ReportData,
    language: str,
    edition: Edition | None = None,
    board_links: Mapping[str, str] | None = None,
) -> dict:
    """What templates/reports/_body.html needs. Call inside in_language(language)."""
    report = localize(report, language)
    words = Words(report, language, edition)
    return {
        "report": report,
        "edition": words.edition,
        "w": words,
        "lang": language,
        "dir": words.dir,
        "md": render_markdown,
        "md_item": item_markdown,
        "board_links": board_links or {},
        "chart": participation_svg(
            report.participation,
            title=words.label("chart"),
            members_label=words.label("members"),
            messages_label=words.label("messages"),
            rtl=words.rtl,
        ),
    }


def build_html(
    report: ReportData, language: str, edition: Edition | None = None, *, for_print: bool = False
) -> str:
    """A standalone HTML document (its stylesheet inlined), for download or for WeasyPrint."""
    with in_language(language):
        context = report_context(report, language, edition)
        return (
            _environment()
            .get_template("reports/standalone.html")
            .render(**context, stylesheet=stylesheet(), for_print=for_print)
        )
