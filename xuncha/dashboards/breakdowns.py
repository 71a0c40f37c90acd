"""Breakdowns, trends, rankings and the "挂图作战" board — all aggregated in the database, all
through ``registry.base`` so the scope and the filters are the same as the key figures'."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from xuncha.dashboards import figures
from xuncha.dashboards.registry import Filters, base

if TYPE_CHECKING:
    from xuncha.accounts.models import User


def _rate(n: int, d: int) -> float | None:
    return round(100 * n / d, 2) if d else None


def by_category(user: User, f: Filters) -> list[dict[str, Any]]:
    from xuncha.findings.models import Problem

    qs = base(user, Problem, f)
    fed = dict(figures.fed_back(qs).values_list("category__parent__name").annotate(n=Count("id")))
    done = dict(figures.rectified(qs).values_list("category__parent__name").annotate(n=Count("id")))
    return [{"category": k or "未分类", "fed_back": v, "rectified": done.get(k, 0),
             "rate": _rate(done.get(k, 0), v)} for k, v in sorted(fed.items(), key=lambda x: -x[1])]


def by_place(user: User, f: Filters, group: str = "unit") -> list[dict[str, Any]]:
    """Per unit (a county's view) or per county (a city's or province's view): fed back,
    rectified, rate, overdue — the rankings are these rows sorted."""
    from xuncha.findings.models import Problem
    from xuncha.rectification.models import RectificationTask

    key, name = ("county_id", "county__name") if group == "county" else ("unit_id", "unit__name")
    qs = base(user, Problem, f)
    fed = {r[0]: (r[1], r[2]) for r in figures.fed_back(qs).values_list(key, name)
           .annotate(n=Count("id"))}
    done = dict(figures.rectified(qs).values_list(key).annotate(n=Count("id")))
    tasks = base(user, RectificationTask, f)
    late = dict(figures.overdue(tasks, timezone.localdate()).values_list(key)
                .annotate(n=Count("id")))
    rows = [{"id": k, "name": nm, "fed_back": n, "rectified": done.get(k, 0),
             "rate": _rate(done.get(k, 0), n), "overdue": late.get(k, 0)}
            for k, (nm, n) in fed.items()]
    return sorted(rows, key=lambda r: (-(r["rate"] or 0), r["overdue"], r["name"] or ""))


def trend(user: User, f: Filters, months: int = 12) -> list[dict[str, Any]]:
    """By month: problems fed back (month the feedback was signed) and tasks closed."""
    from xuncha.findings.models import Problem
    from xuncha.rectification.models import RectificationTask, TaskStatus

    since = (timezone.localdate().replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    fed = dict(figures.fed_back(base(user, Problem, f))
               .filter(inspection__rectification_started_at__date__gte=since)
               .annotate(m=TruncMonth("inspection__rectification_started_at"))
               .values_list("m").annotate(n=Count("id")))
    closed = dict(base(user, RectificationTask, f).filter(status=TaskStatus.CLOSED,
                                                          closed_at__date__gte=since)
                  .annotate(m=TruncMonth("closed_at")).values_list("m").annotate(n=Count("id")))
    out = []
    month = since
    while month <= timezone.localdate():
        key = [k for k in (*fed, *closed) if k and k.strftime("%Y-%m") == month.strftime("%Y-%m")]
        out.append({"month": month.strftime("%Y-%m"),
                    "fed_back": sum(fed.get(k, 0) for k in set(key)),
                    "closed": sum(closed.get(k, 0) for k in set(key))})
        month = (month + timedelta(days=32)).replace(day=1)
    return out


def leads_by_round_kind(user: User, f: Filters) -> dict[str, Any]:
    """Average leads per round by round kind, and the coordinated/county ratio (昆明 3.4×)."""
    from xuncha.findings.models import Problem
    from xuncha.inspections.models import Round, RoundKind
    from xuncha.leads.models import Lead

    leads = base(user, Lead, f)
    # The rounds in view: those that produced problems or leads the user may see.
    round_ids = set(leads.values_list("inspection__round_id", flat=True)) | set(
        base(user, Problem, f).values_list("inspection__round_id", flat=True))
    per = figures.leads_per_round(leads, Round.objects.filter(pk__in=round_ids))
    coordinated = per.get(RoundKind.COORDINATED, {}).get("average")
    county_kinds = [k for k in per if k != RoundKind.COORDINATED]
    county_leads = sum(per[k]["leads"] for k in county_kinds)
    county_rounds = sum(per[k]["rounds"] for k in county_kinds)
    county_avg = county_leads / county_rounds if county_rounds else None
    ratio = round(float(coordinated) / county_avg, 2) if coordinated and county_avg else None
    return {"by_kind": {k: {**v, "average": float(v["average"]) if v["average"] is not None
                            else None} for k, v in per.items()},
            "county_average": round(county_avg, 2) if county_avg else None,
            "coordinated_ratio": ratio}


def evaluation_outcomes(user: User, f: Filters) -> dict[str, Any]:
    from xuncha.evaluation.models import Evaluation, EvaluationStatus

    evs = base(user, Evaluation, f).filter(status=EvaluationStatus.REPORTED)
    grades = dict(evs.values_list("grade").annotate(n=Count("id")))
    return {"count": evs.count(), "grades": grades,
            "second_rectification": evs.filter(second_rectification=True).count()}


# --- "挂图作战" ------------------------------------------------------------------------------------

def cell_state(task: Any, today: Any, soon_days: int = 7) -> str:
    from xuncha.rectification.models import TaskStatus

    if task.status == TaskStatus.CLOSED:
        return "closed"
    if task.deadline and task.deadline < today:
        return "overdue"
    if task.status == TaskStatus.NOT_STARTED:
        return "not_started"
    if task.deadline and task.deadline <= today + timedelta(days=soon_days):
        return "due_soon"
    return "on_track"


def board(user: User, f: Filters, group_by: str = "round", state: str = "") -> list[dict[str, Any]]:
    """One row per unit, one cell per task, grouped by round or by responsible leader."""
    from xuncha.rectification.models import RectificationTask

    today = timezone.localdate()
    qs = (base(user, RectificationTask, f)
          .select_related("unit", "problem", "plan__inspection__round")
          .only("id", "number", "status", "deadline", "progress", "responsible_leader",
                "unit__name", "unit__path", "problem__number", "problem__title",
                "plan__inspection__round__number", "plan__inspection__round__kind")
          .order_by("unit__path", "problem__number", "number"))
    groups: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for t in qs.iterator(chunk_size=2000):
        s = cell_state(t, today)
        if state and s != state:
            continue
        group = (f"第{t.plan.inspection.round.number}轮" if group_by == "round"
                 else (t.responsible_leader or "未明确责任领导"))
        groups[group][t.unit.name].append({
            "id": t.pk, "label": f"{t.problem.number}-{t.number}", "title": t.problem.title,
            "state": s, "deadline": t.deadline, "progress": t.progress})
    return [{"group": g, "rows": [{"unit": u, "cells": cells} for u, cells in units.items()]}
            for g, units in groups.items()]


def board_counts(groups: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for g in groups:
        for row in g["rows"]:
            for c in row["cells"]:
                counts[c["state"]] += 1
    return dict(counts)


def open_q() -> Q:
    from xuncha.rectification.models import TaskStatus

    return ~Q(status=TaskStatus.CLOSED)
