"""Deployment safety shared by every request: trusted proxies, HSTS, the production secret."""

from __future__ import annotations

import re

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from . import ids

MIN_SECRET_BYTES = 32
# One year: browsers then refuse plain HTTP to this host even on a first bad link.
HSTS_SECONDS = 365 * 24 * 3600
# A Host header as browsers send it: a name or address and a port. Anything else is not echoed.
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$")


def check_secret_key(app: Flask, dev_secret: str) -> None:
    """In production, refuse the development secret and any key shorter than 32 bytes.

    The key signs session cookies, CSRF tokens and invitation links: a short one can be guessed.
    """
    if not app.config.get("PRODUCTION"):
        return
    secret = app.config.get("SECRET_KEY") or ""
    if secret == dev_secret:
        raise RuntimeError(
            "EVENTHUB_SECRET_KEY is the development secret; set a real one in production"
        )
    if len(secret.encode() if isinstance(secret, str) else secret) < MIN_SECRET_BYTES:
        raise RuntimeError(
            f"EVENTHUB_SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes in production "
            '(e.g. python -c "import secrets; print(secrets.token_urlsafe(48))")'
        )


def trust_proxies(app: Flask) -> None:
    """Read the client's address and scheme from `TRUSTED_PROXIES` reverse proxies (0: none).

    Applied outermost (after Socket.IO's middleware), so pages and sockets see the same address.
    Without a proxy in front, forwarded headers are the client's own claims and are ignored.
    """
    count = int(app.config.get("TRUSTED_PROXIES") or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def websocket_source() -> str:
    """This site's own WebSocket origin for the CSP's connect-src (`'self'` alone for odd hosts)."""
    host = request.host
    if not _HOST.match(host):
        return ""
    return f" {'wss' if request.is_secure else 'ws'}://{host}"


def init_app(app: Flask) -> None:
    ids.init_app(app)

    @app.after_request
    def _hsts(response):
        if app.config.get("PRODUCTION") and app.config.get("HSTS_ENABLED", True):
            response.headers.setdefault(
                "Strict-Transport-Security", f"max-age={HSTS_SECONDS}; includeSubDomains"
            )
        return response
