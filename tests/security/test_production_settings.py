"""Production settings an attacker relies on us forgetting: secret key, cookie flags, HSTS, CSP."""

from __future__ import annotations

import pytest

from eventhub import create_app

STRONG_SECRET = "s" * 32


def production_app(tmp_path, **overrides):
    settings = {
        "SECRET_KEY": STRONG_SECRET,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite'}",
        "ASYNC_MODE": "threading",
    }
    settings.update(overrides)
    return create_app("production", **settings)


@pytest.mark.parametrize("secret", ["", "x", "dev-secret-not-for-production", "s" * 31])
def test_production_refuses_a_short_or_development_secret_key(tmp_path, secret):
    with pytest.raises(RuntimeError, match="EVENTHUB_SECRET_KEY"):
        production_app(tmp_path, SECRET_KEY=secret)


def test_production_accepts_a_secret_key_of_32_bytes(tmp_path):
    assert production_app(tmp_path).config["SECRET_KEY"] == STRONG_SECRET


def test_production_cookies_are_secure_httponly_and_same_site(tmp_path):
    config = production_app(tmp_path).config
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert config["REMEMBER_COOKIE_SAMESITE"] == "Lax"


def test_production_sends_hsts(tmp_path):
    app = production_app(tmp_path)
    response = app.test_client().get("/login", base_url="https://eventhub.example.org")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert int(response.headers["Strict-Transport-Security"].split("=")[1].split(";")[0]) >= (
        180 * 24 * 3600
    )


def test_development_sends_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_websockets_may_connect_to_this_site_only(client):
    csp = client.get("/login", base_url="https://eventhub.example.org").headers[
        "Content-Security-Policy"
    ]
    connect = next(d for d in csp.split(";") if d.strip().startswith("connect-src")).split()[1:]
    assert "ws:" not in connect and "wss:" not in connect
    assert connect == ["'self'", "wss://eventhub.example.org"]


def test_a_forged_host_cannot_widen_the_policy(client):
    response = client.get("/login", headers={"Host": "evil.example; script-src *"})
    csp = response.headers["Content-Security-Policy"]
    assert "script-src *" not in csp
    assert "evil" not in csp
