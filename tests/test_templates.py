"""Every user-visible string in a template is marked for translation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# Words that are never translated: the product's name.
ALLOWED_WORDS = frozenset({"EventHub"})
# Attributes a person reads or hears (tooltips, screen readers, form hints).
VISIBLE_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label", "aria-description", "value")

_COMMENT = re.compile(r"\{#.*?#\}", re.S)
_TRANS_BLOCK = re.compile(r"\{%-?\s*trans\b.*?%\}.*?\{%-?\s*endtrans\s*-?%\}", re.S)
_STATEMENT = re.compile(r"\{%.*?%\}", re.S)
_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.S)
_RAW_TEXT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"<[!/]?[A-Za-z][^>]*>", re.S)
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_WORD = re.compile(r"[^\W\d_]+")
_ATTRIBUTE = re.compile(
    r"\s(" + "|".join(VISIBLE_ATTRIBUTES) + r""")\s*=\s*("([^"]*)"|'([^']*)')""", re.I
)
# `value` is shown only on input buttons; anywhere else it is data sent back.
_INPUT_BUTTON = re.compile(r"<input\b[^>]*\btype\s*=\s*[\"']?(submit|button|reset)\b", re.I)


def _without_jinja(source: str) -> str:
    source = _COMMENT.sub(" ", source)
    source = _TRANS_BLOCK.sub(" ", source)
    source = _STATEMENT.sub(" ", source)
    return _EXPRESSION.sub(" ", source)


def unmarked_text(source: str) -> list[str]:
    """Runs of letters a person would see that are not inside a translation call."""
    text = _RAW_TEXT.sub(" ", _HTML_COMMENT.sub(" ", _without_jinja(source)))
    problems = []
    for tag in _TAG.findall(text):
        shows_value = _INPUT_BUTTON.match(tag)
        for match in _ATTRIBUTE.finditer(tag):
            name = match.group(1).lower()
            if name == "value" and not shows_value:
                continue
            value = match.group(3) if match.group(3) is not None else match.group(4)
            problems += [f'{name}="{w}"' for w in _WORD.findall(value) if w not in ALLOWED_WORDS]
    text = _ENTITY.sub(" ", _TAG.sub(" ", text))
    problems += [w for w in _WORD.findall(text) if w not in ALLOWED_WORDS]
    return problems


def template_files() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in (".html", ".txt", ".xml", ".ics"))


@pytest.mark.parametrize("path", template_files(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_marks_every_visible_string_for_translation(path):
    problems = unmarked_text(path.read_text(encoding="utf-8"))
    assert not problems, (
        f"{path.relative_to(TEMPLATES)}: text not marked for translation "
        f"(wrap it in {{{{ _('...') }}}} or {{% trans %}}): {problems}"
    )


@pytest.mark.parametrize(
    "source",
    [
        "<p>Hello</p>",
        "<p>{{ _('Hello') }} world</p>",
        '<img src="x.png" alt="A photo">',
        '<input placeholder="Your name">',
        '<button title="Close {{ name }}">x</button>',
        '<nav aria-label="Main">',
        '<input type="submit" value="Send">',
        "<p>Café</p>",
        "{% if x %}<span>Yes</span>{% endif %}",
    ],
)
def test_unmarked_text_is_found(source):
    assert unmarked_text(source)


@pytest.mark.parametrize(
    "source",
    [
        "<p>{{ _('Hello') }}</p>",
        "<title>{% block title %}EventHub{% endblock %} · EventHub</title>",
        "{# a comment with words #}<p>{{ name }}</p>",
        "<p>{% trans n=count %}{{ n }} person{% pluralize %}{{ n }} people{% endtrans %}</p>",
        '<a href="/e/{{ slug }}/" title="{{ _(\'Open\') }}">&ndash; {{ x }} &nbsp;</a>',
        '<input type="hidden" name="next" value="{{ request.path }}">',
        '<input name="email" type="email" value="">',
        '<option value="fr" lang="fr">{{ name }}</option>',
        '<button type="submit" name="do" value="cancel">{{ _("Cancel") }}</button>',
        "<!-- developer note --><p>12:00 – 13:00</p>",
        '<script type="module" src="/static/js/x.js"></script>',
    ],
)
def test_marked_or_invisible_text_passes(source):
    assert unmarked_text(source) == []
