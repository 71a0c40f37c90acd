"""Pages of rectification (domain.md steps 6–8, 10): the plan under "三不过" and its review, the
ledger with progress, evidence and 对账销号, progress import, sampling, and the rectification
report.

Thin: parse the form, call the service, render. Reads go through the selectors and
``scope.visible`` (missing and not-yours are both 404); writes are the services' decision, the
pages only hide what a role cannot use.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.accounts.scope import get_visible, has, require, visible
from xuncha.accounts.selectors import user_get, user_list
from xuncha.attachments.services import reused_elsewhere
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.core.spreadsheets import XLSX_CONTENT_TYPE
from xuncha.findings.models import Problem, ProblemCategory, ProblemState
from xuncha.inspections.models import Inspection, InspectionStatus, Round
from xuncha.inspections.selectors import inspection_get
from xuncha.organisations.forms import ImportForm, unit_options
from xuncha.organisations.models import Unit, UnitLevel
from xuncha.organisations.rules import rules_for
from xuncha.rectification import excel, ledger, plans, report, selectors
from xuncha.rectification.forms import (
    ClosureForm,
    CompareForm,
    LedgerFilterForm,
    OwnProblemForm,
    PlanEditForm,
    PlanForm,
    ProgressForm,
    ReopenForm,
    ReportForm,
    ReviewForm,
    SampleForm,
    SignoffForm,
    TaskEditForm,
    TaskForm,
    VerifyForm,
)
from xuncha.rectification.measures import check_measure
from xuncha.rectification.models import (
    PlanReview,
    PlanSnapshot,
    PlanStatus,
    ProgressReport,
    RectificationPlan,
    RectificationReport,
    RectificationTask,
    RectReportStatus,
    ReportSignoff,
    ReviewBody,
    SampleDraw,
    SignoffBody,
    TaskStatus,
    Verification,
)
from xuncha.web.forms import apply_service_errors, conflict_context, paginate, posted, uploaded

PLAN = "rectification.view_rectificationplan"
TASK = "rectification.view_rectificationtask"
EDIT = "rectification.edit_plan"
VERIFY = "rectification.verify_closure"
PLAN_FIELDS = ("group_leader", "group_members", "guiding_text", "period_end")
TASK_FIELDS = ("measure", "kind", "deadline", "responsible_leader", "responsible_person",
               "responsible_department", "expected_evidence")
CRITERIA_ORDER = (plans.DIRECTION, plans.MISSING, plans.VAGUE)
DUE_SOON_DAYS = 7  # the ledger's "due soon" filter (selectors.ledger_queryset) uses a week
SNAPSHOT_LABELS = {
    "problem_title": _("问题"), "measure": _("整改措施"), "kind": _("整改类型"),
    "deadline": _("完成时限"), "leader": _("责任领导"), "person": _("具体责任人"),
    "department": _("责任部门"), "evidence": _("应提交的佐证材料"),
}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _status(form: Any, conflict: Any = None) -> int:
    return 409 if conflict else (422 if form.errors else 200)


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _people(user: Any, unit: Unit, *, subtree: bool) -> list[tuple[str, str]]:
    qs = user_list(user=user, under_id=unit.pk) if subtree else user_list(user=user,
                                                                          unit_id=unit.pk)
    return [(str(u.pk), f"{u.name}({u.unit.name})" if u.unit_id != unit.pk else u.name)
            for u in qs.filter(is_active=True)[:500]]


def decorate(tasks: list[RectificationTask]) -> list[RectificationTask]:
    """Overdue / due-soon from the deadline and today (never typed), for the colours of style.md."""
    today = timezone.localdate()
    for t in tasks:
        t.overdue_days = 0
        t.due_in = None
        if t.status != TaskStatus.CLOSED and t.deadline is not None:
            days = (t.deadline - today).days
            if days < 0:
                t.overdue_days = -days
            elif days <= DUE_SOON_DAYS:
                t.due_in = days
        t.state = ("closed" if t.status == TaskStatus.CLOSED else "overdue" if t.overdue_days
                   else "due_soon" if t.due_in is not None else "open")
    return tasks


# --- the plan's shell -----------------------------------------------------------------------------

def _can_edit(user: Any, plan: RectificationPlan) -> bool:
    return plan.status in plans.EDITABLE and has(user, EDIT, plan.unit)


def _latest_snapshot(user: Any, plan: RectificationPlan) -> PlanSnapshot | None:
    return visible(user, PlanSnapshot).filter(plan=plan).order_by("-number").first()


def _body_decisions(user: Any, plan: RectificationPlan,
                    snap: PlanSnapshot | None) -> list[dict[str, Any]]:
    """Each required body's decision on the latest version (all must approve the same one)."""
    required = [b.strip() for b in rules_for(plan.unit).plan_reviewers.split(",") if b.strip()]
    reviews = {r.body: r for r in visible(user, PlanReview).filter(snapshot=snap)
               .select_related("reviewer")} if snap else {}
    return [{"body": ReviewBody(b).label if b in ReviewBody.values else b, "review": reviews.get(b)}
            for b in required]


