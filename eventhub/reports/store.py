"""Built report files, stored once by their SHA-256 in a directory (shared by every machine when
EVENTHUB_REPORT_FILES_DIR points at a shared file system): `ab/abcdef…` under the root."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app


def root() -> Path:
    configured = current_app.config.get("REPORT_FILES_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "report-files"


def path_of(digest: str) -> Path:
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(f"not a SHA-256 digest: {digest!r}")
    return root() / digest[:2] / digest


def put(content: bytes) -> str:
    """Store `content` (once: the same bytes have the same address); its digest."""
    digest = hashlib.sha256(content).hexdigest()
    target = path_of(digest)
    if target.exists() and target.stat().st_size == len(content):
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed: a reader on any machine sees the whole file or none.
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return digest


def exists(digest: str) -> bool:
    return path_of(digest).is_file()
