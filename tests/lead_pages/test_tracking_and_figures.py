"""What the office and leadership see: stage, result, flags and counts — never a name, a fact or
a note — and every page that does show content writes its audit row."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.lead_pages.conftest import (
    FACTS,
    NAME,
    NOTE,
    OUTSIDERS,
    POST,
    RESULT,
    SUMMARY,
    html,
    step,
    today,
)
from xuncha.audit.models import AuditEvent
from xuncha.leads import handling
from xuncha.leads.services import lead_register

CONTENT = (NAME, POST, SUMMARY, FACTS, NOTE, "赵村干", "村支书虚报冒领补贴")


def no_content(page: str) -> None:
    for text in CONTENT:
        assert text not in page, text
    assert not re.search(r'href="/leads/\d+/', page)


def conclude(world, lead):
    for action in ("verify", "file_case", "to_trial", "sanction"):
        lead = handling.lead_advance(actor=world.east_jiwei, lead=lead, action=action,
                                     on_date=today(), note=NOTE)
    handling.lead_sanction_add(actor=world.east_jiwei, lead=lead, person=lead.persons.get(),
                               kind="party", detail="党内警告", decided_on=today())
    return handling.lead_advance(actor=world.east_jiwei, lead=lead, action="conclude",
                                 on_date=today(), note=NOTE, result_summary=RESULT)


@pytest.fixture
def concluded(world, received):
    return conclude(world, received)


def lead_reads(actor) -> int:
    return AuditEvent.objects.filter(actor=actor, action__in=["lead.read", "lead.list"]).count()


def test_office_staff_track_stage_and_result_without_content(client_for, world, concluded,
                                                             village_lead):
    handling.lead_transfer(actor=world.east_director, lead=village_lead, fast_track=True,
                           transferred_on=today() - timedelta(days=40))
    c = client_for("east_office")
    r = c.get("/leads/tracking/")
    assert r.status_code == 200
    page = html(r)
    assert "办结" in page and RESULT in page and "东湖区纪委监委" in page
    assert "东湖区青石镇" in page and "第1轮" in page
    assert "提级至县" in page and "快查快处" in page and "逾期" in page
    no_content(page)
    assert "no-cache" in r["Cache-Control"] or "no-store" in r["Cache-Control"]
    overdue = html(c.get("/leads/tracking/?overdue=on"))
    assert "东湖区青石镇柳树村" in overdue and RESULT not in overdue
    done = html(c.get("/leads/tracking/?stage=done"))
    assert RESULT in done and "东湖区青石镇柳树村" not in done
    assert lead_reads(world.east_office) == 0
    assert 'href="/leads/tracking/"' in html(c.get("/"))  # the navigation entry


def test_the_director_can_click_through_from_tracking(client_for, world, concluded):
    page = html(client_for("east_director").get("/leads/tracking/"))
    assert f'href="/leads/{concluded.pk}/"' in page


@pytest.mark.parametrize("actor", ["east_jiwei", "east_leader", "east_leadership", "east_contact",
                                   "auditor", "sysadmin"])
def test_tracking_is_for_the_office(client_for, actor):
    assert client_for(actor).get("/leads/tracking/").status_code == 403
    assert 'href="/leads/tracking/"' not in html(client_for(actor).get("/"))


def test_leadership_sees_counts_without_content(client_for, world, concluded, village_lead):
    handling.lead_transfer(actor=world.east_director, lead=village_lead)
    r = client_for("east_leadership").get("/leads/figures/")
    assert r.status_code == 200
    page = html(r)
    no_content(page)
    assert re.search(r'发现线索</span><strong class="figure-value">2<', page)
    assert "立案 1 / 办结 1" in page and "100.00%" in page
    assert 'href="/leads/?stage=' not in page  # counts link to nothing for non-readers
    assert lead_reads(world.east_leadership) == 0
    c = client_for("east_leadership")
    assert c.get("/leads/").status_code == 403
    assert c.get(f"/leads/{concluded.pk}/").status_code == 404


def test_figures_agree_with_an_independent_count(client_for, world, insp, concluded):
    others = [lead_register(actor=world.east_leader, inspection=insp, summary=f"线索{i}",
                            facts="某某违规问题的主要事实描述。", persons=[{"name": f"人员{i}"}])
              for i in range(3)]
    closed = handling.lead_receive(actor=world.east_jiwei, lead=handling.lead_transfer(
        actor=world.east_director, lead=others[0]))
    handling.lead_advance(actor=world.east_jiwei, lead=closed, action="close_no_action",
                          on_date=today(), note=NOTE, result_summary="经核实问题不存在")
    handling.lead_transfer(actor=world.east_director, lead=others[1])
    page = html(client_for("east_office").get("/leads/figures/"))
    # 4 found, 3 transferred, 2 concluded of which 1 filed as a case
    assert re.search(r'发现线索</span><strong class="figure-value">4<', page)
    assert "已移交 3 条" in page and "立案 1 / 办结 2" in page and "50.00%" in page
    assert re.search(r"常规巡察</td><td class=\"num\">4</td><td class=\"num\">3</td>"
                     r"<td class=\"num\">2</td><td class=\"num\">1</td>", page)
    no_content(page)


def test_readers_may_click_a_stage_through_to_the_audited_list(client_for, world, concluded):
    c = client_for("east_jiwei")
    page = html(c.get("/leads/figures/"))
    assert 'href="/leads/?stage=concluded"' in page
    before = AuditEvent.objects.filter(actor=world.east_jiwei, action="lead.list").count()
    listing = html(c.get("/leads/?stage=concluded"))
    assert NAME in listing and "只显示办理阶段为“办结”的线索" in listing
    assert AuditEvent.objects.filter(actor=world.east_jiwei,
                                     action="lead.list").count() == before + 1
    assert NAME not in html(c.get("/leads/?stage=trial"))


@pytest.mark.parametrize("actor", ["east_contact", "east_zzb", "auditor", "sysadmin"])
def test_figures_are_refused_to_roles_without_counts(client_for, actor):
    assert client_for(actor).get("/leads/figures/").status_code == 403


@pytest.mark.parametrize("actor", OUTSIDERS)
def test_west_sees_nothing_of_east(client_for, world, concluded, actor):
    c = client_for(actor)
    for url in ("/leads/tracking/", "/leads/figures/", "/leads/"):
        r = c.get(url)
        if r.status_code == 200:
            page = html(r)
            no_content(page)
            assert RESULT not in page and "东湖区青石镇" not in page
    assert c.get(f"/leads/{concluded.pk}/").status_code == 404


def test_every_page_read_of_content_is_audited(client_for, world, lead):
    director, jiwei = world.east_director, world.east_jiwei
    c = client_for("east_director")

    def reads(actor, action="lead.read"):
        return AuditEvent.objects.filter(actor=actor, action=action,
                                         object_id=str(lead.pk)).count()

    c.get(f"/leads/{lead.pk}/")
    assert reads(director) == 1
    c.post(f"/leads/{lead.pk}/transfer/", {
        "receiving_body": str(world.units["east_jiwei"].pk), "priority": "on",
        "transferred_on": today().isoformat()})
    assert reads(director) == 2
    h = client_for("east_jiwei")
    h.post(f"/leads/{lead.pk}/receive/")
    h.post(f"/leads/{lead.pk}/advance/", step("verify"))
    h.post(f"/leads/{lead.pk}/advance/", step("file_case"))  # and a refused one too
    h.get(f"/leads/{lead.pk}/")
    assert reads(jiwei) == 4
    before = AuditEvent.objects.filter(actor=jiwei, action="lead.list").count()
    h.get("/leads/")
    h.get(f"/leads/?person_name={NAME}")
    h.get(f"/leads/inspections/{lead.inspection_id}/")
    events = AuditEvent.objects.filter(actor=jiwei, action="lead.list").order_by("seq")
    assert events.count() == before + 3
    assert [e.changes["search"] for e in events][-3:] == [False, True, False]
    assert all(lead.pk in e.changes["ids"] for e in events)
    # the records carry ids and stages, never a name or a note
    for e in AuditEvent.objects.filter(object_id=str(lead.pk)):
        assert NAME not in str(e.changes) and NOTE not in str(e.changes)


ROLES = ["east_director", "east_office", "east_leader", "east_member", "east_head",
         "east_contact", "east_jiwei", "east_zzb", "east_leadership", "west_office",
         "city_office", "sysadmin", "secadmin", "auditor", "nobody"]


@pytest.mark.parametrize(("url", "allowed"), [
    ("/leads/tracking/", {"east_director", "east_office", "west_office"}),
    ("/leads/figures/", {"east_director", "east_office", "east_jiwei", "east_leadership",
                         "west_office", "city_office"}),
])
def test_role_matrix_of_the_office_and_figures_pages(client_for, world, concluded, url, allowed):
    wrong = []
    for role in ROLES:
        r = client_for(role).get(url)
        if (r.status_code == 200) != (role in allowed) or r.status_code not in (200, 403):
            wrong.append((role, r.status_code))
        elif r.status_code == 200 and role not in ("east_director", "east_jiwei"):
            no_content(html(r))
    assert not wrong, wrong