def plan_shell(request: HttpRequest, plan: RectificationPlan, tab: str) -> dict[str, Any]:
    user = request.user
    pid = plan.pk
    approved = plan.status == PlanStatus.APPROVED
    reviewer = plans.reviewer_body(user, plan)
    tabs = [("plan", _("整改方案"), reverse("rectification:plan", args=[pid])),
            ("versions", _("版本与比较"), reverse("rectification:plan_versions", args=[pid]))]
    if reviewer is not None:
        tabs.append(("review", _("审核"), reverse("rectification:plan_review", args=[pid])))
    if approved:
        tabs.append(("ledger", _("整改台账"), reverse("rectification:ledger") + f"?plan={pid}"))
        if has(user, EDIT, plan.unit):
            tabs.append(("import", _("进展导入"),
                         reverse("rectification:progress_import", args=[pid])))
        if has(user, "rectification.view_rectificationreport", plan.unit):
            tabs.append(("report", _("整改报告"), reverse("rectification:report", args=[pid])))
    return {
        "plan": plan, "tab": tab, "reviewer": reviewer,
        "tabs": [{"key": k, "label": label, "url": url, "active": k == tab}
                 for k, label, url in tabs],
        "can_edit": _can_edit(user, plan),
        "can_see_inspection": visible(user, Inspection).filter(pk=plan.inspection_id).exists(),
    }


