"""Markdown rendered safely: CommonMark through markdown-it, then sanitized by nh3."""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_FULL = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
# Messages: links, emphasis and lists only; anything else stays text.
_LIGHT = MarkdownIt("zero", {"html": False}).enable(
    ["emphasis", "link", "list", "newline", "autolink", "backticks"]
)

FULL_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
}
LIGHT_TAGS = {"p", "br", "em", "strong", "a", "ul", "ol", "li", "code"}
_ATTRS = {"a": {"href", "title"}}
_SCHEMES = {"http", "https", "mailto"}


def _clean(html: str, tags: set[str]) -> str:
    return nh3.clean(
        html,
        tags=tags,
        attributes=_ATTRS,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def render_markdown(text: str | None) -> Markup:
    """Notes (introduction, background, objectives) as sanitized HTML."""
    return Markup(_clean(_FULL.render(text or ""), FULL_TAGS))


# A message without any character the light syntax uses (nor a list marker, nor anything the
# sanitizer would touch) renders as one paragraph of itself: most messages are such sentences,
# and every message is rendered as it is broadcast (tests/test_markup.py checks the two agree).
_LIGHT_SYNTAX = re.compile(
    r"[*_\[\]<>`\\&\x00-\x1f\x7f\xa0]|^\s|\s$|^(?:[-+*]|\d{1,9}[.)])(?:\s|$)"
)


def render_light(text: str | None) -> str:
    """A room message as sanitized HTML: links, emphasis, lists; anything else as text."""
    if text and not _LIGHT_SYNTAX.search(text):
        # Escaped although the regex let no markup through: safety must not rest on a regex.
        # (html.escape without quotes changes nothing the regex admits, as the renderer does.)
        return f"<p>{html.escape(text, quote=False)}</p>\n"
    return _clean(_LIGHT.render(text or ""), LIGHT_TAGS)


def init_app(app) -> None:
    app.jinja_env.filters["markdown"] = render_markdown
