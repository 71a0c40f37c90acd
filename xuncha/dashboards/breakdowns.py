"""Breakdowns, trends, rankings and the "挂图作战" board — all aggregated in the database, all
through ``registry.base`` so the scope and the filters are the same as the key figures'."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.utils import timezone

from xuncha.dashboards import figures
from xuncha.dashboards.registry import Filters, Tally, base

if TYPE_CHECKING:
    from xuncha.accounts.models import User


def _rate(n: int, d: int) -> float | None:
    return round(100 * n / d, 2) if d else None


def by_category(user: User, f: Filters, tally: Tally | None = None) -> list[dict[str, Any]]:
    """Fed back, rectified and rate by top-level category (``id`` is the category, which the
    filters take with its subcategories). A page that also shows the key figures and the ranking
    passes its ``Tally``, so the problems are counted once."""
    from xuncha.findings.models import ProblemCategory

    fed: dict[int, int] = {}
    done: dict[int, int] = {}
    for _place, top_id, _found, n_fed, n_done in (tally or Tally(user, f)).problems():
        if n_fed:
            fed[top_id] = fed.get(top_id, 0) + n_fed
            done[top_id] = done.get(top_id, 0) + (n_done or 0)
    names = dict(ProblemCategory.objects.filter(pk__in=list(fed)).values_list("id", "name"))
    rows = [{"id": k, "category": names.get(k, ""), "fed_back": v, "rectified": done.get(k, 0),
             "rate": _rate(done.get(k, 0), v)} for k, v in fed.items()]
    return sorted(rows, key=lambda r: (-r["fed_back"], r["category"], r["id"]))


def by_place(user: User, f: Filters, group: str = "unit", tally: Tally | None = None
             ) -> list[dict[str, Any]]:
    """Per unit (a county's view) or per county (a city's or province's view): fed back,
    rectified, rate, overdue — the rankings are these rows sorted. ``tally`` is the page's, if
    it was made for the same grouping."""
    from xuncha.organisations.models import Unit

    group = "county" if group == "county" else "unit"
    if tally is None or tally.group != group:
        tally = Tally(user, f, group)
    fed: dict[int, int] = {}
    done: dict[int, int] = {}
    for place, _parent_id, _found, n_fed, n_done in tally.problems():
        if n_fed:
            fed[place] = fed.get(place, 0) + n_fed
            done[place] = done.get(place, 0) + (n_done or 0)
    ids = [k for k in fed if k is not None]
    names: dict[int, str] = {}
    for i in range(0, len(ids), 5000):  # within every database's limit of query parameters
        names.update(Unit.objects.filter(pk__in=ids[i:i + 5000]).values_list("id", "name"))
    late = {r[0]: r[1] for r in tally.tasks()}
    rows = [{"id": k, "name": names.get(k), "fed_back": n, "rectified": done.get(k, 0),
             "rate": _rate(done.get(k, 0), n), "overdue": late.get(k, 0)}
            for k, n in fed.items()]
    return sorted(rows, key=lambda r: (-(r["rate"] or 0), r["overdue"], r["name"] or "",
                                       r["id"] or 0))


def trend_since(months: int = 12) -> date:
    """The first day of the month ``months - 1`` months before this one."""
    today = timezone.localdate()
    y, m = today.year, today.month - (months - 1)
    while m <= 0:
        y, m = y - 1, m + 12
    return date(y, m, 1)


def trend_counts(problems: Any, tasks: Any, since: date,
                 extra: tuple[str, ...] = ()) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Problems fed back by the local month their feedback was signed (the inspection entered
    整改) and tasks closed by the local month of closing, from ``since``: rows of
    ``(*extra, 'YYYY-MM', n)``. The summary calls it with its dimensions as ``extra``."""
    start = figures.local_midnight(since)
    fed = list(figures.fed_back(problems).filter(inspection__rectification_started_at__gte=start)
               .annotate(month=figures.LocalMonth("inspection__rectification_started_at"))
               .order_by().values(*extra, "month").annotate(n=Count("pk"))
               .values_list(*extra, "month", "n"))
    closed = list(figures.closed(tasks).filter(closed_at__gte=start)
                  .annotate(month=figures.LocalMonth("closed_at"))
                  .order_by().values(*extra, "month").annotate(n=Count("pk"))
                  .values_list(*extra, "month", "n"))
    return fed, closed


def trend_rows(fed: dict[str, int], closed: dict[str, int], since: date) -> list[dict[str, Any]]:
    out = []
    month = since
    today = timezone.localdate()
    while month <= today:
        key = month.strftime("%Y-%m")
        out.append({"month": key, "fed_back": fed.get(key, 0), "closed": closed.get(key, 0)})
        month = (month + timedelta(days=32)).replace(day=1)
    return out


def trend(user: User, f: Filters, months: int = 12, tally: Tally | None = None) -> list[dict[str, Any]]:
    """By month: problems fed back (month the feedback was signed) and tasks closed. Above
    county level the page's ``tally`` may hold them from the worker's summary."""
    from xuncha.findings.models import Problem
    from xuncha.rectification.models import RectificationTask

    since = trend_since(months)
    if tally is not None and tally.trend is not None and months == 12:
        fed, closed = tally.trend
    else:
        fed_rows, closed_rows = trend_counts(base(user, Problem, f), base(user, RectificationTask, f),
                                             since)
        fed, closed = dict(fed_rows), dict(closed_rows)
    return trend_rows(fed, closed, since)


def leads_by_round_kind(user: User, f: Filters) -> dict[str, Any]:
    """Average leads per round by round kind, and the coordinated/county ratio (昆明 3.4×)."""
    from xuncha.accounts.scope import visible
    from xuncha.core.tree import subtree_q
    from xuncha.inspections.models import Inspection, Round, RoundKind
    from xuncha.leads.models import Lead
    from xuncha.organisations.models import Unit

    leads = base(user, Lead, f)
    # The rounds in view: those that held an inspection the user may see, within the page's
    # place, term, round, round kind, team and unit kind (a round is held or not whatever the
    # category or period of its leads).
    inspections = visible(user, Inspection)
    if f.under_id is not None:
        root = visible(user, Unit).filter(pk=f.under_id).first()
        inspections = inspections.filter(subtree_q(root.path, "unit__path")) if root else inspections.none()
    narrow = {"round__term_id": f.term_id, "round_id": f.round_id, "round__kind": f.round_kind or None,
              "team_id": f.team_id, "unit__kind": f.unit_kind or None}
    inspections = inspections.filter(**{k: v for k, v in narrow.items() if v is not None})
    rounds = Round.objects.filter(pk__in=inspections.order_by().values("round_id"))
    per = figures.leads_per_round(leads, rounds)
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


def due_soon_days(county_ids: set[int | None]) -> dict[int | None, int]:
    """Each county committee's "due soon" window (CommitteeRules.due_soon_days; default 7)."""
    from xuncha.organisations.models import CommitteeRules

    default = CommitteeRules._meta.get_field("due_soon_days").default
    days: dict[int | None, int] = dict.fromkeys(county_ids, default)
    days.update(CommitteeRules.objects.filter(committee_id__in=[c for c in county_ids if c])
                .values_list("committee_id", "due_soon_days"))
    return days


def board(user: User, f: Filters, group_by: str = "round", state: str = "") -> list[dict[str, Any]]:
    """One row per unit, one cell per task, grouped by round or by responsible leader.

    Groups and rows are keyed by id, never by name: two counties each have a "第3轮" and may each
    have a 青石镇. When the tasks span several counties the labels name the county.
    """
    from xuncha.rectification.models import RectificationTask

    today = timezone.localdate()
    qs = (base(user, RectificationTask, f)
          .select_related("unit", "problem", "plan__inspection__round__term__unit")
          .only("id", "number", "status", "deadline", "progress", "responsible_leader", "county",
                "unit__name", "unit__path", "problem__number", "problem__title",
                "plan__inspection__round__number", "plan__inspection__round__kind",
                "plan__inspection__round__term__name", "plan__inspection__round__term__start_date",
                "plan__inspection__round__term__unit__name",
                "plan__inspection__round__term__unit__path")
          .order_by("unit__path", "problem__number", "number"))
    tasks = list(qs)
    counties = {t.county_id for t in tasks}
    soon = due_soon_days(counties)
    several = len(counties) > 1
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for t in tasks:
        s = cell_state(t, today, soon[t.county_id])
        if state and s != state:
            continue
        rnd = t.plan.inspection.round
        committee = rnd.term.unit
        if group_by == "round":
            key: tuple[Any, ...] = (committee.path, rnd.term.start_date, rnd.number, rnd.pk)
            label = f"{committee.name} · {rnd}" if several else str(rnd)
        else:
            leader = t.responsible_leader or "未明确责任领导"
            key = (committee.path if several else "", leader)
            label = f"{committee.name} · {leader}" if several else leader
        g = groups.setdefault(key, {"group": label, "rows": {}})
        row = g["rows"].setdefault(t.unit_id, {"unit": t.unit.name, "unit_id": t.unit_id,
                                               "cells": []})
        row["cells"].append({
            "id": t.pk, "label": f"{t.problem.number}-{t.number}", "title": t.problem.title,
            "state": s, "deadline": t.deadline, "progress": t.progress})
    return [{"group": g["group"], "rows": list(g["rows"].values())}
            for _key, g in sorted(groups.items(), key=lambda kv: kv[0])]


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