def _grouped(details: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The "三不过" findings grouped under the three criteria, in a fixed order."""
    groups = []
    for key in CRITERIA_ORDER:
        items = [d for d in details if d.get("field", d.get("criterion")) == key]
        groups.append({"key": key, "label": plans.CRITERIA[key], "items": items})
    return groups


def _check_details(plan: RectificationPlan) -> list[dict[str, Any]]:
    return [{"field": i.criterion, "criterion": i.criterion_label, "message": i.message,
             "problem": i.problem_number, "task": i.task_number} for i in plans.plan_check(plan)]


def _check_context(plan: RectificationPlan) -> dict[str, Any]:
    details = _check_details(plan)
    return {"check_groups": _grouped(details), "check_count": len(details)}


# --- plans ------------------------------------------------------------------------------------------

@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, PLAN)
    status = request.GET.get("status", "")
    if status not in PlanStatus.values:
        status = ""
    today = timezone.localdate()
    qs = selectors.plan_list(user=user, status=status).annotate(
        task_count=Count("tasks", distinct=True),
        closed_count=Count("tasks", filter=Q(tasks__status=TaskStatus.CLOSED), distinct=True),
        overdue_count=Count("tasks", filter=Q(tasks__deadline__lt=today)
                            & ~Q(tasks__status=TaskStatus.CLOSED), distinct=True))
    page = paginate(request, qs)
    # Inspections in 整改 whose unit has not opened its plan yet.
    waiting = [i for i in visible(user, Inspection).filter(
        status=InspectionStatus.RECTIFYING, plan__isnull=True).select_related("unit", "round")
        .order_by("rectification_started_at")[:50]]
    for i in waiting:
        i.can_open = has(user, EDIT, i.unit)
        due = rules_for(i.unit).plan_due_days
        start = timezone.localdate(i.rectification_started_at) if i.rectification_started_at \
            else today
        i.plan_due = start + timedelta(days=due)
        i.plan_late = i.plan_due < today
    return render(request, "rectification/plans.html", {
        "page": page, "waiting": waiting, "status": status, "statuses": PlanStatus.choices,
    })


@login_required
def plan_open(request: HttpRequest, inspection_id: int) -> HttpResponse:
    user = request.user
    insp = inspection_get(user=user, inspection_id=inspection_id)
    require(user, EDIT, insp.unit)
    if hasattr(insp, "plan"):
        return redirect("rectification:plan", plan_id=insp.plan.pk)
    start = timezone.localdate(insp.rectification_started_at or timezone.now())
    from dateutil.relativedelta import relativedelta

    latest_end = start + relativedelta(months=rules_for(insp.unit).concentrated_months)
    period_help = _("自 %(a)s 起,最晚至 %(b)s(本级规则:集中整改期 %(m)s 个月);留空取最晚日期。") % {
        "a": start, "b": latest_end, "m": rules_for(insp.unit).concentrated_months}
    form = PlanForm(posted(request), people=_people(user, insp.unit, subtree=False),
                    period_help=period_help)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            head = user_get(user=user, user_id=form.first_responsible_id() or -1)
            plan = plans.plan_open(actor=user, inspection=insp, first_responsible=head,
                                   group_leader=data["group_leader"],
                                   group_members=data["group_members"],
                                   guiding_text=data["guiding_text"],
                                   period_end=data["period_end"])
        except (ValidationFailed, Conflict) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("整改方案已建立。请逐条认领问题、制定整改任务。"))
            return redirect("rectification:plan", plan_id=plan.pk)
    return render(request, "rectification/plan_form.html", {
        "form": form, "insp": insp, "period_start": start, "latest_end": latest_end,
    }, status=_status(form))


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id)
    context = plan_shell(request, plan, "plan")
    problems = list(visible(user, Problem).filter(inspection=plan.inspection,
                                                  state=ProblemState.ACTIVE)
                    .select_related("category", "category__parent").order_by("number"))
    tasks = decorate(list(visible(user, RectificationTask).filter(plan=plan)
                          .select_related("responsible_user").order_by("number")))
    by_problem: dict[int, list[RectificationTask]] = {}
    for t in tasks:
        by_problem.setdefault(t.problem_id, []).append(t)
    details = _check_details(plan)
    flagged: dict[int, list[str]] = {}
    for d in details if plan.status != PlanStatus.APPROVED else []:
        if d["problem"] is not None:
            flagged.setdefault(d["problem"], []).append(d["criterion"])
    for p in problems:
        p.plan_tasks = by_problem.get(p.pk, [])
        p.flags = sorted(set(flagged.get(p.number, [])))
    snap = _latest_snapshot(user, plan)
    context.update(
        problems=problems, tasks=tasks, snapshot=snap,
        check_groups=_grouped(details), check_count=len(details),
        decisions=_body_decisions(user, plan, snap),
        unclaimed=sum(1 for p in problems if not p.plan_tasks),
        closed=sum(1 for t in tasks if t.status == TaskStatus.CLOSED),
        overdue=sum(1 for t in tasks if t.overdue_days),
        is_editor=has(user, EDIT, plan.unit),
    )
    return render(request, "rectification/plan.html", context)


@login_required
def plan_check(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The "三不过" panel alone, refreshed by htmx."""
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    return render(request, "rectification/_check_panel.html", {"plan": plan,
                                                                **_check_context(plan)})


@login_required
def measure_check(request: HttpRequest) -> HttpResponse:
    """Whether a measure is specific, as the author types (the same rule as the plan check)."""
    require(request.user, EDIT)
    text = request.GET.get("measure", "")[:2000]
    verdict = check_measure(text) if text.strip() else None
    return render(request, "rectification/_measure_verdict.html", {"verdict": verdict})


@login_required
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id)
    plans.require_unit_editor(user, plan)
    initial = {f: getattr(plan, f) for f in PLAN_FIELDS} | {
        "first_responsible": str(plan.first_responsible_id), "version": plan.version}
    form = PlanEditForm(posted(request), initial=initial,
                        people=_people(user, plan.unit, subtree=False))
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        head = user_get(user=user, user_id=form.first_responsible_id() or -1)
        try:
            plans.plan_update(actor=user, plan=plan, expected_version=version,
                              first_responsible=head, group_leader=data["group_leader"],
                              group_members=data["group_members"],
                              guiding_text=data["guiding_text"], period_end=data["period_end"])
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        except Conflict as exc:
            current = selectors.plan_get(user=user, plan_id=plan_id)
            if current.version != version:
                conflict = conflict_context(exc, form, current, PLAN_FIELDS, data)
            else:
                form.add_error(None, exc.message)
            plan = current
        else:
            messages.success(request, _("已保存整改方案基本信息。"))
            return redirect("rectification:plan", plan_id=plan.pk)
    context = plan_shell(request, plan, "plan")
    context.update(form=form, conflict=conflict, editing=True)
    return render(request, "rectification/plan_form.html", context,
                  status=_status(form, conflict))


def _task_form_context(request: HttpRequest, plan: RectificationPlan, form: Any,
                       problem: Problem) -> dict[str, Any]:
    form.fields["measure"].widget.attrs.update({
        "hx-get": reverse("rectification:measure_check"), "hx-target": "#measure-verdict",
        "hx-trigger": "load, input changed delay:600ms", "hx-swap": "innerHTML",
    })
    context = plan_shell(request, plan, "plan")
    context.update(form=form, problem=problem, **_check_context(plan))
    return context


def _task_values(user: Any, form: Any) -> dict[str, Any]:
    data = form.cleaned_data
    values = {f: data[f] for f in TASK_FIELDS}
    uid = form.responsible_user_id()
    values["responsible_user"] = user_get(user=user, user_id=uid) if uid else None
    return values


