"""The page shell: header, navigation by role, error pages, and the CSP rules pages keep."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from xuncha.notifications.services import notify


def test_header_shows_unit_name_roles_and_unread_count(client_for, world):
    notify(recipients=[world.east_office], title="方案待审核")
    notify(recipients=[world.east_office], title="任务临期")
    html = client_for("east_office").get("/").content.decode()
    assert "东湖区委巡察办" in html
    assert "巡察办工作人员" in html
    assert re.search(r'id="unread-badge"[^>]*>2<', html)
    assert 'action="/accounts/logout/"' in html


def test_unread_badge_is_hidden_when_nothing_is_unread(client_for):
    html = client_for("east_office").get("/").content.decode()
    assert 'class="badge-count is-zero"' in html


def test_navigation_shows_only_what_the_role_may_use(client_for):
    member = client_for("east_member").get("/").content.decode()  # a team member
    assert "组织机构" in member
    assert 'href="/accounts/users/"' not in member
    assert 'href="/accounts/roles/"' not in member
    secadmin = client_for("secadmin").get("/").content.decode()
    assert 'href="/accounts/roles/"' in secadmin
    assert 'href="/accounts/policy/"' in secadmin
    assert 'href="/audit/"' not in secadmin


def test_navigation_marks_the_current_page(client_for):
    html = client_for("east_office").get("/org/units/").content.decode()
    assert re.search(r'<a href="/org/units/" class="active" aria-current="page">', html)


def test_anonymous_visitor_is_sent_to_sign_in(world):
    r = Client().get("/org/units/")
    assert r.status_code == 302
    assert r["Location"].startswith("/accounts/login/")


def test_not_found_page_keeps_the_shell_for_a_signed_in_user(client_for):
    r = client_for("east_office").get("/no-such-page/")
    assert r.status_code == 404
    html = r.content.decode()
    assert "对象不存在或无权访问" in html
    assert 'class="sidenav"' in html


def test_not_found_page_is_minimal_for_an_anonymous_visitor(world):
    r = Client().get("/no-such-page/")
    assert r.status_code == 404
    html = r.content.decode()
    assert 'class="sidenav"' not in html
    assert "未找到页面或对象" in html
    assert 'href="/accounts/login/"' in html


def test_refusal_page_says_why_in_chinese(client_for):
    r = client_for("east_member").get("/accounts/users/")
    assert r.status_code == 403
    assert "您的角色无权执行此操作" in r.content.decode()


PAGES = ["/", "/org/units/", "/org/terms/", "/accounts/users/", "/inbox/", "/accounts/profile/",
         "/accounts/tokens/"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_carry_no_inline_script_or_event_handler(client_for, url):
    """CSP allows scripts from our own origin with the nonce only: no inline code, no on* attributes."""
    html = client_for("east_office").get(url).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag and "nonce=" in tag, tag
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html)


def test_pages_load_our_stylesheet_and_declare_phone_viewport(client_for):
    html = client_for("east_office").get("/").content.decode()
    assert "/static/css/xuncha.css" in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert 'id="nav-toggle"' in html  # the menu button of the phone layout
