"""Pages of what rectification leaves behind (domain.md step 8): the accountability list (问责清单)
with the "only direct responsibility" warning, institutions built (建章立制) and funds recovered.

Thin: parse the form, call the service, render. Lists come from ``scope.visible``; the services
decide whether a record may be added for a unit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from xuncha.accounts.scope import get_visible, has, permissions_of, require, visible
from xuncha.core.errors import ValidationFailed
from xuncha.findings.models import Problem, ProblemState
from xuncha.inspections.models import InspectionStatus
from xuncha.organisations.forms import unit_options
from xuncha.organisations.selectors import unit_get
from xuncha.outcomes import services
from xuncha.outcomes.forms import AccountabilityForm, FundsForm, InstitutionForm
from xuncha.outcomes.models import (
    AccountabilityRecord,
    FourForms,
    FundsRecovery,
    Institution,
    ResponsibilityKind,
)
from xuncha.web.forms import apply_service_errors, paginate, posted
from xuncha.web.http import AuthedRequest

MANAGE = "outcomes.manage_outcome"
FED_BACK = [InspectionStatus.RECTIFYING, InspectionStatus.EVALUATING, InspectionStatus.ARCHIVED]
MAX_PROBLEMS = 1000


def _status(form: Any) -> int:
    return 422 if form.errors else 200


def _tabs(user: Any, tab: str) -> list[dict[str, Any]]:
    from django.urls import reverse

    perms = permissions_of(user)
    tabs = [("accountability", _("问责清单"), "outcomes:accountability",
             "outcomes.view_accountabilityrecord"),
            ("institutions", _("建章立制"), "outcomes:institutions", "outcomes.view_institution"),
            ("funds", _("资金收回"), "outcomes:funds", "outcomes.view_fundsrecovery")]
    return [{"key": k, "label": label, "url": reverse(name), "active": k == tab}
            for k, label, name, perm in tabs if perm in perms]


def _problem_choices(user: Any) -> list[Any]:
    """Fed-back problems in the user's reach, grouped by unit (optgroups)."""
    qs = (visible(user, Problem).filter(state=ProblemState.ACTIVE,
                                        inspection__status__in=FED_BACK)
          .select_related("unit").order_by("unit__path", "inspection_id", "number"))
    if not has(user, MANAGE):
        return []
    groups: dict[str, list[tuple[str, str]]] = {}
    for p in qs[:MAX_PROBLEMS]:
        groups.setdefault(p.unit.name, []).append((str(p.pk), f"{p.number}. {p.title[:50]}"))
    return list(groups.items())


def _lead_choices(user: Any) -> list[tuple[str, str]]:
    from xuncha.leads.models import Lead

    if "leads.view_lead" not in permissions_of(user):
        return []
    return [(str(lead.pk), _("%(u)s 线索%(n)s") % {"u": lead.unit.name, "n": lead.number})
            for lead in visible(user, Lead).select_related("unit").order_by("-id")[:300]]


def _form_options(user: Any, with_leads: bool) -> dict[str, Any]:
    opts: dict[str, Any] = {"units": unit_options(user, MANAGE, is_active=True),
                            "problems": _problem_choices(user)}
    if with_leads:
        opts["leads"] = _lead_choices(user)
    return opts


def _initial_unit(user: Any) -> dict[str, Any]:
    return {"unit": str(user.unit_id)} if has(user, MANAGE, user.unit) else {}


def _problem(user: Any, pk: int | None) -> Problem | None:
    return get_visible(user, Problem, pk=pk) if pk else None


def _lead(user: Any, pk: int | None) -> Any:
    from xuncha.leads.models import Lead

    return get_visible(user, Lead, pk=pk) if pk else None


# --- the accountability list -----------------------------------------------------------------------

@login_required
def accountability(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, "outcomes.view_accountabilityrecord")
    qs = visible(user, AccountabilityRecord).select_related("unit", "problem", "lead")
    resp = request.GET.get("responsibility", "")
    form = request.GET.get("form", "")
    if resp in ResponsibilityKind.values:
        qs = qs.filter(responsibility=resp)
    if form in FourForms.values:
        qs = qs.filter(form=form)
    all_rows = visible(user, AccountabilityRecord)
    by_kind = dict(all_rows.values_list("responsibility").annotate(n=Count("id")))
    by_form = dict(all_rows.values_list("form").annotate(n=Count("id")))
    warnings = services.accountability_warnings(
        visible(user, Problem).filter(names_people=True, accountability__isnull=False).distinct()
        .order_by("unit__path", "number"))
    for w in warnings:
        w["problem_obj"] = visible(user, Problem).select_related("unit").filter(
            pk=w["problem"]).first()
    return render(request, "outcomes/accountability.html", {
        "tabs": _tabs(user, "accountability"), "page": paginate(request, qs),
        "warnings": warnings, "can_add": has(user, MANAGE),
        "kinds": [(k, label, by_kind.get(k, 0)) for k, label in ResponsibilityKind.choices],
        "forms": [(k, label, by_form.get(k, 0)) for k, label in FourForms.choices],
        "resp": resp, "form_filter": form,
    })


