"""The plan pages: opening, tasks, the "三不过" check shown item by item, submission and review."""

from __future__ import annotations

from datetime import timedelta

from tests.inspections.helpers import rectifying_inspection
from tests.rectification_pages.conftest import GOOD, good_task, html
from xuncha.rectification import plans
from xuncha.rectification.models import PlanStatus, RectificationPlan, RectificationTask


def test_unit_opens_its_plan_and_a_period_too_long_is_refused_beside_the_field(client_for, world):
    insp, _problems = rectifying_inspection(world)
    c = client_for("east_contact")
    url = f"/rectification/plans/open/{insp.pk}/"
    assert c.get(url).status_code == 200
    r = c.post(url, {"first_responsible": world.east_head.pk, "group_leader": "王五(镇党委书记)",
                     "period_end": "2099-01-01"})
    assert r.status_code == 422
    page = html(r)
    assert "集中整改期须在" in page and "王五(镇党委书记)" in page
    assert not RectificationPlan.objects.filter(inspection=insp).exists()
    r = c.post(url, {"first_responsible": world.east_head.pk, "group_leader": "王五(镇党委书记)"})
    plan = RectificationPlan.objects.get(inspection=insp)
    assert r.status_code == 302 and r["Location"] == f"/rectification/plans/{plan.pk}/"


def test_the_office_cannot_open_a_units_plan(client_for, world):
    insp, _problems = rectifying_inspection(world)
    assert client_for("east_office").get(f"/rectification/plans/open/{insp.pk}/").status_code == 403
    assert client_for("west_contact").get(f"/rectification/plans/open/{insp.pk}/").status_code == 404


def test_plan_page_lists_every_problem_and_the_live_check(client_for, world, draft):
    plan, (p1, p2) = draft
    good_task(world, plan, p1)
    page = html(client_for("east_contact").get(f"/rectification/plans/{plan.pk}/"))
    assert p1.title in page and p2.title in page
    assert "未认领" in page  # p2 has no task
    assert "“三不过”检查" in page and "任务有漏项" in page
    panel = html(client_for("east_contact").get(f"/rectification/plans/{plan.pk}/check/"))
    assert "没有整改任务(漏项)" in panel and "<html" not in panel


def test_bad_task_form_keeps_the_input_and_says_why_in_chinese(client_for, world, draft):
    plan, (p1, _p2) = draft
    c = client_for("east_contact")
    url = f"/rectification/plans/{plan.pk}/problems/{p1.pk}/tasks/add/"
    r = c.post(url, {"measure": "6月底前清退违规发放的津补贴并在全镇通报", "kind": "deadline",
                     "deadline": "2024-02-31", "responsible_leader": "镇长"})
    assert r.status_code == 422
    page = html(r)
    assert "6月底前清退违规发放的津补贴并在全镇通报" in page and "镇长" in page
    assert "有效的日期" in page
    assert not RectificationTask.objects.filter(plan=plan).exists()


def test_task_add_edit_and_remove_with_version(client_for, world, draft):
    plan, (p1, _p2) = draft
    c = client_for("east_contact")
    r = c.post(f"/rectification/plans/{plan.pk}/problems/{p1.pk}/tasks/add/",
               {"measure": GOOD, "kind": "immediate", "deadline": str(plan.period_end),
                "responsible_leader": "镇长", "responsible_person": "党政办主任",
                "responsible_user": world.east_contact.pk, "expected_evidence": "印发文件"})
    assert r.status_code == 302
    task = RectificationTask.objects.get(plan=plan)
    assert (task.kind, task.responsible_user) == ("immediate", world.east_contact)
    stale = task.version
    plans.task_update(actor=world.east_contact, task=task, expected_version=stale,
                      responsible_person="张三")
    r = c.post(f"/rectification/tasks/{task.pk}/edit/",
               {"measure": GOOD, "kind": "deadline", "deadline": str(plan.period_end),
                "responsible_leader": "镇长", "responsible_person": "李四", "version": stale})
    assert r.status_code == 409
    assert "张三" in html(r) and "李四" in html(r)  # saved beside typed
    task.refresh_from_db()
    assert task.responsible_person == "张三"
    r = c.post(f"/rectification/tasks/{task.pk}/remove/")
    assert r.status_code == 302 and not RectificationTask.objects.filter(pk=task.pk).exists()


