"""The lock file pins every dependency that `make` installs: a requirement added to
pyproject.toml without `make lock` would install on the developer's machine and be missing
on a fresh clone (which installs exactly the lock)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _installed_extras() -> list[str]:
    makefile = (PROJECT_DIR / "Makefile").read_text()
    return re.search(r"^EXTRAS\s*:?=\s*(.+)$", makefile, re.MULTILINE).group(1).split(",")


def test_the_lock_pins_every_requirement_make_installs():
    project = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    for extra in _installed_extras():
        wanted += project["optional-dependencies"][extra.strip()]
    pinned = {
        canonicalize_name(line.split("==")[0])
        for line in (PROJECT_DIR / "requirements.lock").read_text().splitlines()
        if "==" in line and not line.startswith((" ", "#"))
    }
    missing = [text for text in wanted if canonicalize_name(Requirement(text).name) not in pinned]
    assert not missing, f"not in requirements.lock (run `make lock`): {missing}"
