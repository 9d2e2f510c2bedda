"""Texts by language in pages: `her(record, "title")` picks the text in the page's language (else
the event's first), and `|marked` gives it the `lang` and `dir` of the language it is in."""

from __future__ import annotations

from flask_babel import get_locale
from markupsafe import Markup, escape

from .texts import LocalText


def page_language() -> str:
    return str(get_locale() or "en").split("_")[0]


def her(record, field: str) -> LocalText:
    """The record's text in the page's language when given, else in the event's first."""
    return record.in_language(field, page_language())


def marked(text) -> Markup:
    """A LocalText in an element saying its language and direction when they differ from the
    page's; any other text as it is (escaped)."""
    if not isinstance(text, LocalText) or text.lang == page_language():
        return Markup(escape(text))
    return Markup('<span lang="{}" dir="{}">{}</span>').format(text.lang, text.dir, text)


def register_template_helpers(app) -> None:
    app.add_template_global(her, "her")
    app.add_template_filter(marked, "marked")
