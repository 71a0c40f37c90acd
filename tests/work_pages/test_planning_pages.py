"""Coverage, rounds, teams and targets through the pages: the services' refusals shown next to the
field, what the user typed kept, a conflicted inspector refused with the reason."""

from __future__ import annotations

from datetime import date

from tests.work_pages.conftest import html
from xuncha.audit.models import AuditEvent
from xuncha.inspections import services
from xuncha.inspections.conflicts import declaration_add
from xuncha.inspections.models import (
    ConflictOverride,
    CoverageEntry,
    CoveragePlan,
    Inspection,
    InspectionStatus,
    Round,
    RoundKind,
    TeamMember,
)

# --- coverage -------------------------------------------------------------------------------------

def test_coverage_home_opens_the_current_term(client_for, world):
    r = client_for("east_office").get("/work/coverage/")
    assert r.status_code == 302
    assert r["Location"] == f"/work/coverage/{world.terms['east'].pk}/"


def test_building_the_plan_lists_every_unit_and_the_summary(client_for, world):
    c = client_for("east_office")
    url = f"/work/coverage/{world.terms['east'].pk}/"
    assert "生成全覆盖计划" in html(c.get(url))
    r = c.post(url, {"planned_rounds": "8"}, follow=True)
    page = html(r)
    assert "全覆盖计划已更新:新增 3 个单位" in page
    assert CoveragePlan.objects.get(term=world.terms["east"]).planned_rounds == 8
    for name in ("东湖区市场监管局", "东湖区青石镇", "东湖区青石镇柳树村"):
        assert name in page
    assert "西山县" not in page
    assert "部门单位" in page and "村(社区)" in page


def test_bad_planned_rounds_is_refused_in_chinese(client_for, world):
    r = client_for("east_office").post(f"/work/coverage/{world.terms['east'].pk}/",
                                       {"planned_rounds": "0"})
    assert r.status_code == 422
    assert "请确保该值大于或等于 1" in html(r) or "大于或等于" in html(r)


def test_cannot_fit_warning_is_shown(client_for, world, insp):
    services.coverage_plan_build(actor=world.east_office, term=world.terms["east"],
                                 planned_rounds=1)
    page = html(client_for("east_office").get(f"/work/coverage/{world.terms['east'].pk}/"))
    assert "无法实现全覆盖" in page
    assert "已巡察" in page and "第1轮" in page


def test_excluding_a_unit_needs_a_reason_and_keeps_the_choice(client_for, world):
    plan = services.coverage_plan_build(actor=world.east_office, term=world.terms["east"])
    village = world.units["east_village"]
    url = f"/work/coverage/{world.terms['east'].pk}/adjust/"
    c = client_for("east_office")
    r = c.post(url, {"unit": village.pk, "included": "0", "reason": "  "})
    assert r.status_code == 422
    page = html(r)
    assert "调整全覆盖范围须写明理由" in page
    assert f'value="{village.pk}" selected' in page
    r = c.post(url, {"unit": village.pk, "included": "0", "reason": "已撤并入青石镇社区"},
               follow=True)
    assert "调整为不纳入全覆盖" in html(r)
    assert not CoverageEntry.objects.get(plan=plan, unit=village).included


def test_coverage_adjust_is_refused_to_read_only_roles(client_for, world):
    services.coverage_plan_build(actor=world.east_office, term=world.terms["east"])
    url = f"/work/coverage/{world.terms['east'].pk}/adjust/"
    assert client_for("east_leadership").get(url).status_code == 403


# --- rounds ---------------------------------------------------------------------------------------

def test_thematic_round_without_theme_is_refused_and_keeps_the_input(client_for, world):
    r = client_for("east_office").post("/work/rounds/add/", {
        "term": world.terms["east"].pk, "kind": "thematic", "theme": "",
        "entry_date": "2024-05-06", "exit_date": "2024-06-30", "notes": "聚焦营商环境"})
    assert r.status_code == 422
    page = html(r)
    assert "专项巡察须填写专项主题" in page
    assert 'value="2024-05-06"' in page and "聚焦营商环境" in page
    assert not Round.objects.exists()


