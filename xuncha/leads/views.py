"""Pages of problem leads (问题线索). Confidential: every page that shows a lead's content reads it
through ``lead_list`` / ``lead_get``, which check the scope and write the audit row; the pages are
never cached. Roles that do not see leads get no link to these pages.

After registration: the director hands a lead over (移交), the receiving body's handlers sign for it
(签收) and move it through the disposal methods (``handling``); the office follows stage and result
on the tracking page and leadership sees counts only — those two pages read no content."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xuncha.accounts.scope import get_visible, has, permissions_of, visible
from xuncha.attachments.services import attachments_of
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.dashboards.registry import Filters
from xuncha.findings.forms import category_groups
from xuncha.findings.models import Problem, ProblemCategory
from xuncha.findings.views import can_convert
from xuncha.inspections.models import Inspection, InspectionStatus
from xuncha.inspections.selectors import inspection_get
from xuncha.inspections.services import is_team_member
from xuncha.inspections.views import can_see_leads, inspection_shell
from xuncha.leads import counts, handling, selectors, services
from xuncha.leads.forms import (
    ACTION_LABELS,
    ConvertForm,
    FiguresFilterForm,
    LeadForm,
    LeadSearchForm,
    PersonFormSet,
    SanctionForm,
    StepForm,
    TrackingFilterForm,
    apply_person_errors,
    persons_of,
    transfer_form_for,
)
from xuncha.leads.models import CONCLUDED_STAGES, Escalation, Lead, LeadStage
from xuncha.organisations.models import Term
from xuncha.web.forms import PAGE_SIZE, apply_service_errors, paginate, posted
from xuncha.web.http import AuthedRequest

LEAD_PERMS = {"leads.view_lead", "leads.manage_lead"}
TRACK = "leads.track_lead"


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
    """All leads the user may read; the search by a person's full name goes through the keyed
    digest in ``lead_list(person_name=…)`` and is audited as a search."""
    user = request.user
    perms = permissions_of(user)
    if not LEAD_PERMS & perms:
        raise PermissionDenied(_("您的角色无权执行此操作。"))
    form = LeadSearchForm(request.GET or None)
    name = form.cleaned_data["person_name"].strip() if form.is_valid() else ""
    inspection_id = _int(request.GET.get("inspection"))
    stage = request.GET.get("stage", "")
    leads = selectors.lead_list(user=user, inspection_id=inspection_id, person_name=name,
                                request=request)
    if stage in LeadStage.values:
        leads = [lead for lead in leads if lead.stage == stage]
    else:
        stage = ""
    page = Paginator(leads, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "leads/lead_list.html", {
        "form": form, "page": page, "searched": bool(name), "inspection_id": inspection_id,
        "stage": stage, "stage_label": LeadStage(stage).label if stage else "",
        "can_track": TRACK in perms, "can_count": counts.PERM in perms,
    })


# --- One lead: reading, hand-over, handling ------------------------------------------------------

# The usual path of a lead; the stepper shows the stages it went through, then what is left of
# this path (a lead closed without action stops where it was closed).
MAIN_PATH = [LeadStage.REGISTERED, LeadStage.TRANSFERRED, LeadStage.RECEIVED,
             LeadStage.PRELIMINARY, LeadStage.CASE, LeadStage.TRIAL, LeadStage.SANCTIONED,
             LeadStage.CONCLUDED]


def stage_steps(lead: Lead, steps: list[Any]) -> list[dict[str, Any]]:
    visited: list[tuple[str, Any]] = [(LeadStage.REGISTERED, lead.created_at)]
    visited += [(s.to_stage, s.on_date) for s in steps if s.to_stage != LeadStage.REGISTERED]
    if visited[-1][0] != lead.stage:
        visited.append((lead.stage, None))
    if lead.stage in CONCLUDED_STAGES:
        future: list[LeadStage] = []
    elif lead.stage in MAIN_PATH:
        future = MAIN_PATH[MAIN_PATH.index(LeadStage(lead.stage)) + 1:]
    else:  # 谈话函询, 暂存待查: the next usual step is 初步核实
        future = MAIN_PATH[MAIN_PATH.index(LeadStage.PRELIMINARY):]
    out = []
    last = len(visited) - 1
    for i, (stage, when) in enumerate(visited):
        done = i < last or lead.stage in CONCLUDED_STAGES
        out.append({"label": LeadStage(stage).label, "when": when, "n": i + 1,
                    "state": "done" if done else "current"})
    for j, stage in enumerate(future):
        out.append({"label": stage.label, "when": None, "n": len(visited) + j + 1,
                    "state": "todo"})
    return out


def is_handler(user: Any, lead: Lead) -> bool:
    try:
        handling.require_handler(user, lead)
    except PermissionDenied:
        return False
    return True


def available_actions(lead: Lead) -> list[str]:
    """The handling actions open from the lead's current stage (its declared transitions)."""
    open_ = {t.name for t in lead.get_available_stage_transitions()}  # type: ignore[attr-defined]
    return [a for a in handling.ACTIONS if a in open_]