@login_required
def task_add(request: HttpRequest, plan_id: int, problem_id: int) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id)
    plans.require_unit_editor(user, plan)
    problem = get_visible(user, Problem.objects.select_related("category"), pk=problem_id,
                          inspection_id=plan.inspection_id)
    form = TaskForm(posted(request), people=_people(user, plan.unit, subtree=True),
                    initial={"deadline": plan.period_end})
    conflict_message = ""
    if request.method == "POST" and form.is_valid():
        try:
            task = plans.task_add(actor=user, plan=plan, problem=problem,
                                  **_task_values(user, form))
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
            conflict_message = exc.message
        else:
            messages.success(request, _("已为第 %(p)s 条问题增加任务 %(t)s。")
                             % {"p": problem.number, "t": task.number})
            if "another" in request.POST:
                return redirect("rectification:task_add", plan_id=plan.pk, problem_id=problem.pk)
            return redirect(reverse("rectification:plan", args=[plan.pk]) + f"#p-{problem.number}")
    context = _task_form_context(request, plan, form, problem)
    return render(request, "rectification/task_form.html", context,
                  status=409 if conflict_message else _status(form))


@login_required
def task_edit(request: HttpRequest, task_id: int) -> HttpResponse:
    user = request.user
    task = selectors.task_get(user=user, task_id=task_id)
    plan = selectors.plan_get(user=user, plan_id=task.plan_id)
    plans.require_unit_editor(user, plan)
    initial = {f: getattr(task, f) for f in TASK_FIELDS} | {
        "responsible_user": str(task.responsible_user_id or ""), "version": task.version}
    form = TaskEditForm(posted(request), initial=initial,
                        people=_people(user, plan.unit, subtree=True))
    conflict = None
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]
        values = _task_values(user, form)
        try:
            plans.task_update(actor=user, task=task, expected_version=version, **values)
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        except Conflict as exc:
            current = selectors.task_get(user=user, task_id=task_id)
            if current.version != version:
                conflict = conflict_context(exc, form, current, TASK_FIELDS, values)
            else:
                form.add_error(None, exc.message)
            task = current
        else:
            messages.success(request, _("已保存任务 %(n)s。") % {"n": task.number})
            return redirect(reverse("rectification:plan", args=[plan.pk])
                            + f"#p-{task.problem.number}")
    context = _task_form_context(request, plan, form, task.problem)
    context.update(task=task, conflict=conflict)
    return render(request, "rectification/task_form.html", context,
                  status=_status(form, conflict))


@login_required
@require_POST
def task_remove(request: HttpRequest, task_id: int) -> HttpResponse:
    user = request.user
    task = selectors.task_get(user=user, task_id=task_id)
    plan_id, number = task.plan_id, task.problem.number
    try:
        plans.task_remove(actor=user, task=task)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除该任务。"))
    return redirect(reverse("rectification:plan", args=[plan_id]) + f"#p-{number}")


