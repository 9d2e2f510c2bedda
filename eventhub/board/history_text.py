"""What changed in a board item's version, in the reader's language, built from its data.

A version stores what EventHub did as a key and its values (`summary_key`, `summary_args`), so a
facilitator working in French leaves a history that an Arabic reader reads in Arabic. What an
editor typed (`summary`) is hers and is shown as she wrote it.
"""

from __future__ import annotations

from collections.abc import Callable

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .queries import state_label

# The fields an edit may change, as the summary names them.
FIELD_LABELS = {
    "text": _l("text"),
    "audience": _l("audience"),
    "question": _l("guiding question"),
}


def _fields(names: list[str]) -> str:
    return format_list([str(FIELD_LABELS[n]) for n in names], locale=get_locale())


# How each change reads; `a` holds the version's `summary_args`.
SUMMARIES: dict[str, Callable[[dict], str]] = {
    "captured": lambda a: _("Captured"),
    "proposed": lambda a: _("Proposed by a participant"),
    "edited": lambda a: _("Edited: %(changes)s", changes=_fields(a["fields"])),
    "state": lambda a: _("%(old)s → %(new)s", old=state_label(a["old"]), new=state_label(a["new"])),
    "merged-into": lambda a: _("Merged into %(reference)s", reference=a["reference"]),
    "merged-from": lambda a: _("%(reference)s merged into this item", reference=a["reference"]),
    "source": lambda a: _("Source added: message %(seq)s", seq=a["seq"]),
}


def generated_summary(key: str | None, args: dict | None) -> str:
    """The change `key` with `args` in the reader's language; "" for an unknown key or values
    this code cannot read (a file from a newer version, say)."""
    render = SUMMARIES.get(key or "")
    if render is None:
        return ""
    try:
        return render(args or {})
    except (KeyError, TypeError, ValueError):
        return ""
