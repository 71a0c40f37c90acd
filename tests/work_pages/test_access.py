"""Every page renders for a role that may use it and is refused (404/403) to outsiders: the other
county's office and unit, the auditor and the system administrator. No page carries inline
script or event-handler attributes (CSP)."""

from __future__ import annotations

import re

import pytest

from tests.work_pages.conftest import OUTSIDERS, html
from xuncha.findings.services import recommendation_create
from xuncha.inspections import services
from xuncha.inspections.conflicts import declaration_add
from xuncha.leads.services import lead_register


@pytest.fixture
def scene(world, fed_back, problems):
    insp = fed_back.inspection
    item = services.intake_item_create(actor=world.east_office, rnd=insp.round,
                                       source_kind="public", source_name="群众来信",
                                       content="反映村务公开不及时的问题", target_units=[insp.unit])
    lead = lead_register(actor=world.east_leader, inspection=insp, summary="村支书涉嫌侵占补贴",
                         facts="2023年该村支书以他人名义冒领耕地地力保护补贴1.2万元。",
                         persons=[{"name": "张三"}])
    rec = recommendation_create(actor=world.east_member, inspection=insp,
                                department=world.units["east_bureau"], title="规范涉企检查",
                                content="多个乡镇存在重复检查企业的问题,建议统一检查计划。")
    declaration_add(actor=world.east_member, unit=world.units["east_bureau"], kind="worked_in",
                    period="2015—2019")
    return {"i": insp.pk, "r": insp.round_id, "t": insp.team_id, "p": problems[0].pk,
            "v": fed_back.report_id, "item": item.pk, "lead": lead.pk, "rec": rec.pk,
            "term": world.terms["east"].pk}


PAGES = [
    ("/work/coverage/{term}/", "east_office"),
    ("/work/rounds/{r}/", "east_office"),
    ("/work/rounds/{r}/edit/", "east_office"),
    ("/work/rounds/{r}/checklist/", "east_office"),
    ("/work/rounds/{r}/intake/", "east_office"),
    ("/work/teams/{t}/members/add/", "east_office"),
    ("/work/teams/{t}/targets/add/", "east_office"),
    ("/work/intake/{item}/mark/", "east_leader"),
    ("/work/inspections/{i}/", "east_head"),
    ("/work/inspections/{i}/intake/", "east_member"),
    ("/work/inspections/{i}/problems/", "east_contact"),
    ("/work/inspections/{i}/problems/{p}/", "east_member"),
    ("/work/inspections/{i}/problems/{p}/edit/", "east_member"),
    ("/work/inspections/{i}/problems/{p}/withdraw/", "east_member"),
    ("/work/inspections/{i}/problems/import/", "east_member"),
    ("/work/inspections/{i}/problems/template/", "east_member"),
    ("/work/inspections/{i}/problems/export/", "east_member"),
    ("/work/inspections/{i}/recommendations/", "east_member"),
    ("/leads/{lead}/", "east_jiwei"),
    ("/leads/inspections/{i}/", "east_director"),
    ("/leads/inspections/{i}/add/", "east_leader"),
    ("/leads/problems/{p}/convert/", "east_director"),
    ("/work/inspections/{i}/report/", "east_leadership"),
    ("/work/inspections/{i}/report/versions/{v}/", "east_office"),
    ("/work/inspections/{i}/report/compare/", "east_office"),
    ("/work/inspections/{i}/report/print/", "east_office"),
    ("/work/inspections/{i}/feedback/", "east_head"),
    ("/work/inspections/{i}/feedback/print/", "east_head"),
]
LISTS = [("/work/rounds/", "east_member"), ("/work/inspections/", "east_contact"),
         ("/work/conflicts/", "east_member"), ("/leads/", "east_jiwei")]


@pytest.mark.parametrize(("path", "actor"), PAGES)
def test_page_renders_for_an_allowed_role(client_for, scene, path, actor):
    r = client_for(actor).get(path.format(**scene))
    assert r.status_code == 200, (path, r.status_code)


@pytest.mark.parametrize(("path", "actor"), PAGES)
def test_page_is_refused_to_outsiders(client_for, scene, path, actor):
    for outsider in OUTSIDERS:
        r = client_for(outsider).get(path.format(**scene))
        assert r.status_code in (403, 404), (path, outsider, r.status_code)
        assert "东湖区青石镇" not in html(r)


@pytest.mark.parametrize(("path", "actor"), LISTS)
def test_lists_render_for_an_allowed_role(client_for, scene, path, actor):
    r = client_for(actor).get(path)
    assert r.status_code == 200


@pytest.mark.parametrize("path", ["/work/rounds/", "/work/inspections/", "/leads/",
                                  "/work/coverage/"])
@pytest.mark.parametrize("outsider", ["auditor", "sysadmin"])
def test_lists_are_refused_to_the_separated_administrators(client_for, scene, path, outsider):
    assert client_for(outsider).get(path).status_code == 403


def test_lists_of_the_other_county_show_nothing_of_this_one(client_for, scene):
    for path in ("/work/rounds/", "/work/inspections/"):
        page = html(client_for("west_office").get(path))
        assert "东湖区青石镇" not in page and "十二届第1轮" not in page


def test_leads_list_is_refused_to_roles_without_lead_rights(client_for, scene):
    for actor in ("west_contact", "east_office", "east_member", "east_head"):
        assert client_for(actor).get("/leads/").status_code == 403


@pytest.mark.parametrize(("path", "actor"), PAGES + LISTS)
def test_pages_carry_no_inline_script_or_event_handler(client_for, scene, path, actor):
    r = client_for(actor).get(path.format(**scene))
    if r["Content-Type"].startswith("text/html"):
        page = html(r)
        for tag in re.findall(r"<script\b[^>]*>", page):
            assert "src=" in tag and "nonce=" in tag, tag
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", page)


def test_notification_links_redirect_to_the_pages(client_for, scene):
    c = client_for("east_office")
    r = c.get(f"/inspections/{scene['i']}/report/")
    assert r.status_code == 302 and r["Location"] == f"/work/inspections/{scene['i']}/report/"
    r = c.get(f"/inspections/{scene['i']}/feedback/")
    assert r["Location"] == f"/work/inspections/{scene['i']}/feedback/"