def test_unit_adds_its_own_problem(client_for, world, draft):
    from xuncha.findings.models import ProblemCategory, ProblemOrigin

    plan, _ = draft
    cat = ProblemCategory.objects.filter(parent__isnull=False).first()
    c = client_for("east_contact")
    r = c.post(f"/rectification/plans/{plan.pk}/problems/add/",
               {"category": cat.pk, "title": "会议记录不规范", "facts": "短"})
    assert r.status_code == 422 and "不少于 10 个字" in html(r)
    r = c.post(f"/rectification/plans/{plan.pk}/problems/add/",
               {"category": cat.pk, "title": "会议记录不规范",
                "facts": "2023年党委会会议记录缺少议题和表决情况共5次。"})
    assert r.status_code == 302
    assert plan.inspection.problems.filter(origin=ProblemOrigin.SELF).count() == 1


def test_submit_page_shows_the_three_criteria_list_with_problem_and_task_numbers(
        client_for, world, draft):
    plan, (p1, _p2) = draft
    good_task(world, plan, p1, measure="高度重视,加强学习,进一步提高认识")
    c = client_for("east_contact")
    page = html(c.get(f"/rectification/plans/{plan.pk}/submit/"))
    for label in ("方向不明确", "任务有漏项", "措施不具体"):
        assert label in page
    assert "第 2 条“" in page and "措施不具体" in page
    r = c.post(f"/rectification/plans/{plan.pk}/submit/")
    assert r.status_code == 422
    page = html(r)
    assert "未通过“三不过”检查" in page and "没有整改任务(漏项)" in page
    assert "第 1 条问题的任务 1" in page
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_a_clean_plan_is_submitted_and_then_reviewed_per_criterion(client_for, world, draft):
    plan, (p1, p2) = draft
    good_task(world, plan, p1)
    good_task(world, plan, p2)
    r = client_for("east_contact").post(f"/rectification/plans/{plan.pk}/submit/")
    assert r.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    jw = client_for("east_jiwei")
    page = html(jw.get(f"/rectification/plans/{plan.pk}/review/"))
    assert "纪委监委审核意见" in page and GOOD in page
    r = jw.post(f"/rectification/plans/{plan.pk}/review/", {"decision": "return"})
    assert r.status_code == 422 and "退回须按" in html(r)
    r = jw.post(f"/rectification/plans/{plan.pk}/review/",
                {"decision": "return", "vague_measures": "任务2-1的学习次数与对象不明确"})
    assert r.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED
    page = html(client_for("east_contact").get(f"/rectification/plans/{plan.pk}/"))
    assert "退回" in page and "任务2-1的学习次数与对象不明确" in page


def test_versions_are_compared_as_a_table(client_for, world, draft):
    plan, (p1, p2) = draft
    t1 = good_task(world, plan, p1)
    good_task(world, plan, p2)
    plans.plan_submit(actor=world.east_contact, plan=plan)
    plans.plan_review(actor=world.east_office, plan=plan, decision="return",
                      missing_items="缺少问责措施")
    t1.refresh_from_db()
    plans.task_update(actor=world.east_contact, task=t1, expected_version=t1.version,
                      responsible_person="组织委员",
                      deadline=plan.period_start + timedelta(days=40))
    plans.plan_submit(actor=world.east_contact, plan=plan)
    page = html(client_for("east_office").get(f"/rectification/plans/{plan.pk}/versions/"))
    assert "第1版" in page and "第2版" in page
    assert "修改" in page and "具体责任人" in page and "组织委员" in page and "党政办主任" in page


def test_the_measure_is_checked_as_it_is_typed(client_for, world):
    c = client_for("east_contact")
    vague = html(c.get("/rectification/measure-check/", {"measure": "高度重视,加强学习"}))
    assert "措施不具体" in vague
    good = html(c.get("/rectification/measure-check/", {"measure": GOOD}))
    assert "措施具体" in good and "不具体" not in good
    assert client_for("auditor").get("/rectification/measure-check/").status_code == 403
