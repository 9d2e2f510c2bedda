"""The repository explains itself: its documents name only files a clone has."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
# `docs/realtime.md`, `rooms/posting.py` (in eventhub/), [text](docs/x.md): paths, as written.
_PATH = re.compile(r"`([\w./-]+\.(?:md|py|toml|lock|cfg|ini|txt|html|js|css))`|\]\(([^)#\s]+)\)")


def _paths(text: str) -> list[str]:
    return [a or b for a, b in _PATH.findall(text) if not (a or b).startswith(("http", "mailto"))]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_documents_name_only_files_in_the_repository(document):
    text = document.read_text(encoding="utf-8")
    outside = [p for p in _paths(text) if p.startswith("../") or "/shared/" in p]
    assert outside == [], f"{document.name} points outside the repository"
    missing = [
        p
        for p in _paths(text)
        if "/" in p and not ((ROOT / p).exists() or (ROOT / "eventhub" / p).exists())
    ]
    assert missing == [], f"{document.name} names files that are not here"


def test_architecture_and_contributing_guides_exist():
    assert (ROOT / "docs" / "architecture.md").is_file()
    assert (ROOT / "CONTRIBUTING.md").is_file()
