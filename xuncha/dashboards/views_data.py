"""Reads the dashboard pages need around the figure registry: the level of the user's view, the
choices of the filters, coverage and monthly-report timeliness, rates before and after evaluation,
and the rows behind a figure as a table.

Nothing here defines a figure (that is ``registry`` and ``figures``) and nothing widens what a
user sees: every read goes through ``scope.visible`` or through ``registry``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xuncha.accounts.scope import permissions_of, scope_for, visible
from xuncha.core.errors import AppError
from xuncha.core.schedule import SUMMARY_MINUTES as REFRESH_MINUTES
from xuncha.dashboards import breakdowns, registry
from xuncha.dashboards.registry import Filters
from xuncha.organisations.models import Term, Unit, UnitLevel

if TYPE_CHECKING:
    from xuncha.accounts.models import User

# Every business role that works with problems may read the figures (the nav gate as well).
PERM = "findings.view_problem"
# The board draws one cell per task; beyond this the page asks for a narrower filter.
BOARD_MAX_CELLS = 3000
EVALUATIONS_COMPARED = 20

LEVEL_LABELS = {
    "province": gettext_lazy("全省"), "city": gettext_lazy("全市"),
    "county": gettext_lazy("全县(区)"), "unit": gettext_lazy("本单位"),
}


# --- the level of the view --------------------------------------------------------------------------

@dataclass(frozen=True)
class ViewLevel:
    """What the dashboard is about: province, city, county or unit, decided by the root units the
    user sees (or by the subtree the filters chose)."""

    level: str
    roots: tuple[Unit, ...]
    focus: Unit | None  # the one unit the view is about, if there is one

    @property
    def label(self) -> str:
        return str(LEVEL_LABELS[self.level])

    @property
    def title(self) -> str:
        if self.focus is not None:
            return self.focus.name
        if len(self.roots) > 1:
            return "、".join(u.name for u in self.roots[:3]) + ("等" if len(self.roots) > 3 else "")
        return self.label

    @property
    def place_group(self) -> str:
        """A city or province (or several counties) compares counties; a county its units."""
        if self.level in ("province", "city"):
            return "county"
        if self.level == "county" and self.focus is None and len(self.roots) > 1:
            return "county"
        return "unit"

    @property
    def place_label(self) -> str:
        return _("县(区)") if self.place_group == "county" else _("单位")


def _level_name(level: int) -> str:
    names: dict[int, str] = {UnitLevel.PROVINCE: "province", UnitLevel.CITY: "city",
                             UnitLevel.COUNTY: "county"}
    return names.get(level, "unit")


def scope_roots(user: User) -> list[Unit]:
    """The top units of the user's reach for reading problems."""
    s = scope_for(user, PERM)
    if s.everything:
        return list(Unit.objects.filter(parent__isnull=True).order_by("sort_order", "path"))
    paths: list[str] = []
    for p in sorted(set(s.subtree_paths)):
        if not any(p.startswith(kept) for kept in paths):
            paths.append(p)
    roots = list(Unit.objects.filter(path__in=paths))
    roots += [u for u in Unit.objects.filter(id__in=sorted(s.unit_ids))
              if not any(u.path.startswith(p) for p in paths)]
    return sorted(roots, key=lambda u: u.path)


def view_level(user: User, f: Filters) -> ViewLevel:
    roots = tuple(scope_roots(user))
    focus = None
    if f.under_id is not None:
        focus = visible(user, Unit).filter(pk=f.under_id).first()
    if focus is None and len(roots) == 1:
        focus = roots[0]
    if focus is not None:
        level = _level_name(focus.level)
    elif roots:
        level = _level_name(min(u.level for u in roots))
    else:  # a team member: what their own team found
        level = "unit"
    return ViewLevel(level=level, roots=roots, focus=focus)


# --- filter choices ----------------------------------------------------------------------------------

