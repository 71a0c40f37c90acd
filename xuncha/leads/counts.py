"""Lead figures for roles that see counts only (leads.view_lead_counts): leadership, the office,
the city office, the discipline commission.

The rows counted are the leads whose unit the user's *counts* scope covers
(``scope_for(user, "leads.view_lead_counts").unit_q("unit", "county")``), not the leads the user may read:
a secretary sees how many leads the county produced without any of them being readable to her.
Nothing here touches an encrypted column — only stages, dates, flags and the tree — so no read is
audited. Every figure uses the one definition in ``xuncha.dashboards.figures``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts import scope
from xuncha.dashboards import figures
from xuncha.dashboards.registry import Filters
from xuncha.leads.models import CONCLUDED_STAGES, Escalation, Lead, LeadStage

if TYPE_CHECKING:
    from xuncha.accounts.models import User

PERM = "leads.view_lead_counts"


def countable_q(user: User) -> Q:
    """The leads the dashboard counts for ``user``: those they may read (the scope check) and,
    for the roles that see counts, those under their counts scope. Either way only numbers,
    units and stages are shown (dashboards.views_data), and listing them is audited."""
    readable = scope.visibility_q(user, Lead)
    if PERM not in scope.permissions_of(user):
        return readable
    counts = scope.scope_for(user, PERM)
    if counts.everything or readable == Q():
        return Q()
    q = counts.unit_q("unit", "county")
    return q | Q(pk__in=Lead.objects.filter(readable).values("pk"))


def counted_leads(user: User, f: Filters | None = None) -> QuerySet[Lead]:
    """The leads the user may count (never read), narrowed by the page's filters."""
    if PERM not in scope.permissions_of(user):
        return Lead.objects.none()
    qs = Lead.objects.filter(scope.scope_for(user, PERM).unit_q("unit", "county"))
    return apply_filters(qs, f or Filters())


def apply_filters(qs: QuerySet[Lead], f: Filters) -> QuerySet[Lead]:
    """The dashboard filters (registry.Filters), on leads."""
    if f.term_id is not None:
        qs = qs.filter(inspection__round__term_id=f.term_id)
    if f.round_id is not None:
        qs = qs.filter(inspection__round_id=f.round_id)
    if f.round_kind:
        qs = qs.filter(inspection__round__kind=f.round_kind)
    if f.team_id is not None:
        qs = qs.filter(inspection__team_id=f.team_id)
    if f.unit_kind:
        qs = qs.filter(unit__kind=f.unit_kind)
    if f.category_id is not None:
        qs = qs.filter(Q(category_id=f.category_id) | Q(category__parent_id=f.category_id))
    if f.date_from is not None:
        qs = qs.filter(created_at__date__gte=f.date_from)
    if f.date_to is not None:
        qs = qs.filter(created_at__date__lte=f.date_to)
    return qs


def overdue_q(today: Any = None) -> Q:
    """快查快处 leads past their deadline and not concluded (Lead.is_overdue, as a condition)."""
    return (Q(fast_track=True, fast_track_deadline__lt=today or timezone.localdate())
            & ~Q(stage__in=CONCLUDED_STAGES))


@dataclass
class Breakdown:
    """Counts per group: registered, transferred, concluded, filed as a case."""

    title: str
    rows: list[dict[str, Any]] = field(default_factory=list)


def _grouped(qs: QuerySet[Lead], key: str) -> dict[Any, int]:
    return dict(qs.order_by().values_list(key).annotate(n=Count("id")).values_list(key, "n"))


def breakdown(qs: QuerySet[Lead], title: str, key: str,
              labels: Mapping[Any, Any] | None = None) -> Breakdown:
    """``labels`` names the groups; without it the group value is its own name."""
    parts = {
        "registered": _grouped(qs, key),
        "transferred": _grouped(figures.leads_transferred(qs), key),
        "concluded": _grouped(figures.leads_concluded(qs), key),
        "cases": _grouped(figures.leads_filed_as_case(qs), key),
    }
    rows = []
    for k, n in sorted(parts["registered"].items(), key=lambda kv: (-kv[1], str(kv[0]))):
        rate = figures.Rate(parts["cases"].get(k, 0), parts["concluded"].get(k, 0))
        label = labels.get(k) if labels is not None else k
        rows.append({"key": k, "label": label or _("未分类"), "registered": n,
                     "transferred": parts["transferred"].get(k, 0),
                     "concluded": rate.denominator, "cases": rate.numerator,
                     "case_rate": rate.percent})
    return Breakdown(title, rows)


