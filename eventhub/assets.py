"""Static files that a browser keeps: fingerprinted URLs, cached for a year, sent compressed.

Every `url_for('static', filename=...)` gets the fingerprint of the whole static tree in its
path (`/static/3f2a1b9c0d/css/eventhub.css`), so that a change to any file gives every page new
URLs while ES modules keep importing each other by relative paths. WhiteNoise serves those
paths from a compressed copy of the tree (gzip and Brotli, made once per fingerprint under
instance/) with `Cache-Control: public, max-age=..., immutable`: a repeat visit asks for none
of them. Plain `/static/...` URLs still work through Flask, uncached.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

log = logging.getLogger(__name__)
YEAR = 365 * 24 * 3600
DAY = 24 * 3600


def fingerprint(root: Path) -> str:
    """A short hash of every file's path and content under `root`."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _build(source: Path, target: Path) -> None:
    """A copy of `source` at `target` with .gz and .br beside each compressible file; built in a
    temporary folder and renamed into place, so that parallel workers never see half of it."""
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        shutil.copytree(source, staging, dirs_exist_ok=True)
        compressor = Compressor(quiet=True)
        for path in sorted(p for p in staging.rglob("*") if p.is_file()):
            if compressor.should_compress(path.name):
                for _ in compressor.compress(str(path)):
                    pass
        try:
            os.rename(staging, target)
        except OSError:  # another worker finished first: its copy is the same
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def init_app(app: Flask) -> None:
    source = Path(app.static_folder)
    version = fingerprint(source)
    built = Path(app.instance_path) / "static-build" / version
    _build(source, built)
    app.config["STATIC_VERSION"] = version

    @app.url_defaults
    def _fingerprinted(endpoint, values):
        if endpoint == "static" and "filename" in values:
            values["filename"] = f"{version}/{values['filename']}"

    # The browser asks for /favicon.ico by itself, at a URL that cannot change: a day's cache.
    app.wsgi_app = WhiteNoise(app.wsgi_app, root=str(built / "root"), prefix="", max_age=DAY)
    app.wsgi_app = WhiteNoise(
        app.wsgi_app,
        root=str(built),
        prefix=f"{app.static_url_path}/{version}/",
        max_age=YEAR,
        immutable_file_test=lambda _path, _url: True,
        autorefresh=False,
    )


def init_request_log(app: Flask) -> None:
    """One line per request in the server's log (method, path, status, size, time); tests keep
    it off (REQUEST_LOG). Static files served by WhiteNoise are logged by the same middleware."""
    if not app.config.get("REQUEST_LOG", True):
        return
    logger = logging.getLogger("eventhub.request")
    inner = app.wsgi_app

    def logged(environ, start_response):
        started = time.perf_counter()
        seen = {}

        def recording_start_response(status, headers, exc_info=None):
            seen["status"] = status.split(" ", 1)[0]
            seen["size"] = next((v for k, v in headers if k.lower() == "content-length"), "-")
            return start_response(status, headers, exc_info)

        try:
            return inner(environ, recording_start_response)
        finally:
            # No query string: it may carry a session id (Socket.IO) or a search.
            path = _loggable(environ.get("PATH_INFO", ""))
            logger.info(
                "%s %s %s %s %.1fms",
                environ.get("REQUEST_METHOD", "-"),
                path,
                seen.get("status", "-"),
                seen.get("size", "-"),
                (time.perf_counter() - started) * 1000,
            )

    app.wsgi_app = logged


# Paths that carry a secret (an invitation, a private calendar address) are logged without it.
SECRET_PATHS = re.compile(r"^(/invitations/|/calendar/)[^/]+")


def _loggable(path: str) -> str:
    return SECRET_PATHS.sub(r"\1…", path)
