"""Pages of the inspection work (domain.md steps 1–3): coverage of the term, rounds and teams,
conflict declarations, pre-inspection intake, the inspection list and one inspection's page.

Thin: parse the form, call the selector or service, render. What a user sees comes from the
selectors and ``scope.visible``; whether a write is allowed is the services' decision, the pages
only hide the buttons a role cannot use.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.accounts.scope import get_visible, has, permissions_of, require, visible
from xuncha.accounts.selectors import user_get
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.inspections import selectors, services
from xuncha.inspections.access import team_ids
from xuncha.inspections.conflicts import declarable_unit, declaration_add, declaration_remove
from xuncha.inspections.forms import (
    ChecklistFormSet,
    ConflictForm,
    CoverageAdjustForm,
    CoverageBuildForm,
    CoverageFilterForm,
    InspectionFilterForm,
    IntakeFilterForm,
    IntakeForm,
    IntakeMarkForm,
    MemberForm,
    RoundCreateForm,
    RoundEditForm,
    TargetForm,
    TeamForm,
    committee_unit_choices,
    declarable_unit_choices,
    member_choices,
)
from xuncha.inspections.models import (
    STATUS_ORDER,
    ConflictDeclaration,
    CoverageEntry,
    CoveragePlan,
    Inspection,
    InspectionStatus,
    IntakeItem,
    IntakeStatus,
    Position,
    Round,
    RoundKind,
    Team,
    TeamMember,
)
from xuncha.organisations.models import Unit, UnitLevel
from xuncha.organisations.selectors import term_get, term_list, unit_get
from xuncha.web.forms import apply_service_errors, conflict_context, paginate, posted
from xuncha.web.http import AuthedRequest

ROUND_FIELDS = ("kind", "theme", "coordinated_form", "entry_date", "exit_date", "notes")
POSITION_ORDER = {p: i for i, p in enumerate(Position.values)}
# When each stage of the inspection began (for the stepper).
STAGE_TIME = {
    InspectionStatus.PREPARING: "created_at", InspectionStatus.ON_SITE: "entered_at",
    InspectionStatus.REPORTING: "reported_at", InspectionStatus.FEEDBACK: "feedback_at",
    InspectionStatus.RECTIFYING: "rectification_started_at",
    InspectionStatus.EVALUATING: "evaluation_started_at", InspectionStatus.ARCHIVED: "archived_at",
}


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # never a primary key: the selector answers "not found"


def _next_url(request: AuthedRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _status(form: Any, conflict: Any = None) -> int:
    return 409 if conflict else (422 if form.errors else 200)


# --- the shell shared by every page of one inspection -------------------------------------------

def can_see_leads(user: Any, inspection: Inspection) -> bool:
    """Lead content is for the receiving body and the director (leads.view_lead over the unit) and
    the leader of the registering team; nobody else gets a link to it."""
    if has(user, "leads.view_lead", inspection.unit):
        return True
    return ("leads.manage_lead" in permissions_of(user)
            and services.is_team_member(user, inspection, leader=True))


def inspection_steps(inspection: Inspection) -> list[dict[str, Any]]:
    current = STATUS_ORDER.index(inspection.status)
    steps = []
    for i, status in enumerate(InspectionStatus):
        state = "done" if i < current else "current" if i == current else "todo"
        when = getattr(inspection, STAGE_TIME[status]) if i <= current else None
        steps.append({"label": status.label, "state": state, "when": when, "n": i + 1})
    return steps


def inspection_shell(request: AuthedRequest, inspection: Inspection, tab: str) -> dict[str, Any]:
    """Context for the head of every page of one inspection: title, stepper and tabs."""
    user = request.user
    perms = permissions_of(user)
    on_team = services.is_team_member(user, inspection)
    iid = inspection.pk
    tabs = [("overview", _("概况"), reverse("inspections:inspection", args=[iid])),
            ("problems", _("问题"), reverse("findings:problems", kwargs={"inspection_id": iid}))]
    if on_team or "findings.view_recommendation" in perms:
        tabs.append(("recommendations", _("专项治理建议"),
                     reverse("findings:recommendations", kwargs={"inspection_id": iid})))
    if can_see_leads(user, inspection):
        tabs.append(("leads", _("问题线索"), reverse("leads:inspection", args=[iid])))
    if on_team or "inspections.view_intakeitem" in perms:
        tabs.append(("intake", _("开单子"), reverse("inspections:inspection_intake", args=[iid])))
    if on_team or "reports.view_reportversion" in perms:
        tabs.append(("report", _("巡察报告"), reverse("reports:report", args=[iid])))
    if on_team or "reports.view_feedbacklist" in perms:
        tabs.append(("feedback", _("反馈"), reverse("reports:feedback", args=[iid])))
    return {
        "insp": inspection,
        "tab": tab,
        "tabs": [{"key": k, "label": label, "url": url, "active": k == tab}
                 for k, label, url in tabs],
        "steps": inspection_steps(inspection),
        "on_team": on_team,
        "can_see_round": visible(user, Round).filter(pk=inspection.round_id).exists(),
    }


# --- coverage ---------------------------------------------------------------------------------------

def _committee_terms(user: Any) -> list[Any]:
    return list(term_list(user=user).filter(unit__level__lte=UnitLevel.COUNTY))


@login_required
def coverage_home(request: AuthedRequest) -> HttpResponse:
    """Opens the current term (or the one chosen in the switcher)."""
    user = request.user
    require(user, "inspections.view_coverageplan")
    if request.GET.get("term"):
        return redirect("inspections:coverage", term_id=_int(request.GET["term"]))
    terms = _committee_terms(user)
    today = timezone.localdate()
    current = next((t for t in terms if t.start_date <= today <= t.end_date), None)
    if current is None and terms:
        current = terms[0]
    if current is not None:
        return redirect("inspections:coverage", term_id=current.pk)
    return render(request, "inspections/coverage.html", {"terms": [], "term": None})


def _unit_states(user: Any, term: Any) -> tuple[set[int], set[int]]:
    """Units entered at least once this term, and units targeted but not yet entered."""
    covered: set[int] = set()
    planned: set[int] = set()
    for unit_id, status in visible(user, Inspection).filter(round__term=term).values_list(
            "unit_id", "status"):
        if status != InspectionStatus.PREPARING:
            covered.add(unit_id)
        else:
            planned.add(unit_id)
    return covered, planned - covered


@login_required
def coverage(request: AuthedRequest, term_id: int) -> HttpResponse:
    """The summary by kind of unit, the cannot-fit warning and every unit of the plan; POST builds
    or refreshes the plan."""
    user = request.user
    require(user, "inspections.view_coverageplan")
    term = term_get(user=user, term_id=term_id)
    can_manage = has(user, "inspections.manage_coverage", term.unit)
    plan = visible(user, CoveragePlan).filter(term=term).first()
    build_form = CoverageBuildForm(
        posted(request), initial={"planned_rounds": plan.planned_rounds if plan else 10})
    if request.method == "POST":
        require(user, "inspections.manage_coverage", term.unit)
        if build_form.is_valid():
            added_before = plan.entries.count() if plan else 0
            plan = services.coverage_plan_build(
                actor=user, term=term, planned_rounds=build_form.cleaned_data["planned_rounds"])
            added = plan.entries.count() - added_before
            messages.success(request, _("全覆盖计划已更新:新增 %(n)d 个单位,本届计划 %(r)d 轮。")
                             % {"n": added, "r": plan.planned_rounds})
            return redirect("inspections:coverage", term_id=term.pk)
    context: dict[str, Any] = {
        "term": term, "terms": _committee_terms(user), "plan": plan, "can_manage": can_manage,
        "build_form": build_form,
    }
    if plan is not None:
        summary = selectors.coverage_summary(user=user, term=term)
        groups = [label for label, _kinds in selectors.KIND_GROUPS]
        form = CoverageFilterForm(request.GET or None, groups=groups)
        data = form.cleaned_data if form.is_valid() else {}
        covered, planned = _unit_states(user, term)
        entries = visible(user, CoverageEntry).filter(plan=plan).select_related("unit").order_by(
            "unit__path")
        if data.get("q"):
            entries = entries.filter(unit__name__icontains=data["q"].strip())
        if data.get("group"):
            kinds = dict(selectors.KIND_GROUPS).get(data["group"], ())
            entries = entries.filter(unit__kind__in=kinds)
        state = data.get("state")
        if state == "covered":
            entries = entries.filter(included=True, unit_id__in=covered)
        elif state == "planned":
            entries = entries.filter(included=True, unit_id__in=planned)
        elif state == "not_yet":
            entries = entries.filter(included=True).exclude(unit_id__in=covered | planned)
        elif state == "excluded":
            entries = entries.filter(included=False)
        page = paginate(request, entries)
        for e in page.object_list:
            e.rounds = summary.rounds_by_unit.get(e.unit_id, [])
            e.state = ("excluded" if not e.included else "covered" if e.unit_id in covered
                       else "planned" if e.unit_id in planned else "not_yet")
        context.update(summary=summary, form=form, page=page,
                       filtered=any(v for v in data.values()))
    status = 422 if build_form.errors else 200
    return render(request, "inspections/coverage.html", context, status=status)


@login_required
def coverage_adjust(request: AuthedRequest, term_id: int) -> HttpResponse:
    """Includes or excludes one unit, with a reason."""
    user = request.user
    term = term_get(user=user, term_id=term_id)
    require(user, "inspections.manage_coverage", term.unit)
    plan = get_visible(user, CoveragePlan, term=term)
    initial = {"unit": request.GET.get("unit", "")}
    entry = None
    if initial["unit"]:
        entry = visible(user, CoverageEntry).filter(plan=plan, unit_id=_int(initial["unit"])) \
            .select_related("unit").first()
        if entry is not None:
            initial["included"] = "0" if entry.included else "1"
    form = CoverageAdjustForm(posted(request), initial=initial,
                              unit_choices=committee_unit_choices(user, term.unit))
    if request.method == "POST" and form.is_valid():
        unit = unit_get(user=user, unit_id=_int(form.cleaned_data["unit"]))
        try:
            services.coverage_entry_set(actor=user, plan=plan, unit=unit,
                                        included=form.cleaned_data["included"],
                                        reason=form.cleaned_data["reason"])
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            verb = _("纳入") if form.cleaned_data["included"] else _("不纳入")
            messages.success(request, _("已将“%(u)s”调整为%(v)s全覆盖。") % {"u": unit.name, "v": verb})
            return redirect("inspections:coverage", term_id=term.pk)
    return render(request, "inspections/coverage_adjust.html",
                  {"term": term, "form": form, "entry": entry}, status=_status(form))


# --- rounds ---------------------------------------------------------------------------------------

def _co_organiser_choices(user: Any) -> list[tuple[str, str]]:
    units = visible(user, Unit).filter(level__lte=UnitLevel.CITY, is_active=True).order_by("path")
    return [(str(u.pk), u.name) for u in units[:200]]


def _round_values(form: Any, user: Any) -> dict[str, Any]:
    data = form.cleaned_data
    coordinated = data["kind"] == RoundKind.COORDINATED
    co_id = form.co_organiser_id() if coordinated else None
    return {
        "kind": data["kind"], "theme": data["theme"] or "",
        "coordinated_form": data["coordinated_form"] if coordinated else "",
        "co_organiser": unit_get(user=user, unit_id=co_id) if co_id else None,
        "entry_date": data["entry_date"], "exit_date": data["exit_date"], "notes": data["notes"],
    }


@login_required
def rounds(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, "inspections.view_round")
    terms = _committee_terms(user)
    term_id = _int(request.GET["term"]) if request.GET.get("term") else None
    rows = list(selectors.round_list(user=user, term_id=term_id))
    return render(request, "inspections/rounds.html", {
        "rounds": rows, "terms": terms, "term_id": term_id,
        "can_create": has(user, "inspections.manage_round"),
    })


@login_required
def round_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, "inspections.manage_round")
    terms = [t for t in _committee_terms(user) if has(user, "inspections.manage_round", t.unit)]
    today = timezone.localdate()
    current = next((t for t in terms if t.start_date <= today <= t.end_date), None)
    initial = {"term": request.GET.get("term") or (current.pk if current else "")}
    form = RoundCreateForm(posted(request), initial=initial,
                           term_choices=[(str(t.pk), f"{t.unit.name} {t.name}") for t in terms],
                           co_organiser_choices=_co_organiser_choices(user))
    if request.method == "POST" and form.is_valid():
        term = term_get(user=user, term_id=_int(form.cleaned_data["term"]))
        try:
            rnd = services.round_create(actor=user, term=term, **_round_values(form, user))
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已新建%(r)s。") % {"r": rnd})
            return redirect("inspections:round", round_id=rnd.pk)
    return render(request, "inspections/round_form.html", {"form": form}, status=_status(form))


@login_required
def round_edit(request: AuthedRequest, round_id: int) -> HttpResponse:
    user = request.user
    rnd = selectors.round_get(user=user, round_id=round_id)
    require(user, "inspections.manage_round", rnd.term.unit)
    initial = {f: getattr(rnd, f) for f in ROUND_FIELDS} | {
        "co_organiser": rnd.co_organiser_id or "", "version": rnd.version}
    form = RoundEditForm(posted(request), initial=initial,
                         co_organiser_choices=_co_organiser_choices(user))
    conflict = None
    if request.method == "POST" and form.is_valid():
        values = _round_values(form, user)
        try:
            services.round_update(actor=user, rnd=rnd, expected_version=form.cleaned_data["version"],
                                  **values)
        except Conflict as exc:
            rnd = selectors.round_get(user=user, round_id=round_id)
            conflict = conflict_context(exc, form, rnd, ROUND_FIELDS, values)
        except ValidationFailed as exc:
            rnd = selectors.round_get(user=user, round_id=round_id)
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存%(r)s。") % {"r": rnd})
            return redirect("inspections:round", round_id=rnd.pk)
    return render(request, "inspections/round_form.html",
                  {"form": form, "rnd": rnd, "conflict": conflict},
                  status=_status(form, conflict))


def _target_choices(user: Any, rnd: Round) -> list[tuple[str, str]]:
    taken = set(visible(user, Inspection).filter(round=rnd).values_list("unit_id", flat=True))
    return [(k, v) for k, v in committee_unit_choices(user, rnd.term.unit,
                                                      "inspections.manage_round")
            if int(k) not in taken]


@login_required
def round_detail(request: AuthedRequest, round_id: int) -> HttpResponse:
    user = request.user
    rnd = selectors.round_get(user=user, round_id=round_id)
    committee = rnd.term.unit
    can_manage = has(user, "inspections.manage_round", committee)
    teams: list[dict[str, Any]] = []
    for team in visible(user, Team).filter(round=rnd).order_by("number"):
        targets = list(visible(user, Inspection).filter(team=team)
                       .select_related("unit", "previous", "previous__round")
                       .order_by("unit__path"))
        teams.append({
            "team": team, "targets": targets, "warnings": services.team_warnings(team),
            "members": sorted(selectors.team_members(team),
                              key=lambda m: (POSITION_ORDER[m.position], m.pk)),
            "can_change_members": all(t.status == InspectionStatus.PREPARING for t in targets),
        })
    context: dict[str, Any] = {
        "rnd": rnd, "teams": teams, "can_manage": can_manage,
        "checklist": list(rnd.checklist.all()),
        "intake_count": visible(user, IntakeItem).filter(round=rnd).count(),
        "can_see_intake": "inspections.view_intakeitem" in permissions_of(user),
    }
    if can_manage:
        people, units = member_choices(user), _target_choices(user, rnd)
        for row in teams:  # one form per team, with ids of its own
            prefix = f"t{row['team'].pk}-%s"
            row["member_form"] = MemberForm(user_choices=people, can_override=False, auto_id=prefix)
            row["target_form"] = TargetForm(unit_choices=units, can_override=False, auto_id=prefix)
        context["team_form"] = TeamForm()
    return render(request, "inspections/round_detail.html", context)


@login_required
@require_POST
def team_create(request: AuthedRequest, round_id: int) -> HttpResponse:
    user = request.user
    rnd = selectors.round_get(user=user, round_id=round_id)
    form = TeamForm(request.POST)
    if form.is_valid():
        team = services.team_create(actor=user, rnd=rnd, name=form.cleaned_data["name"])
        messages.success(request, _("已新建%(t)s。") % {"t": team.name})
        return redirect(reverse("inspections:round", args=[rnd.pk]) + f"#team-{team.pk}")
    messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("inspections:round", round_id=rnd.pk)


def _conflict_refusal(form: Any, exc: ValidationFailed) -> str:
    """A conflict of interest: the whole sentence above the form, the reasons next to the person
    (or, when assigning a unit, a pointer next to the unit)."""
    if exc.code != "conflict_of_interest":
        apply_service_errors(form, exc)
        return ""
    if "user" in form.fields:
        apply_service_errors(form, exc)
    else:
        form.add_error("unit", _("本组成员须回避该单位,原因见上方说明。"))
    return exc.message


@login_required
def member_add(request: AuthedRequest, team_id: int) -> HttpResponse:
    """Puts an inspector on a team; a conflicted one is refused with the reasons, and only the
    director can let them in with a written reason."""
    user = request.user
    team = selectors.team_get(user=user, team_id=team_id)
    rnd = team.round
    require(user, "inspections.manage_round", rnd.term.unit)
    can_override = has(user, "inspections.override_conflict", rnd.term.unit)
    form = MemberForm(posted(request), initial={"user": request.GET.get("user", "")},
                      user_choices=member_choices(user), can_override=can_override)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        person = user_get(user=user, user_id=_int(form.cleaned_data["user"]))
        try:
            services.team_add_member(actor=user, team=team, user=person,
                                     position=form.cleaned_data["position"],
                                     override_reason=form.cleaned_data.get("override_reason", ""))
        except ValidationFailed as exc:
            refusal = _conflict_refusal(form, exc)
        else:
            messages.success(request, _("已将%(n)s加入%(t)s。") % {"n": person.name, "t": team.name})
            return redirect(reverse("inspections:round", args=[rnd.pk]) + f"#team-{team.pk}")
    targets = list(visible(user, Inspection).filter(team=team).select_related("unit"))
    return render(request, "inspections/member_form.html", {
        "form": form, "team": team, "rnd": rnd, "refusal": refusal, "targets": targets,
        "can_override": can_override,
    }, status=_status(form))


@login_required
@require_POST
def member_remove(request: AuthedRequest, member_id: int) -> HttpResponse:
    user = request.user
    member = get_visible(user, TeamMember.objects.select_related("team__round__term__unit", "user"),
                         pk=member_id)
    rnd_id, team = member.team.round_id, member.team
    try:
        services.team_remove_member(actor=user, member=member)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已将%(n)s移出%(t)s。") % {"n": member.user.name, "t": team.name})
    return redirect(reverse("inspections:round", args=[rnd_id]) + f"#team-{team.pk}")


@login_required
def target_add(request: AuthedRequest, team_id: int) -> HttpResponse:
    """Gives a team a target; every member is checked for conflicts with the unit."""
    user = request.user
    team = selectors.team_get(user=user, team_id=team_id)
    rnd = team.round
    require(user, "inspections.manage_round", rnd.term.unit)
    can_override = has(user, "inspections.override_conflict", rnd.term.unit)
    form = TargetForm(posted(request), initial={"unit": request.GET.get("unit", "")},
                      unit_choices=_target_choices(user, rnd), can_override=can_override)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        unit = unit_get(user=user, unit_id=_int(form.cleaned_data["unit"]))
        try:
            insp = services.inspection_assign(
                actor=user, team=team, unit=unit,
                override_reason=form.cleaned_data.get("override_reason", ""))
        except ValidationFailed as exc:
            refusal = _conflict_refusal(form, exc)
        else:
            note = ""
            if insp.previous is not None:
                note = _("(已关联原巡察:%(p)s)") % {"p": insp.previous.round}
            messages.success(request, _("已将“%(u)s”分配给%(t)s。%(n)s")
                             % {"u": unit.name, "t": team.name, "n": note})
            return redirect(reverse("inspections:round", args=[rnd.pk]) + f"#team-{team.pk}")
    members = selectors.team_members(team)
    return render(request, "inspections/target_form.html", {
        "form": form, "team": team, "rnd": rnd, "refusal": refusal, "members": members,
        "can_override": can_override,
    }, status=_status(form))


@login_required
def checklist_edit(request: AuthedRequest, round_id: int) -> HttpResponse:
    """The round's focus checklist ("十二看"); an emptied title removes the item."""
    user = request.user
    rnd = selectors.round_get(user=user, round_id=round_id)
    require(user, "inspections.manage_round", rnd.term.unit)
    if request.GET.get("preset") == "twelve":
        initial = [{"title": t, "guidance": g} for t, g in services.TWELVE_LOOKS]
    else:
        initial = [{"title": i.title, "guidance": i.guidance} for i in rnd.checklist.all()]
    formset = ChecklistFormSet(posted(request), initial=initial, prefix="items")
    error = ""
    if request.method == "POST" and formset.is_valid():
        items = [(f.cleaned_data.get("title", ""), f.cleaned_data.get("guidance", ""))
                 for f in formset.forms]
        try:
            services.round_checklist_set(actor=user, rnd=rnd, items=items)
        except ValidationFailed as exc:
            error = exc.message
        else:
            messages.success(request, _("已保存本轮重点清单。"))
            return redirect(reverse("inspections:round", args=[rnd.pk]) + "#checklist")
    status = 422 if error or (request.method == "POST" and not formset.is_valid()) else 200
    cited = set(rnd.checklist.filter(problems__isnull=False).values_list("number", flat=True))
    return render(request, "inspections/checklist_form.html",
                  {"rnd": rnd, "formset": formset, "error": error, "cited": cited},
                  status=status)


