"""The dashboard, the items behind its numbers, the exports and the board, page by page: who may
open them, that every number clicks through to exactly what it counts, the board's colours, and
that the west county sees nothing of the east."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.dashboard_pages.conftest import OUTSIDERS, figure_links, item_rows, page_count
from xuncha.audit.models import AuditEvent
from xuncha.dashboards import registry
from xuncha.dashboards.registry import Filters

READERS = ("east_office", "east_director", "east_leadership", "city_office", "east_contact",
           "east_jiwei", "east_leader")
PAGES = ("/dashboards/", "/dashboards/board/", "/dashboards/export.xlsx",
         "/dashboards/items/problems_fed_back/", "/dashboards/items/problems_fed_back/export.csv")


def html(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("who", ["east_office", "east_leadership", "city_office", "east_contact"])
def test_dashboard_renders_for_each_level(world, scene, client_for, who):
    r = client_for(who).get("/dashboards/")
    assert r.status_code == 200
    page = html(r)
    assert page.count('class="figure dash-figure') == len(registry.FIGURES)
    values = {(link["key"], link["part"]): link["value"] for link in figure_links(page)}
    assert values[("problems_fed_back", "numerator")] == "3"
    assert values[("rectification_rate", "numerator")] == "1"
    assert values[("rectification_rate", "denominator")] == "3"
    assert "33.33" in page
    assert 'id="dashboard-data" type="application/json"' in page
    assert "vendor/echarts/echarts.min.js" in page


def test_level_follows_the_scope(world, scene, client_for):
    assert "全市" in html(client_for("city_office").get("/dashboards/"))
    county = html(client_for("east_office").get("/dashboards/"))
    assert "全县(区)" in county and "本届巡察全覆盖" in county
    assert "按单位排名" in county and "月度报送及时性" not in county
    city = html(client_for("city_office").get("/dashboards/"))
    assert "按县(区)排名" in city and "月度报送及时性" in city
    assert "本单位" in html(client_for("east_contact").get("/dashboards/"))


@pytest.mark.parametrize("who", [*OUTSIDERS, "nobody"])
def test_outsiders_are_refused(world, scene, client_for, who):
    c = client_for(who)
    for url in PAGES:
        assert c.get(url).status_code == 403, url
    for url in ("/api/v1/dashboard", "/api/v1/board",
                "/api/v1/dashboard/items/problems_fed_back"):
        r = c.get(url)
        assert r.status_code == 403 and r.json()["code"] == "forbidden", url


def test_anonymous_is_sent_to_sign_in(world, client):
    r = client.get("/dashboards/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


@pytest.mark.parametrize("who", READERS)
def test_every_number_clicks_through_to_exactly_its_items(world, scene, client_for, who):
    c = client_for(who)
    links = figure_links(html(c.get("/dashboards/")))
    rates = sum(1 for f in registry.FIGURES if f.denominator is not None)
    assert len(links) == len(registry.FIGURES) + rates
    for link in links:
        r = c.get(link["href"])
        assert r.status_code == 200, link
        page = html(r)
        fig = registry.BY_KEY[link["key"]]
        if fig.amount_field:
            amount = page.split('data-amount="')[1].split('"')[0]
            assert Decimal(amount) == Decimal(link["value"]), link
            assert item_rows(page) == page_count(page)
        else:
            assert page_count(page) == int(link["value"]), link
            assert item_rows(page) == int(link["value"]), link


def test_place_breakdown_numbers_click_through(world, scene, client_for):
    import re

    for who in ("east_office", "city_office"):
        c = client_for(who)
        page = html(c.get("/dashboards/"))
        cells = re.findall(r'<a (?:class="[^"]*" )?href="([^"]+)" data-place-link>(\d+)</a>', page)
        assert len(cells) == 3
        for href, value in cells:
            r = c.get(href.replace("&amp;", "&"))
            assert item_rows(html(r)) == int(value), href


def test_filters_are_kept_in_every_link(world, scene, client_for):
    from xuncha.rectification.models import RectificationPlan

    plan = RectificationPlan.objects.get(pk=scene["plan"])
    c = client_for("east_office")
    page = html(c.get(f"/dashboards/?round_id={plan.inspection.round_id}"))
    links = figure_links(page)
    assert all(f"round_id={plan.inspection.round_id}" in link["href"] for link in links)
    fed = next(link for link in links if link["key"] == "problems_fed_back")
    assert fed["value"] == "3"
    leads = next(link for link in links if link["key"] == "leads_registered")
    assert leads["value"] == "0"  # the leads are of another round
    r = c.get(fed["href"])
    assert item_rows(html(r)) == 3


def test_an_invalid_or_foreign_filter_is_dropped_not_fatal(world, scene, client_for):
    west = world.units["west"].pk
    r = client_for("east_office").get(f"/dashboards/?under_id={west}&date_from=nonsense")
    assert r.status_code == 200
    values = {link["key"]: link["value"] for link in figure_links(html(r))}
    assert values["problems_fed_back"] == "3"
    assert "已忽略" in html(r)


def test_unknown_figure_or_part_is_404(world, scene, client_for):
    c = client_for("east_office")
    assert c.get("/dashboards/items/nonsense/").status_code == 404
    assert c.get("/dashboards/items/problems_found/?part=denominator").status_code == 404
    assert c.get("/api/v1/dashboard/items/nonsense").status_code == 404


def test_board_colours_closed_overdue_and_not_started(world, scene, client_for):
    page = html(client_for("east_office").get("/dashboards/board/"))
    for state in ("closed", "overdue", "not_started"):
        assert (f'class="cell cell-{state}" href="/rectification/tasks/{scene[state]}/"'
                in page), state
    assert 'hx-trigger="every 30s"' in page
    assert 'data-state="overdue"><i class="cell-swatch cell-overdue"' in page
    assert '<b data-count="1">1</b>' in page  # legend counts


def test_board_filters_by_state_groups_by_leader_and_polls_a_partial(world, scene, client_for):
    c = client_for("east_office")
    page = html(c.get("/dashboards/board/?state=overdue"))
    assert f"/rectification/tasks/{scene['overdue']}/" in page
    assert f"/rectification/tasks/{scene['closed']}/" not in page
    page = html(c.get("/dashboards/board/?group_by=leader"))
    assert "书记" in page
    partial = c.get("/dashboards/board/", headers={"HX-Request": "true"})
    body = html(partial)
    assert body.startswith('<div id="board"') and "<html" not in body
    assert body.count('class="cell cell-') == 3


def test_board_for_the_unit_contact_shows_only_its_tasks(world, scene, client_for):
    page = html(client_for("east_bureau_contact").get("/dashboards/board/"))
    assert 'class="cell cell-' not in page


def test_api_returns_the_same_numbers_as_the_page(world, scene, client_for):
    for who in ("east_office", "city_office", "east_director", "east_contact"):
        c = client_for(who)
        links = figure_links(html(c.get("/dashboards/")))
        api = c.get("/api/v1/dashboard").json()
        figs = {f["key"]: f for f in api["figures"]}
        for link in links:
            fig = figs[link["key"]]
            assert Decimal(str(fig[link["part"]])) == Decimal(link["value"]), (who, link)
        computed = registry.compute(world.users[who], Filters())
        assert figs["rectification_rate"]["percent"] == float(
            computed["rectification_rate"]["percent"])
        for link in links:
            r = c.get(f"/api/v1/dashboard/items/{link['key']}?part={link['part']}&limit=500")
            assert r.status_code == 200
            body = r.json()
            if registry.BY_KEY[link["key"]].amount_field:
                assert Decimal(str(body["total_amount"])) == Decimal(link["value"])
            else:
                assert body["count"] == len(body["items"]) == int(link["value"]), link


def test_api_board_matches_the_page(world, scene, client_for):
    c = client_for("east_office")
    body = c.get("/api/v1/board").json()
    cells = {cell["id"]: cell["state"] for g in body["groups"] for r in g["rows"]
             for cell in r["cells"]}
    assert cells == {scene["closed"]: "closed", scene["overdue"]: "overdue",
                     scene["not_started"]: "not_started"}
    assert body["counts"] == {"closed": 1, "overdue": 1, "not_started": 1}
    leader = c.get("/api/v1/board?group_by=leader&state=closed").json()
    assert [cell["id"] for g in leader["groups"] for r in g["rows"] for cell in r["cells"]] == [
        scene["closed"]]


def test_lead_items_show_number_unit_and_stage_only(world, scene, client_for):
    c = client_for("east_director")
    before = AuditEvent.objects.filter(action="lead.list").count()
    page = html(c.get("/dashboards/items/leads_registered/?part=numerator"))
    assert item_rows(page) == 2
    for secret in ("李某某", "财政所所长", "违规发放补贴", "2.4万元"):
        assert secret not in page
    assert AuditEvent.objects.filter(action="lead.list").count() == before + 1
    api = c.get("/api/v1/dashboard/items/leads_registered").json()
    assert api["count"] == 2
    assert all("李某某" not in i["label"] and "补贴" not in i["label"] for i in api["items"])
    text = c.get("/dashboards/items/leads_registered/export.csv").getvalue().decode()
    assert "李某某" not in text and "补贴" not in text and len(text.strip().splitlines()) == 3


@pytest.mark.parametrize("who", ["east_office", "east_leadership", "city_office"])
def test_roles_that_see_lead_counts_count_leads_without_reading_them(world, scene, client_for, who):
    from xuncha.audit.models import AuditEvent

    c = client_for(who)
    page = html(c.get("/dashboards/"))
    values = {link["key"]: link["value"] for link in figure_links(page)}
    assert values["leads_registered"] == "2"
    assert values["leads_transferred"] == "2"
    assert "按统计范围计数" in page
    before = AuditEvent.objects.filter(action="lead.list").count()
    listed = html(c.get("/dashboards/items/leads_registered/"))
    assert item_rows(listed) == 2
    assert "李某某" not in listed and "补贴" not in listed
    assert AuditEvent.objects.filter(action="lead.list").count() == before + 1
    api = c.get("/api/v1/dashboard").json()
    assert {f["key"]: f["numerator"] for f in api["figures"]}["leads_registered"] == 2


def test_users_without_lead_counts_count_only_leads_they_read(world, scene, client_for):
    page = html(client_for("east_contact").get("/dashboards/"))
    values = {link["key"]: link["value"] for link in figure_links(page)}
    assert values.get("leads_registered", "0") == "0"


def test_west_sees_nothing_of_the_east(world, scene, client_for):
    east = world.units["east"].pk
    for who in ("west_office", "west_contact", "west_leadership"):
        c = client_for(who)
        for url in ("/dashboards/", f"/dashboards/?under_id={east}"):
            page = html(c.get(url))
            assert "东湖区青石镇" not in page
            assert all(link["value"] in ("0", "0.00") for link in figure_links(page)), who
        page = html(c.get(f"/dashboards/board/?under_id={east}"))
        assert 'class="cell cell-' not in page and "东湖区" not in page.split("</nav>", 2)[-1]
        for key in ("problems_fed_back", "tasks_overdue", "funds_recovered"):
            page = html(c.get(f"/dashboards/items/{key}/?under_id={east}"))
            assert item_rows(page) == 0
        api = c.get(f"/api/v1/dashboard?under_id={east}").json()
        assert all(not f["numerator"] for f in api["figures"])
        assert c.get("/api/v1/board").json()["groups"] == []
        items = c.get("/api/v1/dashboard/items/problems_fed_back").json()
        assert items["count"] == 0


def test_excel_has_the_figures_and_breakdowns(world, scene, client_for):
    r = client_for("east_office").get("/dashboards/export.xlsx")
    assert r.status_code == 200 and "xlsx" in r["Content-Disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    rate = next(r for r in rows if r[1] == "整改率")
    assert rate[2:5] == [33.33, 1, 3]
    assert any(r[0] == "排名" and r[1] == "东湖区青石镇" for r in rows)
    assert any(r[0] == "按月趋势" for r in rows)
    assert any(r[0] == "全覆盖" for r in rows)


def test_items_csv_lists_the_same_rows(world, scene, client_for):
    r = client_for("east_office").get("/dashboards/items/rectification_rate/export.csv"
                                      "?part=denominator")
    assert r.status_code == 200
    text = r.getvalue().decode()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["编号", "单位", "类别"] and len(rows) == 4


def test_csv_neutralises_formula_text(world, scene, client_for):
    from xuncha.findings.models import Problem

    Problem.objects.filter(title="组织生活会材料雷同").update(title="=HYPERLINK(\"x\")")
    text = client_for("east_office").get(
        "/dashboards/items/problems_found/export.csv").getvalue().decode()
    assert "'=HYPERLINK" in text


def test_navigation_has_the_statistics_section(world, scene, client_for):
    page = html(client_for("east_leadership").get("/"))
    assert "数据看板" in page and "挂图作战" in page
    assert "数据看板" not in html(client_for("auditor").get("/"))


def test_a_long_ranking_lists_the_first_places_and_links_to_all(world, scene, client_for, monkeypatch):
    from xuncha.dashboards import views

    c = client_for("east_office")
    page = html(c.get("/dashboards/"))
    assert "data-ranking-cut" not in page and "data-place-link" in page
    monkeypatch.setattr(views, "RANKING_MAX", 0)
    monkeypatch.setattr(views, "RANKING_ROWS", 0)
    page = html(c.get("/dashboards/"))
    assert "data-ranking-cut" in page and "data-place-link" not in page
    assert "ranking=all" in page
    page = html(c.get("/dashboards/?ranking=all"))
    assert "data-ranking-cut" not in page and "data-place-link" in page
