"""Lead pages: every read audited (lead.list / lead.read), people typed into fixed rows, a problem
turned into a lead by a reviewer; no link to leads for roles that may not read them."""

from __future__ import annotations

import re

from tests.work_pages.conftest import html
from xuncha.audit.models import AuditEvent
from xuncha.findings.models import ProblemState
from xuncha.leads.models import Lead
from xuncha.leads.services import lead_register


def _lead(world, insp, name="张三"):
    return lead_register(actor=world.east_leader, inspection=insp, summary="村支书涉嫌侵占补贴",
                         facts="2023年该村支书以他人名义冒领耕地地力保护补贴1.2万元。",
                         persons=[{"name": name, "post": "柳树村党支部书记",
                                   "is_village_cadre": True}])


def _persons(rows=()):
    data = {"persons-TOTAL_FORMS": "3", "persons-INITIAL_FORMS": "0",
            "persons-MIN_NUM_FORMS": "0", "persons-MAX_NUM_FORMS": "3"}
    for i, row in enumerate(rows):
        for k, v in row.items():
            data[f"persons-{i}-{k}"] = v
    return data


def test_list_page_writes_a_lead_list_event(client_for, world, insp):
    lead = _lead(world, insp)
    r = client_for("east_jiwei").get("/leads/")
    page = html(r)
    assert "村支书涉嫌侵占补贴" in page and "张三" in page
    ev = AuditEvent.objects.filter(action="lead.list", actor=world.east_jiwei).latest("seq")
    assert ev.changes["ids"] == [lead.pk]
    assert "no-cache" in r["Cache-Control"] or "no-store" in r["Cache-Control"]


def test_detail_page_writes_a_lead_read_event(client_for, world, insp):
    lead = _lead(world, insp)
    page = html(client_for("east_director").get(f"/leads/{lead.pk}/"))
    assert "柳树村党支部书记" in page and "主要事实" in page
    assert AuditEvent.objects.filter(action="lead.read", actor=world.east_director,
                                     object_id=str(lead.pk)).exists()


def test_person_name_search_finds_by_exact_name(client_for, world, insp):
    _lead(world, insp, "张三")
    _lead(world, insp, "李四")
    page = html(client_for("east_jiwei").get("/leads/?person_name=李四"))
    assert "李四" in page and "张三" not in page
    assert AuditEvent.objects.filter(action="lead.list", changes__search=True).exists()


def test_inspection_leads_tab_for_the_leader_and_register_form(client_for, world, insp):
    c = client_for("east_leader")
    page = html(c.get(f"/work/inspections/{insp.pk}/"))
    assert f"/leads/inspections/{insp.pk}/" in page
    r = c.post(f"/leads/inspections/{insp.pk}/add/", {
        "summary": "镇财政所长涉嫌虚报冒领", "category": "",
        "facts": "2022年虚报冒领防疫补助资金3.6万元。",
        **_persons([{"name": "", "phone": "13800000000"},
                    {"name": "赵六", "id_number": "12345"}])})
    assert r.status_code == 422
    page = html(r)
    assert "第 1 名涉及人员缺少姓名" in page and "第 2 名涉及人员的身份证号应为 18 位" in page
    assert 'value="13800000000"' in page and 'value="镇财政所长涉嫌虚报冒领"' in page
    assert not Lead.objects.exists()
    r = c.post(f"/leads/inspections/{insp.pk}/add/", {
        "summary": "镇财政所长涉嫌虚报冒领", "category": "",
        "facts": "2022年虚报冒领防疫补助资金3.6万元。",
        **_persons([{"name": "赵六", "id_number": "51010219800101123X", "post": "财政所所长"}])},
        follow=True)
    assert "已登记第 1 号问题线索" in html(r)
    assert Lead.objects.get().persons.get().post == "财政所所长"


def test_no_link_to_leads_for_roles_without_lead_rights(client_for, world, insp):
    _lead(world, insp)
    for actor in ("east_member", "east_office", "east_contact", "east_leadership"):
        page = html(client_for(actor).get(f"/work/inspections/{insp.pk}/"))
        # The office may follow stages on /leads/tracking/ (no content); nothing links to content.
        assert not re.search(r'href="/leads/(\d+/|inspections/|\?|")', page), actor
        assert client_for(actor).get(f"/leads/inspections/{insp.pk}/").status_code == 403
    office = html(client_for("east_office").get(f"/work/inspections/{insp.pk}/"))
    assert "问题线索" in office  # the count, without content
    nav = html(client_for("east_jiwei").get("/"))
    assert 'href="/leads/"' in nav
    assert 'href="/leads/"' not in html(client_for("east_leader").get("/"))


def test_reviewer_converts_a_problem_to_a_lead(client_for, world, insp, problems):
    p = problems[0]
    c = client_for("east_director")
    detail = html(c.get(f"/work/inspections/{insp.pk}/problems/{p.pk}/"))
    assert f"/leads/problems/{p.pk}/convert/" in detail
    r = c.post(f"/leads/problems/{p.pk}/convert/", {"summary": "", "note": "涉及未成年人入党",
                                                    **_persons()})
    assert r.status_code == 422 and "问题线索须写明涉及人员" in html(r)
    r = c.post(f"/leads/problems/{p.pk}/convert/", {
        "summary": "", "note": "涉及未成年人入党", **_persons([{"name": "孙七"}])}, follow=True)
    assert "已转为第 1 号问题线索" in html(r)
    p.refresh_from_db()
    assert p.state == ProblemState.CONVERTED
    assert AuditEvent.objects.filter(action="lead.read").exists()  # landed on the lead page


def test_team_member_cannot_convert(client_for, insp, problems):
    p = problems[0]
    assert f"/leads/problems/{p.pk}/convert/" not in html(client_for("east_member").get(
        f"/work/inspections/{insp.pk}/problems/{p.pk}/"))
    assert client_for("east_member").get(f"/leads/problems/{p.pk}/convert/").status_code == 403


def test_a_converted_problem_is_read_only_through_the_lead_pages(client_for, world, insp,
                                                                 problems):
    from xuncha.leads.services import problem_convert_to_lead

    p = problems[0]
    problem_convert_to_lead(actor=world.east_director, problem=p, persons=[{"name": "孙七"}])
    c = client_for("east_director")
    listing = html(c.get(f"/work/inspections/{insp.pk}/problems/"))
    assert "已转为问题线索" in listing and p.title not in listing
    detail = html(c.get(f"/work/inspections/{insp.pk}/problems/{p.pk}/"))
    assert "已转为问题线索" in detail and p.facts not in detail
    assert f"/leads/inspections/{insp.pk}/" in detail