def category_choices() -> list[Any]:
    """Top categories (covering their children) and the leaves under them."""
    from xuncha.findings.models import ProblemCategory

    cats = list(ProblemCategory.objects.filter(is_active=True).order_by("sort_order", "code"))
    groups: list[Any] = [("", _("全部类别"))]
    for top in (c for c in cats if c.parent_id is None):
        leaves = [(str(c.pk), c.name) for c in cats if c.parent_id == top.pk]
        groups.append((top.name, [(str(top.pk), _("全部:%(n)s") % {"n": top.name}), *leaves]))
    return groups


def term_choices(user: User, selected: int | None = None) -> list[tuple[str, str]]:
    qs = visible(user, Term).select_related("unit")
    terms = list(qs.order_by("unit__path", "-start_date")[:300])
    if selected is not None and all(t.pk != selected for t in terms):
        terms += list(qs.filter(pk=selected))
    return [("", _("全部届次")), *((str(t.pk), str(t)) for t in terms)]


def round_choices(user: User, f: Filters) -> list[tuple[str, str]]:
    from xuncha.inspections.models import Round

    qs = visible(user, Round).select_related("term", "term__unit")
    if f.term_id is not None:
        qs = qs.filter(term_id=f.term_id)
    rounds = list(qs.order_by("-entry_date", "-pk")[:300])
    if f.round_id is not None and all(r.pk != f.round_id for r in rounds):
        rounds += list(visible(user, Round).select_related("term", "term__unit")
                       .filter(pk=f.round_id))
    many = len({r.term.unit_id for r in rounds}) > 1
    return [("", _("全部轮次")), *(
        (str(r.pk), f"{r.term.unit.short_name or r.term.unit.name} {r}" if many else str(r))
        for r in rounds)]


def team_choices(user: User, f: Filters) -> list[tuple[str, str]]:
    """The teams of the chosen round (a province has thousands of teams otherwise)."""
    from xuncha.inspections.models import Team

    if f.round_id is None and f.team_id is None:
        return [("", _("先选择轮次"))]
    q = Q(round_id=f.round_id) if f.round_id is not None else Q(pk=f.team_id)
    teams = visible(user, Team).filter(q).order_by("number")[:100]
    return [("", _("全部巡察组")), *((str(t.pk), t.name) for t in teams)]


def unit_choices(user: User, view: ViewLevel, selected: int | None = None
                 ) -> list[tuple[str, str]]:
    """Subtrees one can narrow to: one level below the top of the view (at least the counties),
    and the chosen unit wherever it sits."""
    from xuncha.organisations.forms import unit_options

    top = min((u.level for u in view.roots), default=UnitLevel.VILLAGE)
    deepest = max(top + 1, UnitLevel.COUNTY)
    options = unit_options(user, PERM, level__lte=deepest)
    if selected is not None and all(v != str(selected) for v, _label in options):
        unit = visible(user, Unit, PERM).filter(pk=selected).first()
        if unit is not None:
            options.append((str(unit.pk), unit.name))
    top_level = _level_name(top) if view.roots else "unit"
    top_label = _("全部(%(s)s)") % {"s": LEVEL_LABELS[top_level]}
    return [("", top_label), *options]


# --- figures, with the links behind every number ------------------------------------------------------

@lru_cache(maxsize=128)
def _items_path(key: str, prefix: str) -> str:
    return reverse("dashboards:items", args=[key])


def items_url(key: str, f: Filters, part: str = "numerator", **extra: Any) -> str:
    # A county's ranking links three numbers of every unit: the path is reversed once per figure.
    query = {**f.as_query(), "part": part, **{k: v for k, v in extra.items() if v is not None}}
    return f"{_items_path(key, get_script_prefix())}?{urlencode(query)}"


# Short names of the two parts of a rate on its card; the card's note keeps the definition.
RATE_PARTS = {
    "rectification_rate": (gettext_lazy("已整改"), gettext_lazy("反馈")),
    "on_time_rate": (gettext_lazy("按期销号"), gettext_lazy("已销号")),
    "case_rate": (gettext_lazy("立案"), gettext_lazy("办结")),
}


def lead_reader(user: User) -> bool:
    return "leads.view_lead" in permissions_of(user)