# --- intake ("开单子") ---------------------------------------------------------------------------

def _intake_writer(user: Any, rnd: Round) -> bool:
    return (TeamMember.objects.filter(team__round=rnd, user=user).exists()
            or has(user, "inspections.manage_intake", rnd.term.unit))


def _target_units(user: Any, rnd: Round) -> list[tuple[str, str]]:
    return [(str(i.unit_id), i.unit.name) for i in visible(user, Inspection).filter(round=rnd)
            .select_related("unit").order_by("team__number", "unit__path")]


def _intake_figures(items: list[IntakeItem]) -> list[dict[str, Any]]:
    return [
        {"label": _("收集事项"), "value": len(items)},
        {"label": _("意见建议"), "value": sum(not i.is_supervision_info for i in items),
         "hint": _("商会协会、企业、群众")},
        {"label": _("监督信息"), "value": sum(i.is_supervision_info for i in items),
         "hint": _("纪检、审计、统计、信访等")},
        {"label": _("查实问题"), "value": sum(i.status == IntakeStatus.FOUND for i in items)},
        {"label": _("待核查"), "value": sum(i.status == IntakeStatus.PENDING for i in items)},
    ]


@login_required
def intake(request: AuthedRequest, round_id: int) -> HttpResponse:
    """Everything collected for the round before entry; the office adds items here."""
    user = request.user
    require(user, "inspections.view_intakeitem")
    rnd = selectors.round_get(user=user, round_id=round_id)
    can_add = has(user, "inspections.manage_intake", rnd.term.unit)
    units = _target_units(user, rnd)
    filters = IntakeFilterForm(request.GET or None, unit_choices=units)
    data = filters.cleaned_data if filters.is_valid() else {}
    form = IntakeForm(posted(request) if can_add else None, unit_choices=units)
    if request.method == "POST":
        require(user, "inspections.manage_intake", rnd.term.unit)
        if form.is_valid():
            data_in = form.cleaned_data
            targets = [unit_get(user=user, unit_id=_int(u)) for u in data_in["target_units"]]
            try:
                services.intake_item_create(
                    actor=user, rnd=rnd, source_kind=data_in["source_kind"],
                    source_name=data_in["source_name"], content=data_in["content"],
                    target_units=targets, received_on=data_in["received_on"])
            except ValidationFailed as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("已登记巡前收集事项。"))
                return redirect("inspections:intake", round_id=rnd.pk)
    unit_id = _int(data["unit"]) if data.get("unit") else None
    items = list(selectors.intake_list(user=user, round_id=rnd.pk, unit_id=unit_id))
    figures = _intake_figures(items)
    if data.get("source_kind"):
        items = [i for i in items if i.source_kind == data["source_kind"]]
    if data.get("status"):
        items = [i for i in items if i.status == data["status"]]
    return render(request, "inspections/intake.html", {
        "rnd": rnd, "items": items, "form": form, "filters": filters, "can_add": can_add,
        "can_mark": _intake_writer(user, rnd), "figures": figures,
        "filtered": any(data.values()) if data else False,
    }, status=_status(form))


