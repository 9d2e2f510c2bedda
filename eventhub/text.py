"""What text from people may hold: no control characters, and more than invisible characters.

Zero-width spaces, joiners, bidi marks and the like (Unicode category Cf) are legitimate inside
Arabic or Persian text and emoji, so they are kept; a text of nothing else is empty. NUL and the
other C0/C1 controls are refused (PostgreSQL refuses NUL outright); multi-line text may keep
line breaks and tabs.
"""

from __future__ import annotations

import unicodedata

_LINE_CONTROLS = frozenset("\n\r\t")


def is_blank(text: str) -> bool:
    """Whether `text` shows nothing: only white space and invisible format characters."""
    return all(c.isspace() or unicodedata.category(c) == "Cf" for c in text)


def has_controls(text: str, *, multiline: bool = False) -> bool:
    """Whether `text` holds control characters (or lone surrogates); line breaks and tabs are
    allowed with `multiline`."""
    return any(
        unicodedata.category(c) in ("Cc", "Cs") and not (multiline and c in _LINE_CONTROLS)
        for c in text
    )
