"""The demo as a user meets it: sign in with a demo account in headless Chromium."""

from __future__ import annotations

import pytest

from xuncha.accounts.models import User
from xuncha.demo.generator import DEMO_PASSWORD, build_demo

pytestmark = pytest.mark.browser


def test_demo_account_signs_in_and_sees_the_home_page(transactional_db, live_server, page):
    build_demo(work=False)
    page.goto(f"{live_server.url}/accounts/login/")
    css = page.evaluate(
        "() => [...document.styleSheets].map(s => s.href).filter(Boolean)"
    )
    assert any(href.endswith("/static/css/xuncha.css") for href in css)
    page.fill("input[name=username]", "donghu_director")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    director = User.objects.get(username="donghu_director")
    assert director.name in page.content()