def _detail(request: AuthedRequest, lead: Lead, *, transfer_form: Any = None,
            step_form: Any = None, sanction_form: Any = None, status: int = 200) -> HttpResponse:
    user = request.user
    persons = list(selectors.lead_persons(lead))
    steps: list[Any] = selectors.lead_steps(user=user, lead=lead)
    handler = lead.stage != LeadStage.REGISTERED and is_handler(user, lead)
    can_transfer = (lead.stage == LeadStage.REGISTERED
                    and has(user, "leads.transfer_lead", lead.unit))
    actions = available_actions(lead) if handler and lead.stage != LeadStage.TRANSFERRED else []
    can_sanction = handler and lead.stage in (LeadStage.TRIAL, LeadStage.SANCTIONED)
    # A refusal about a form the lead's new stage no longer offers is shown on its own.
    refusals = [str(e) for form, shown in ((transfer_form, can_transfer), (step_form, actions),
                                           (sanction_form, can_sanction))
                if form is not None and not shown for e in form.non_field_errors()]
    if can_transfer and transfer_form is None:
        transfer_form = transfer_form_for(lead)
    if actions and step_form is None:
        step_form = StepForm(available=actions)
    if can_sanction and sanction_form is None:
        sanction_form = SanctionForm(persons=persons)
    return render(request, "leads/lead_detail.html", {
        "lead": lead, "persons": persons, "steps": steps, "stepper": stage_steps(lead, steps),
        "sanctions": list(lead.sanctions.select_related("person")),  # type: ignore[attr-defined]
        "handover_forms": list(attachments_of(lead, "handover_form")),
        "show_list": "leads.view_lead" in permissions_of(user),
        "show_inspection": can_see_leads(user, lead.inspection),
        "transfer_form": transfer_form if can_transfer else None,
        "can_receive": handler and lead.stage == LeadStage.TRANSFERRED,
        "step_form": step_form if actions else None, "action_labels": ACTION_LABELS,
        "sanction_form": sanction_form if can_sanction else None,
        "overdue": lead.is_overdue(), "refusals": refusals,
        # The hand-over day the director entered (the record's date), not the moment of saving.
        "transferred_on": next((s.on_date for s in steps
                                if s.to_stage == LeadStage.TRANSFERRED), None),
    }, status=status)


@login_required
@never_cache
def lead_detail(request: AuthedRequest, lead_id: int) -> HttpResponse:
    lead = selectors.lead_get(user=request.user, lead_id=lead_id, request=request)
    return _detail(request, lead)


def _refused(form: Any, exc: Conflict | ValidationFailed, rename: dict[str, str]) -> int:
    """Puts a service refusal on the form — next to the field it names (the attachment service
    says "file") — and returns the status to answer with."""
    if isinstance(exc, Conflict):
        form.add_error(None, exc.message)
        return 409
    details = [dict(d, field=rename.get(str(d.get("field")), d.get("field")))
               for d in (exc.details if isinstance(exc.details, list) else [])
               if isinstance(d, dict)]
    apply_service_errors(form, ValidationFailed(exc.message, details=details or None))
    return 422


@login_required
@never_cache
@require_POST
def lead_transfer(request: AuthedRequest, lead_id: int) -> HttpResponse:
    """移交 by the office director (leads.transfer_lead over the unit)."""
    user = request.user
    lead = selectors.lead_get(user=user, lead_id=lead_id, request=request)
    if not has(user, "leads.transfer_lead", lead.unit):
        raise PermissionDenied(_("只有巡察办主任可以移交问题线索。"))
    form = transfer_form_for(lead, request.POST, request.FILES)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            lead = handling.lead_transfer(
                actor=user, lead=lead, receiving_body=form.bodies[data["receiving_body"]],
                priority=data["priority"], fast_track=data["fast_track"],
                escalation=data["escalation"] or "", escalation_reason=data["escalation_reason"],
                handover_form=data["handover_form"], transferred_on=data["transferred_on"])
        except (ValidationFailed, Conflict) as exc:
            status = _refused(form, exc, {"file": "handover_form"})
        else:
            text = _("已将第 %(n)d 号线索移交%(b)s。") % {"n": lead.number,
                                                      "b": lead.receiving_body}
            if lead.escalation:
                text += _("提级查办:%(e)s(%(r)s)。") % {
                    "e": Escalation(lead.escalation).label, "r": lead.escalation_reason}
            messages.success(request, text)
            return redirect("leads:lead", lead_id=lead.pk)
    return _detail(request, lead, transfer_form=form, status=status)


@login_required
@never_cache
@require_POST
def lead_receive(request: AuthedRequest, lead_id: int) -> HttpResponse:
    """签收 by a handler of the receiving body."""
    lead = selectors.lead_get(user=request.user, lead_id=lead_id, request=request)
    try:
        lead = handling.lead_receive(actor=request.user, lead=lead)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已签收第 %(n)d 号线索,请在规定时间内提出处置意见。")
                         % {"n": lead.number})
    return redirect("leads:lead", lead_id=lead.pk)


