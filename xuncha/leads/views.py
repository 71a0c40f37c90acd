"""Pages of problem leads (问题线索). Confidential: every page that shows a lead's content reads it
through ``lead_list`` / ``lead_get``, which check the scope and write the audit row; the pages are
never cached. Roles that do not see leads get no link to these pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from xuncha.accounts.scope import get_visible, has, permissions_of, visible
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.findings.forms import category_groups
from xuncha.findings.models import Problem, ProblemCategory
from xuncha.findings.views import can_convert
from xuncha.inspections.models import Inspection, InspectionStatus
from xuncha.inspections.selectors import inspection_get
from xuncha.inspections.services import is_team_member
from xuncha.inspections.views import can_see_leads, inspection_shell
from xuncha.leads import selectors, services
from xuncha.leads.forms import (
    ConvertForm,
    LeadForm,
    LeadSearchForm,
    PersonFormSet,
    apply_person_errors,
    persons_of,
)
from xuncha.web.forms import PAGE_SIZE, posted
from xuncha.web.http import AuthedRequest

LEAD_PERMS = {"leads.view_lead", "leads.manage_lead"}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def can_register(user: Any, inspection: Inspection) -> bool:
    """The team leader of the inspection, or the office director over the unit, while it runs."""
    if inspection.status in (InspectionStatus.PREPARING, InspectionStatus.ARCHIVED):
        return False
    if is_team_member(user, inspection, leader=True) and "leads.manage_lead" in permissions_of(user):
        return True
    return has(user, "leads.manage_lead", inspection.unit)


@login_required
@never_cache
def lead_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not LEAD_PERMS & permissions_of(user):
        raise PermissionDenied(_("您的角色无权执行此操作。"))
    form = LeadSearchForm(request.GET or None)
    name = form.cleaned_data["person_name"].strip() if form.is_valid() else ""
    inspection_id = _int(request.GET.get("inspection"))
    leads = selectors.lead_list(user=user, inspection_id=inspection_id, person_name=name,
                                request=request)
    page = Paginator(leads, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "leads/lead_list.html", {
        "form": form, "page": page, "searched": bool(name), "inspection_id": inspection_id,
    })


@login_required
@never_cache
def lead_detail(request: AuthedRequest, lead_id: int) -> HttpResponse:
    user = request.user
    lead = selectors.lead_get(user=user, lead_id=lead_id, request=request)
    return render(request, "leads/lead_detail.html", {
        "lead": lead, "persons": list(selectors.lead_persons(lead)),
        "show_list": "leads.view_lead" in permissions_of(user),
    })


@login_required
@never_cache
def inspection_leads(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    user = request.user
    insp = inspection_get(user=user, inspection_id=inspection_id)
    if not can_see_leads(user, insp):
        raise PermissionDenied(_("问题线索仅限纪委监委办理人员、巡察办主任和本组组长查看。"))
    context = inspection_shell(request, insp, "leads")
    context.update(leads=selectors.lead_list(user=user, inspection_id=insp.pk, request=request),
                   can_register=can_register(user, insp))
    return render(request, "leads/inspection_leads.html", context)


@login_required
@never_cache
def lead_register(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    user = request.user
    insp = inspection_get(user=user, inspection_id=inspection_id)
    if not can_register(user, insp):
        raise PermissionDenied(_("只有本组组长或巡察办主任可以登记问题线索。"))
    form = LeadForm(posted(request), categories=category_groups(user))
    persons = PersonFormSet(posted(request), prefix="persons")
    if request.method == "POST" and form.is_valid() and persons.is_valid():
        rows, origin = persons_of(persons)
        data = form.cleaned_data
        category_id = _int(data["category"])
        category = visible(user, ProblemCategory).filter(pk=category_id).first() \
            if category_id else None
        try:
            lead = services.lead_register(actor=user, inspection=insp, summary=data["summary"],
                                          facts=data["facts"], persons=rows, category=category)
        except ValidationFailed as exc:
            apply_person_errors(form, persons, origin, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已登记第 %(n)d 号问题线索。") % {"n": lead.number})
            return redirect("leads:inspection", inspection_id=insp.pk)
    context = inspection_shell(request, insp, "leads")
    context.update(form=form, persons=persons)
    failed = form.errors or any(f.errors for f in persons.forms) or persons.non_form_errors()
    return render(request, "leads/lead_form.html", context, status=422 if failed else 200)


@login_required
@never_cache
def problem_convert(request: AuthedRequest, problem_id: int) -> HttpResponse:
    """A reviewer turns a "general problem" that names people into a lead (the 昆明 case)."""
    user = request.user
    problem = get_visible(user, Problem.objects.select_related(
        "inspection", "category", "unit"), pk=problem_id)
    insp = inspection_get(user=user, inspection_id=problem.inspection_id)
    if not can_convert(user, problem):
        raise PermissionDenied(_("只有审阅人或巡察办主任可以将有效问题转为线索。"))
    form = ConvertForm(posted(request))
    persons = PersonFormSet(posted(request), prefix="persons")
    if request.method == "POST" and form.is_valid() and persons.is_valid():
        rows, origin = persons_of(persons)
        try:
            lead = services.problem_convert_to_lead(
                actor=user, problem=problem, persons=rows, summary=form.cleaned_data["summary"],
                note=form.cleaned_data["note"])
        except ValidationFailed as exc:
            apply_person_errors(form, persons, origin, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("第 %(p)d 号问题已转为第 %(n)d 号问题线索,不再出现在问题清单中。")
                             % {"p": problem.number, "n": lead.number})
            if can_see_leads(user, insp):
                return redirect("leads:lead", lead_id=lead.pk)
            return redirect("findings:problems", inspection_id=insp.pk)
    context = inspection_shell(request, insp, "problems")
    context.update(form=form, persons=persons, problem=problem)
    failed = form.errors or any(f.errors for f in persons.forms)
    return render(request, "leads/convert_form.html", context, status=422 if failed else 200)
