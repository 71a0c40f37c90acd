"""The figures leaders see, each defined once (docs/figures.md), each traceable to its items.

A figure names the model it counts, the rule that picks its numerator and, for a rate, its
denominator. ``compute`` evaluates every figure for a user's scope and filters; ``items`` returns
exactly the rows behind one figure (numerator or denominator) with the same scope and filters, so
every number on a page can link to the list of what it counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.scope import visible
from xuncha.core.tree import subtree_q
from xuncha.dashboards import figures

if TYPE_CHECKING:
    from xuncha.accounts.models import User


@dataclass(frozen=True)
class Filters:
    under_id: int | None = None  # a unit subtree (county, township …)
    term_id: int | None = None
    round_id: int | None = None
    round_kind: str = ""
    team_id: int | None = None
    unit_kind: str = ""
    category_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_query(cls, params: Any) -> Filters:
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = params.get(f.name)
            if raw in (None, ""):
                continue
            if f.name.endswith("_id"):
                try:
                    values[f.name] = int(raw)
                except ValueError:
                    continue
            elif f.name.startswith("date_"):
                try:
                    values[f.name] = date.fromisoformat(raw)
                except ValueError:
                    continue
            else:
                values[f.name] = str(raw)
        return cls(**values)

    def as_query(self) -> dict[str, str]:
        return {f.name: str(getattr(self, f.name)) for f in fields(self)
                if getattr(self, f.name) not in (None, "")}


@dataclass(frozen=True)
class Paths:
    """How a model reaches the things the filters name."""

    unit: str
    inspection: str | None
    category: str | None
    when: str


def _paths() -> dict[type, Paths]:
    from xuncha.evaluation.models import Evaluation
    from xuncha.findings.models import Problem, Recommendation
    from xuncha.leads.models import Lead
    from xuncha.outcomes.models import AccountabilityRecord, FundsRecovery, Institution
    from xuncha.rectification.models import RectificationTask

    return {
        Problem: Paths("unit", "inspection", "category", "created_at"),
        RectificationTask: Paths("unit", "plan__inspection", "problem__category", "deadline"),
        Lead: Paths("unit", "inspection", "category", "created_at"),
        Recommendation: Paths("inspection__unit", "inspection", None, "created_at"),
        Institution: Paths("unit", None, None, "issued_on"),
        FundsRecovery: Paths("unit", None, None, "recorded_on"),
        AccountabilityRecord: Paths("unit", None, None, "decided_on"),
        Evaluation: Paths("unit", "inspection", None, "visit_date"),
    }


def population(model: type) -> QuerySet[Any]:
    """Every row a figure of ``model`` may count, before scope and filters: the ledger's tasks
    are those of approved plans (a draft plan's tasks are not yet commitments)."""
    from xuncha.rectification.models import PlanStatus, RectificationTask

    qs = model._default_manager.all()
    if model is RectificationTask:
        qs = qs.filter(plan__status=PlanStatus.APPROVED)
    return qs


def scoped(user: User, model: type) -> QuerySet[Any]:
    """The population of ``model`` the user may count. Leads are counted by those who may read
    them and, without reading them, by the roles that see lead counts (leads.view_lead_counts:
    leadership, the office, the city office) over their counts scope."""
    from xuncha.leads.models import Lead

    if model is Lead:
        from xuncha.leads.counts import countable_q

        return population(model).filter(countable_q(user))
    return visible(user, population(model))


def base(user: User, model: type, f: Filters) -> QuerySet[Any]:
    """The rows of ``model`` the user may count, narrowed by the filters."""
    p = _paths()[model]
    qs = scoped(user, model)
    if f.under_id is not None:
        from xuncha.organisations.models import Unit

        root = visible(user, Unit).filter(pk=f.under_id).first()
        qs = qs.filter(subtree_q(root.path, f"{p.unit}__path")) if root else qs.none()
    if f.unit_kind:
        qs = qs.filter(**{f"{p.unit}__kind": f.unit_kind})
    insp = p.inspection
    if insp:
        if f.term_id is not None:
            qs = qs.filter(**{f"{insp}__round__term_id": f.term_id})
        if f.round_id is not None:
            qs = qs.filter(**{f"{insp}__round_id": f.round_id})
        if f.round_kind:
            qs = qs.filter(**{f"{insp}__round__kind": f.round_kind})
        if f.team_id is not None:
            qs = qs.filter(**{f"{insp}__team_id": f.team_id})
    elif any((f.term_id, f.round_id, f.round_kind, f.team_id)):
        # Outcomes hang on problems, which hang on inspections.
        if hasattr(model, "problems") or model.__name__ == "Institution":
            key = "problems__inspection"
        else:
            key = "problem__inspection"
        q = Q()
        if f.term_id is not None:
            q &= Q(**{f"{key}__round__term_id": f.term_id})
        if f.round_id is not None:
            q &= Q(**{f"{key}__round_id": f.round_id})
        if f.round_kind:
            q &= Q(**{f"{key}__round__kind": f.round_kind})
        if f.team_id is not None:
            q &= Q(**{f"{key}__team_id": f.team_id})
        qs = qs.filter(q).distinct()
    if f.category_id is not None and p.category:
        qs = qs.filter(Q(**{f"{p.category}_id": f.category_id})
                       | Q(**{f"{p.category}__parent_id": f.category_id}))
    if f.date_from is not None or f.date_to is not None:
        qs = qs.filter(_period_q(model, p.when, f.date_from, f.date_to))
    return qs


def _period_q(model: type, when: str, start: date | None, end: date | None) -> Q:
    """Rows whose ``when`` falls on local calendar days start..end (inclusive). A datetime column
    is compared with local midnights, so the condition stays an index range (``__date`` would be
    a function call per row)."""
    from django.db.models import DateTimeField
    from django.utils import timezone

    is_datetime = isinstance(model._meta.get_field(when), DateTimeField)
    q = Q()
    if start is not None:
        lo: date | datetime = (timezone.make_aware(datetime.combine(start, time.min))
                               if is_datetime else start)
        q &= Q(**{f"{when}__gte": lo})
    if end is not None:
        if is_datetime:
            q &= Q(**{f"{when}__lt": timezone.make_aware(datetime.combine(end + timedelta(days=1),
                                                                          time.min))})
        else:
            q &= Q(**{f"{when}__lte": end})
    return q


Rule = Callable[[], Q]


@dataclass(frozen=True)
class FigureDef:
    key: str
    label: str
    model_name: str
    numerator: Callable[[QuerySet[Any]], QuerySet[Any]] | None = None
    denominator: Callable[[QuerySet[Any]], QuerySet[Any]] | None = None
    unit: str = "个"
    amount_field: str = ""  # a sum instead of a count (funds)
    definition: str = ""
    # A figure whose rule is a condition names it here: ``compute`` then counts it together with
    # the other figures of its model in one query, and ``numerator``/``denominator`` filter by it.
    numerator_rule: Rule | None = None
    denominator_rule: Rule | None = None

    def __post_init__(self) -> None:
        for part in ("numerator", "denominator"):
            rule = getattr(self, f"{part}_rule")
            if rule is not None and getattr(self, part) is None:
                object.__setattr__(self, part, _filter_by(rule))
        if self.numerator is None:
            raise TypeError(f"figure {self.key} has no numerator")

    @property
    def model(self) -> type:
        from django.apps import apps

        return apps.get_model(self.model_name)

    @property
    def countable(self) -> bool:
        """Counted by its rules alone (no sum, no queryset-only numerator)."""
        return (not self.amount_field and self.numerator_rule is not None
                and (self.denominator is None or self.denominator_rule is not None))


def _filter_by(rule: Rule) -> Callable[[QuerySet[Any]], QuerySet[Any]]:
    def apply(qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs.filter(rule())

    return apply


def _all(qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs


FIGURES: tuple[FigureDef, ...] = (
    FigureDef("problems_found", _("发现问题"), "findings.Problem",
              numerator_rule=figures.found_q,
              definition="巡察登记的有效问题(不含已撤销、已转为线索的问题)。"),
    FigureDef("problems_fed_back", _("反馈问题"), "findings.Problem",
              numerator_rule=figures.fed_back_q,
              definition="反馈清单三方签字后进入整改的问题。"),
    FigureDef("problems_rectified", _("已整改问题"), "findings.Problem",
              numerator_rule=figures.rectified_q,
              definition="反馈问题中全部整改任务经巡察办核验销号的问题。"),
    FigureDef("rectification_rate", _("整改率"), "findings.Problem",
              numerator_rule=figures.rectified_q, denominator_rule=figures.fed_back_q, unit="%",
              definition="已整改问题 / 反馈问题。"),
    FigureDef("tasks_overdue", _("逾期任务"), "rectification.RectificationTask",
              numerator_rule=figures.overdue_q,
              definition="完成时限早于今天且未销号的整改任务。"),
    FigureDef("on_time_rate", _("按期销号率"), "rectification.RectificationTask",
              numerator_rule=figures.closed_on_time_q, denominator_rule=figures.closed_q,
              unit="%", definition="在完成时限内销号的任务 / 已销号任务。"),
    FigureDef("leads_registered", _("发现线索"), "leads.Lead", numerator_rule=figures.leads_all_q,
              definition="巡察登记的问题线索。"),
    FigureDef("leads_transferred", _("移交线索"), "leads.Lead",
              numerator_rule=figures.leads_transferred_q, definition="已移交接收单位的线索。"),
    FigureDef("case_rate", _("成案率"), "leads.Lead", numerator_rule=figures.leads_filed_as_case_q,
              denominator_rule=figures.leads_concluded_q, unit="%",
              definition="已办结线索中立案审查调查的 / 已办结(含予以了结)的线索。"),
    FigureDef("recommendations", _("专项治理建议"), "findings.Recommendation", _all,
              definition="向职能部门提出的专项治理建议。"),
    FigureDef("institutions", _("建章立制"), "outcomes.Institution", _all, unit="项",
              definition="针对巡察问题制定或修订的制度。"),
    FigureDef("funds_recovered", _("收回资金"), "outcomes.FundsRecovery", _all, unit="元",
              amount_field="amount", definition="收回、清退和挽回损失的资金合计(元)。"),
    FigureDef("people_held_accountable", _("问责人数"), "outcomes.AccountabilityRecord",
              lambda qs: qs.filter(is_organisation=False), unit="人",
              definition="问责清单中的个人(不含党组织)。"),
    FigureDef("evaluations", _("评估单位"), "evaluation.Evaluation",
              lambda qs: qs.filter(status="reported"), definition="已出具评估报告的评估。"),
)
BY_KEY = {f.key: f for f in FIGURES}


def _value(fig: FigureDef, qs: QuerySet[Any]) -> Decimal | int:
    if fig.amount_field:
        return qs.aggregate(s=Sum(fig.amount_field))["s"] or Decimal("0")
    return qs.count()


def _result(fig: FigureDef, numerator: Decimal | int, denominator: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {"key": fig.key, "label": str(fig.label), "unit": fig.unit,
                           "numerator": numerator, "denominator": None, "percent": None,
                           "definition": fig.definition}
    if fig.denominator is not None:
        rate = figures.Rate(int(numerator), int(denominator or 0))
        out["denominator"] = rate.denominator
        out["percent"] = rate.percent
    return out


def compute_one(user: User, fig: FigureDef, f: Filters) -> dict[str, Any]:
    qs = base(user, fig.model, f)
    numerator = _value(fig, fig.numerator(qs))  # type: ignore[misc]
    denominator = fig.denominator(qs).count() if fig.denominator is not None else None
    return _result(fig, numerator, denominator)


# --- Counting many figures at once ----------------------------------------------------------------
# A dashboard shows the key figures, the breakdown by category and the ranking by place. Counted
# one figure at a time, each is a pass over the same problems (fed back four times, rectified four
# times); instead the rules are counted together — COUNT(…) FILTER (WHERE rule), one column per
# rule — and grouped once by category and place. ``Tally`` holds those grouped counts for one
# page: compute(), by_category() and by_place() share it when the page passes the same one.

PROBLEM_RULES: dict[str, Rule] = {"found": figures.found_q, "fed_back": figures.fed_back_q,
                                  "rectified": figures.rectified_q}
TASK_RULES: dict[str, Rule] = {"overdue": figures.overdue_q, "closed": figures.closed_q,
                               "on_time": figures.closed_on_time_q}
PLACE_FIELDS = {"unit": "unit_id", "county": "county_id"}


def count_rules(qs: QuerySet[Any], rules: dict[str, Rule], group_by: tuple[str, ...] = ()
                ) -> list[tuple[Any, ...]]:
    """One row per group (one row in all without ``group_by``): the group's values, then a count
    per rule in the order of ``rules``."""
    counts = {name: Count("pk", filter=rule()) for name, rule in rules.items()}
    if group_by:
        return list(qs.order_by().values(*group_by).annotate(**counts)
                    .values_list(*group_by, *counts))
    row = qs.order_by().aggregate(**counts)
    return [tuple(row[name] for name in counts)]


class Tally:
    """The grouped counts of one page, each counted once with every rule, in the user's scope
    and the page's filters: problems by (place and) top-level category, tasks by place.

    ``group`` is the place of the ranking (``"unit"`` or ``"county"``) or None when the page
    shows no ranking. Rows are tuples: problems ``(place, top_category_id, found, fed_back,
    rectified)``, tasks ``(place, overdue)`` — place None without a group.
    """

    def __init__(self, user: User, f: Filters, group: str | None = None, use_summary: bool = True):
        if group is not None and group not in PLACE_FIELDS:
            raise ValueError(group)
        self.user, self.f, self.group = user, f, group
        self._problems: list[tuple[Any, ...]] | None = None
        self._tasks: list[tuple[Any, ...]] | None = None
        self._closed = (0, 0)
        # Above county level the counts may come from the worker's summary (dashboards.summary);
        # then this is when they were counted, else None (counted now).
        self.computed_at: datetime | None = None
        # The monthly trend (fed back, closed by 'YYYY-MM'), when the summary holds it.
        self.trend: tuple[dict[str, int], dict[str, int]] | None = None
        if use_summary and group == "county":
            from xuncha.dashboards import summary

            counted = summary.read(user, f, group)
            if counted is not None:
                self._problems, self._tasks = counted.problems, counted.tasks
                self._closed = (counted.closed, counted.on_time)
                self.computed_at = counted.computed_at
                self.trend = counted.trend

    @property
    def place(self) -> str | None:
        return PLACE_FIELDS[self.group] if self.group else None

    def problems(self) -> list[tuple[Any, ...]]:
        if self._problems is None:
            from xuncha.findings.models import Problem

            # By top-level category (a problem filed under a top-level category is its own
            # group): a handful of groups per place rather than every subcategory.
            keys = ((self.place,) if self.place else ()) + ("top_category",)
            qs = base(self.user, Problem, self.f).annotate(
                top_category=Coalesce("category__parent_id", "category_id"))
            rows = count_rules(qs, PROBLEM_RULES, keys)
            self._problems = rows if self.place else [(None, *r) for r in rows]
        return self._problems

    def tasks(self) -> list[tuple[Any, ...]]:
        """Rows of ``(place, overdue)`` with a group, else one row ``(None, overdue)``."""
        self._count_tasks()
        return self._tasks  # type: ignore[return-value]

    def _count_tasks(self) -> None:
        if self._tasks is not None:
            return
        from xuncha.rectification.models import RectificationTask

        qs = base(self.user, RectificationTask, self.f)
        if not self.place:
            overdue, closed, on_time = count_rules(qs, TASK_RULES)[0]
            self._tasks = [(None, overdue)]
        else:
            # Only "overdue" is shown by place: the open tasks are grouped (an index range) and
            # the closed ones counted once — half the work of grouping every task.
            closed, on_time = count_rules(qs, {k: v for k, v in TASK_RULES.items()
                                               if k != "overdue"})[0]
            self._tasks = list(qs.filter(figures.overdue_q()).order_by().values(self.place)
                               .annotate(n=Count("pk")).values_list(self.place, "n"))
        self._closed = (closed or 0, on_time or 0)

    def totals(self, model: type) -> dict[str, int]:
        from xuncha.findings.models import Problem

        if model is Problem:
            rows = self.problems()
            return {name: sum(r[2 + i] or 0 for r in rows)
                    for i, name in enumerate(PROBLEM_RULES)}
        self._count_tasks()
        closed, on_time = self._closed
        return {"overdue": sum(r[1] or 0 for r in self.tasks()), "closed": closed,
                "on_time": on_time}

    def rule_names(self, model: type) -> dict[Rule, str]:
        from xuncha.findings.models import Problem
        from xuncha.rectification.models import RectificationTask

        if model is Problem:
            return {rule: name for name, rule in PROBLEM_RULES.items()}
        if model is RectificationTask:
            return {rule: name for name, rule in TASK_RULES.items()}
        return {}


def compute(user: User, f: Filters, keys: list[str] | None = None,
            tally: Tally | None = None) -> dict[str, dict[str, Any]]:
    """Every figure (or those in ``keys``) for the user's scope and the filters.

    Figures counted by rules are counted together: the problem and task figures from the
    ``tally`` (the page's, or one made here), the others in one query per model.
    """
    wanted = [fig for fig in FIGURES if keys is None or fig.key in keys]
    tally = tally or Tally(user, f)
    counted: dict[str, tuple[Decimal | int, int | None]] = {}
    by_model: dict[type, list[FigureDef]] = {}
    for fig in wanted:
        if fig.countable:
            by_model.setdefault(fig.model, []).append(fig)
    for model, figs in by_model.items():
        rules = [r for fig in figs for r in (fig.numerator_rule, fig.denominator_rule) if r]
        names = tally.rule_names(model)
        if all(r in names for r in rules):
            totals = tally.totals(model)
            values = {r: totals[names[r]] for r in rules}
        else:
            qs = base(user, model, f)
            if qs.query.distinct or qs.query.combinator:
                continue  # counted one at a time below
            own = list(dict.fromkeys(rules))
            row = count_rules(qs, {f"r{i}": r for i, r in enumerate(own)})[0]
            values = {r: row[own.index(r)] or 0 for r in rules}
        for fig in figs:
            den = values[fig.denominator_rule] if fig.denominator_rule else None
            counted[fig.key] = (values[fig.numerator_rule], den)  # type: ignore[index]
    out: dict[str, dict[str, Any]] = {}
    for fig in wanted:
        if fig.key in counted:
            out[fig.key] = _result(fig, *counted[fig.key])
        else:
            out[fig.key] = compute_one(user, fig, f)
    return out


def items(user: User, key: str, f: Filters, part: str = "numerator") -> QuerySet[Any]:
    """Exactly the rows a figure counts: its numerator, or its denominator for a rate."""
    fig = BY_KEY[key]
    qs = base(user, fig.model, f)
    if part == "denominator":
        if fig.denominator is None:
            raise KeyError(part)
        return fig.denominator(qs)
    return fig.numerator(qs)  # type: ignore[misc]
