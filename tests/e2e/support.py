"""Helpers of the end-to-end journeys: people signed in through the login page, each in a
browser context of their own; screenshots; the flash message; a raw POST as the browser would
send it (for "this person cannot do that" checks)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.world import PASSWORD

SCREENS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens" / "e2e"
TIMEOUT = 15_000
# The assertions wait as long as the actions do: a loaded CI machine renders some pages slowly.
expect.set_options(timeout=TIMEOUT)

# A small valid PDF (one empty page): enough for the upload check, which reads the content.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def accept_dialogs(page: Any) -> None:
    """hx-confirm asks through window.confirm; a person clicks OK (Playwright would dismiss)."""
    page.on("dialog", lambda d: d.accept())


class People:
    """One signed-in browser context per person, made on first use and closed at the end."""

    def __init__(self, browser: Any, base: str) -> None:
        self.browser = browser
        self.base = base
        self._pages: dict[str, Any] = {}
        self._contexts: list[Any] = []

    def context(self, **kwargs: Any) -> Any:
        options = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai",
                   "viewport": {"width": 1366, "height": 900}}
        options.update(kwargs)
        ctx = self.browser.new_context(**options)
        ctx.set_default_timeout(TIMEOUT)
        self._contexts.append(ctx)
        return ctx

    def page(self, username: str) -> Any:
        if username not in self._pages:
            pg = self.context().new_page()
            accept_dialogs(pg)
            sign_in(pg, self.base, username)
            self._pages[username] = pg
        return self._pages[username]

    def anonymous(self, **kwargs: Any) -> Any:
        """A fresh context with no session at all (a phone scanning a code)."""
        pg = self.context(**kwargs).new_page()
        accept_dialogs(pg)
        return pg

    def close(self) -> None:
        for ctx in self._contexts:
            with contextlib.suppress(Exception):  # a context already closed is fine
                ctx.close()


def flash(page: Any) -> Any:
    return page.locator(".flashes")


def expect_flash(page: Any, text: str) -> None:
    expect(flash(page)).to_contain_text(text)


def shot(page: Any, name: str) -> Path:
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def csrf_token(page: Any) -> str:
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    assert token, "no CSRF token on the page"
    return token


def post_as_browser(page: Any, base: str, path: str, form: dict[str, str]) -> Any:
    """A POST with the page's cookies and CSRF token, as a hand-made form would send it."""
    data = {"csrfmiddlewaretoken": csrf_token(page), **form}
    return page.request.post(base + path, form=data, max_redirects=0)


def choose(select: Any, label: str, *, exact: bool = True) -> str:
    """Chooses the option shown as ``label`` (ignoring the tree's indent), or, with
    ``exact=False``, the first whose label starts with it. Returns the option's value."""
    for opt in select.locator("option").all():
        shown = (opt.inner_text() or "").replace("\u3000", "").strip()
        if shown == label or (not exact and shown.startswith(label)):
            value = opt.get_attribute("value") or ""
            select.select_option(value=value)
            return value
    raise AssertionError(f"no option {label!r}")


def xlsx(rows: list[list[Any]], sheet: str = "问题清单") -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
