"""The summary table behind the province's and the cities' dashboards.

A county dashboard counts its problems and tasks live (tens of milliseconds). Above county level
the same counts cover hundreds of thousands of problems and over a million tasks, which no index
makes instant (docs/performance.md), so the worker counts them every ``REFRESH_MINUTES`` with the
very rules of the registry (``registry.population``, ``PROBLEM_RULES``, ``TASK_RULES``) into one
row per (anchor, unit kind, round kind, top-level category), and a page above county level reads
those rows — then it says when they were counted. Clicking a number still lists the items live.

The summary is read only when it gives exactly what the live count would, for the time it was
computed: a fresh run (today's, at most ``MAX_AGE`` old), a place grouping by county, filters it
holds (place above county level, round kind, unit kind, top-level category), and a user whose
scope over problems and tasks is whole subtrees rooted above county level (or everything),
without the grants that add single rows (a team's own inspections, "own records"). Anything else
is counted live.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from xuncha.accounts import scope
from xuncha.core.schedule import SUMMARY_MINUTES
from xuncha.dashboards import breakdowns, figures
from xuncha.dashboards.models import SummaryCell, SummaryMonth, SummaryRun
from xuncha.dashboards.registry import PROBLEM_RULES, TASK_RULES, Filters, count_rules, population

if TYPE_CHECKING:
    from xuncha.accounts.models import User

REFRESH_MINUTES = SUMMARY_MINUTES
MAX_AGE = timedelta(minutes=3 * REFRESH_MINUTES)
DIMS = ("anchor", "county_id", "s_unit_kind", "s_round_kind", "top")
COUNTS = ("found", "fed_back", "rectified", "overdue", "closed", "on_time")


@transaction.atomic
def refresh(today: date | None = None) -> SummaryRun:
    """Counts every problem and task of the ledger by the summary's dimensions and replaces the
    previous run. Runs in the worker (``tasks.refresh_summary``)."""
    from xuncha.findings.models import Problem
    from xuncha.rectification.models import RectificationTask

    started = time.perf_counter()
    today = today or timezone.localdate()
    cells: dict[tuple[Any, ...], dict[str, int]] = {}
    problems = population(Problem).annotate(
        anchor=Coalesce("county_id", "unit_id"), s_unit_kind=F("unit__kind"),
        s_round_kind=F("inspection__round__kind"), top=Coalesce("category__parent_id", "category_id"))
    for row in count_rules(problems, PROBLEM_RULES, DIMS):
        counts = cells.setdefault(row[:5], dict.fromkeys(COUNTS, 0))
        for name, value in zip(PROBLEM_RULES, row[5:], strict=True):
            counts[name] = value or 0
    tasks = population(RectificationTask).annotate(
        anchor=Coalesce("county_id", "unit_id"), s_unit_kind=F("unit__kind"),
        s_round_kind=F("plan__inspection__round__kind"),
        top=Coalesce("problem__category__parent_id", "problem__category_id"))
    task_rules = {**TASK_RULES, "overdue": lambda: figures.overdue_q(today)}
    for row in count_rules(tasks, task_rules, DIMS):
        counts = cells.setdefault(row[:5], dict.fromkeys(COUNTS, 0))
        for name, value in zip(task_rules, row[5:], strict=True):
            counts[name] = value or 0
    months: dict[tuple[Any, ...], dict[str, int]] = {}
    fed, closed = breakdowns.trend_counts(problems, tasks, breakdowns.trend_since(), extra=DIMS)
    for name, rows in (("fed_back", fed), ("closed", closed)):
        for row in rows:
            months.setdefault(row[:6], {"fed_back": 0, "closed": 0})[name] = row[6]
    SummaryRun.objects.all().delete()
    run = SummaryRun.objects.create(computed_at=timezone.now(), as_of=today, cells=len(cells))
    SummaryCell.objects.bulk_create(
        (SummaryCell(run=run, anchor_id=anchor, county_id=county, unit_kind=kind, round_kind=rk,
                     category_id=top, **counts)
         for (anchor, county, kind, rk, top), counts in cells.items()), batch_size=2000)
    SummaryMonth.objects.bulk_create(
        (SummaryMonth(run=run, anchor_id=anchor, county_id=county, unit_kind=kind, round_kind=rk,
                      category_id=top, month=month, **counts)
         for (anchor, county, kind, rk, top, month), counts in months.items()), batch_size=2000)
    run.seconds = round(time.perf_counter() - started, 3)
    run.save(update_fields=["seconds"])
    return run


def latest(now: datetime | None = None) -> SummaryRun | None:
    """The newest run if it is fresh: computed today (overdue depends on the date) and recently."""
    now = now or timezone.now()
    run = SummaryRun.objects.order_by("-computed_at", "-pk").first()
    if run is None or run.as_of != timezone.localdate(now) or run.computed_at < now - MAX_AGE:
        return None
    return run


@dataclass(frozen=True)
class Counted:
    """What a Tally needs, read from the summary."""

    problems: list[tuple[Any, ...]]  # (county, top category, found, fed back, rectified)
    tasks: list[tuple[Any, ...]]  # (county, overdue)
    closed: int
    on_time: int
    computed_at: datetime
    trend: tuple[dict[str, int], dict[str, int]]  # fed back and closed by 'YYYY-MM'


def _scope_paths(user: User, model: type) -> tuple[str, ...] | None:
    """The user's scope over ``model`` as subtree paths ("/" for everything), or None when the
    scope is not made of whole subtrees above county level."""
    res = scope.resource_for(model)
    if res.view_perm not in scope.permissions_of(user):
        return None
    s = scope.scope_for(user, res.view_perm)
    if s.everything:
        return ("/",)
    if s.unit_ids or s.own_records or not s.subtree_paths:
        return None
    if any(county is not None for county in s.subtree_counties):
        return None
    return s.subtree_paths


def read(user: User, f: Filters, group: str | None) -> Counted | None:
    """The Tally's counts from the summary, or None when they must be counted live."""
    from xuncha.findings.models import Problem, ProblemCategory
    from xuncha.inspections.access import team_ids
    from xuncha.organisations.models import Unit
    from xuncha.rectification.models import RectificationTask

    if group != "county" or not getattr(user, "is_authenticated", False):
        return None
    if any((f.term_id, f.round_id, f.team_id, f.date_from, f.date_to)):
        return None
    # Problems: the restriction on problems not yet fed back or turned into leads never touches
    # what the figures count for roles that see every stage; the team grant adds single rows.
    if "inspections.view_round" not in scope.permissions_of(user) or team_ids(user):
        return None
    problem_paths = _scope_paths(user, Problem)
    task_paths = _scope_paths(user, RectificationTask)
    if problem_paths is None or task_paths is None:
        return None
    under = "/"
    narrow = Q()
    if f.under_id is not None:
        root = scope.visible(user, Unit).filter(pk=f.under_id).first()
        if root is None or root.county_id is not None:
            return None
        under = root.path
    if f.category_id is not None:
        if ProblemCategory.objects.filter(pk=f.category_id, parent__isnull=True).exists():
            narrow &= Q(category_id=f.category_id)
        else:
            return None
    if f.unit_kind:
        narrow &= Q(unit_kind=f.unit_kind)
    if f.round_kind:
        narrow &= Q(round_kind=f.round_kind)
    run = latest()
    if run is None:
        return None
    # The anchors (a few hundred: the counties and the units above county level) are matched to
    # the scope here, so the sums below need no join to the units.
    anchors = dict(Unit.objects.filter(pk__in=SummaryCell.objects.filter(run=run).values("anchor_id"))
                   .values_list("id", "path"))

    def within(paths: tuple[str, ...]) -> Q:
        return Q(anchor_id__in=sorted(a for a, path in anchors.items() if path.startswith(under)
                                      and any(path.startswith(p) for p in paths)))

    problem_q, task_q = within(problem_paths), within(task_paths)
    cells = SummaryCell.objects.filter(run=run).filter(narrow)
    problems = [tuple(r) for r in cells.filter(problem_q).values("county_id", "category_id")
                .annotate(a=Sum("found"), b=Sum("fed_back"), c=Sum("rectified"))
                .filter(Q(a__gt=0) | Q(b__gt=0))
                .values_list("county_id", "category_id", "a", "b", "c").order_by()]
    task_cells = cells.filter(task_q)
    tasks = [tuple(r) for r in task_cells.values("county_id").annotate(n=Sum("overdue"))
             .filter(n__gt=0).values_list("county_id", "n").order_by()]
    totals = task_cells.aggregate(closed=Sum("closed"), on_time=Sum("on_time"))
    months = SummaryMonth.objects.filter(run=run).filter(narrow)
    fed = dict(months.filter(problem_q).values("month").annotate(n=Sum("fed_back"))
               .values_list("month", "n").order_by())
    closed = dict(months.filter(task_q).values("month").annotate(n=Sum("closed"))
                  .values_list("month", "n").order_by())
    return Counted(problems=problems, tasks=tasks, closed=totals["closed"] or 0,
                   on_time=totals["on_time"] or 0, computed_at=run.computed_at,
                   trend=({k: v for k, v in fed.items() if v}, {k: v for k, v in closed.items() if v}))