def per_round(user: User, qs: QuerySet[Lead], f: Filters) -> dict[str, Any]:
    """Average leads per round held, by round kind, and the coordinated/county ratio (昆明 3.4×).

    Rounds held are the rounds with an inspection the user's scope shows, plus the rounds the
    counted leads came from."""
    from xuncha.inspections.models import Inspection, Round, RoundKind

    insp = scope.visible(user, Inspection)
    if f.term_id is not None:
        insp = insp.filter(round__term_id=f.term_id)
    if f.round_kind:
        insp = insp.filter(round__kind=f.round_kind)
    round_ids = set(insp.values_list("round_id", flat=True)) | set(
        qs.values_list("inspection__round_id", flat=True))
    per: dict[str, dict[str, Any]] = figures.leads_per_round(
        qs, Round.objects.filter(pk__in=round_ids))
    coordinated = per.get(RoundKind.COORDINATED, {}).get("average")
    county = [v for k, v in per.items() if k != RoundKind.COORDINATED]
    county_leads = sum(int(v["leads"]) for v in county)
    county_rounds = sum(int(v["rounds"]) for v in county)
    county_avg = (Decimal(county_leads) / county_rounds).quantize(Decimal("0.01")) \
        if county_rounds else None
    ratio = (Decimal(str(coordinated)) / county_avg).quantize(Decimal("0.1")) \
        if coordinated and county_avg else None
    kinds = dict(RoundKind.choices)
    rows = [{"kind": k, "label": kinds.get(k, k), **v}
            for k, v in sorted(per.items(), key=lambda kv: list(kinds).index(kv[0])
                               if kv[0] in kinds else 99)]
    return {"rows": rows, "county_average": county_avg, "coordinated_average": coordinated,
            "ratio": ratio}


def lead_figures(user: User, f: Filters) -> dict[str, Any]:
    from xuncha.inspections.models import RoundKind
    from xuncha.organisations.models import UnitKind
    from xuncha.outcomes.models import FundsRecovery

    qs = counted_leads(user, f)
    today = timezone.localdate()
    stage_counts = _grouped(qs, "stage")
    stages: list[dict[str, Any]] = [{"stage": s.value, "label": s.label, "n": stage_counts.get(s.value, 0)}
              for s in LeadStage]
    funds = None
    if "outcomes.view_fundsrecovery" in scope.permissions_of(user):
        agg = FundsRecovery.objects.filter(lead__in=qs).aggregate(
            amount=Sum("amount"), leads=Count("lead", distinct=True))
        funds = {"amount": agg["amount"] or Decimal("0"), "leads": agg["leads"]}
    return {
        "registered": qs.count(),
        "transferred": figures.leads_transferred(qs).count(),
        "concluded": figures.leads_concluded(qs).count(),
        "case_rate": figures.case_rate(qs),
        "average_days": figures.average_days_to_conclusion(qs),
        "overdue": qs.filter(overdue_q(today)).count(),
        "priority": figures.leads_transferred(qs).filter(priority=True).count(),
        "fast_track": figures.leads_transferred(qs).filter(fast_track=True).count(),
        "escalated_county": qs.filter(escalation=Escalation.COUNTY).count(),
        "escalated_city": qs.filter(escalation=Escalation.CITY).count(),
        "stages": stages,
        "stage_max": max([s["n"] for s in stages] or [0]),
        "funds": funds,
        "breakdowns": [
            breakdown(qs, _("按巡察类型"), "inspection__round__kind", dict(RoundKind.choices)),
            breakdown(qs, _("按巡察组"), "inspection__team_id", _team_labels(qs)),
            breakdown(qs, _("按被巡察单位类型"), "unit__kind", dict(UnitKind.choices)),
            breakdown(qs.annotate(top_category=Coalesce("category__parent__name",
                                                        "category__name")),
                      _("按问题类别"), "top_category"),
        ],
        "per_round": per_round(user, qs, f),
    }


def _team_labels(qs: QuerySet[Lead]) -> dict[Any, str]:
    rows = qs.values_list("inspection__team_id", "inspection__round__term__name",
                          "inspection__round__number", "inspection__team__name").distinct()
    return {tid: _("%(term)s第%(n)s轮 %(team)s") % {"term": term, "n": n, "team": team}
            for tid, term, n, team in rows}
