"""Browser tests: Playwright driving Debian's Chromium against `python wsgi.py` under gevent (the default).

The database is a SQLite file prepared in-process through the usual fixtures (`app`, `make_event`,
`make_person`, ...); the real server (tests/live.py) then serves it on a free local port.
Playwright's own browser download does not work here, so Chromium comes from /usr/bin/chromium.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, need
from tests.live import live_server  # noqa: F401  (the fixture)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator:
    need(CHROMIUM.exists() or shutil.which("chromium") is not None, "Chromium is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        need(False, "the playwright package is not installed")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def browser(playwright_driver, tmp_path):
    """Factory for a fresh Chromium (its own user-data dir): `browser(timezone_id=..., viewport=...)`."""
    contexts = []

    def launch(*, timezone_id: str = "UTC", viewport: dict | None = None, locale: str = "en-GB"):
        profile = tmp_path / f"chromium-profile-{len(contexts) + 1}"
        context = playwright_driver.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")),
            headless=True,
            args=CHROMIUM_ARGS,
            timezone_id=timezone_id,
            viewport=viewport or DESKTOP,
            locale=locale,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.pages[0] if context.pages else context.new_page()

    yield launch
    for context in contexts:
        context.close()


@pytest.fixture
def server(request, app, live_server):  # noqa: F811  (the fixture imported above)
    """`server()` starts the real server on the test database; call it once the data is in."""
    assert request.node.get_closest_marker("fresh_database"), (
        "a real server reads the database from another process: mark the test fresh_database"
    )

    def start():
        from eventhub.extensions import db

        db.session.commit()
        return live_server(app.config["SQLALCHEMY_DATABASE_URI"], async_mode=None)

    return start


def sign_in(page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Through the real form, as a person would."""
    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, page.inner_text("main")


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ (gitignored), for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def visible_text(page, selector: str = "main") -> str:
    """Text of `selector` with every kind of space made a plain one, for matching '5:00 PM'."""
    return re.sub(r"\s+", " ", page.inner_text(selector).replace("\u202f", " "))
