"""Pages of one inspection's findings: problems (with Excel import/export) and recommendations.

Thin: parse the form, call the service, render. Problems are read through ``scope.visible`` (a unit
sees its problems only once they are fed back; a problem turned into a lead is as confidential as
the lead); whether a write is allowed is decided by ``require_finding_writer`` in the services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.accounts.scope import get_visible, has, permissions_of, visible
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.core.spreadsheets import XLSX_CONTENT_TYPE
from xuncha.findings import importing, services
from xuncha.findings.forms import (
    ProblemEditForm,
    ProblemFilterForm,
    ProblemForm,
    RecommendationForm,
    WithdrawForm,
    category_groups,
)
from xuncha.findings.models import Problem, ProblemCategory, ProblemState, Recommendation
from xuncha.inspections.forms import committee_unit_choices
from xuncha.inspections.models import Inspection, InspectionStatus, IntakeItem, RoundChecklistItem
from xuncha.inspections.selectors import inspection_get
from xuncha.inspections.services import require_finding_writer
from xuncha.inspections.views import inspection_shell
from xuncha.organisations.forms import ImportForm
from xuncha.organisations.models import UnitKind
from xuncha.organisations.selectors import unit_get
from xuncha.web.forms import apply_service_errors, conflict_context, paginate, posted, uploaded
from xuncha.web.http import AuthedRequest

PROBLEM_FIELDS = ("category", "title", "facts", "severity", "checklist_item", "is_common",
                  "names_people")


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def can_write(user: Any, inspection: Inspection) -> bool:
    try:
        require_finding_writer(user, inspection)
    except (Conflict, PermissionDenied):
        return False
    return True


def can_convert(user: Any, problem: Problem) -> bool:
    """problem_convert_to_lead: report reviewers or the office director, before rectification."""
    return (problem.state == ProblemState.ACTIVE
            and not problem.inspection.reached(InspectionStatus.RECTIFYING)
            and (has(user, "reports.review_report", problem.unit)
                 or has(user, "leads.manage_lead", problem.unit)))


def _problem(user: Any, insp: Inspection, problem_id: int) -> Problem:
    return get_visible(user, Problem.objects.select_related(
        "inspection", "category", "category__parent", "checklist_item", "unit"),
        pk=problem_id, inspection=insp)


def _form_options(user: Any, insp: Inspection) -> dict[str, Any]:
    checklist = visible(user, RoundChecklistItem).filter(round=insp.round).order_by("number")
    intake = visible(user, IntakeItem).filter(round=insp.round).filter(
        Q(target_units=insp.unit) | Q(target_units__isnull=True)).distinct().order_by("id")
    return {
        "categories": category_groups(user),
        "checklist": [(str(i.pk), f"{i.number}. {i.title}") for i in checklist],
        "intake": [(str(i.pk), f"{i.get_source_kind_display()}·{i.source_name}:"
                    f"{i.content[:40]}") for i in intake],
    }


def _problem_values(user: Any, insp: Inspection, form: Any) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "category": visible(user, ProblemCategory).filter(pk=form.category_id()).first(),
        "title": data["title"], "facts": data["facts"], "severity": data["severity"],
        "checklist_item": visible(user, RoundChecklistItem).filter(
            round=insp.round, pk=form.checklist_item_id()).first(),
        "is_common": data["is_common"], "names_people": data["names_people"],
    }


def _intake_items(user: Any, insp: Inspection, form: Any) -> list[IntakeItem]:
    return list(visible(user, IntakeItem).filter(round=insp.round, pk__in=form.intake_item_ids()))


def _status(form: Any, conflict: Any = None) -> int:
    return 409 if conflict else (422 if form.errors else 200)


# --- problems -------------------------------------------------------------------------------------

@login_required
def problems(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    user = request.user
    insp = inspection_get(user=user, inspection_id=inspection_id)
    context = inspection_shell(request, insp, "problems")
    form = ProblemFilterForm(request.GET or None, user=user)
    data = form.cleaned_data if form.is_valid() else {}
    qs = visible(user, Problem).filter(inspection=insp).select_related(
        "category", "category__parent", "checklist_item").order_by("number")
    total = qs.count()
    if data.get("q"):
        q = data["q"].strip()
        qs = qs.filter(Q(title__icontains=q) | Q(facts__icontains=q)
                       | Q(number=_int(q)))
    category = data.get("category") or ""
    if category.startswith("g:"):
        qs = qs.filter(category__parent__name=category[2:])
    elif category:
        qs = qs.filter(category_id=_int(category))
    for f in ("severity", "state"):
        if data.get(f):
            qs = qs.filter(**{f: data[f]})
    if data.get("common"):
        qs = qs.filter(is_common=data["common"] == "1")
    page = paginate(request, qs)
    context.update(form=form, page=page, total=total, filtered=bool(data) and any(data.values()),
                   can_write=can_write(user, insp),
                   # A unit sees its problems only once they are fed back: say so, not "none".
                   show_unfed_note=not context["on_team"]
                   and not insp.reached(InspectionStatus.FEEDBACK)
                   and "inspections.view_round" not in permissions_of(user))
    return render(request, "findings/problems.html", context)


@login_required
def problem_detail(request: AuthedRequest, inspection_id: int, problem_id: int) -> HttpResponse:
    user = request.user
    insp = inspection_get(user=user, inspection_id=inspection_id)
    problem = _problem(user, insp, problem_id)
    context = inspection_shell(request, insp, "problems")
    if problem.state == ProblemState.CONVERTED:
        # A converted problem is as confidential as the lead: its text is read only through the
        # lead pages, where every read is audited.
        context.update(problem=problem, converted=True)
        return render(request, "findings/problem_detail.html", context)
    context.update(
        problem=problem,
        intake=visible(user, IntakeItem).filter(problems=problem),
        can_write=can_write(user, insp) and problem.state == ProblemState.ACTIVE,
        can_convert=can_convert(user, problem),
    )
    return render(request, "findings/problem_detail.html", context)


@login_required
def problem_create(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    user = request.user
    insp = inspection_get(user=user, inspection_id=inspection_id)
    require_finding_writer(user, insp)
    form = ProblemForm(posted(request), **_form_options(user, insp))
    if request.method == "POST" and form.is_valid():
        try:
            problem = services.problem_create(actor=user, inspection=insp,
                                              intake_items=_intake_items(user, insp, form),
                                              **_problem_values(user, insp, form))
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已登记第 %(n)d 号问题。") % {"n": problem.number})
            if "another" in request.POST:
                return redirect("findings:problem_create", inspection_id=insp.pk)
            return redirect("findings:problems", inspection_id=insp.pk)
    context = inspection_shell(request, insp, "problems")
    context.update(form=form)
    return render(request, "findings/problem_form.html", context, status=_status(form))


@login_required
def problem_edit(request: AuthedRequest, inspection_id: int, problem_id: int) -> HttpResponse:
    user = request.user
    insp = inspection_get(user=user, inspection_id=inspection_id)
    problem = _problem(user, insp, problem_id)
    require_finding_writer(user, insp)
    initial = {f: getattr(problem, f) for f in ("title", "facts", "severity", "is_common",
                                                 "names_people")} | {
        "category": problem.category_id, "checklist_item": problem.checklist_item_id or "",
        "intake_items": [str(i) for i in problem.intake_items.values_list("id", flat=True)],
        "version": problem.version,
    }
    form = ProblemEditForm(posted(request), initial=initial, **_form_options(user, insp))
    conflict = None
    if request.method == "POST" and form.is_valid():
        values = _problem_values(user, insp, form)
        try:
            services.problem_update(actor=user, problem=problem,
                                    expected_version=form.cleaned_data["version"],
                                    intake_items=_intake_items(user, insp, form), **values)
        except Conflict as exc:
            problem = _problem(user, insp, problem_id)
            if problem.state != ProblemState.ACTIVE:
                form.add_error(None, exc.message)
            else:
                conflict = conflict_context(exc, form, problem, PROBLEM_FIELDS, values)
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存第 %(n)d 号问题。") % {"n": problem.number})
            return redirect("findings:problem", inspection_id=insp.pk, problem_id=problem.pk)
    context = inspection_shell(request, insp, "problems")
    context.update(form=form, problem=problem, conflict=conflict)
    return render(request, "findings/problem_form.html", context, status=_status(form, conflict))


@login_required
def problem_withdraw(request: AuthedRequest, inspection_id: int, problem_id: int) -> HttpResponse:
    user = request.user
    insp = inspection_get(user=user, inspection_id=inspection_id)
    problem = _problem(user, insp, problem_id)
    require_finding_writer(user, insp)
    form = WithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.problem_withdraw(actor=user, problem=problem,
                                      reason=form.cleaned_data["reason"])
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已撤销第 %(n)d 号问题。") % {"n": problem.number})
            return redirect("findings:problems", inspection_id=insp.pk)
    context = inspection_shell(request, insp, "problems")
    context.update(form=form, problem=problem)
    return render(request, "findings/problem_withdraw.html", context, status=_status(form))


# --- Excel ----------------------------------------------------------------------------------------

def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
def problem_template(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    insp = inspection_get(user=request.user, inspection_id=inspection_id)
    return _xlsx(importing.template_workbook(insp), _("问题清单导入模板.xlsx"))


@login_required
def problem_export(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    insp = inspection_get(user=request.user, inspection_id=inspection_id)
    data = importing.export_problems(user=request.user, inspection=insp)
    return _xlsx(data, _("%(u)s问题清单.xlsx") % {"u": insp.unit.name})


@login_required
def problem_import(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    """All or nothing: on any error every error is listed (sheet, row, column, reason)."""
    user = request.user
    insp = inspection_get(user=user, inspection_id=inspection_id)
    require_finding_writer(user, insp)
    form = ImportForm(posted(request), uploaded(request))
    errors: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importing.import_problems(actor=user, inspection=insp, data=upload.read(),
                                               filename=upload.name)
        except ValidationFailed as exc:
            errors = [{"sheet": d.get("sheet", ""), "row": d.get("row", ""),
                       "column": d.get("column") or d.get("field") or "",
                       "message": d["message"]}
                      for d in (exc.details or []) if isinstance(d, dict) and d.get("message")]
            if not errors:
                form.add_error(None, exc.message)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("导入完成:新增 %(c)d 个问题,更新 %(u)d 个,未变 %(n)d 个。")
                             % {"c": result.created, "u": result.updated, "n": result.unchanged})
            return redirect("findings:problems", inspection_id=insp.pk)
    context = inspection_shell(request, insp, "problems")
    context.update(form=form, errors=errors)
    return render(request, "findings/problem_import.html", context,
                  status=422 if (errors or form.errors) else 200)


# --- recommendations (专项治理建议) ---------------------------------------------------------------

def _recommendation_form(request: AuthedRequest, insp: Inspection) -> RecommendationForm:
    user = request.user
    committee = insp.round.term.unit
    departments = committee_unit_choices(
        user, committee, kind__in=[UnitKind.DEPARTMENT, UnitKind.COMMITTEE_OFFICE])
    problems_ = visible(user, Problem).filter(inspection=insp, state=ProblemState.ACTIVE) \
        .order_by("number")
    return RecommendationForm(posted(request), departments=departments,
                              problems=[(str(p.pk), f"{p.number}. {p.title}") for p in problems_])


@login_required
def recommendations(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    user = request.user
    insp = inspection_get(user=user, inspection_id=inspection_id)
    context = inspection_shell(request, insp, "recommendations")
    writer = can_write(user, insp)
    form = _recommendation_form(request, insp) if writer else None
    # The department list comes from the user's own scope: a team member (own records only) sees
    # no departments and leaves the recommendation to the office.
    if form is not None and len(form.fields["department"].choices) < 2:  # type: ignore[attr-defined]
        form = None
    if request.method == "POST":
        require_finding_writer(user, insp)
        if form is None:
            raise PermissionDenied(_("您的数据范围内没有可选的职能部门,请由巡察办提出建议。"))
        if form.is_valid():
            data = form.cleaned_data
            department = unit_get(user=user, unit_id=_int(data["department"]))
            linked = list(visible(user, Problem).filter(
                inspection=insp, pk__in=[_int(p) for p in data["problems"]]))
            try:
                services.recommendation_create(actor=user, inspection=insp, department=department,
                                               title=data["title"], content=data["content"],
                                               problems=linked)
            except ValidationFailed as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("已提出专项治理建议“%(t)s”。") % {"t": data["title"]})
                return redirect("findings:recommendations", inspection_id=insp.pk)
    items = visible(user, Recommendation).filter(inspection=insp).select_related(
        "department").prefetch_related("problems")
    context.update(items=items, form=form, writer_without_departments=writer and form is None,
                   can_send=has(user, "inspections.manage_round", insp.unit))
    return render(request, "findings/recommendations.html", context,
                  status=422 if form is not None and form.errors else 200)


@login_required
@require_POST
def recommendation_send(request: AuthedRequest, inspection_id: int,
                        recommendation_id: int) -> HttpResponse:
    user = request.user
    insp = inspection_get(user=user, inspection_id=inspection_id)
    rec = get_visible(user, Recommendation.objects.select_related("inspection", "department"),
                      pk=recommendation_id, inspection=insp)
    try:
        services.recommendation_send(actor=user, recommendation=rec)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已将“%(t)s”移交%(d)s。") % {"t": rec.title, "d": rec.department.name})
    return redirect("findings:recommendations", inspection_id=insp.pk)