def test_coordinated_round_names_its_missing_fields(client_for, world):
    r = client_for("east_office").post("/work/rounds/add/", {
        "term": world.terms["east"].pk, "kind": "coordinated",
        "entry_date": "2024-05-06", "exit_date": "2024-06-30"})
    page = html(r)
    assert "须选择组织形式" in page and "须指定市级协同组织单位" in page


def test_round_is_created_and_listed(client_for, world):
    c = client_for("east_office")
    r = c.post("/work/rounds/add/", {
        "term": world.terms["east"].pk, "kind": "thematic", "theme": "优化营商环境",
        "entry_date": "2024-05-06", "exit_date": "2024-06-30"}, follow=True)
    assert r.status_code == 200
    rnd = Round.objects.get()
    assert rnd.theme == "优化营商环境"
    listing = html(c.get("/work/rounds/"))
    assert "优化营商环境" in listing and f"/work/rounds/{rnd.pk}/" in listing


def test_round_edit_with_a_stale_version_shows_both_values(client_for, world, preparing):
    rnd = preparing.round
    c = client_for("east_office")
    form = {"kind": "regular", "theme": "", "coordinated_form": "", "co_organiser": "",
            "entry_date": "2024-03-01", "exit_date": "2024-05-31", "notes": "我的说明",
            "version": rnd.version}
    services.round_update(actor=world.east_director, rnd=rnd, expected_version=rnd.version,
                          notes="他人的说明")
    r = c.post(f"/work/rounds/{rnd.pk}/edit/", form)
    assert r.status_code == 409
    page = html(r)
    assert "他人的说明" in page and "我的说明" in page


def test_round_detail_shows_teams_targets_and_warnings(client_for, world, preparing):
    page = html(client_for("east_office").get(f"/work/rounds/{preparing.round_id}/"))
    assert "第一巡察组" in page and "east_leader" in page and "东湖区青石镇" in page
    assert "巡察组一般为 5 至 7 人,当前 1 人" in page
    assert "增加成员" in page and "分配巡察对象" in page


def test_team_member_sees_the_round_without_planning_controls(client_for, preparing):
    page = html(client_for("east_leader").get(f"/work/rounds/{preparing.round_id}/"))
    assert "第一巡察组" in page
    assert "增加成员" not in page and "新建巡察组" not in page


def test_new_team_is_numbered(client_for, world, preparing):
    r = client_for("east_office").post(f"/work/rounds/{preparing.round_id}/teams/add/",
                                       {"name": ""}, follow=True)
    assert "已新建第二巡察组" in html(r)


# --- members and conflicts ------------------------------------------------------------------------

def _declare_relative(world):
    declaration_add(actor=world.east_member, unit=world.units["east_town"], kind="relative",
                    relative_name="李四", relation="配偶")


def test_conflicted_inspector_is_refused_with_the_reason(client_for, world, preparing):
    _declare_relative(world)
    url = f"/work/teams/{preparing.team_id}/members/add/"
    r = client_for("east_office").post(url, {"user": world.east_member.pk, "position": "member"})
    assert r.status_code == 422
    page = html(r)
    assert "须回避" in page and "配偶李四在“东湖区青石镇”任职" in page
    assert "回避例外的书面理由" not in page  # office staff may not approve
    assert f'value="{world.east_member.pk}" selected' in page
    assert not TeamMember.objects.filter(user=world.east_member).exists()


def test_director_sees_the_override_field_and_approves_in_writing(client_for, world, preparing):
    _declare_relative(world)
    url = f"/work/teams/{preparing.team_id}/members/add/"
    c = client_for("east_director")
    r = c.post(url, {"user": world.east_member.pk, "position": "member", "override_reason": ""})
    page = html(r)
    assert r.status_code == 422 and "回避例外的书面理由" in page and "批准例外并加入" in page
    r = c.post(url, {"user": world.east_member.pk, "position": "member",
                     "override_reason": "该同志熟悉财务审计,配偶在镇党政办从事文秘工作,不涉及巡察重点。"},
               follow=True)
    assert r.status_code == 200
    assert TeamMember.objects.filter(user=world.east_member, team=preparing.team).exists()
    assert ConflictOverride.objects.filter(member__user=world.east_member).exists()
    assert AuditEvent.objects.filter(action="conflict.override").exists()
    assert "回避例外" in html(r)


