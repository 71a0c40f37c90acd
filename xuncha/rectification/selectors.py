"""Reads of plans and the ledger, through the scope check.

The ledger page is the hottest list of the product (docs/performance.md): a scoped, filtered page
of 50 tasks plus the total count. It pages by a deferred join — pick the 50 ids (and the total, in
the same pass) from the index, then fetch those rows — so the cost does not grow with the columns
shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Window
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


# A ledger row as the API shows it (rectification.api.TaskOut): the task's own columns, its problem's
# number and title, and whether it is overdue. Read as plain values: a page of 50 builds no model
# instances (docs/performance.md).
ROW_COLUMNS = ("id", "plan_id", "unit_id", "problem_id", "number", "measure", "kind", "deadline",
               "responsible_leader", "responsible_person", "responsible_department",
               "responsible_user_id", "expected_evidence", "status", "progress", "is_relapse",
               "closed_at", "version")
_ROW_NAMES = (*ROW_COLUMNS, "problem_number", "problem_title")


def _page_ids(user: User, f: LedgerFilter, offset: int, limit: int, today: date | None
              ) -> tuple[int, list[int]]:
    """The total and the ids of one page, ordered by deadline (earliest first), then id."""
    qs = ledger_queryset(user=user, f=f, today=today)
    # Ids and total in one pass over the matching rows: COUNT(*) OVER () counts before LIMIT
    # applies. Only a page past the end needs a count of its own.
    page = list(qs.annotate(ledger_total=Window(Count("*"))).order_by("deadline", "id")
                .values_list("id", "ledger_total")[offset: offset + limit])
    total = page[0][1] if page else (qs.count() if offset else 0)
    return total, [pk for pk, _total in page]


def ledger_page(*, user: User, f: LedgerFilter, offset: int = 0, limit: int = 50,
                today: date | None = None) -> tuple[int, list[dict[str, Any]]]:
    """One page of the ledger as rows of ``ROW_COLUMNS`` plus ``problem_number``,
    ``problem_title`` and ``overdue`` (the API's), and the total."""
    today = today or timezone.localdate()
    total, ids = _page_ids(user, f, offset, limit, today)
    # In the page's order below, so unordered here (the model's default ordering would sort).
    found = {r[0]: dict(zip(_ROW_NAMES, r, strict=True))
             for r in RectificationTask.objects.filter(pk__in=ids).order_by().values_list(
                 *ROW_COLUMNS, "problem__number", "problem__title")}
    rows = []
    for pk in ids:
        row = found.get(pk)
        if row is not None:
            # RectificationTask.is_overdue, on the row's values.
            row["overdue"] = (row["status"] != TaskStatus.CLOSED and row["deadline"] is not None
                              and row["deadline"] < today)
            rows.append(row)
    return total, rows


def ledger_page_tasks(*, user: User, f: LedgerFilter, offset: int = 0, limit: int = 50
                      ) -> tuple[int, list[RectificationTask]]:
    """The same page as tasks with their problem (and its category), unit and plan: the ledger
    page of the web interface."""
    total, ids = _page_ids(user, f, offset, limit, None)
    found = RectificationTask.objects.filter(pk__in=ids).order_by().select_related(
        "problem", "problem__category__parent", "unit", "plan")
    by_id = {t.pk: t for t in found}
    return total, [by_id[pk] for pk in ids if pk in by_id]


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
