"""The figures leaders see, each defined once (docs/figures.md), each traceable to its items.

A figure names the model it counts, the rule that picks its numerator and, for a rate, its
denominator. ``compute`` evaluates every figure for a user's scope and filters; ``items`` returns
exactly the rows behind one figure (numerator or denominator) with the same scope and filters, so
every number on a page can link to the list of what it counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
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


def base(user: User, model: type, f: Filters) -> QuerySet[Any]:
    """The rows of ``model`` the user may see, narrowed by the filters."""
    p = _paths()[model]
    qs = visible(user, model)
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
    if f.date_from is not None:
        qs = qs.filter(**{f"{p.when}__gte": f.date_from})
    if f.date_to is not None:
        qs = qs.filter(**{f"{p.when}__lte": f.date_to})
    return qs


@dataclass(frozen=True)
class FigureDef:
    key: str
    label: str
    model_name: str
    numerator: Callable[[QuerySet[Any]], QuerySet[Any]]
    denominator: Callable[[QuerySet[Any]], QuerySet[Any]] | None = None
    unit: str = "个"
    amount_field: str = ""  # a sum instead of a count (funds)
    definition: str = ""

    @property
    def model(self) -> type:
        from django.apps import apps

        return apps.get_model(self.model_name)


def _all(qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs


def _overdue(qs: QuerySet[Any]) -> QuerySet[Any]:
    return figures.overdue(qs, timezone.localdate())


FIGURES: tuple[FigureDef, ...] = (
    FigureDef("problems_found", _("发现问题"), "findings.Problem",
              lambda qs: qs.filter(state="active"),
              definition="巡察登记的有效问题(不含已撤销、已转为线索的问题)。"),
    FigureDef("problems_fed_back", _("反馈问题"), "findings.Problem", figures.fed_back,
              definition="反馈清单三方签字后进入整改的问题。"),
    FigureDef("problems_rectified", _("已整改问题"), "findings.Problem", figures.rectified,
              definition="反馈问题中全部整改任务经巡察办核验销号的问题。"),
    FigureDef("rectification_rate", _("整改率"), "findings.Problem", figures.rectified,
              figures.fed_back, unit="%", definition="已整改问题 / 反馈问题。"),
    FigureDef("tasks_overdue", _("逾期任务"), "rectification.RectificationTask", _overdue,
              definition="完成时限早于今天且未销号的整改任务。"),
    FigureDef("on_time_rate", _("按期销号率"), "rectification.RectificationTask",
              figures.closed_on_time, figures.closed, unit="%",
              definition="在完成时限内销号的任务 / 已销号任务。"),
    FigureDef("leads_registered", _("发现线索"), "leads.Lead", _all,
              definition="巡察登记的问题线索。"),
    FigureDef("leads_transferred", _("移交线索"), "leads.Lead", figures.leads_transferred,
              definition="已移交接收单位的线索。"),
    FigureDef("case_rate", _("成案率"), "leads.Lead", figures.leads_filed_as_case,
              figures.leads_concluded, unit="%",
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


def compute_one(user: User, fig: FigureDef, f: Filters) -> dict[str, Any]:
    qs = base(user, fig.model, f)
    numerator = _value(fig, fig.numerator(qs))
    out: dict[str, Any] = {"key": fig.key, "label": str(fig.label), "unit": fig.unit,
                           "numerator": numerator, "denominator": None, "percent": None,
                           "definition": fig.definition}
    if fig.denominator is not None:
        rate = figures.Rate(int(numerator), fig.denominator(qs).count())
        out["denominator"] = rate.denominator
        out["percent"] = rate.percent
    return out


def compute(user: User, f: Filters, keys: list[str] | None = None) -> dict[str, dict[str, Any]]:
    return {fig.key: compute_one(user, fig, f) for fig in FIGURES
            if keys is None or fig.key in keys}


def items(user: User, key: str, f: Filters, part: str = "numerator") -> QuerySet[Any]:
    """Exactly the rows a figure counts: its numerator, or its denominator for a rate."""
    fig = BY_KEY[key]
    qs = base(user, fig.model, f)
    if part == "denominator":
        if fig.denominator is None:
            raise KeyError(part)
        return fig.denominator(qs)
    return fig.numerator(qs)