@login_required
def problem_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The unit adds a problem it found itself (自查发现)."""
    from xuncha.findings.forms import category_groups

    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id)
    plans.require_unit_editor(user, plan)
    form = OwnProblemForm(posted(request), categories=category_groups(user))
    if request.method == "POST" and form.is_valid():
        category = visible(user, ProblemCategory).filter(pk=form.category_id()).first()
        try:
            if category is None:
                raise ValidationFailed(_("问题类别不存在。"), details=[{"field": "category",
                                                                  "message": ""}])
            problem = plans.plan_add_own_problem(actor=user, plan=plan, category=category,
                                                 title=form.cleaned_data["title"],
                                                 facts=form.cleaned_data["facts"])
        except (ValidationFailed, Conflict) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已增加自查发现的第 %(n)s 条问题,请为它制定整改任务。")
                             % {"n": problem.number})
            return redirect("rectification:task_add", plan_id=plan.pk, problem_id=problem.pk)
    context = plan_shell(request, plan, "plan")
    context.update(form=form)
    return render(request, "rectification/problem_form.html", context, status=_status(form))


@login_required
def plan_submit(request: HttpRequest, plan_id: int) -> HttpResponse:
    """GET: the "三不过" check before submission; POST: submit, or the refusal grouped by criterion."""
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id)
    plans.require_unit_editor(user, plan)
    summary = ""
    status = 200
    if request.method == "POST":
        try:
            snap = plans.plan_submit(actor=user, plan=plan)
        except ValidationFailed as exc:
            details = [d for d in (exc.details or []) if isinstance(d, dict)]
            summary, status = exc.message, 422
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("rectification:plan", plan_id=plan.pk)
        else:
            messages.success(request, _("已报送第%(n)s版,等待巡察办、纪委监委和组织部审核。")
                             % {"n": snap.number})
            return redirect("rectification:plan", plan_id=plan.pk)
    else:
        details = _check_details(plan)
    context = plan_shell(request, plan, "plan")
    context.update(check_groups=_grouped(details), check_count=len(details), summary=summary,
                   task_count=visible(user, RectificationTask).filter(plan=plan).count())
    return render(request, "rectification/plan_submit.html", context, status=status)


def _snapshot_rows(snap: PlanSnapshot) -> list[dict[str, Any]]:
    return sorted(snap.content.get("tasks", []), key=lambda t: (t["problem"], t["number"]))


@login_required
def plan_versions(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id)
    snaps = list(visible(user, PlanSnapshot).filter(plan=plan).select_related("submitted_by")
                 .prefetch_related("reviews__reviewer").order_by("number"))
    numbers = [s.number for s in snaps]
    rows: list[dict[str, Any]] = []
    form = None
    compared = None
    if len(snaps) >= 2:
        data = request.GET if "old" in request.GET else {"old": numbers[-2], "new": numbers[-1]}
        form = CompareForm(data, numbers=numbers)
        if form.is_valid():
            by_number = {s.number: s for s in snaps}
            old, new = by_number[form.cleaned_data["old"]], by_number[form.cleaned_data["new"]]
            compared = (old, new)
            for r in plans.snapshot_compare(old, new):
                r["field_rows"] = [{"label": SNAPSHOT_LABELS.get(f, f),
                                    "before": (r["before"] or {}).get(f, ""),
                                    "after": (r["after"] or {}).get(f, "")}
                                   for f in r["fields"] if f in SNAPSHOT_LABELS]
                rows.append(r)
    context = plan_shell(request, plan, "versions")
    context.update(snapshots=snaps, form=form, rows=rows, compared=compared)
    return render(request, "rectification/plan_versions.html", context)


@login_required
def plan_review(request: HttpRequest, plan_id: int) -> HttpResponse:
    """纪委 / 组织部 / 巡察办: approve or return the latest version with reasons per criterion."""
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id)
    body = plans.reviewer_body(user, plan)
    if body is None:
        raise PermissionDenied(_("只有巡察办、纪委监委和组织部可以审核整改方案。"))
    snap = _latest_snapshot(user, plan)
    form = ReviewForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            review = plans.plan_review(actor=user, plan=plan, **form.cleaned_data)
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已提交%(b)s意见:%(d)s。")
                             % {"b": review.get_body_display(), "d": review.get_decision_display()})
            return redirect("rectification:plan", plan_id=plan.pk)
    reviews = list(visible(user, PlanReview).filter(snapshot__plan=plan)
                   .select_related("snapshot", "reviewer").order_by("-snapshot__number",
                                                                     "decided_at"))
    mine = next((r for r in reviews if snap and r.snapshot_id == snap.pk and r.body == body), None)
    context = plan_shell(request, plan, "review")
    context.update(form=form, snapshot=snap, rows=_snapshot_rows(snap) if snap else [],
                   reviews=reviews, mine=mine, body_label=ReviewBody(body).label,
                   decisions=_body_decisions(user, plan, snap),
                   can_review=plan.status == PlanStatus.SUBMITTED and mine is None,
                   **_check_context(plan))
    return render(request, "rectification/plan_review.html", context, status=_status(form))


# --- the ledger -------------------------------------------------------------------------------------

def _category_choices() -> list[Any]:
    """Top categories (covering their children) and the leaves under them."""
    cats = list(ProblemCategory.objects.filter(is_active=True).select_related("parent")
                .order_by("sort_order", "code"))
    groups: list[Any] = []
    for top in (c for c in cats if c.parent_id is None):
        leaves = [(str(c.pk), c.name) for c in cats if c.parent_id == top.pk]
        groups.append((top.name, [(str(top.pk), _("全部:%(n)s") % {"n": top.name}), *leaves]))
    return groups


def _ledger_filter(request: HttpRequest) -> tuple[LedgerFilterForm, selectors.LedgerFilter]:
    user = request.user
    rounds = [(str(r.pk), str(r)) for r in visible(user, Round).order_by("-entry_date")[:200]]
    form = LedgerFilterForm(request.GET, units=unit_options(user, TASK),
                            categories=_category_choices(), rounds=rounds)
    form.show_rounds = bool(rounds)
    data = form.cleaned_data if form.is_valid() else {}
    f = selectors.LedgerFilter(
        under_id=_int(data.get("under")), plan_id=_int(request.GET.get("plan")),
        status=data.get("status") or "", kind=data.get("kind") or "",
        category_id=_int(data.get("category")), round_id=_int(data.get("round")),
        q=data.get("q") or "")
    return form, f


def _evidence_counts(user: Any, tasks: list[RectificationTask]) -> dict[int, int]:
    from django.contrib.contenttypes.models import ContentType

    from xuncha.attachments.models import Attachment

    ids = [t.pk for t in tasks]
    report_task = dict(visible(user, ProgressReport).filter(task_id__in=ids)
                       .values_list("id", "task_id"))
    counts: dict[int, int] = {}
    rows = Attachment.objects.filter(
        Q(owner_type=ContentType.objects.get_for_model(ProgressReport),
          owner_id__in=list(report_task))
        | Q(owner_type=ContentType.objects.get_for_model(RectificationTask), owner_id__in=ids)
    ).values_list("owner_type__model", "owner_id")
    for model, owner_id in rows:
        task_id = owner_id if model == "rectificationtask" else report_task.get(owner_id)
        if task_id is not None:
            counts[task_id] = counts.get(task_id, 0) + 1
    return counts


@login_required
def ledger_list(request: HttpRequest) -> HttpResponse:
    """整改台账: 50 rows a page from selectors.ledger_page, filters kept in the query string."""
    user = request.user
    require(user, TASK)
    form, f = _ledger_filter(request)
    number = max(_int(request.GET.get("page")) or 1, 1)
    count, rows = selectors.ledger_page(user=user, f=f, offset=(number - 1) * 50, limit=50)
    page = Paginator(range(count), 50).get_page(number)
    if page.number != number:  # past the last page: show the last one
        count, rows = selectors.ledger_page(user=user, f=f, offset=(page.number - 1) * 50,
                                            limit=50)
    tasks = decorate(rows)
    evidence = _evidence_counts(user, tasks)
    for t in tasks:
        t.evidence_count = evidence.get(t.pk, 0)
    plan = selectors.plan_get(user=user, plan_id=f.plan_id) if f.plan_id else None
    return render(request, "rectification/ledger.html", {
        "form": form, "page": page, "tasks": tasks, "plan": plan,
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
        "can_sample": has(user, VERIFY),
    })


@login_required
def ledger_export(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, TASK)
    _form, f = _ledger_filter(request)
    data = excel.export_ledger(user=user, tasks=selectors.ledger_queryset(user=user, f=f),
                               title=_("整改台账"))
    return _xlsx(data, _("整改台账_%(d)s.xlsx") % {"d": timezone.localdate().strftime("%Y%m%d")})


# --- one item of the ledger -------------------------------------------------------------------------

def _timeline(user: Any, task: RectificationTask) -> list[dict[str, Any]]:
    from xuncha.attachments.services import attachments_of

    events: list[dict[str, Any]] = []
    for r in visible(user, ProgressReport).filter(task=task).select_related("reported_by"):
        events.append({"kind": "progress", "at": r.created_at, "obj": r,
                       "files": list(attachments_of(r))})
    for v in visible(user, Verification).filter(task=task).select_related("verifier"):
        events.append({"kind": "verification", "at": v.verified_at, "obj": v})
    return sorted(events, key=lambda e: e["at"], reverse=True)


def _task_page(request: HttpRequest, task: RectificationTask,
               **forms: Any) -> dict[str, Any]:
    user = request.user
    plan = task.plan
    editor = has(user, EDIT, task.unit) and plan.status == PlanStatus.APPROVED
    # The office verifies; never anyone of the unit that asked (the service refuses it too).
    verifier = has(user, VERIFY, task.unit) and not user.unit.path.startswith(task.unit.path)
    open_for_progress = task.status in (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)
    files = list(ledger.evidence_of(task).select_related("uploaded_by"))
    for a in files:
        a.reused = reused_elsewhere(a)
    decorate([task])
    context = {
        "task": task, "plan": plan, "problem": task.problem, "files": files,
        "timeline": _timeline(user, task),
        "can_progress": editor and open_for_progress,
        "can_close": editor and open_for_progress,
        "can_verify": verifier and task.status == TaskStatus.CLOSURE_REQUESTED,
        "can_reopen": verifier and task.status == TaskStatus.CLOSED,
        "progress_form": ProgressForm(initial={"percent": task.progress}),
        "closure_form": ClosureForm(), "verify_form": VerifyForm(), "reopen_form": ReopenForm(),
        "samples": list(visible(user, SampleDraw).filter(tasks=task)),
    }
    context.update(forms)
    return context


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get(user=request.user, task_id=task_id)
    return render(request, "rectification/task.html", _task_page(request, task))


def _task_action(request: HttpRequest, task_id: int, form_class: type, key: str,
                 act: Any, done: str) -> HttpResponse:
    """POST of one of the item's forms: on refusal the page comes back with the input kept."""
    user = request.user
    task = selectors.task_get(user=user, task_id=task_id)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            act(user, task, form.cleaned_data)
        except ValidationFailed as exc:
            if any(isinstance(d, dict) and d.get("field") == "file" for d in exc.details or []):
                form.add_error("files" if "files" in form.fields else None, exc.message)
            else:
                apply_service_errors(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("rectification:task", task_id=task.pk)
        else:
            messages.success(request, done)
            return redirect("rectification:task", task_id=task.pk)
    return render(request, "rectification/task.html", _task_page(request, task, **{key: form}),
                  status=422)


@login_required
@require_POST
def task_progress(request: HttpRequest, task_id: int) -> HttpResponse:
    return _task_action(request, task_id, ProgressForm, "progress_form",
                        lambda u, t, d: ledger.progress_report(
                            actor=u, task=t, text=d["text"], percent=d["percent"],
                            files=d["files"]),
                        _("已报送整改进展。"))


@login_required
@require_POST
def task_closure(request: HttpRequest, task_id: int) -> HttpResponse:
    return _task_action(request, task_id, ClosureForm, "closure_form",
                        lambda u, t, d: ledger.task_request_closure(actor=u, task=t,
                                                                    note=d["note"]),
                        _("已申请销号,等待巡察办核验。"))


@login_required
@require_POST
def task_verify(request: HttpRequest, task_id: int) -> HttpResponse:
    return _task_action(request, task_id, VerifyForm, "verify_form",
                        lambda u, t, d: ledger.task_verify(actor=u, task=t, **d),
                        _("已记录核验结果。"))


@login_required
@require_POST
def task_reopen(request: HttpRequest, task_id: int) -> HttpResponse:
    return _task_action(request, task_id, ReopenForm, "reopen_form",
                        lambda u, t, d: ledger.task_reopen(actor=u, task=t, reason=d["reason"],
                                                           relapse=d["relapse"]),
                        _("已重新打开该事项。"))


# --- progress import ---------------------------------------------------------------------------------

@login_required
def progress_template(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    return _xlsx(excel.progress_template(plan),
                 _("%(u)s_整改进展报送.xlsx") % {"u": plan.unit.short_name or plan.unit.name})


@login_required
def progress_import(request: HttpRequest, plan_id: int) -> HttpResponse:
    """All or nothing: every error listed (工作表/行/列/原因), or every filled row reported."""
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id)
    require(user, EDIT, plan.unit)
    form = ImportForm(posted(request), uploaded(request))
    errors: list[dict[str, Any]] = []
    summary = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            n = excel.import_progress(actor=user, plan=plan, data=upload.read(),
                                      filename=upload.name or "")
        except ValidationFailed as exc:
            errors = [d for d in (exc.details or []) if isinstance(d, dict) and "row" in d]
            summary = exc.message
            if not errors:
                apply_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("导入完成:报送了 %(n)d 条整改进展。") % {"n": n})
            return redirect(reverse("rectification:ledger") + f"?plan={plan.pk}")
    context = plan_shell(request, plan, "import")
    context.update(form=form, errors=errors, summary=summary)
    return render(request, "rectification/progress_import.html", context,
                  status=422 if (errors or form.errors) else 200)


