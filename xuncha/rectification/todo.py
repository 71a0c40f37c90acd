"""What rectification asks of a user on the home page (registered in RectificationConfig.ready).

- reviewers (巡察办, 纪委, 组织部): plans waiting for their body's decision; reports to sign off;
- the office: closure requests to verify, reports to receive;
- the unit: plans to write or revise, tasks overdue or due within a week.
Every count goes through the scope check, so nothing is counted that the user could not open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from xuncha.accounts.scope import has, permissions_of, visible
from xuncha.web.todo import Severity, TodoItem, register_todo_provider

if TYPE_CHECKING:
    from xuncha.accounts.models import User

REVIEW = "rectification.review_plan"
VERIFY = "rectification.verify_closure"
EDIT = "rectification.edit_plan"
LIMIT = 5  # a list of plans longer than this becomes one line with a count


def _ledger(**query: str) -> str:
    return f"{reverse('rectification:ledger')}?{urlencode(query)}"


def plans_to_review(user: User) -> list[TodoItem]:
    from xuncha.rectification.models import PlanReview, PlanStatus, RectificationPlan
    from xuncha.rectification.plans import reviewer_body

    if REVIEW not in permissions_of(user):
        return []
    waiting = []
    for plan in visible(user, RectificationPlan).filter(status=PlanStatus.SUBMITTED) \
            .select_related("unit").order_by("updated_at")[:50]:
        body = reviewer_body(user, plan)
        if body is None:
            continue
        latest = plan.snapshots.order_by("-number").first()
        if latest is None or PlanReview.objects.filter(snapshot=latest, body=body).exists():
            continue
        waiting.append((plan, latest))
    if len(waiting) > LIMIT:
        return [TodoItem(title=_("%(n)d 个整改方案待审核") % {"n": len(waiting)},
                         detail=_("按“三不过”审核:方向是否明确、任务有无漏项、措施是否具体。"),
                         url=reverse("rectification:plans") + "?status=submitted")]
    return [TodoItem(title=_("整改方案待审核:%(u)s") % {"u": plan.unit.name},
                     detail=_("第%(n)s版,%(d)s 报送") % {
                         "n": snap.number, "d": timezone.localtime(snap.submitted_at)
                         .strftime("%Y-%m-%d")},
                     url=reverse("rectification:plan_review", args=[plan.pk]))
            for plan, snap in waiting]


def closures_to_verify(user: User) -> list[TodoItem]:
    from xuncha.rectification.models import RectificationTask, TaskStatus

    if VERIFY not in permissions_of(user):
        return []
    qs = visible(user, RectificationTask).filter(status=TaskStatus.CLOSURE_REQUESTED)
    # The office never verifies its own unit's items (ledger.task_verify).
    qs = qs.exclude(unit__path__in=[user.unit.path[:i] for i in range(1, len(user.unit.path) + 1)])
    n = qs.count()
    if not n:
        return []
    return [TodoItem(title=_("%(n)d 项申请销号待核验") % {"n": n},
                     detail=_("查看佐证材料,书面审核或实地核查后销号或退回。"),
                     url=_ledger(status="closure_requested"))]


def unit_work(user: User) -> list[TodoItem]:
    from xuncha.inspections.models import Inspection, InspectionStatus
    from xuncha.rectification.models import PlanStatus, RectificationPlan, RectificationTask
    from xuncha.rectification.selectors import LedgerFilter, ledger_queryset

    if EDIT not in permissions_of(user):
        return []
    items = []
    for insp in visible(user, Inspection).filter(status=InspectionStatus.RECTIFYING,
                                                 plan__isnull=True).select_related("unit")[:LIMIT]:
        if has(user, EDIT, insp.unit):
            items.append(TodoItem(title=_("请编制整改方案:%(u)s") % {"u": insp.unit.name},
                                  detail=_("逐条认领反馈问题,明确措施、时限和责任人。"),
                                  url=reverse("rectification:plan_open", args=[insp.pk]),
                                  severity=Severity.DUE_SOON))
    for plan in visible(user, RectificationPlan).filter(status=PlanStatus.RETURNED) \
            .select_related("unit")[:LIMIT]:
        if has(user, EDIT, plan.unit):
            items.append(TodoItem(title=_("整改方案被退回修改:%(u)s") % {"u": plan.unit.name},
                                  detail=_("按审核意见修改后重新报送。"),
                                  url=reverse("rectification:plan", args=[plan.pk]),
                                  severity=Severity.OVERDUE))
    editable = visible(user, RectificationTask, EDIT)
    overdue = ledger_queryset(user=user, f=LedgerFilter(status="overdue")) \
        .filter(pk__in=editable.values("pk"))
    n = overdue.count()
    if n:
        first = overdue.order_by("deadline").first()
        items.append(TodoItem(title=_("%(n)d 项整改任务已逾期") % {"n": n},
                              detail=_("最早的完成时限为 %(d)s,请尽快整改并报送进展。")
                              % {"d": first.deadline if first else ""},
                              url=_ledger(status="overdue"), due=first.deadline if first else None,
                              severity=Severity.OVERDUE))
    soon = ledger_queryset(user=user, f=LedgerFilter(status="due_soon")) \
        .filter(pk__in=editable.values("pk"))
    n = soon.count()
    if n:
        first = soon.order_by("deadline").first()
        items.append(TodoItem(title=_("%(n)d 项整改任务 7 天内到期") % {"n": n},
                              detail=_("到期前报送进展、上传佐证材料并申请销号。"),
                              url=_ledger(status="due_soon"),
                              due=first.deadline if first else None, severity=Severity.DUE_SOON))
    return items


def reports_to_handle(user: User) -> list[TodoItem]:
    from xuncha.rectification.models import RectificationReport, RectReportStatus
    from xuncha.rectification.report import signoff_body_of

    perms = permissions_of(user)
    if REVIEW not in perms and VERIFY not in perms:
        return []
    items = []
    reports = visible(user, RectificationReport).filter(
        status__in=[RectReportStatus.SIGNING, RectReportStatus.SUBMITTED]) \
        .select_related("plan__unit")[:20]
    for r in reports:
        if r.status == RectReportStatus.SIGNING:
            body = signoff_body_of(user, r)
            if body and not r.signoffs.filter(body=body, voided_at__isnull=True).exists():
                items.append(TodoItem(title=_("整改报告待会签:%(u)s") % {"u": r.plan.unit.name},
                                      url=reverse("rectification:report", args=[r.plan_id])))
        elif has(user, VERIFY, r.plan.unit):
            items.append(TodoItem(title=_("整改报告待接收:%(u)s") % {"u": r.plan.unit.name},
                                  url=reverse("rectification:report", args=[r.plan_id])))
    return items


def register_all() -> None:
    for provider in (plans_to_review, closures_to_verify, unit_work, reports_to_handle):
        register_todo_provider(provider)