def test_assigning_a_target_checks_every_member(client_for, world, preparing):
    declaration_add(actor=world.east_leader, unit=world.units["east_bureau"], kind="worked_in",
                    period="2015年至2019年")
    r = client_for("east_office").post(f"/work/teams/{preparing.team_id}/targets/add/",
                                       {"unit": world.units["east_bureau"].pk})
    assert r.status_code == 422
    assert "曾在“东湖区市场监管局”任职(2015年至2019年)" in html(r)


def test_revisit_links_the_earlier_inspection(client_for, world, insp):
    office = world.east_office
    rnd = services.round_create(actor=office, term=world.terms["east"], kind=RoundKind.REVISIT,
                                entry_date=date(2025, 3, 1), exit_date=date(2025, 4, 1))
    team = services.team_create(actor=office, rnd=rnd)
    r = client_for("east_office").post(f"/work/teams/{team.pk}/targets/add/",
                                       {"unit": world.units["east_town"].pk}, follow=True)
    assert "已关联原巡察" in html(r)
    assert Inspection.objects.get(round=rnd).previous_id == insp.pk


def test_remove_member_and_refusal_after_entry(client_for, world, preparing, insp):
    c = client_for("east_office")
    member = TeamMember.objects.get(team=preparing.team, user=world.east_leader)
    r = c.post(f"/work/members/{member.pk}/remove/", follow=True)
    assert "已将east_leader移出第一巡察组" in html(r)
    entered = TeamMember.objects.get(team=insp.team, user=world.east_member)
    r = c.post(f"/work/members/{entered.pk}/remove/", follow=True)
    assert "巡察组已进驻,不能调整成员" in html(r)


def test_checklist_edit_saves_and_renumbers(client_for, world, preparing):
    rnd = preparing.round
    c = client_for("east_office")
    assert "看贯彻落实党中央决策部署情况" in html(c.get(
        f"/work/rounds/{rnd.pk}/checklist/?preset=twelve"))
    data = {"items-TOTAL_FORMS": "3", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "40",
            "items-0-title": "看选人用人", "items-0-guidance": "查干部档案",
            "items-1-title": "", "items-1-guidance": "",
            "items-2-title": "看三资管理", "items-2-guidance": ""}
    r = c.post(f"/work/rounds/{rnd.pk}/checklist/", data, follow=True)
    assert "已保存本轮重点清单" in html(r)
    assert list(rnd.checklist.values_list("number", "title")) == [(1, "看选人用人"),
                                                                   (2, "看三资管理")]


# --- the inspection page --------------------------------------------------------------------------

def test_inspection_page_shows_the_stepper_and_the_office_enters(client_for, world, preparing):
    c = client_for("east_office")
    page = html(c.get(f"/work/inspections/{preparing.pk}/"))
    for stage in ("筹备", "进驻", "报告", "反馈", "整改", "评估", "归档"):
        assert stage in page
    assert 'class="step step-current" aria-current="step"' in page
    assert f'action="/work/inspections/{preparing.pk}/enter/"' in page
    r = c.post(f"/work/inspections/{preparing.pk}/enter/", follow=True)
    assert "已进驻" in html(r)
    preparing.refresh_from_db()
    assert preparing.status == InspectionStatus.ON_SITE


def test_team_and_unit_do_not_get_the_enter_button(client_for, preparing):
    for actor in ("east_leader", "east_head"):
        page = html(client_for(actor).get(f"/work/inspections/{preparing.pk}/"))
        assert "/enter/" not in page


def test_enter_without_a_leader_is_explained(client_for, world, preparing):
    TeamMember.objects.filter(team=preparing.team).delete()
    page = html(client_for("east_office").get(f"/work/inspections/{preparing.pk}/"))
    assert "尚未确定组长,不能进驻" in page


def test_unit_side_sees_no_lead_or_report_tabs(client_for, insp):
    page = html(client_for("east_contact").get(f"/work/inspections/{insp.pk}/"))
    assert "/leads/" not in page and "/report/" not in page and "/intake/" not in page


def test_inspection_list_shows_the_team_its_own(client_for, insp):
    page = html(client_for("east_member").get("/work/inspections/"))
    assert "东湖区青石镇" in page and "本组" in page