@login_required
def intake_mark(request: AuthedRequest, item_id: int) -> HttpResponse:
    """The team records what it followed up and what it found (optimistic locking)."""
    user = request.user
    item = get_visible(user, IntakeItem.objects.select_related("round__term__unit")
                       .prefetch_related("target_units"), pk=item_id)
    default = reverse("inspections:intake", args=[item.round_id])
    initial = {"status": item.status, "follow_up_note": item.follow_up_note,
               "version": item.version}
    form = IntakeMarkForm(posted(request), initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.intake_item_mark(actor=user, item=item, status=data["status"],
                                      note=data["follow_up_note"],
                                      expected_version=data["version"])
        except Conflict as exc:
            item = get_visible(user, IntakeItem.objects.select_related("round__term__unit"),
                               pk=item_id)
            conflict = conflict_context(exc, form, item, ("status", "follow_up_note"), data)
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已记录核查情况。"))
            return redirect(_next_url(request, default))
    return render(request, "inspections/intake_mark.html", {
        "item": item, "form": form, "conflict": conflict, "next": _next_url(request, default),
    }, status=_status(form, conflict))


# --- inspections ----------------------------------------------------------------------------------

@login_required
def inspections(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, "inspections.view_inspection")
    round_rows = list(selectors.round_list(user=user)) \
        if "inspections.view_round" in permissions_of(user) else []
    form = InspectionFilterForm(request.GET or None, rounds=round_rows)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.inspection_list(user=user, round_id=form.round_id(),
                                   status=data.get("status") or "")
    if data.get("q"):
        qs = qs.filter(unit__name__icontains=data["q"].strip())
    page = paginate(request, qs)
    mine = set(team_ids(user))
    for insp in page.object_list:
        insp.mine = insp.team_id in mine
    return render(request, "inspections/inspections.html", {
        "form": form, "page": page, "filtered": bool(data and any(data.values())),
        "show_round_filter": bool(round_rows),
    })


@login_required
def inspection_detail(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    user = request.user
    insp = selectors.inspection_get(user=user, inspection_id=inspection_id)
    context = inspection_shell(request, insp, "overview")
    perms = permissions_of(user)
    from xuncha.findings.models import Problem, ProblemState
    from xuncha.reports.models import FeedbackList, ReportVersion

    problems = visible(user, Problem).filter(inspection=insp)
    counts = problems.aggregate(
        active=Count("id", filter=Q(state=ProblemState.ACTIVE)),
        common=Count("id", filter=Q(state=ProblemState.ACTIVE, is_common=True)))
    figures = [{"label": _("有效问题"), "value": counts["active"],
                "url": reverse("findings:problems", kwargs={"inspection_id": insp.pk}),
                "hint": _("其中共性问题 %(n)d 个") % {"n": counts["common"]}}]
    if "leads.view_lead_counts" in perms:
        from xuncha.leads.selectors import lead_counts

        figures.append({"label": _("问题线索"), "value": lead_counts(user=user).get(insp.pk, 0),
                        "hint": _("只显示数量,内容由纪委监委办理"),
                        "url": reverse("leads:inspection", args=[insp.pk])
                        if can_see_leads(user, insp) else ""})
    if context["on_team"] or "inspections.view_intakeitem" in perms:
        n = selectors.intake_list(user=user, round_id=insp.round_id, unit_id=insp.unit_id).count()
        figures.append({"label": _("巡前收集事项"), "value": n,
                        "url": reverse("inspections:inspection_intake", args=[insp.pk])})
    latest = visible(user, ReportVersion).filter(inspection=insp).order_by("-number").first()
    feedback = visible(user, FeedbackList).filter(inspection=insp).first()
    signatures = feedback.signatures.filter(voided_at__isnull=True).count() if feedback else 0
    members = (sorted(visible(user, TeamMember).filter(team=insp.team)
                      .select_related("user", "user__unit"),
                      key=lambda m: (POSITION_ORDER[m.position], m.pk)))
    can_enter = (insp.status == InspectionStatus.PREPARING
                 and has(user, "inspections.manage_round", insp.round.term.unit))
    context.update(
        figures=figures, latest=latest, feedback=feedback, signatures=signatures,
        members=members,
        can_enter=can_enter,
        has_leader=can_enter and insp.team.members.filter(position=Position.LEADER).exists(),
    )
    return render(request, "inspections/inspection_detail.html", context)


@login_required
@require_POST
def inspection_enter(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    """进驻: the office opens the on-site stage."""
    user = request.user
    insp = selectors.inspection_get(user=user, inspection_id=inspection_id)
    try:
        services.inspection_enter(actor=user, inspection=insp)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(t)s已进驻“%(u)s”。") % {"t": insp.team.name, "u": insp.unit.name})
    return redirect("inspections:inspection", inspection_id=insp.pk)


@login_required
def inspection_intake(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    """The intake items of the round that concern this inspection's unit."""
    user = request.user
    insp = selectors.inspection_get(user=user, inspection_id=inspection_id)
    context = inspection_shell(request, insp, "intake")
    if not (context["on_team"] or "inspections.view_intakeitem" in permissions_of(user)):
        raise PermissionDenied(_("您的角色无权执行此操作。"))
    items = list(selectors.intake_list(user=user, round_id=insp.round_id, unit_id=insp.unit_id))
    context.update(items=items, figures=_intake_figures(items),
                   can_mark=_intake_writer(user, insp.round),
                   can_add=has(user, "inspections.manage_intake", insp.round.term.unit))
    return render(request, "inspections/inspection_intake.html", context)


# --- conflict declarations ------------------------------------------------------------------------

@login_required
def conflicts(request: AuthedRequest) -> HttpResponse:
    """Each inspector's own declarations (任职回避、公务回避); the office also sees its people's."""
    user = request.user
    form = ConflictForm(posted(request), unit_choices=declarable_unit_choices(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = declarable_unit(user=user, unit_id=form.unit_id())
        try:
            declaration_add(actor=user, unit=unit, kind=data["kind"],
                            relative_name=data["relative_name"], relation=data["relation"],
                            description=data["description"], period=data["period"])
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已申报与“%(u)s”的回避情形。") % {"u": unit.name})
            return redirect("inspections:conflicts")
    declarations = visible(user, ConflictDeclaration).select_related("unit", "user", "user__unit")
    mine = [d for d in declarations.filter(user=user)]
    others = list(declarations.exclude(user=user).order_by("user__unit__path", "user__name")[:500]) \
        if "inspections.view_conflictdeclaration" in permissions_of(user) else []
    return render(request, "inspections/conflicts.html",
                  {"form": form, "mine": mine, "others": others}, status=_status(form))


@login_required
@require_POST
def conflict_withdraw(request: AuthedRequest, declaration_id: int) -> HttpResponse:
    user = request.user
    d = get_visible(user, ConflictDeclaration.objects.select_related("unit"), pk=declaration_id)
    try:
        declaration_remove(actor=user, declaration=d)
    except PermissionDenied as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤回与“%(u)s”的回避申报。") % {"u": d.unit.name})
    return redirect("inspections:conflicts")
