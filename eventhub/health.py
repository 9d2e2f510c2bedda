"""Liveness and readiness probes for load balancers and orchestrators.

`/healthz` says the process answers (nothing else is touched, so a slow database never makes
a balancer kill a worker that is only waiting). `/readyz` says the worker can serve: the
database answers, and Redis answers where the configuration uses it (message queue, rate
limits, jobs). Both are public and say nothing about the data.
"""

from __future__ import annotations

import logging
import time

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from .extensions import db
from .web import public

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)

# Settings that may name a Redis server this worker depends on.
REDIS_SETTINGS = ("SOCKETIO_MESSAGE_QUEUE", "RATELIMIT_STORAGE_URI", "JOBS_URL")


@bp.get("/healthz")
@public
def healthz():
    return jsonify(ok=True)


@bp.get("/readyz")
@public
def readyz():
    checks = {"database": _check_database()}
    for name, url in _redis_urls().items():
        checks[name] = _check_redis(url)
    ready = all(check["ok"] for check in checks.values())
    return jsonify(ok=ready, checks=checks), 200 if ready else 503


def _timed(probe) -> dict:
    started = time.perf_counter()
    try:
        probe()
    except Exception as error:  # any failure means not ready; the log says why
        log.warning("readiness check failed: %s", error)
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _check_database() -> dict:
    def probe():
        db.session.execute(text("SELECT 1"))
        db.session.rollback()

    return _timed(probe)


def _redis_urls() -> dict[str, str]:
    urls = {}
    for setting in REDIS_SETTINGS:
        url = current_app.config.get(setting) or ""
        if url.startswith(("redis://", "rediss://", "unix://")) and url not in urls.values():
            urls[setting.lower()] = url
    return urls


def _check_redis(url: str) -> dict:
    def probe():
        import redis

        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        try:
            client.ping()
        finally:
            client.close()

    return _timed(probe)


def register(app) -> None:
    app.register_blueprint(bp)
