"""Headless Chromium for browser tests (Playwright's sync API against the system's Chromium).

Register once in tests/conftest.py::

    pytest_plugins = ["tests.browser_support"]

then ask for ``page`` (or ``browser``) together with pytest-django's ``live_server``. Without
Chromium a browser test is skipped on a developer's machine but FAILS under CI=true, so a CI image
that lost its browser cannot pass by skipping everything that matters.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django then refuses ORM calls from
# it ("async-unsafe") although they are plain synchronous calls of the test. Set before Django looks.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    """The system Chromium; skip without it, or fail when running under CI=true."""
    explicit = os.environ.get("XUNCHA_CHROMIUM")
    for candidate in (explicit, *CHROMIUM_CANDIDATES, shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    message = "Chromium not found (apt-get install -y chromium fonts-noto-cjk)"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " — browser tests may not be skipped in CI", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[Any]:
    """pytest-django's ``live_server``, started with a MEDIA_URL.

    Django's live server wraps the site in a media-files handler that fails on every request when
    ``MEDIA_URL`` is None, as xuncha sets it (uploads are served only through authorised views).
    The handler reads the setting once, when the server starts; the setting is put back at once.
    """
    from django.conf import settings
    from pytest_django.live_server_helper import LiveServer

    addr = (request.config.getvalue("liveserver")
            or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost")
    original = settings.MEDIA_URL
    if original is None:
        settings.MEDIA_URL = "/__uploads_are_not_served_here__/"
    try:
        server = LiveServer(addr)
    finally:
        settings.MEDIA_URL = original
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1366, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    try:
        yield pg
    finally:
        context.close()