@login_required
@never_cache
@require_POST
def lead_advance(request: AuthedRequest, lead_id: int) -> HttpResponse:
    """One handling step: the action, its date, the note and, for a close, the result."""
    user = request.user
    lead = selectors.lead_get(user=user, lead_id=lead_id, request=request)
    handling.require_handler(user, lead)
    form = StepForm(request.POST, available=available_actions(lead))
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            lead = handling.lead_advance(actor=user, lead=lead, action=data["action"],
                                         on_date=data["on_date"], note=data["note"],
                                         result_summary=data["result_summary"])
        except (ValidationFailed, Conflict) as exc:
            status = _refused(form, exc, {})
        else:
            messages.success(request, _("已办理:%(a)s。线索现为“%(s)s”。") % {
                "a": ACTION_LABELS[data["action"]], "s": lead.get_stage_display()})
            return redirect("leads:lead", lead_id=lead.pk)
    return _detail(request, lead, step_form=form, status=status)


@login_required
@never_cache
@require_POST
def lead_sanction(request: AuthedRequest, lead_id: int) -> HttpResponse:
    """处分决定 on one of the lead's persons, during 审理 or after the decision."""
    user = request.user
    lead = selectors.lead_get(user=user, lead_id=lead_id, request=request)
    handling.require_handler(user, lead)
    persons = {str(p.pk): p for p in selectors.lead_persons(lead)}
    form = SanctionForm(request.POST, persons=list(persons.values()))
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            handling.lead_sanction_add(actor=user, lead=lead, person=persons[data["person"]],
                                       kind=data["kind"], detail=data["detail"],
                                       decided_on=data["decided_on"])
        except (ValidationFailed, Conflict) as exc:
            status = _refused(form, exc, {})
        else:
            messages.success(request, _("已登记处分决定。"))
            return redirect("leads:lead", lead_id=lead.pk)
    return _detail(request, lead, sanction_form=form, status=status)


# --- What the office and leadership see: stages and counts, never content -------------------------

def _open(stage: str) -> bool:
    return stage != LeadStage.REGISTERED and stage not in CONCLUDED_STAGES


@login_required
@never_cache
def lead_tracking(request: AuthedRequest) -> HttpResponse:
    """The office follows the leads it sent: stage, result, flags and dates. The selector reads no
    content, so this page is not a lead read."""
    user = request.user
    perms = permissions_of(user)
    if TRACK not in perms:
        raise PermissionDenied(_("只有巡察办可以查看所移交线索的办理进度。"))
    rows: list[dict[str, Any]] = selectors.lead_tracking(user=user)
    form = TrackingFilterForm(request.GET or None)
    stage, only_overdue = "", False
    if form.is_valid():
        stage, only_overdue = form.cleaned_data["stage"], form.cleaned_data["overdue"]
    summary = {
        "total": len(rows),
        "waiting": sum(1 for r in rows if r["stage"] == LeadStage.REGISTERED),
        "open": sum(1 for r in rows if _open(r["stage"])),
        "concluded": sum(1 for r in rows if r["stage"] in CONCLUDED_STAGES),
        "overdue": sum(1 for r in rows if r["overdue"]),
    }
    if stage == "open":
        rows = [r for r in rows if _open(r["stage"])]
    elif stage == "done":
        rows = [r for r in rows if r["stage"] in CONCLUDED_STAGES]
    elif stage:
        rows = [r for r in rows if r["stage"] == stage]
    if only_overdue:
        rows = [r for r in rows if r["overdue"]]
    return render(request, "leads/tracking.html", {
        "form": form, "page": paginate(request, rows), "summary": summary,
        "filtered": bool(stage or only_overdue), "escalations": dict(Escalation.choices),
        "can_read": "leads.view_lead" in perms, "can_count": counts.PERM in perms,
    })


@login_required
@never_cache
def lead_figures(request: AuthedRequest) -> HttpResponse:
    """Lead figures for leadership and the office: counts within the counts scope, no content.
    Readers of leads may click a stage through to the lead list (their own, audited, read)."""
    user = request.user
    perms = permissions_of(user)
    if counts.PERM not in perms:
        raise PermissionDenied(_("您的角色无权查看线索统计。"))
    terms = list(visible(user, Term).select_related("unit").order_by("unit__path", "-start_date"))
    form = FiguresFilterForm(request.GET or None, terms=terms)
    f = Filters()
    if form.is_valid():
        d = form.cleaned_data
        f = Filters(term_id=_int(d["term_id"]), round_kind=d["round_kind"],
                    unit_kind=d["unit_kind"], date_from=d["date_from"], date_to=d["date_to"])
    return render(request, "leads/figures.html", {
        "form": form, "fig": counts.lead_figures(user, f), "filtered": bool(f.as_query()),
        "can_read": "leads.view_lead" in perms, "can_track": TRACK in perms,
    })


# --- Registering leads (during the round) --------------------------------------------------------

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