# --- sampling ---------------------------------------------------------------------------------------

@login_required
def samples(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, VERIFY)
    counties = list(visible(user, Unit, VERIFY).filter(level=UnitLevel.COUNTY).order_by("path"))
    form = SampleForm(posted(request), counties=[(str(c.pk), c.name) for c in counties])
    if request.method == "POST" and form.is_valid():
        county = next(c for c in counties if str(c.pk) == form.cleaned_data["county"])
        try:
            draw = ledger.sample_draw(actor=user, county=county,
                                      percent=form.cleaned_data["percent"])
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已从 %(p)d 项已销号事项中抽取 %(n)d 项。")
                             % {"p": draw.population, "n": draw.tasks.count()})
            return redirect("rectification:sample", draw_id=draw.pk)
    default_percent = rules_for(counties[0]).sample_percent if counties else 10
    draws = visible(user, SampleDraw).select_related("county", "drawn_by").annotate(
        size=Count("tasks")).order_by("-drawn_at")
    return render(request, "rectification/samples.html", {
        "form": form, "page": paginate(request, draws), "default_percent": default_percent,
    }, status=_status(form))


@login_required
def sample_detail(request: HttpRequest, draw_id: int) -> HttpResponse:
    user = request.user
    draw = get_visible(user, SampleDraw.objects.select_related("county", "drawn_by"), pk=draw_id)
    tasks = decorate(list(visible(user, RectificationTask).filter(sample_draws=draw)
                          .select_related("problem", "unit").order_by("unit__path", "number")))
    checked = set(visible(user, Verification).filter(task__in=tasks, sampled=True,
                                                     verified_at__gte=draw.drawn_at)
                  .values_list("task_id", flat=True))
    for t in tasks:
        t.checked = t.pk in checked
    return render(request, "rectification/sample.html", {"draw": draw, "tasks": tasks})


