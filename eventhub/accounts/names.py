"""Names as people read them: the form two names are compared in, and characters no name needs.

`name_key` NFKC-normalises, case-folds, removes invisible and direction-control characters and
collapses spaces, so "Fatou", "FATOU", "Fa\u200btou" and "Ｆａｔｏｕ" are one name.
"""

from __future__ import annotations

import unicodedata

from flask_babel import gettext as _

from ..errors import Invalid

# Characters that change how text around them is ordered, or that show nothing at all.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Joiners that some scripts need inside a name (Persian, the Indic scripts): allowed in a name,
# ignored when names are compared.
JOINERS = frozenset("\u200c\u200d")
# Default-ignorable letters that render as nothing (Hangul fillers, the combining grapheme joiner).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u034f\u17b4\u17b5\u180e")


def _invisible(c: str) -> bool:
    return (
        unicodedata.category(c) == "Cf"
        or c in _BLANK_LETTERS
        or "\ufe00" <= c <= "\ufe0f"  # variation selectors
        or "\U000e0000" <= c <= "\U000e0fff"  # tags and their variation selectors
    )


def name_key(name: str | None) -> str:
    """The form two names are compared in (see the module's docstring)."""
    text = unicodedata.normalize("NFKC", name or "")
    text = "".join(c for c in text if not _invisible(c))
    return " ".join(text.casefold().split())


def check_name_characters(name: str | None) -> None:
    """Refuse direction controls and invisible characters in a name (joiners are allowed)."""
    if not name:
        return
    if any(c in BIDI_CONTROLS for c in name):
        raise Invalid(
            _(
                "The name contains a character that changes the direction of the text around it. "
                "Please type it without."
            )
        )
    # Variation selectors only choose how an emoji looks; anything else invisible is refused.
    if any(_invisible(c) and c not in JOINERS and not "\ufe00" <= c <= "\ufe0f" for c in name):
        raise Invalid(
            _("The name contains an invisible character. Please type it again without it.")
        )
    if not name_key(name):
        raise Invalid(_("The name has no visible letters. Please choose another one."))
