from __future__ import annotations

import pytest

from tests import browser_support


@pytest.fixture
def no_chromium(monkeypatch):
    monkeypatch.setattr(browser_support, "CHROMIUM_CANDIDATES", ("/nonexistent/chromium",))
    monkeypatch.setattr(browser_support.shutil, "which", lambda name: None)
    monkeypatch.delenv("XUNCHA_CHROMIUM", raising=False)


def test_missing_chromium_fails_under_ci(no_chromium, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="may not be skipped in CI"):
        browser_support.chromium_path()


def test_missing_chromium_skips_on_a_developer_machine(no_chromium, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        browser_support.chromium_path()


def test_async_unsafe_orm_calls_are_allowed_for_playwright():
    import os

    assert os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE") == "true"