# --- the rectification report ----------------------------------------------------------------------

def _report_or_none(user: Any, plan: RectificationPlan) -> RectificationReport | None:
    return visible(user, RectificationReport).filter(plan=plan).first()


def _report_context(request: HttpRequest, plan: RectificationPlan,
                    rpt: RectificationReport | None) -> dict[str, Any]:
    user = request.user
    editor = has(user, EDIT, plan.unit) and plan.status == PlanStatus.APPROVED
    signoffs = list(visible(user, ReportSignoff).filter(report=rpt).select_related("signer")) \
        if rpt else []
    body = report.signoff_body_of(user, rpt) if rpt else None
    signed = {s.body for s in signoffs if s.voided_at is None}
    compiled = rpt.compiled if rpt else report.compile_ledger(plan)
    slots = [{"label": label, "signoff": next((s for s in signoffs if s.body == b
                                               and s.voided_at is None), None)}
             for b, label in SignoffBody.choices]
    return {
        "report": rpt, "signoffs": signoffs, "slots": slots,
        "voided": [s for s in signoffs if s.voided_at is not None],
        "can_write": editor and (rpt is None or rpt.status in (RectReportStatus.DRAFT,
                                                               RectReportStatus.SIGNING)),
        "can_send": editor and rpt is not None and rpt.status == RectReportStatus.DRAFT,
        "can_sign": body is not None and rpt is not None
        and rpt.status == RectReportStatus.SIGNING and body not in signed,
        "sign_body": SignoffBody(body).label if body else "",
        "can_receive": rpt is not None and rpt.status == RectReportStatus.SUBMITTED
        and has(user, VERIFY, plan.unit),
        "compiled": compiled,
        "status_rows": [(label, compiled.get("tasks_by_status", {}).get(k, 0))
                        for k, label in TaskStatus.choices],
    }


