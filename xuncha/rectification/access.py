from __future__ import annotations

from django.db.models import Q

from xuncha.accounts import scope
from xuncha.rectification.models import (
    PlanReview,
    PlanSnapshot,
    ProgressReport,
    RectificationPlan,
    RectificationReport,
    RectificationTask,
    ReportSignoff,
    SampleDraw,
    Verification,
)

PLAN = "rectification.view_rectificationplan"
TASK = "rectification.view_rectificationtask"


def register() -> None:
    scope.register(RectificationPlan, unit_field="unit", view_perm=PLAN)
    scope.register(PlanSnapshot, unit_field="plan__unit", view_perm=PLAN)
    scope.register(PlanReview, unit_field="snapshot__plan__unit", view_perm=PLAN)
    # "Own records only" on the ledger: the tasks one is responsible for.
    scope.register(RectificationTask, unit_field="unit", county_field="county", view_perm=TASK,
                   own_q=lambda u: Q(responsible_user_id=u.pk))
    scope.register(ProgressReport, unit_field="task__unit", view_perm=TASK,
                   own_q=lambda u: Q(task__responsible_user_id=u.pk))
    scope.register(Verification, unit_field="task__unit", view_perm=TASK)
    scope.register(SampleDraw, unit_field="county", view_perm="rectification.verify_closure")
    scope.register(RectificationReport, unit_field="plan__unit",
                   view_perm="rectification.view_rectificationreport")
    scope.register(ReportSignoff, unit_field="report__plan__unit",
                   view_perm="rectification.view_rectificationreport")
