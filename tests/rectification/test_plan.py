"""The plan under "三不过": claims, the automatic check item by item, review by three bodies."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.inspections.helpers import category, rectifying_inspection
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.rectification import plans
from xuncha.rectification.measures import check_measure
from xuncha.rectification.models import PlanStatus, ReviewDecision

GOOD = "2024年6月底前修订《公务接待管理办法》并组织全体干部学习2次"


@pytest.fixture
def plan(world):
    insp, problems = rectifying_inspection(world)
    p = plans.plan_open(actor=world.east_contact, inspection=insp, first_responsible=world.east_head,
                        group_leader="东湖区青石镇党委书记")
    return p, problems


def good_task(world, plan, problem, **over):
    values = {"measure": GOOD, "kind": "deadline", "deadline": plan.period_start + timedelta(days=30),
              "responsible_leader": "镇党委书记", "responsible_person": "党政办主任"}
    values.update(over)
    return plans.task_add(actor=world.east_contact, plan=plan, problem=problem, **values)


def test_period_defaults_to_three_months_from_feedback(plan):
    p, _ = plan
    assert 89 <= (p.period_end - p.period_start).days <= 92


def test_check_lists_missing_task_and_vague_measure_item_by_item(world, plan):
    p, (p1, _p2) = plan
    good_task(world, p, p1, measure="高度重视，加强学习，进一步提高认识")
    issues = plans.plan_check(p)
    criteria = [(i.criterion, i.problem_number) for i in issues]
    assert ("missing_items", 2) in criteria
    assert ("vague_measures", 1) in criteria
    with pytest.raises(ValidationFailed) as exc:
        plans.plan_submit(actor=world.east_contact, plan=p)
    assert {d["criterion"] for d in exc.value.details} == {"任务有漏项", "措施不具体"}


def test_check_flags_missing_people_and_deadline_outside_the_period(world, plan):
    p, (p1, p2) = plan
    good_task(world, p, p1, responsible_leader="", deadline=None)
    good_task(world, p, p2, deadline=p.period_end + timedelta(days=10))
    messages = [i.message for i in plans.plan_check(p)]
    assert any("缺少完成时限、责任领导" in m for m in messages)
    assert any("超出集中整改期" in m for m in messages)


def test_problem_naming_people_needs_accountability(world, plan):
    p, (p1, p2) = plan
    p1.names_people = True
    p1.save()
    good_task(world, p, p1)
    good_task(world, p, p2)
    assert any(i.criterion == "direction_unclear" for i in plans.plan_check(p))
    good_task(world, p, p1, measure="对相关责任人进行约谈并按程序追责问责,6月底前完成")
    assert plans.plan_check(p) == []


def test_pushed_common_problem_must_be_covered(world, plan):
    p, (p1, p2) = plan
    good_task(world, p, p1)
    good_task(world, p, p2)
    pushed = plans.problem_push(actor=world.east_office, inspection=p.inspection,
                                category=category("0204"), title="违规发放津补贴共性问题",
                                facts="多个单位存在以加班费名义发放补贴的问题。")
    issues = plans.plan_check(p)
    assert [i.problem_number for i in issues] == [pushed.number]
    assert "推送的共性问题" in issues[0].message


def test_returned_once_then_approved_by_all_three_bodies(world, plan):
    p, (p1, p2) = plan
    good_task(world, p, p1)
    good_task(world, p, p2)
    plans.plan_submit(actor=world.east_contact, plan=p)
    with pytest.raises(ValidationFailed, match="写明理由"):
        plans.plan_review(actor=world.east_jiwei, plan=p, decision=ReviewDecision.RETURN)
    plans.plan_review(actor=world.east_jiwei, plan=p, decision=ReviewDecision.RETURN,
                      vague_measures="第2条措施未写明清退金额")
    p.refresh_from_db()
    assert p.status == PlanStatus.RETURNED
    task = p.tasks.get(problem=p2)
    plans.task_update(actor=world.east_contact, task=task, expected_version=task.version,
                      measure="5月底前清退违规发放的津补贴2.4万元并在全镇通报")
    snap2 = plans.plan_submit(actor=world.east_contact, plan=p)
    assert snap2.number == 2
    diff = plans.snapshot_compare(p.snapshots.get(number=1), snap2)
    assert diff[0]["change"] == "changed" and diff[0]["fields"] == ["measure"]
    for who in ("east_jiwei", "east_zzb"):
        plans.plan_review(actor=world.users[who], plan=p, decision=ReviewDecision.APPROVE)
    p.refresh_from_db()
    assert p.status == PlanStatus.SUBMITTED  # the office has not yet approved
    plans.plan_review(actor=world.east_office, plan=p, decision=ReviewDecision.APPROVE)
    p.refresh_from_db()
    assert p.status == PlanStatus.APPROVED
    with pytest.raises(Conflict):
        plans.task_update(actor=world.east_contact, task=task, expected_version=task.version + 1,
                          measure="x")


def test_only_the_three_bodies_review_and_only_the_unit_edits(world, plan):
    p, (p1, _) = plan
    with pytest.raises(PermissionDenied):
        plans.task_add(actor=world.west_contact, plan=p, problem=p1, measure=GOOD)
    good_task(world, p, p1)
    with pytest.raises(PermissionDenied):
        plans.plan_review(actor=world.east_contact, plan=p, decision=ReviewDecision.APPROVE)


@pytest.mark.parametrize(("text", "specific"), [
    ("高度重视，加强学习，进一步提高认识", False),
    ("切实加强党支部建设", False),
    ("加强管理", False),
    (GOOD, True),
    ("立即清退违规发放的津补贴2.4万元", True),
    ("建立“三会一课”落实情况月通报制度", True),
])
def test_measure_specificity(text, specific):
    assert check_measure(text).specific is specific
