from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.inspections.helpers import rectifying_inspection
from xuncha.evaluation import services
from xuncha.rectification import plans
from xuncha.rectification.models import RectificationPlan, ReviewDecision

GOOD = "2024年6月底前修订《公务接待管理办法》并组织全体干部学习2次"


def approved_plan(world):
    insp, problems = rectifying_inspection(world)
    plan = plans.plan_open(actor=world.east_contact, inspection=insp,
                           first_responsible=world.east_head, group_leader="镇党委书记")
    for p in problems:
        plans.task_add(actor=world.east_contact, plan=plan, problem=p, measure=GOOD,
                       kind="deadline", deadline=plan.period_start + timedelta(days=30),
                       responsible_leader="书记", responsible_person="主任")
    plans.plan_submit(actor=world.east_contact, plan=plan)
    for who in ("east_office", "east_jiwei", "east_zzb"):
        plans.plan_review(actor=world.users[who], plan=plan, decision=ReviewDecision.APPROVE)
    plan.refresh_from_db()
    return plan


def planned_evaluation(world, visit_in_days: int = 1):
    plan = approved_plan(world)
    # The concentrated period is over.
    RectificationPlan.objects.filter(pk=plan.pk).update(
        period_start=timezone.localdate() - timedelta(days=92),
        period_end=timezone.localdate() - timedelta(days=1))
    plan.refresh_from_db()
    team = [(world.east_jiwei, "discipline", ["political"]),
            (world.east_zzb, "organisation", ["organisational"]),
            (world.east_office, "office", ["conduct", "responsibility"])]
    return services.evaluation_plan(
        actor=world.east_office, unit=plan.unit, inspection=plan.inspection,
        visit_date=timezone.localdate() + timedelta(days=visit_in_days),
        leader=world.east_office, members=team)
