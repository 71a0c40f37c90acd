"""In headless Chromium: the dashboard draws its ECharts charts, the board its coloured cells; both
are saved as screenshots (screen and print) in test-artifacts/screens/dashboards/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dashboard_pages.conftest import build_scene
from tests.world import PASSWORD, build_world
from xuncha.findings.categories import ensure_default_categories
from xuncha.findings.models import ProblemCategory

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens" / "dashboards"


@pytest.fixture
def live_scene(transactional_db, keys):
    # A transactional test flushes the tables between tests, with the seeded categories.
    ensure_default_categories(ProblemCategory)
    world = build_world()
    return world, build_scene(world)


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def shoot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def test_dashboard_draws_its_charts(live_scene, live_server, page):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server.url, "east_director")
    page.goto(f"{live_server.url}/dashboards/")
    page.wait_for_selector("[data-chart=trend] canvas")
    for chart in ("trend", "category", "place", "leads", "grades"):
        assert page.locator(f"[data-chart={chart}] canvas").count() == 1, chart
    # The toolbox offers "保存为图片" on every chart.
    assert page.evaluate(
        "() => echarts.getInstanceByDom(document.querySelector('[data-chart=trend]'))"
        ".getOption().toolbox[0].feature.saveAsImage.title") == "保存为图片"
    assert page.locator("[data-figure-link]").count() >= 14
    assert not errors, errors
    shoot(page, "dashboard.png")
    page.emulate_media(media="print")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("nav.sidenav").is_hidden()
    shoot(page, "dashboard-print.png")
    page.emulate_media(media="screen")
    page.click("[data-figure-link=rectification_rate][data-part=denominator]")
    page.wait_for_selector("tr[data-item]")
    assert page.locator("tr[data-item]").count() == int(
        page.locator("[data-count]").first.get_attribute("data-count")) == 3
    shoot(page, "items.png")


def test_city_dashboard_compares_counties(live_scene, live_server, page):
    from xuncha.dashboards import summary

    sign_in(page, live_server.url, "city_office")
    page.goto(f"{live_server.url}/dashboards/")
    page.wait_for_selector("[data-chart=place] canvas")
    assert "月度报送及时性" in page.content()
    assert page.locator("[data-summary-at]").count() == 0  # counted live
    live = page.locator("[data-figure=rectification_rate] .figure-value").inner_text()
    summary.refresh()  # as the worker does every 10 minutes
    page.reload()
    page.wait_for_selector("[data-chart=place] canvas")
    assert page.locator("[data-summary-at]").is_visible()
    assert page.locator("[data-figure=rectification_rate] .figure-value").inner_text() == live
    shoot(page, "dashboard-city.png")


def test_board_shows_coloured_cells_and_polls(live_scene, live_server, page):
    _world, scene = live_scene
    sign_in(page, live_server.url, "east_office")
    page.goto(f"{live_server.url}/dashboards/board/")
    for state in ("closed", "overdue", "not_started"):
        cell = page.locator(f"a.cell[data-task='{scene[state]}']")
        assert f"cell-{state}" in cell.get_attribute("class")
    overdue = page.locator(f"a.cell[data-task='{scene['overdue']}']")
    assert "完成时限" in overdue.get_attribute("title")
    assert page.locator("#board").get_attribute("hx-trigger") == "every 30s"
    # A live refresh re-renders the partial in place.
    page.evaluate("() => htmx.ajax('GET', document.querySelector('#board').getAttribute('hx-get'),"
                  " {target: '#board', swap: 'outerHTML'})")
    page.wait_for_timeout(500)
    assert page.locator("#board a.cell").count() == 3
    shoot(page, "board.png")
    page.goto(f"{live_server.url}/dashboards/board/?group_by=leader")
    shoot(page, "board-by-leader.png")
    page.emulate_media(media="print")
    assert page.locator("nav.sidenav").is_hidden()
    shoot(page, "board-print.png")
    overdue = page.locator(f"a.cell[data-task='{scene['overdue']}']")
    page.emulate_media(media="screen")
    overdue.click()
    page.wait_for_url(f"**/rectification/tasks/{scene['overdue']}/")