def cards(user: User, f: Filters, computed: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One card per figure, in the catalogue's order, each number with its items link."""
    out = []
    reads_leads = lead_reader(user)
    counts_leads = "leads.view_lead_counts" in permissions_of(user)
    for fig in registry.FIGURES:
        c = computed.get(fig.key)
        if c is None:
            continue
        card = {**c, "numerator_url": items_url(fig.key, f),
                "denominator_url": (items_url(fig.key, f, "denominator")
                                    if c["denominator"] is not None else None),
                "is_rate": c["denominator"] is not None, "is_amount": bool(fig.amount_field),
                "model": fig.model_name,
                "state": "overdue" if fig.key == "tasks_overdue" and c["numerator"] else ""}
        if card["is_rate"]:
            num, _sep, den = fig.definition.rstrip("。").partition(" / ")
            short = RATE_PARTS.get(fig.key)
            card["numerator_label"] = str(short[0]) if short else (num or _("分子"))
            card["denominator_label"] = str(short[1]) if short else (den or _("分母"))
        if card["is_amount"]:
            card["value_text"] = money(c["numerator"])
        if fig.model_name == "leads.Lead" and not reads_leads:
            card["note"] = (_("按统计范围计数;明细只列编号、单位和办理阶段") if counts_leads
                            else _("仅统计您有权查阅的线索"))
        out.append(card)
    return out


def money(value: Decimal | int) -> str:
    return f"{Decimal(value):,.2f}"


# --- the breakdowns of the page --------------------------------------------------------------------

def dashboard(user: User, f: Filters, view: ViewLevel) -> dict[str, Any]:
    """Everything the dashboard, its API and its Excel show, computed once."""
    # One tally for the page: problems and tasks are counted once for the cards, the ranking and
    # the categories, not once per section.
    tally = registry.Tally(user, f, view.place_group)
    computed = registry.compute(user, f, tally=tally)
    places = breakdowns.by_place(user, f, view.place_group, tally=tally)
    for r in places:
        key = "place_county" if view.place_group == "county" else "place_unit"
        r["fed_back_url"] = items_url("problems_fed_back", f, **{key: r["id"]})
        r["rectified_url"] = items_url("problems_rectified", f, **{key: r["id"]})
        r["overdue_url"] = items_url("tasks_overdue", f, **{key: r["id"]})
    for i, r in enumerate(places, start=1):
        r["rank"] = i
    categories = breakdowns.by_category(user, f, tally=tally)
    for r in categories:
        r["fed_back_url"] = items_url("problems_fed_back", f, category_id=r["id"])
        r["rectified_url"] = items_url("problems_rectified", f, category_id=r["id"])
    by_overdue = sorted((r for r in places if r["overdue"]),
                        key=lambda r: (-r["overdue"], r["name"] or ""))
    return {
        "figures": computed,
        # When the problem and task figures were counted, if they come from the worker's summary
        # (above county level); None when counted for this request.
        "computed_at": tally.computed_at,
        "summary_minutes": REFRESH_MINUTES,
        "cards": cards(user, f, computed),
        "by_category": categories,
        "by_place": places,
        "by_overdue": by_overdue,
        "trend": breakdowns.trend(user, f, tally=tally),
        "leads": leads_by_kind(user, f),
        "evaluations": evaluations(user, f),
    }


def leads_by_kind(user: User, f: Filters) -> dict[str, Any]:
    from xuncha.inspections.models import RoundKind

    data = breakdowns.leads_by_round_kind(user, f)
    labels = dict(RoundKind.choices)
    rows = [{"kind": k, "label": str(labels.get(k, k)), **v}
            for k, v in sorted(data["by_kind"].items(),
                               key=lambda kv: list(labels).index(kv[0]) if kv[0] in labels else 99)]
    return {**data, "rows": rows}


def evaluations(user: User, f: Filters) -> dict[str, Any]:
    """Grades of the reported evaluations, and the rectification rate at the visit and today summed
    over all of them (南岸: +13.74 points to 94.44%); the latest few are listed one by one."""
    from xuncha.evaluation.models import Evaluation, EvaluationStatus, Grade
    from xuncha.evaluation.services import rates_before_after, row_rates, with_rates

    outcome = breakdowns.evaluation_outcomes(user, f)
    labels = dict(Grade.choices)
    grades = [{"grade": g, "label": str(labels[g]), "count": outcome["grades"].get(g, 0)}
              for g in labels]
    reported = registry.base(user, Evaluation, f).filter(status=EvaluationStatus.REPORTED)
    latest = list(with_rates(reported).select_related("unit")
                  .order_by("-visit_date", "-pk")[:EVALUATIONS_COMPARED])
    rows = [{"evaluation": ev, **row_rates(ev)} for ev in latest]
    totals = rates_before_after(reported)
    return {**outcome, "grade_rows": grades, "compared": rows,
            "before_rate": totals.before, "after_rate": totals.after,
            "before": totals.before.percent, "after": totals.after.percent,
            "change": totals.change, "truncated": outcome["count"] > len(latest)}


# --- coverage of the term and monthly-report timeliness -----------------------------------------------

def current_term(user: User, county: Unit, chosen: int | None = None) -> Term | None:
    terms = list(visible(user, Term).filter(unit=county).order_by("-start_date"))
    if chosen is not None:
        for t in terms:
            if t.pk == chosen:
                return t
    today = timezone.localdate()
    return next((t for t in terms if t.start_date <= today <= t.end_date),
                terms[0] if terms else None)


def _summary(user: User, term: Term | None) -> Any:
    from xuncha.inspections.selectors import coverage_summary

    if term is None:
        return None
    try:
        return coverage_summary(user=user, term=term)
    except AppError:  # no coverage plan for the term, or not the user's to read
        return None


def coverage(user: User, view: ViewLevel, f: Filters) -> dict[str, Any] | None:
    """A county: its term's coverage by kind of unit. A city: one line per county."""
    if "inspections.view_coverageplan" not in permissions_of(user) or view.focus is None:
        return None
    unit = view.focus
    if view.level == "county":
        term = current_term(user, unit, f.term_id)
        summary = _summary(user, term)
        return {"mode": "county", "term": term, "summary": summary} if summary else None
    if view.level != "city":
        return None
    rows = []
    counties = visible(user, Unit).filter(parent=unit, level=UnitLevel.COUNTY).order_by(
        "sort_order", "path")[:60]
    for county in counties:
        term = current_term(user, county)
        s = _summary(user, term)
        if s is None:
            rows.append({"county": county, "term": term, "total": None})
            continue
        t = s.total
        rows.append({"county": county, "term": term, "total": t.total, "covered": t.covered,
                     "planned": t.planned, "not_yet": t.not_yet, "rate": t.rate,
                     "warning": s.warning})
    return {"mode": "city", "rows": rows} if rows else None


def timeliness(user: User, view: ViewLevel, months: int = 6) -> dict[str, Any] | None:
    """For the city office: each county's monthly return over the last months — on time, late,
    missing, or not yet due (reporting.services.city_overview)."""
    from dateutil.relativedelta import relativedelta

    from xuncha.reporting.services import city_overview, first_of_month

    if (view.level != "city" or view.focus is None
            or "reporting.view_city_returns" not in permissions_of(user)):
        return None
    last = first_of_month(timezone.localdate()) - relativedelta(months=1)
    month_list = [last - relativedelta(months=i) for i in range(months - 1, -1, -1)]
    table: dict[int, dict[str, Any]] = {}
    totals = {"on_time": 0, "late": 0, "missing": 0, "pending": 0}
    for month in month_list:
        for r in city_overview(user=user, city=view.focus, month=month):
            # submitted on time / late; not submitted and past due / not yet due
            state = {(True, False): "on_time", (True, True): "late", (False, True): "missing",
                     (False, False): "pending"}[(bool(r["submitted"]), bool(r["late"]))]
            totals[state] += 1
            line = table.setdefault(r["county"].pk, {"county": r["county"], "cells": []})
            line["cells"].append({"month": month, "state": state, "due_on": r["due_on"]})
    if not table:
        return None
    return {"months": month_list, "rows": list(table.values()), "totals": totals}


# --- the rows behind a figure ------------------------------------------------------------------------

@dataclass
class ItemTable:
    columns: list[str]
    numeric: set[int] = field(default_factory=set)


def narrow_to_place(qs: QuerySet[Any], params: Any, user: Any) -> tuple[QuerySet[Any], Unit | None]:
    """A breakdown row links to its own items: the figure's rows of one unit (or one county)
    exactly, not of its subtree — the same grouping as ``breakdowns.by_place``."""
    model = qs.model
    names = {f.name for f in model._meta.get_fields()}
    for param, fieldname in (("place_unit", "unit"), ("place_county", "county")):
        raw = params.get(param)
        if raw in (None, ""):
            continue
        try:
            pk = int(raw)
        except (TypeError, ValueError):
            return qs.none(), None
        if fieldname not in names:
            return qs.none(), None
        # The label goes through the scope check too: a unit the user may not see is not named.
        return qs.filter(**{f"{fieldname}_id": pk}), visible(user, Unit).filter(pk=pk).first()
    return qs, None


def soon_days(objs: Any, model_name: str) -> dict[int | None, int]:
    """The "due soon" window of the counties of a page of tasks (their committees' rules)."""
    if model_name != "rectification.RectificationTask":
        return {}
    return breakdowns.due_soon_days({o.county_id for o in objs})


def _task_state(t: Any, today: date, soon: dict[int | None, int] | None) -> str:
    days = (soon or {}).get(t.county_id)
    return breakdowns.cell_state(t, today, days) if days is not None else breakdowns.cell_state(t, today)


STATE_LABELS = {
    "closed": gettext_lazy("已销号"), "on_track": gettext_lazy("正常推进"),
    "due_soon": gettext_lazy("临期"), "overdue": gettext_lazy("逾期"),
    "not_started": gettext_lazy("未开始"),
}


def item_columns(model_name: str) -> list[str]:
    return {
        "findings.Problem": [_("编号"), _("单位"), _("类别"), _("问题概述"), _("状态")],
        "rectification.RectificationTask": [_("编号"), _("单位"), _("问题"), _("整改措施"),
                                             _("完成时限"), _("状态")],
        # Leads: what a reader may see on a list that can be shown on a screen — never people
        # or facts.
        "leads.Lead": [_("线索编号"), _("单位"), _("办理阶段")],
        "findings.Recommendation": [_("单位"), _("建议事项"), _("对口部门"), _("状态")],
        "outcomes.Institution": [_("单位"), _("制度名称"), _("文号"), _("印发日期")],
        "outcomes.FundsRecovery": [_("单位"), _("类别"), _("金额(元)"), _("日期")],
        "outcomes.AccountabilityRecord": [_("单位"), _("职务"), _("责任类型"), _("四种形态"),
                                          _("处理方式"), _("决定日期")],
        "evaluation.Evaluation": [_("单位"), _("评估日期"), _("总分"), _("等次"),
                                  _("二次整改")],
    }[model_name]


def prepare(qs: QuerySet[Any], model_name: str) -> QuerySet[Any]:
    """The related rows a table needs, and a stable order."""
    from xuncha.rectification.models import TaskStatus

    if model_name == "findings.Problem":
        return (qs.select_related("unit", "category", "inspection")
                .annotate(n_tasks=Count("tasks", distinct=True),
                          n_open=Count("tasks", filter=~Q(tasks__status=TaskStatus.CLOSED),
                                       distinct=True))
                .order_by("unit__path", "inspection_id", "number"))
    if model_name == "rectification.RectificationTask":
        return qs.select_related("unit", "problem").order_by("unit__path", "problem__number",
                                                             "number")
    if model_name == "leads.Lead":
        return qs.select_related("unit").only("id", "number", "stage", "unit__name",
                                              "unit__path", "inspection_id").order_by(
            "unit__path", "inspection_id", "number")
    if model_name == "findings.Recommendation":
        return qs.select_related("inspection__unit", "department").order_by("-created_at", "pk")
    if model_name == "evaluation.Evaluation":
        return qs.select_related("unit").order_by("-visit_date", "pk")
    return qs.select_related("unit").order_by("unit__path", "pk")


def _problem_state(p: Any) -> tuple[str, str]:
    from xuncha.findings.models import ProblemState

    if p.state != ProblemState.ACTIVE:
        return p.get_state_display(), "grey"
    if p.n_tasks and not p.n_open:
        return _("已整改"), "green"
    if p.n_tasks:
        return _("整改中(%(d)s/%(n)s 项已销号)") % {"d": p.n_tasks - p.n_open, "n": p.n_tasks}, ""
    return _("%(s)s · 未认领") % {"s": p.inspection.get_status_display()}, "grey"


def item_row(obj: Any, model_name: str, today: date,
             soon: dict[int | None, int] | None = None) -> dict[str, Any]:
    """One row: its cells (text, optional link and badge colour) and an id."""
    cells: list[dict[str, Any]]
    if model_name == "findings.Problem":
        text, colour = _problem_state(obj)
        cells = [{"text": str(obj.number),
                  "url": reverse("findings:problem", args=[obj.inspection_id, obj.pk])},
                 {"text": obj.unit.name}, {"text": str(obj.category)},
                 {"text": obj.title}, {"text": text, "badge": colour or "plain"}]
    elif model_name == "rectification.RectificationTask":
        state = _task_state(obj, today, soon)
        colour = {"closed": "green", "overdue": "red", "due_soon": "amber"}.get(state, "grey")
        cells = [{"text": f"{obj.problem.number}-{obj.number}",
                  "url": reverse("rectification:task", args=[obj.pk])},
                 {"text": obj.unit.name}, {"text": obj.problem.title}, {"text": obj.measure},
                 {"text": obj.deadline.isoformat() if obj.deadline else "—"},
                 {"text": f"{obj.get_status_display()} · {STATE_LABELS[state]}",
                  "badge": colour}]
    elif model_name == "leads.Lead":
        cells = [{"text": str(obj.number)}, {"text": obj.unit.name},
                 {"text": obj.get_stage_display()}]
    elif model_name == "findings.Recommendation":
        cells = [{"text": obj.inspection.unit.name}, {"text": obj.title},
                 {"text": obj.department.name if obj.department_id else "—"},
                 {"text": obj.get_status_display()}]
    elif model_name == "outcomes.Institution":
        cells = [{"text": obj.unit.name}, {"text": obj.name},
                 {"text": obj.document_number or "—"}, {"text": obj.issued_on.isoformat()}]
    elif model_name == "outcomes.FundsRecovery":
        cells = [{"text": obj.unit.name}, {"text": obj.get_kind_display()},
                 {"text": money(obj.amount), "num": True, "value": obj.amount},
                 {"text": obj.recorded_on.isoformat()}]
    elif model_name == "outcomes.AccountabilityRecord":
        cells = [{"text": obj.unit.name}, {"text": obj.post},
                 {"text": obj.get_responsibility_display()}, {"text": obj.get_form_display()},
                 {"text": obj.measure}, {"text": obj.decided_on.isoformat()}]
    elif model_name == "evaluation.Evaluation":
        cells = [{"text": obj.unit.name,
                  "url": reverse("evaluation:detail", args=[obj.pk])},
                 {"text": obj.visit_date.isoformat()},
                 {"text": str(obj.total_score) if obj.total_score is not None else "—",
                  "num": True},
                 {"text": obj.get_grade_display() or "—"},
                 {"text": _("是") if obj.second_rectification else _("否")}]
    else:  # pragma: no cover - every model of the catalogue is listed above
        cells = [{"text": str(obj)}]
    return {"id": obj.pk, "cells": cells}


def item_label(obj: Any, model_name: str) -> str:
    """A short label for the API: enough to recognise the item, never a lead's content."""
    if model_name == "findings.Problem":
        return f"{obj.unit.name} 问题{obj.number}:{obj.title}"
    if model_name == "rectification.RectificationTask":
        return f"{obj.unit.name} {obj.problem.number}-{obj.number} {obj.measure[:40]}"
    if model_name == "leads.Lead":
        return f"{obj.unit.name} 线索{obj.number}({obj.get_stage_display()})"
    if model_name == "findings.Recommendation":
        return f"{obj.inspection.unit.name} {obj.title}"
    if model_name == "outcomes.Institution":
        return f"{obj.unit.name} {obj.name}"
    if model_name == "outcomes.FundsRecovery":
        return f"{obj.unit.name} {money(obj.amount)} 元"
    if model_name == "outcomes.AccountabilityRecord":
        return f"{obj.unit.name} {obj.post} {obj.get_form_display()}"
    if model_name == "evaluation.Evaluation":
        return f"{obj.unit.name} {obj.visit_date} {obj.get_grade_display() or ''}".strip()
    return str(obj)  # pragma: no cover


def audit_lead_read(user: User, key: str, ids: list[int], request: Any = None) -> None:
    """Leads are read only with an audit row (leads.access), even as numbers and stages."""
    from xuncha.audit.services import record

    if ids:
        record(actor=user, action="lead.list", object_type="leads.lead",
               object_repr=f"{len(ids)}", request=request,
               changes={"ids": ids[:500], "via": f"dashboard:{key}"})


# --- the board -----------------------------------------------------------------------------------

def board(user: User, f: Filters, group_by: str, state: str) -> dict[str, Any]:
    """The 挂图作战 board: groups of unit rows of task cells, the legend's counts over all states,
    and only the chosen state's cells drawn."""
    from xuncha.rectification.models import RectificationTask

    total = registry.base(user, RectificationTask, f).count()
    if total > BOARD_MAX_CELLS:
        return {"groups": [], "counts": {}, "total": total, "too_many": True, "shown": 0}
    groups = breakdowns.board(user, f, group_by=group_by)
    counts = breakdowns.board_counts(groups)
    if state:
        kept = []
        for g in groups:
            rows = [{**r, "cells": [c for c in r["cells"] if c["state"] == state]}
                    for r in g["rows"]]
            rows = [r for r in rows if r["cells"]]
            if rows:
                kept.append({**g, "rows": rows})
        groups = kept
    for g in groups:
        g["count"] = sum(len(r["cells"]) for r in g["rows"])
        for r in g["rows"]:
            r["states"] = {s: sum(1 for c in r["cells"] if c["state"] == s) for s in STATE_LABELS}
            for c in r["cells"]:
                c["state_label"] = str(STATE_LABELS.get(c["state"], c["state"]))
    shown = sum(g["count"] for g in groups)
    return {"groups": groups, "counts": counts, "total": total, "too_many": False,
            "shown": shown}


def legend(counts: dict[str, int]) -> list[dict[str, Any]]:
    order = ("overdue", "due_soon", "on_track", "not_started", "closed")
    return [{"state": s, "label": str(STATE_LABELS[s]), "count": counts.get(s, 0)} for s in order]


# --- exports ---------------------------------------------------------------------------------------

SHEET_HEADERS = [_("栏目"), _("项目"), _("数值一"), _("数值二"), _("数值三"), _("数值四"),
                 _("数值五")]


def _pct(value: Any) -> Any:
    return float(value) if value is not None else ""


def workbook_rows(view: ViewLevel, filters_text: str, data: dict[str, Any],
                  cover: dict[str, Any] | None, timely: dict[str, Any] | None) -> list[list[Any]]:
    """The figures and breakdowns of the page as one sheet: each section opens with a line naming
    its columns (write_rows neutralises every text cell)."""
    s = [_("说明"), _("关键指标"), _("按月趋势"), _("按类别"), _("排名"), _("线索"), _("评估"),
         _("全覆盖"), _("月报及时性")]
    rows: list[list[Any]] = [
        [s[0], _("数据范围"), view.title, view.label],
        [s[0], _("筛选条件"), filters_text or _("无")],
        [s[0], _("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")],
        *([[s[0], _("问题和任务统计于"),
            timezone.localtime(data["computed_at"]).strftime("%Y-%m-%d %H:%M")]]
          if data.get("computed_at") else []),
        [s[0], _("口径"), _("各指标定义见 docs/figures.md;比率保留两位小数,四舍五入。")],
        [],
        [s[1], _("指标"), _("数值"), _("分子"), _("分母"), _("比率(%)"), _("计量单位")],
    ]
    for c in data["cards"]:
        value = c["percent"] if c["is_rate"] else c["numerator"]
        rows.append([s[1], c["label"], _pct(value) if c["is_rate"] or c["is_amount"] else value,
                     _pct(c["numerator"]) if c["is_amount"] else c["numerator"],
                     c["denominator"] if c["is_rate"] else "", _pct(c["percent"]), c["unit"]])
    rows += [[], [s[2], _("月份"), _("反馈问题"), _("销号任务")]]
    rows += [[s[2], t["month"], t["fed_back"], t["closed"]] for t in data["trend"]]
    rows += [[], [s[3], _("类别"), _("反馈问题"), _("已整改"), _("整改率(%)")]]
    rows += [[s[3], c["category"], c["fed_back"], c["rectified"], _pct(c["rate"])]
             for c in data["by_category"]]
    rows += [[], [s[4], view.place_label, _("名次"), _("反馈问题"), _("已整改"), _("整改率(%)"),
                  _("逾期任务")]]
    rows += [[s[4], r["name"] or "—", r["rank"], r["fed_back"], r["rectified"], _pct(r["rate"]),
              r["overdue"]] for r in data["by_place"]]
    leads = data["leads"]
    rows += [[], [s[5], _("巡察类型"), _("轮次数"), _("线索数"), _("平均每轮线索")]]
    rows += [[s[5], r["label"], r["rounds"], r["leads"], _pct(r["average"])]
             for r in leads["rows"]]
    rows.append([s[5], _("县级巡察平均每轮线索"), _pct(leads["county_average"])])
    rows.append([s[5], _("统合巡察/县级巡察(倍)"), _pct(leads["coordinated_ratio"])])
    ev = data["evaluations"]
    rows += [[], [s[6], _("项目"), _("数值"), _("分子"), _("分母")]]
    rows.append([s[6], _("已出具报告的评估"), ev["count"]])
    rows += [[s[6], _("等次:%(g)s") % {"g": g["label"]}, g["count"]] for g in ev["grade_rows"]]
    rows.append([s[6], _("须二次整改"), ev["second_rectification"]])
    rows.append([s[6], _("评估时整改率(%)"), _pct(ev["before"]), ev["before_rate"].numerator,
                 ev["before_rate"].denominator])
    rows.append([s[6], _("现在整改率(%)"), _pct(ev["after"]), ev["after_rate"].numerator,
                 ev["after_rate"].denominator])
    rows.append([s[6], _("变化(百分点)"), _pct(ev["change"])])
    if cover and cover["mode"] == "county":
        rows += [[], [s[7], _("单位类型"), _("应巡察"), _("已巡察"), _("已安排"), _("未安排"),
                      _("覆盖率(%)")]]
        for r in [*cover["summary"].rows, cover["summary"].total]:
            rows.append([s[7], str(r.label), r.total, r.covered, r.planned, r.not_yet, r.rate])
    elif cover:
        rows += [[], [s[7], _("县(区)"), _("应巡察"), _("已巡察"), _("已安排"), _("未安排"),
                      _("覆盖率(%)")]]
        for r in cover["rows"]:
            rows.append([s[7], r["county"].name, *((r["total"], r["covered"], r["planned"],
                                                    r["not_yet"], r["rate"])
                                                   if r["total"] is not None else ("—",))])
    if timely:
        rows += [[], [s[8], _("县(区)"), _("按时报送"), _("逾期报送"), _("未报送(已过期)"),
                      _("未到期")]]
        for r in timely["rows"]:
            n = {k: sum(1 for c in r["cells"] if c["state"] == k)
                 for k in ("on_time", "late", "missing", "pending")}
            rows.append([s[8], r["county"].name, n["on_time"], n["late"], n["missing"],
                         n["pending"]])
    return rows
