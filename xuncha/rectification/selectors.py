"""Reads of plans and the ledger, through the scope check.

The ledger page is the hottest list of the product (docs/performance.md): a scoped, filtered page
of 50 tasks plus the total count. It pages by a deferred join — pick the 50 ids from the index,
then fetch those rows — so the cost does not grow with the columns shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from xuncha.accounts.scope import get_visible, visible
from xuncha.core.tree import subtree_q
from xuncha.rectification.models import (
    PlanSnapshot,
    PlanStatus,
    RectificationPlan,
    RectificationReport,
    RectificationTask,
    TaskStatus,
)

if TYPE_CHECKING:
    from xuncha.accounts.models import User


@dataclass(frozen=True)
class LedgerFilter:
    under_id: int | None = None  # a unit subtree
    plan_id: int | None = None
    status: str = ""  # a TaskStatus, or "overdue" / "due_soon" / "open"
    kind: str = ""
    category_id: int | None = None
    q: str = ""
    round_id: int | None = None
    due_before: date | None = None


def ledger_queryset(*, user: User, f: LedgerFilter, today: date | None = None
                    ) -> QuerySet[RectificationTask]:
    today = today or timezone.localdate()
    # The ledger is the tasks of approved plans; drafts live on the plan page.
    qs = visible(user, RectificationTask).filter(plan__status=PlanStatus.APPROVED)
    if f.under_id is not None:
        from xuncha.organisations.selectors import unit_get

        root = unit_get(user=user, unit_id=f.under_id)
        qs = qs.filter(subtree_q(root.path, "unit__path"))
    if f.plan_id is not None:
        qs = qs.filter(plan_id=f.plan_id)
    if f.status == "overdue":
        qs = qs.filter(deadline__lt=today).exclude(status=TaskStatus.CLOSED)
    elif f.status == "due_soon":
        qs = qs.filter(deadline__gte=today, deadline__lte=today + timedelta(days=7)).exclude(
            status=TaskStatus.CLOSED)
    elif f.status == "open":
        qs = qs.exclude(status=TaskStatus.CLOSED)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.category_id is not None:
        qs = qs.filter(Q(problem__category_id=f.category_id)
                       | Q(problem__category__parent_id=f.category_id))
    if f.round_id is not None:
        qs = qs.filter(plan__inspection__round_id=f.round_id)
    if f.due_before is not None:
        qs = qs.filter(deadline__lte=f.due_before)
    if f.q.strip():
        term = f.q.strip()
        qs = qs.filter(Q(measure__icontains=term) | Q(problem__title__icontains=term)
                       | Q(responsible_person__icontains=term)
                       | Q(responsible_leader__icontains=term))
    return qs


def ledger_page(*, user: User, f: LedgerFilter, offset: int = 0, limit: int = 50
                ) -> tuple[int, list[RectificationTask]]:
    """One page of the ledger and the total, ordered by deadline (earliest first)."""
    qs = ledger_queryset(user=user, f=f)
    total = qs.count()
    ids = list(qs.order_by("deadline", "id").values_list("id", flat=True)[offset: offset + limit])
    rows = {t.pk: t for t in RectificationTask.objects.filter(pk__in=ids).select_related(
        "problem", "problem__category", "unit", "plan")}
    return total, [rows[i] for i in ids if i in rows]


def plan_list(*, user: User, status: str = "", under_id: int | None = None
              ) -> QuerySet[RectificationPlan]:
    qs = visible(user, RectificationPlan).select_related("unit", "inspection__round")
    if status:
        qs = qs.filter(status=status)
    if under_id is not None:
        from xuncha.organisations.selectors import unit_get

        qs = qs.filter(subtree_q(unit_get(user=user, unit_id=under_id).path, "unit__path"))
    return qs.order_by("-created_at")


def plan_get(*, user: User, plan_id: int) -> RectificationPlan:
    return get_visible(user, RectificationPlan.objects.select_related(
        "unit", "inspection", "inspection__round", "first_responsible"), pk=plan_id)


def task_get(*, user: User, task_id: int) -> RectificationTask:
    return get_visible(user, RectificationTask.objects.select_related(
        "plan", "problem", "problem__category", "unit", "responsible_user"), pk=task_id)


def snapshot_get(*, user: User, snapshot_id: int) -> PlanSnapshot:
    return get_visible(user, PlanSnapshot.objects.select_related("plan"), pk=snapshot_id)


def report_get(*, user: User, plan_id: int) -> RectificationReport:
    return get_visible(user, RectificationReport.objects.select_related("plan", "plan__unit"),
                       plan_id=plan_id)