@login_required
def accountability_add(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, MANAGE)
    form = AccountabilityForm(posted(request), initial=_initial_unit(user),
                              **_form_options(user, with_leads=True))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = unit_get(user=user, unit_id=form.unit_id() or -1)
            rec = services.accountability_add(
                actor=user, unit=unit, person_name=data["person_name"], post=data["post"],
                responsibility=data["responsibility"], form=data["form"],
                measure=data["measure"], decided_on=data["decided_on"],
                deciding_body=data["deciding_body"], problem=_problem(user, form.problem_id()),
                lead=_lead(user, form.lead_id()), is_organisation=data["is_organisation"])
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已登记问责:%(p)s。") % {"p": rec.person_name})
            return redirect("outcomes:accountability")
    return render(request, "outcomes/form.html", {
        "tabs": _tabs(user, "accountability"), "form": form, "title": _("登记问责"),
        "back": "outcomes:accountability", "kind": "accountability",
    }, status=_status(form))


# --- institutions -----------------------------------------------------------------------------------

@login_required
def institutions(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, "outcomes.view_institution")
    qs = visible(user, Institution).select_related("unit").prefetch_related("problems")
    q = request.GET.get("q", "").strip()[:60]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(document_number__icontains=q))
    return render(request, "outcomes/institutions.html", {
        "tabs": _tabs(user, "institutions"), "page": paginate(request, qs), "q": q,
        "total": visible(user, Institution).count(), "can_add": has(user, MANAGE),
    })


@login_required
def institution_add(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, MANAGE)
    form = InstitutionForm(posted(request), initial=_initial_unit(user),
                           **_form_options(user, with_leads=False))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = unit_get(user=user, unit_id=form.unit_id() or -1)
            problems = [get_visible(user, Problem.objects.select_related("unit"), pk=i)
                        for i in form.problem_ids()]
            inst = services.institution_add(actor=user, unit=unit, name=data["name"],
                                            issued_on=data["issued_on"], problems=problems,
                                            document_number=data["document_number"])
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已登记制度“%(n)s”。") % {"n": inst.name})
            return redirect("outcomes:institutions")
    return render(request, "outcomes/form.html", {
        "tabs": _tabs(user, "institutions"), "form": form, "title": _("登记建章立制"),
        "back": "outcomes:institutions", "kind": "institution",
    }, status=_status(form))


# --- funds ------------------------------------------------------------------------------------------

@login_required
def funds(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, "outcomes.view_fundsrecovery")
    qs = visible(user, FundsRecovery).select_related("unit", "problem", "lead")
    totals = dict(visible(user, FundsRecovery).values_list("kind").annotate(s=Sum("amount")))
    kinds = list(FundsRecovery._meta.get_field("kind").choices or [])
    return render(request, "outcomes/funds.html", {
        "tabs": _tabs(user, "funds"), "page": paginate(request, qs),
        "totals": [(label, totals.get(k) or Decimal("0")) for k, label in kinds],
        "grand_total": sum(totals.values(), Decimal("0")), "can_add": has(user, MANAGE),
    })


@login_required
def funds_add(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, MANAGE)
    form = FundsForm(posted(request), initial=_initial_unit(user),
                     **_form_options(user, with_leads=True))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = unit_get(user=user, unit_id=form.unit_id() or -1)
            f = services.funds_add(actor=user, unit=unit, amount=data["amount"],
                                   payer_or_payee=data["payer_or_payee"],
                                   recorded_on=data["recorded_on"], kind=data["kind"],
                                   problem=_problem(user, form.problem_id()),
                                   lead=_lead(user, form.lead_id()))
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已登记资金 %(a)s 元。") % {"a": f.amount})
            return redirect("outcomes:funds")
    return render(request, "outcomes/form.html", {
        "tabs": _tabs(user, "funds"), "form": form, "title": _("登记资金收回"),
        "back": "outcomes:funds", "kind": "funds",
    }, status=_status(form))
