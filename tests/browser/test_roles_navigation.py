"""As a person would: each role signs in through the login page in headless Chromium and sees its
own navigation; an outsider gets 404 for another county's unit, on the page and in the API."""

from __future__ import annotations

import pytest

from tests.world import PASSWORD, build_world

pytestmark = pytest.mark.browser

# What each role must and must not find in its navigation.
EXPECT = {
    "east_director": ({"我的待办", "组织机构", "巡察轮次", "问题线索", "整改台账"}, {"审计日志", "角色与授权"}),
    "east_office": ({"组织机构", "巡察轮次", "整改方案"}, {"问题线索", "审计日志", "用户管理"}),
    "east_leader": ({"我的待办", "巡察列表"}, {"审计日志", "整改方案", "用户"}),
    "east_contact": ({"整改台账", "月度报送"}, {"巡察轮次", "审计日志", "问题线索"}),
    "east_jiwei": ({"问题线索", "整改方案"}, {"审计日志", "角色与授权"}),
    "east_leadership": ({"整改台账", "巡察轮次"}, {"问题线索", "审计日志"}),
    "city_office": ({"月度报送", "组织机构"}, {"问题线索", "审计日志"}),
    "sysadmin": ({"组织机构", "用户"}, {"审计日志", "角色与授权", "问题线索", "整改台账"}),
    "secadmin": ({"角色与授权", "安全策略"}, {"审计日志", "问题线索", "整改台账"}),
    "auditor": ({"审计日志"}, {"用户", "组织机构", "问题线索", "整改台账", "巡察轮次"}),
}


@pytest.fixture
def world_live(transactional_db):
    return build_world()


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def nav_labels(page) -> set[str]:
    return {t.strip() for t in page.locator("nav.sidenav a").all_inner_texts() if t.strip()}


@pytest.mark.parametrize("who", sorted(EXPECT))
def test_each_role_sees_its_own_navigation(world_live, live_server, browser, who):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, live_server.url, who)
        labels = nav_labels(page)
        must, must_not = EXPECT[who]
        assert must <= labels, (who, labels)
        assert not (must_not & labels), (who, labels & must_not)
        assert world_live.users[who].name in page.content()
    finally:
        context.close()


def test_outsider_gets_404_on_another_countys_unit_page_and_api(world_live, live_server, page):
    west_unit = world_live.units["west_village"]
    sign_in(page, live_server.url, "east_office")
    r = page.goto(f"{live_server.url}/org/units/{west_unit.pk}/")
    assert r.status == 404
    assert "对象不存在或无权访问" in page.content()
    api = page.request.get(f"{live_server.url}/api/v1/units/{west_unit.pk}")
    assert api.status == 404 and api.json()["code"] == "not_found"
    own = page.request.get(f"{live_server.url}/api/v1/units/{world_live.units['east_village'].pk}")
    assert own.status == 200


def test_login_screenshot_has_chinese_glyphs(world_live, live_server, page, tmp_path):
    page.goto(f"{live_server.url}/accounts/login/")
    shot = tmp_path / "login.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert "巡察整改" in page.title()