@login_required
def report_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id)
    require(user, "rectification.view_rectificationreport", plan.unit)
    rpt = _report_or_none(user, plan)
    context = plan_shell(request, plan, "report")
    context.update(_report_context(request, plan, rpt))
    initial = ({"unit_text": rpt.unit_text, "head_text": rpt.head_text,
                "public_text": rpt.public_text} if rpt else
               {"public_text": report.public_summary(plan)})
    form = ReportForm(posted(request), initial=initial)
    if request.method == "POST":
        if not context["can_write"]:
            raise PermissionDenied(_("您的角色无权执行此操作。"))
        if form.is_valid():
            try:
                report.rect_report_save(actor=user, plan=plan, **form.cleaned_data)
            except ValidationFailed as exc:
                apply_service_errors(form, exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已保存整改报告。"))
                return redirect("rectification:report", plan_id=plan.pk)
    context.update(form=form, sign_form=SignoffForm(initial={
        "content_hash": rpt.content_hash if rpt else ""}))
    return render(request, "rectification/report.html", context, status=_status(form))


def _report_action(request: HttpRequest, plan_id: int, act: Any, done: str) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id)
    rpt = selectors.report_get(user=user, plan_id=plan.pk)
    try:
        act(user, rpt)
    except (Conflict, ValidationFailed) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("rectification:report", plan_id=plan.pk)


@login_required
@require_POST
def report_send(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _report_action(request, plan_id,
                          lambda u, r: report.rect_report_send_for_signoff(actor=u, report=r),
                          _("已送纪委监委、组织部会签。"))


@login_required
@require_POST
def report_signoff(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Signs the content the signer was shown: the form carries its SM3 hash."""
    form = SignoffForm(request.POST)

    def act(user: Any, rpt: RectificationReport) -> None:
        if not form.is_valid():
            raise Conflict(_("会签信息不完整,请刷新页面后核对报告再会签。"))
        report.rect_report_signoff(actor=user, report=rpt,
                                   expected_hash=form.cleaned_data["content_hash"],
                                   opinion=form.cleaned_data["opinion"])

    return _report_action(request, plan_id, act, _("已会签。"))


@login_required
@require_POST
def report_receive(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _report_action(request, plan_id,
                          lambda u, r: report.rect_report_receive(actor=u, report=r),
                          _("已接收整改报告。"))


@login_required
def report_print(request: HttpRequest, plan_id: int, public: bool = False) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id)
    rpt = selectors.report_get(user=user, plan_id=plan.pk)
    context = {"plan": plan, **_report_context(request, plan, rpt)}
    template = "rectification/print_public.html" if public else "rectification/print_report.html"
    return render(request, template, context)


@login_required
def report_print_public(request: HttpRequest, plan_id: int) -> HttpResponse:
    return report_print(request, plan_id, public=True)
