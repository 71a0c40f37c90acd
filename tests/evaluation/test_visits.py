"""Evaluation visits: the three parties, the day-before notice, pre-filled items that agree with
the ledger, the score reproduced independently, findings into the ledger, consequences, and the
rate before and after."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from tests.evaluation.helpers import approved_plan, planned_evaluation
from tests.inspections.helpers import category
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.evaluation import inquiry, services
from xuncha.evaluation.models import EvaluationStatus, Grade
from xuncha.notifications.models import Notification
from xuncha.rectification.models import RectificationTask


def test_team_must_have_the_three_parties(world):
    plan = approved_plan(world)
    with pytest.raises(ValidationFailed, match="组织部"):
        services.evaluation_plan(actor=world.east_office, unit=plan.unit,
                                 visit_date=timezone.localdate() + timedelta(days=3),
                                 leader=world.east_office, is_revisit=True,
                                 members=[(world.east_jiwei, "discipline", []),
                                          (world.east_office, "office", [])])


def test_visit_before_the_period_ends_is_refused_except_revisits(world):
    plan = approved_plan(world)
    team = [(world.east_jiwei, "discipline", []), (world.east_zzb, "organisation", []),
            (world.east_office, "office", [])]
    with pytest.raises(ValidationFailed, match="集中整改期结束后"):
        services.evaluation_plan(actor=world.east_office, unit=plan.unit,
                                 inspection=plan.inspection, leader=world.east_office,
                                 visit_date=timezone.localdate() + timedelta(days=3), members=team)


def test_unit_is_notified_the_day_before_by_the_scheduler(world, django_capture_on_commit_callbacks):
    ev = planned_evaluation(world, visit_in_days=2)
    assert services.notify_due_visits() == 0
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        assert services.notify_due_visits() == 1
    ev.refresh_from_db()
    assert ev.status == EvaluationStatus.NOTIFIED and ev.notified_at
    assert Notification.objects.filter(recipient=world.east_head, title__contains="评估组").exists()


def start(world, ev):
    services.evaluation_notify(actor=world.east_office, evaluation=ev)
    return services.evaluation_start(actor=world.east_jiwei, evaluation=ev)


def test_prefilled_ledger_item_agrees_with_the_ledger(world):
    ev = start(world, planned_evaluation(world))
    item = ev.items.get(auto_source="ledger")
    # independent: 2 problems fed back, both claimed, none rectified, no closures yet
    assert item.prefill == Decimal("50.00")
    assert "认领 2/2" in item.prefill_basis
    assert ev.rate_denominator_at_visit == 2 and ev.rate_numerator_at_visit == 0


def test_score_is_reproduced_independently_and_graded(world):
    ev = start(world, planned_evaluation(world))
    scores = [90, 80, 50, 70, 60, 100, 40, 85]
    for item, s in zip(ev.items.order_by("number"), scores, strict=True):
        services.item_score(actor=world.east_zzb, item=item, score=s, reason="依据现场核查情况评分")
    weights = [15, 10, 20, 15, 10, 10, 5, 15]
    expected = sum(Decimal(s) * w / 100 for s, w in zip(scores, weights, strict=True))
    total, grade = services.total_and_grade(ev)
    assert total == expected.quantize(Decimal("0.01")) == Decimal("72.75")
    assert grade == Grade.PASS
    ev = services.evaluation_report(
        actor=world.east_office, evaluation=ev, summary="整改总体推进,但台账销号滞后。",
        findings=[{"category": category("0203"), "title": "组织生活会材料雷同",
                   "facts": "3名班子成员的对照检查材料内容雷同,存在抄袭现象。"}])
    assert ev.grade == Grade.PASS and ev.second_rectification
    task = RectificationTask.objects.get(problem__title="组织生活会材料雷同")
    assert task.problem.origin == "evaluation" and task.deadline


def test_only_members_score_and_only_the_leader_reports(world):
    ev = start(world, planned_evaluation(world))
    with pytest.raises(PermissionDenied):
        services.item_score(actor=world.east_contact, item=ev.items.first(), score=50, reason="x")
    with pytest.raises(Conflict, match="未评分"):
        services.evaluation_report(actor=world.east_office, evaluation=ev, summary="意见")
    with pytest.raises(PermissionDenied):
        services.evaluation_report(actor=world.east_jiwei, evaluation=ev, summary="意见")


def test_consequences_are_recorded(world):
    ev = start(world, planned_evaluation(world))
    with pytest.raises(ValidationFailed, match="谈话内容"):
        services.consequence_add(actor=world.east_office, evaluation=ev, kind="talk",
                                 person="镇党委书记", on_date=timezone.localdate(), reason="整改滞后")
    services.consequence_add(actor=world.east_office, evaluation=ev, kind="deduction",
                             person="青石镇", on_date=timezone.localdate(), reason="整改不力",
                             points="2", year=2024)
    assert ev.consequences.count() == 1


def test_check_marks_on_ledger_items(world):
    ev = start(world, planned_evaluation(world))
    task = RectificationTask.objects.filter(unit=ev.unit).first()
    with pytest.raises(ValidationFailed, match="写明情况"):
        services.check_mark(actor=world.east_jiwei, evaluation=ev, task=task, mark="doubtful")
    services.check_mark(actor=world.east_jiwei, evaluation=ev, task=task, mark="doubtful",
                        note="佐证材料与现场不符")
    assert ev.marks.get().mark == "doubtful"


def test_rate_before_and_after(world):
    ev = start(world, planned_evaluation(world))
    r = services.rate_before_after(ev)
    assert r["before"]["denominator"] == 2 and r["change"] == 0.0


def test_inquiry_follow_up_goes_into_the_ledger(world):
    plan = approved_plan(world)
    m = inquiry.meeting_record(actor=world.east_office, committee=world.units["east"],
                               held_on=timezone.localdate(), title="巡察整改质询会",
                               reporting_units=[plan.unit])
    inquiry.question_add(actor=world.east_office, meeting=m, asked_by="区纪委书记",
                         respondent="镇党委书记",
                         question="这条线索处理了直接责任人,对负有领导责任人员进行了责任倒查了么?",
                         answer="正在倒查")
    p = inquiry.follow_up(actor=world.east_office, meeting=m, unit=plan.unit,
                          category=category("0302"), title="倒查领导责任",
                          facts="对违规发放补贴问题倒查班子成员领导责任,30日内报结果。")
    assert p.origin == "inquiry" and p.tasks.count() == 1
