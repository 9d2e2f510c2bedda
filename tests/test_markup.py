"""Markdown rendered safely; plain messages take a shortcut that must give the same HTML."""

from __future__ import annotations

import random
import re

import pytest

from eventhub import markup

ALPHABET = "abcXYZ éàçñ مرحبا بكم 0123456789 .,;:!?'\"()/@#%=+-$€~|{}^*_[]<>`\\&\n\t\u00a0\u200f"


def _slow(text: str) -> str:
    return markup._clean(markup._LIGHT.render(text), markup.LIGHT_TAGS)


def _samples(count: int, seed: int = 20261123):
    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 24)))


@pytest.mark.parametrize(
    "text",
    [
        "hello",
        "Fund the protection desks, now!",
        'she said "yes" and left',
        "l'été",
        "مرحبا بكم في الاجتماع",
        "5.5 per cent",
        "--",
        "#tag",
        "a  b",
        "100% + 1",
    ],
)
def test_plain_message_renders_as_one_paragraph_of_itself(text):
    assert not markup._LIGHT_SYNTAX.search(text)
    assert markup.render_light(text) == _slow(text) == f"<p>{text}</p>\n"


@pytest.mark.parametrize(
    "text", ["1. one", "- a", "* b", "+ c", "2) two", "*em*", "[x](https://e.org)", "a\nb"]
)
def test_message_with_light_syntax_goes_through_the_renderer(text):
    assert markup._LIGHT_SYNTAX.search(text)
    assert markup.render_light(text) == _slow(text)


def test_shortcut_and_renderer_agree_on_random_text():
    checked = 0
    for text in _samples(20_000):
        text = text.strip()
        if text:
            assert markup.render_light(text) == _slow(text), repr(text)
            checked += not markup._LIGHT_SYNTAX.search(text)
    assert checked > 1_000  # the shortcut was exercised, not only the renderer


def test_shortcut_escapes_even_what_its_regex_wrongly_lets_through(monkeypatch):
    monkeypatch.setattr(markup, "_LIGHT_SYNTAX", re.compile(r"(?!)"))  # matches nothing
    html = markup.render_light("<script>alert(1)</script> & <b>")
    assert html == "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;</p>\n"


def test_light_markup_is_sanitized():
    html = markup.render_light("<script>alert(1)</script> [x](javascript:alert(1)) *ok*")
    assert "<script>" not in html and 'href="javascript' not in html
    assert "<em>ok</em>" in html
