"""Git merge driver for gettext catalogues: the union of both sides' messages.

Two branches that each add strings (and their translations) to the same catalogue touch
neighbouring lines, so git's line merge conflicts on nearly every parallel change. This
driver merges message by message instead: every message of either side is kept, and a
translation changed on one side only wins over the unchanged one. Messages dropped on one
side stay until the next `make translations-update` removes what the source no longer uses.

Enable it once per clone (CONTRIBUTING.md):

    git config merge.po-union.driver ".venv/bin/python scripts/po_merge.py %O %A %B"

`.gitattributes` routes `*.po` and `*.pot` files to it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def _read(path: str):
    with Path(path).open("rb") as f:
        return read_po(f, abort_invalid=False)


def _key(message):
    return (message.id, message.context)


def merge(base_path: str, ours_path: str, theirs_path: str) -> None:
    """Write the union of `ours` and `theirs` (relative to `base`) into `ours_path`."""
    base, ours, theirs = _read(base_path), _read(ours_path), _read(theirs_path)
    base_strings = {_key(m): m.string for m in base if m.id}
    for message in theirs:
        if not message.id:
            continue
        mine = ours.get(message.id, message.context)
        if mine is None:
            ours[message.id] = message
            continue
        before = base_strings.get(_key(message))
        mine_changed = mine.string != before
        theirs_changed = message.string != before
        empty = not mine.string or (isinstance(mine.string, tuple) and not all(mine.string))
        if (theirs_changed and not mine_changed) or (empty and message.string):
            mine.string = message.string
            mine.flags = set(message.flags)
    with Path(ours_path).open("wb") as f:
        write_po(f, ours, width=100, sort_output=True, omit_header=False)


if __name__ == "__main__":
    merge(*sys.argv[1:4])
